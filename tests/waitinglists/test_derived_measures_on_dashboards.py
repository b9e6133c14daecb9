"""After an import each team has weekly and monthly derived measures, shown on its dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from whatmatters.framework.measures.results import results_for
from whatmatters.framework.models import DataSource, Frequency, Measure, Value
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

WAITS = (
    "referrals",
    "waiting-list",
    "waiting-over-standard",
    "median-completed-wait",
    "completed-within-standard",
    "waiting-within-standard",
    "dna-rate",
)
WARD = ("admissions", "discharges", "occupancy", "length-of-stay")


def test_every_waiting_list_measure_exists_weekly_and_monthly_with_values(imported: dict[str, Any]) -> None:
    team = imported["CERT"]
    measures = {m.code: m for m in Measure.objects.filter(team=team, data_source=DataSource.WAITING_LIST)}
    for code in WAITS:
        weekly, monthly = measures[f"wl-{code}-weekly"], measures[f"wl-{code}-monthly"]
        assert weekly.frequency == Frequency.WEEKLY and monthly.frequency == Frequency.MONTHLY
        weeks, months = (Value.objects.filter(measure=m).count() for m in (weekly, monthly))
        assert weeks > months > 0
    assert "28 days" in measures["wl-waiting-over-standard-weekly"].description


def test_every_ward_measure_exists_weekly_and_monthly_for_the_ward(imported: dict[str, Any]) -> None:
    codes = set(
        Measure.objects.filter(team=imported["OAWARD"], data_source=DataSource.WAITING_LIST).values_list(
            "code", flat=True
        )
    )
    assert {f"wl-{c}-{p}" for c in WARD for p in ("weekly", "monthly")} <= codes
    occupancy = Value.objects.filter(measure__team=imported["OAWARD"], measure__code="wl-occupancy-monthly")
    assert all(v.denominator and 0 <= v.shown <= 100 for v in occupancy)


def test_ratios_keep_numerator_and_denominator_and_empty_periods_are_blank_not_zero(
    imported: dict[str, Any],
) -> None:
    team = imported["CERT"]
    for value in Value.objects.filter(measure__team=team, measure__code="wl-dna-rate-weekly"):
        assert value.denominator and value.numerator <= value.denominator
    completed = Value.objects.filter(measure__team=team, measure__code="wl-completed-within-standard-weekly")
    assert all(v.denominator for v in completed)  # weeks with no completed waits are left out


def test_weekly_values_start_on_mondays_and_monthly_on_the_first(imported: dict[str, Any]) -> None:
    team = imported["CERT"]
    weekly = Value.objects.filter(measure__team=team, measure__code="wl-referrals-weekly")
    monthly = Value.objects.filter(measure__team=team, measure__code="wl-referrals-monthly")
    assert all(v.period.weekday() == 0 for v in weekly)
    assert all(v.period.day == 1 for v in monthly)
    assert sum(v.value for v in weekly) >= sum(v.value for v in monthly) > 0


def test_the_derived_measures_get_spc_results_like_any_other_measure(imported: dict[str, Any]) -> None:
    items = results_for(imported["CERT"])
    analysed = {i.measure.code for i in items if i.result is not None}
    assert {"wl-waiting-list-weekly", "wl-referrals-monthly", "wl-dna-rate-weekly"} <= analysed


def test_the_team_dashboard_shows_the_derived_measures(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.STAFF, imported["CERT"]))
    page = client.get("/teams/team-a/dashboard/").content.decode()
    assert "People waiting (weekly)" in page and "Missed appointments (monthly)" in page
    ward_client = client_for(make_user(Role.STAFF, imported["OAWARD"]))
    ward = ward_client.get("/teams/team-b/dashboard/").content.decode()
    assert "Bed occupancy (weekly)" in ward
