"""`whatmatters demo` gives each phase-1 team a measurement plan with charts that tell a story."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from whatmatters.audit.models import AuditEvent
from whatmatters.framework.demo import PLANS
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.models import (
    Aim,
    Annotation,
    ChangeIdea,
    Domain,
    Driver,
    Measure,
    Value,
)
from whatmatters.teams.models import Membership, Team
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Domain, Aim, Driver, ChangeIdea, Measure, Value, Annotation, AuditEvent)
    }


def test_each_phase_1_team_has_5_to_8_measures_with_24_periods_and_real_signals() -> None:
    call_command("demo", stdout=StringIO())
    for slug in ("cert", "older-adults-ward", "eip"):
        team = Team.objects.get(slug=slug)
        # The plan the demo writes by hand; waiting-list and survey measures are derived and tested apart.
        planned = {m.code for m in PLANS[slug].measures}
        items = [i for i in results_for(team) if i.measure.code in planned]
        assert 5 <= len(items) <= 8, slug
        assert all(len(item.values) >= 24 for item in items), slug
        assert all(item.measure.domains.exists() for item in items), slug
        signals = [
            i for i in items if i.result.variation and i.result.variation.committee.startswith("Improving")
        ]
        assert signals, f"{slug} has no improving chart"
        assert any(a.new_baseline for i in items for a in i.annotations), slug
        assert sum(len(i.annotations) for i in items) >= 3, slug
        assert any(m.measure_type == "balancing" for m in Measure.objects.filter(team=team)), slug
        assert Driver.objects.filter(aim__team=team, parent__isnull=False).exists(), slug
        assert any(len(i.result.groups) == 2 for i in items), f"{slug}: no chart with a new baseline"
    assert any(
        i.result.variation.committee.startswith("Concern")
        for slug in ("cert", "older-adults-ward")
        for i in results_for(Team.objects.get(slug=slug))
    )


def test_running_the_demo_twice_adds_no_plans_values_or_audit_events() -> None:
    call_command("demo", stdout=StringIO())
    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first


def test_the_demo_shares_most_measures_with_the_programme_and_keeps_a_few_in_their_teams() -> None:
    from whatmatters.framework.demo import KEPT_IN_TEAM

    call_command("demo", stdout=StringIO())
    all_measures = Measure.objects.select_related("team")
    kept = {(m.team.slug, m.code) for m in all_measures if not m.shared_with_programme}
    assert kept == KEPT_IN_TEAM
    assert Measure.objects.shared_with_programme().count() >= 20
    # A team lead's choice survives running the demo again.
    cert = Team.objects.get(slug="cert")
    stopped = Measure.objects.for_team(cert).shared_with_programme().first()
    stopped.shared_with_programme = False
    stopped.save()
    call_command("demo", stdout=StringIO())
    stopped.refresh_from_db()
    assert not stopped.shared_with_programme


def _demo_item(slug: str, code: str) -> Any:
    team = Team.objects.get(slug=slug)
    (item,) = results_for(team, [Measure.objects.get(team=team, code=code)])
    return item


def test_the_demo_has_a_measure_with_a_planned_monthly_reduction_that_its_page_and_reports_show() -> None:
    call_command("demo", stdout=StringIO())
    item = _demo_item("cert", "median-wait-days")
    rows = list(item.measure.targets.order_by("starts"))
    assert len(rows) == 14 and all(row.label == "" for row in rows)
    assert [b.value - a.value for a, b in zip(rows, rows[1:], strict=False)] == [-1.0] * 13
    target = item.result.target
    assert target[0] == 38.0 and target[-1] == rows[-1].value == 24.0  # judged against the month's target
    shown = shown_for(item, outside_team=False)
    assert any(s.startswith("The planned reduction for") for s in shown.committee)
    assert "Planned reduction" in shown.svg


def test_the_demo_has_a_measure_with_a_national_standard_and_a_local_ambition() -> None:
    call_command("demo", stdout=StringIO())
    item = _demo_item("eip", "eip-2-week-wait")
    assert item.measure.target_label == "National standard" and item.measure.target == 60.0
    assert [label for label, _ in item.result.target_lines] == ["National standard", "Local ambition"]
    shown = shown_for(item, outside_team=False)
    assert "Local ambition" in shown.svg and "National standard" in shown.svg
    assert any("local ambition" in s for s in shown.committee)


def test_each_demo_baseline_was_agreed_by_a_person_with_a_reason() -> None:
    call_command("demo", stdout=StringIO())
    agreed = Annotation.objects.filter(new_baseline=True, measure__team__slug__in=list(PLANS))
    assert agreed.count() == 3
    lead = Membership.objects.get(team__slug="cert", role=Role.TEAM_LEAD).user
    for annotation in agreed.select_related("measure__team", "created_by"):
        assert annotation.reason, annotation
        expected = lead if annotation.measure.team.slug == "cert" else None
        assert annotation.created_by is not None, annotation
        if expected is not None:
            assert annotation.created_by == expected
        else:
            assert Membership.objects.filter(user=annotation.created_by, role=Role.FACULTY).exists()
    item = _demo_item("cert", "community-4-week-wait")
    (line,) = shown_for(item, outside_team=False).recalculations
    assert line.who == str(lead) and line.reason.startswith("we started a daily triage huddle")


def test_a_baseline_from_an_older_demo_without_who_agreed_it_is_given_its_agreer_once() -> None:
    call_command("demo", stdout=StringIO())
    Annotation.objects.filter(new_baseline=True).update(created_by=None)
    call_command("demo", stdout=StringIO())
    assert not Annotation.objects.filter(new_baseline=True, created_by__isnull=True).exists()
    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first
