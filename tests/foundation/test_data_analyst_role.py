"""A data analyst brings the numbers in: imports values and waiting-list extracts and reads import histories,
but neither moderates nor edits the plan. Held in a team, or organisation-wide (extracts need that)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.framework.factories import make_aim, make_domain, make_measure
from whatmatters.engagement import actions as engagement
from whatmatters.engagement.models import EngagementSession
from whatmatters.flow.synthetic import generate
from whatmatters.framework.models import Aim, Measure, Value, ValueImport
from whatmatters.teams.models import Membership, Team
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport, Referral

pytestmark = pytest.mark.django_db

VALUES_CSV = b"measure,team,period,value\nwait-days,team-a,2024-01-01,42\nwait-days,team-a,2024-02-01,40\n"


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("analyst-extract")
    generate(out, teams=["community-recovery"], years=0.5, seed=3, start=date(2023, 4, 3))
    return out


@pytest.fixture
def measure(programme: Any) -> Measure:
    domain = make_domain(programme.team_a)
    return make_measure(programme.team_a, domain, aim=make_aim(programme.team_a, domain))


@pytest.fixture
def team_analyst(programme: Any, make_user: Any) -> Any:
    return make_user(Role.DATA_ANALYST, programme.team_a)


@pytest.fixture
def organisation_analyst(make_user: Any) -> Any:
    return make_user(Role.DATA_ANALYST)


def import_values(client: Any, team: str = "team-a") -> Any:
    """Upload the file, then press "Save these values" on its preview."""
    response = client.post(
        reverse("value_import", kwargs={"team": team}),
        {"file": SimpleUploadedFile("values.csv", VALUES_CSV, content_type="text/csv")},
    )
    record = ValueImport.objects.filter(team__slug=team).order_by("-pk").first()
    if record is None:
        return response  # refused
    return client.post(reverse("value_import_confirm", kwargs={"team": team, "pk": record.pk}), follow=True)


def upload_extract(client: Any, folder: Path) -> Any:
    data: dict[str, Any] = {"extract_date": "2023-10-02", "team_map": "CERT=team-a"}
    handles = []
    for name in ("referrals", "contacts", "ward_stays", "clock_pauses"):
        path = folder / f"{name}.csv"
        if path.is_file():
            handles.append(path.open("rb"))
            data[name] = handles[-1]
    try:
        return client.post(reverse("waiting_list_import"), data)
    finally:
        for handle in handles:
            handle.close()


def test_a_team_data_analyst_imports_values_and_reads_the_import_history(
    measure: Measure, team_analyst: Any, client_for: Any
) -> None:
    client = client_for(team_analyst)
    response = import_values(client)
    record = ValueImport.objects.get()
    assert record.status == ValueImport.Status.SAVED and record.uploaded_by == team_analyst
    assert Value.objects.filter(measure=measure).count() == 2
    assert "2 new" in response.content.decode()
    history = client.get(reverse("value_import", kwargs={"team": "team-a"})).content.decode()
    assert "values.csv" in history


def test_a_team_data_analyst_types_a_value_on_the_enter_data_page(
    measure: Measure, team_analyst: Any, client_for: Any
) -> None:
    response = client_for(team_analyst).get(reverse("value_entry_index", kwargs={"team": "team-a"}))
    assert response.status_code == 200


def test_a_team_data_analyst_cannot_import_values_for_another_team(
    programme: Any, measure: Measure, team_analyst: Any, client_for: Any
) -> None:
    assert import_values(client_for(team_analyst), team="team-b").status_code == 404
    assert not ValueImport.objects.exists()


def test_an_organisation_wide_data_analyst_uploads_a_waiting_list_extract(
    programme: Any, extract: Path, organisation_analyst: Any, client_for: Any
) -> None:
    programme.team_a.service_type = Team.ServiceType.COMMUNITY
    programme.team_a.save()
    client = client_for(organisation_analyst)
    response = upload_extract(client, extract)
    job = ExtractImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    assert job.status == ExtractImport.Status.SAVED
    assert Referral.objects.filter(team=programme.team_a).exists()
    assert client.get(reverse("waiting_list_imports")).status_code == 200
    assert client.get(reverse("waiting_list_import_detail", kwargs={"pk": job.pk})).status_code == 200


def test_an_organisation_wide_data_analyst_imports_values_for_any_team(
    measure: Measure, organisation_analyst: Any, client_for: Any
) -> None:
    import_values(client_for(organisation_analyst))
    assert Value.objects.filter(measure=measure).count() == 2


def test_a_team_data_analyst_cannot_upload_an_extract_that_holds_other_teams_rows(
    extract: Path, team_analyst: Any, client_for: Any
) -> None:
    client = client_for(team_analyst)
    assert upload_extract(client, extract).status_code == 403
    assert client.get(reverse("waiting_list_imports")).status_code == 403
    assert not ExtractImport.objects.exists()


@pytest.mark.parametrize("who", ["team_analyst", "organisation_analyst"])
def test_a_data_analyst_may_not_moderate(
    who: str, programme: Any, request: pytest.FixtureRequest, client_for: Any
) -> None:
    client = client_for(request.getfixturevalue(who))
    session = EngagementSession.objects.create(
        team=programme.team_a, title="Drop-in", held_on=date(2025, 6, 3)
    )
    statement = engagement.arrive(session, "Being listened to", relationship="service_user")
    assert client.get(reverse("moderate", kwargs={"team": "team-a"})).status_code == 403
    url = reverse("moderate_statement", kwargs={"team": "team-a", "pk": statement.pk})
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.get(reverse("moderation")).status_code == 403
    statement.refresh_from_db()
    assert statement.status == "pending"


@pytest.mark.parametrize("who", ["team_analyst", "organisation_analyst"])
def test_a_data_analyst_may_not_edit_the_plan(
    who: str, measure: Measure, request: pytest.FixtureRequest, client_for: Any
) -> None:
    client = client_for(request.getfixturevalue(who))
    team = {"team": "team-a"}
    aim = measure.aim
    assert client.get(reverse("aim_create", kwargs=team)).status_code == 403
    assert (
        client.post(reverse("aim_edit", kwargs={**team, "pk": aim.pk}), {"what": "Changed"}).status_code
        == 403
    )
    assert client.get(reverse("measure_create", kwargs=team)).status_code == 403
    edit = reverse("measure_edit", kwargs={**team, "pk": measure.pk})
    assert client.post(edit, {"name": "Changed"}).status_code == 403
    assert client.post(reverse("driver_add", kwargs={**team, "pk": aim.pk}), {"text": "X"}).status_code == 403
    assert Aim.objects.get(pk=aim.pk).what == aim.what
    assert Measure.objects.get(pk=measure.pk).name == measure.name


def test_a_team_data_analyst_gets_not_found_for_another_teams_plan(
    programme: Any, team_analyst: Any, client_for: Any
) -> None:
    client = client_for(team_analyst)
    assert client.get(reverse("plan", kwargs={"team": "team-b"})).status_code == 404
    assert client.get(reverse("value_import", kwargs={"team": "team-b"})).status_code == 404


def test_a_data_analyst_can_be_organisation_wide_but_a_viewer_cannot(programme: Any, make_user: Any) -> None:
    from django.core.exceptions import ValidationError

    analyst = make_user(None)
    Membership(user=analyst, team=None, role=Role.DATA_ANALYST).full_clean()
    with pytest.raises(ValidationError, match="data analyst"):
        Membership(user=analyst, team=None, role=Role.VIEWER).full_clean()
