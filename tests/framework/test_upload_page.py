"""The upload page runs the import as a django.tasks task and shows its progress and every problem."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.framework.test_importing_values import GOOD, csv_bytes
from whatmatters.framework.models import Value, ValueImport
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def upload(client: Any, data: bytes, name: str = "values.csv", **extra: Any) -> Any:
    return client.post(
        reverse("value_import", kwargs={"team": "team-a"}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra},
        follow=True,
    )


def confirm(client: Any, record: ValueImport, **extra: Any) -> Any:
    return client.post(
        reverse("value_import_confirm", kwargs={"team": "team-a", "pk": record.pk}), extra, follow=True
    )


def test_an_uploaded_file_is_saved_by_the_task_after_save_these_values_and_the_page_reports_it(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])
    upload(client, csv_bytes(*GOOD))
    response = confirm(client, ValueImport.objects.get())
    text = response.content.decode()
    record = ValueImport.objects.get()
    assert record.status == ValueImport.Status.SAVED
    assert (record.rows_done, record.rows_total, record.uploaded_by) == (4, 4, people[Role.STAFF])
    assert "4 rows checked: 4 new" in text
    assert 'http-equiv="refresh"' not in text  # finished: the page stops refreshing
    assert Value.objects.count() == 4


def test_a_bad_upload_lists_row_column_and_reason_and_saves_nothing(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    response = upload(
        client_for(people[Role.STAFF]), csv_bytes(GOOD[0], "wait-days,team-a,01/03/2024,=1+1,,,")
    )
    text = response.content.decode()
    assert ValueImport.objects.get().status == ValueImport.Status.REJECTED
    assert "Nothing was saved" in text
    assert "Formulas are not allowed" in text and "YYYY-MM-DD" in text
    assert Value.objects.count() == 0


def test_an_upload_saves_nothing_until_the_person_presses_save_these_values(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    text = upload(client_for(people[Role.STAFF]), csv_bytes(*GOOD)).content.decode()
    assert ValueImport.objects.get().status == ValueImport.Status.PREVIEW
    assert "Save these values" in text and "Nothing has been saved yet" in text
    assert Value.objects.count() == 0


def test_a_waiting_import_page_refreshes_itself_to_show_progress(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any, programme: Any
) -> None:
    record = ValueImport.objects.create(
        team=programme.team_a, file_name="big.csv", content=b"", rows_total=10, rows_done=4
    )
    text = (
        client_for(people[Role.STAFF])
        .get(reverse("value_import_detail", kwargs={"team": "team-a", "pk": record.pk}))
        .content.decode()
    )
    assert 'http-equiv="refresh"' in text and "4 of 10 rows checked" in text


def test_another_teams_import_is_not_found(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any, programme: Any
) -> None:
    record = ValueImport.objects.create(team=programme.team_b, file_name="b.csv", content=b"")
    response = client_for(people[Role.STAFF]).get(
        reverse("value_import_detail", kwargs={"team": "team-a", "pk": record.pk})
    )
    assert response.status_code == 404


def test_the_upload_page_refuses_rows_for_another_team(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    text = upload(
        client_for(people[Role.STAFF]), csv_bytes("wait-days,team-b,2024-01-01,4,,,")
    ).content.decode()
    assert "You cannot import values for" in text
    assert Value.objects.count() == 0


def test_the_example_file_lists_the_teams_measures(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.STAFF]).get(reverse("value_import_example", kwargs={"team": "team-a"}))
    text = response.content.decode()
    assert text.startswith("measure,team,period,value,numerator,denominator,note")
    assert "wait-days,team-a," in text and "seen-in-2-weeks,team-a," in text
