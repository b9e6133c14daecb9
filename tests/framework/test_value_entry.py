"""Manual entry: one form per team and period for all its manual measures; errors keep what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from whatmatters.audit.models import AuditEvent
from whatmatters.framework.models import Value
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def url(period: str = "2024-03-01", frequency: str = "monthly") -> str:
    return reverse("value_entry", kwargs={"team": "team-a", "frequency": frequency, "period": period})


def test_the_form_has_every_manual_measure_of_that_frequency_with_numerator_and_denominator_where_needed(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    page = client_for(people[Role.STAFF]).get(url()).content.decode()
    assert "Median wait in days" in page and "Seen within 2 weeks" in page
    assert f'name="m{plan["wait"].pk}_value"' in page
    assert (
        f'name="m{plan["ratio"].pk}_numerator"' in page and f'name="m{plan["ratio"].pk}_denominator"' in page
    )
    assert "Check-in calls" not in page  # weekly: on the weekly form
    assert "Enter data for March 2024" in page


def test_staff_save_a_period_and_changing_a_value_is_audited(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])
    w, r = plan["wait"].pk, plan["ratio"].pk
    response = client.post(url(), {f"m{w}_value": "41", f"m{r}_numerator": "9", f"m{r}_denominator": "12"})
    assert response.status_code == 302
    assert Value.objects.get(measure=plan["wait"], period=dt.date(2024, 3, 1)).value == 41
    assert Value.objects.get(measure=plan["ratio"]).denominator == 12
    client.post(url(), {f"m{w}_value": "39", f"m{r}_numerator": "9", f"m{r}_denominator": "12"})
    event = AuditEvent.objects.filter(action="update", object_type="framework.value").get()
    assert event.changes["value"] == [41.0, 39.0]
    assert event.actor == people[Role.STAFF]


def test_a_form_with_errors_saves_nothing_and_keeps_everything_typed(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    w, r = plan["wait"].pk, plan["ratio"].pk
    response = client_for(people[Role.STAFF]).post(
        url(),
        {f"m{w}_value": "41", f"m{r}_numerator": "30", f"m{r}_denominator": "12", f"m{w}_note": "busy month"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "larger than the denominator" in text
    assert (
        'value="41"' in text
        and 'value="30"' in text
        and 'value="12"' in text
        and 'value="busy month"' in text
    )
    assert Value.objects.count() == 0


def test_text_and_formulas_are_refused_in_the_form_too(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    w = plan["wait"].pk
    text = client_for(people[Role.STAFF]).post(url(), {f"m{w}_value": "=1+1"}).content.decode()
    assert "Formulas are not allowed" in text
    assert Value.objects.count() == 0


def test_a_period_that_is_not_a_period_start_is_not_found(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])
    assert client.get(url("2024-03-05")).status_code == 404
    assert client.get(url("2024-03-05", "weekly")).status_code == 404  # a Tuesday
    assert client.get(url("2024-03-04", "weekly")).status_code == 200  # a Monday
    assert client.get(url("2024-03-01", "daily")).status_code == 404


def test_the_entry_list_shows_missing_values_per_period(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    page = (
        client_for(people[Role.STAFF])
        .get(reverse("value_entry_index", kwargs={"team": "team-a"}))
        .content.decode()
    )
    assert "Missing 2" in page
    assert "the week starting" in page


def test_viewers_cannot_enter_data(plan: dict[str, Any], people: dict[str, Any], client_for: Any) -> None:
    response = client_for(people[Role.VIEWER]).post(url(), {f"m{plan['wait'].pk}_value": "41"})
    assert response.status_code == 403
    assert Value.objects.count() == 0
