"""Counts of approved excellence reports per team and per domain become framework measures (data source
"Excellence reports"), refreshed when a report is approved or rejected, and by `whatmatters learning`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from whatmatters.framework.models import DataSource, Measure, Value
from whatmatters.learning import actions
from whatmatters.learning.models import ExcellenceReport

TODAY = dt.date(2025, 6, 15)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def report(team: Any, day: dt.date, domain: Any = None, status: str = "approved") -> ExcellenceReport:
    return ExcellenceReport.objects.create(
        team=team, text="Kind", status=status, created_at=at(day), domain=domain
    )


def values(measure: Measure) -> dict[dt.date, float]:
    return dict(Value.objects.filter(measure=measure).values_list("period", "value"))


def test_counts_per_month_become_the_teams_excellence_measure(programme: Any, domain: Any) -> None:
    team = programme.team_a
    report(team, dt.date(2025, 3, 2))
    report(team, dt.date(2025, 3, 20), domain)
    report(team, dt.date(2025, 5, 9), domain)
    report(team, dt.date(2025, 5, 10), status="rejected")
    report(team, dt.date(2025, 5, 11), status="held")
    actions.refresh_excellence_measures(team, today=TODAY)
    total = Measure.objects.get(team=team, code=actions.EXCELLENCE_CODE)
    assert total.data_source == DataSource.EXCELLENCE
    assert (total.chart, total.direction, total.frequency) == ("c", "increase", "monthly")
    assert values(total) == {dt.date(2025, 3, 1): 2.0, dt.date(2025, 4, 1): 0.0, dt.date(2025, 5, 1): 1.0}
    assert list(total.domains.all()) == [domain]


def test_each_domain_with_reports_gets_its_own_count(programme: Any, domain: Any) -> None:
    team = programme.team_a
    report(team, dt.date(2025, 3, 2))
    report(team, dt.date(2025, 3, 20), domain)
    report(team, dt.date(2025, 5, 9), domain)
    actions.refresh_excellence_measures(team, today=TODAY)
    by_domain = Measure.objects.get(team=team, code=f"{actions.EXCELLENCE_CODE}-domain-{domain.pk}")
    assert by_domain.name == "Excellence reports: I am listened to"
    assert values(by_domain) == {dt.date(2025, 3, 1): 1.0, dt.date(2025, 4, 1): 0.0, dt.date(2025, 5, 1): 1.0}


def test_teams_are_counted_apart(programme: Any) -> None:
    report(programme.team_a, dt.date(2025, 5, 1))
    report(programme.team_b, dt.date(2025, 5, 1))
    report(programme.team_b, dt.date(2025, 5, 2))
    for team in (programme.team_a, programme.team_b):
        actions.refresh_excellence_measures(team, today=TODAY)
    a = Measure.objects.get(team=programme.team_a, code=actions.EXCELLENCE_CODE)
    b = Measure.objects.get(team=programme.team_b, code=actions.EXCELLENCE_CODE)
    assert values(a) == {dt.date(2025, 5, 1): 1.0}
    assert values(b) == {dt.date(2025, 5, 1): 2.0}


def test_approving_and_rejecting_refresh_the_count_by_themselves(
    programme: Any, people: dict[str, Any]
) -> None:
    from whatmatters.teams.roles import Role

    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    first = report(programme.team_a, last_month, status="pending")
    second = report(programme.team_a, last_month, status="held")
    actions.approve(first, people[Role.FACULTY])
    measure = Measure.objects.get(team=programme.team_a, code=actions.EXCELLENCE_CODE)
    assert values(measure) == {last_month.replace(day=1): 1.0}
    actions.approve(second, people[Role.FACULTY])
    assert values(measure) == {last_month.replace(day=1): 2.0}
    actions.reject(first, people[Role.FACULTY])
    assert values(measure) == {last_month.replace(day=1): 1.0}


def test_a_month_is_counted_once_it_has_ended(programme: Any) -> None:
    actions.arrive(programme.team_a, "A calm handover")  # this month: not over yet
    measure = Measure.objects.get(team=programme.team_a, code=actions.EXCELLENCE_CODE)
    assert values(measure) == {}
    next_month = (timezone.localdate().replace(day=28) + dt.timedelta(days=7)).replace(day=2)
    actions.refresh_excellence_measures(programme.team_a, today=next_month)
    assert values(measure) == {timezone.localdate().replace(day=1): 1.0}


def test_refreshing_again_changes_nothing(programme: Any, domain: Any) -> None:
    report(programme.team_a, dt.date(2025, 3, 2), domain)
    assert actions.refresh_excellence_measures(programme.team_a, today=TODAY) > 0
    assert actions.refresh_excellence_measures(programme.team_a, today=TODAY) == 0


def test_a_team_with_no_reports_gets_no_measure(programme: Any) -> None:
    assert actions.refresh_excellence_measures(programme.team_a, today=TODAY) == 0
    assert not Measure.objects.filter(data_source=DataSource.EXCELLENCE).exists()


def test_the_command_fills_quiet_months_with_zero(programme: Any) -> None:
    report(programme.team_a, dt.date(2020, 1, 5))
    out = StringIO()
    call_command("learning", "refresh", "--team", "team-a", stdout=out)
    assert "team-a:" in out.getvalue()
    measure = Measure.objects.get(team=programme.team_a, code=actions.EXCELLENCE_CODE)
    counts = values(measure)
    assert counts[dt.date(2020, 1, 1)] == 1.0
    assert len(counts) > 12 and sum(counts.values()) == 1.0


def test_the_command_refuses_an_unknown_team(programme: Any) -> None:
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no team"):
        call_command("learning", "refresh", "--team", "nope", stdout=StringIO())


def test_the_excellence_count_is_a_row_not_a_column_of_the_programme_matrix(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    for team in (programme.team_a, programme.team_b):
        report(team, dt.date(2025, 5, 1))
        actions.refresh_excellence_measures(team, today=TODAY)
    from whatmatters.teams.roles import Role

    page = client_for(people[Role.VIEWER]).get("/programme/dashboard/").content.decode()
    assert '<th scope="row" class="nhsuk-table__header">Excellence reports</th>' not in page
