"""`whatmatters demo` tells the learning story: phase-1 teams learn from what went well and from small
tests of change; phase-2 teams, a few months behind, learn from their buddies. Running it twice adds
nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from whatmatters.audit.models import AuditEvent
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.models import Annotation, ChangeIdea, DataSource, Measure, Value
from whatmatters.learning.models import BuddyLogEntry, ExcellenceLink, ExcellenceReport, PdsaCycle
from whatmatters.teams.models import BuddyPair, Team

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (
        ExcellenceReport,
        ExcellenceLink,
        PdsaCycle,
        BuddyLogEntry,
        ChangeIdea,
        Measure,
        Value,
        Annotation,
    )
    return {m.__name__: m.objects.count() for m in (*models, AuditEvent)}


def test_the_demo_tells_the_learning_story() -> None:
    call_command("demo", stdout=StringIO())
    for team in Team.objects.filter(cohort__number=1):
        assert ExcellenceReport.objects.approved().filter(team=team).count() >= 8, team.slug
        assert ExcellenceReport.objects.filter(team=team, status="held").exists(), team.slug
        excellence = Measure.objects.get(team=team, code="excellence-reports")
        assert excellence.data_source == DataSource.EXCELLENCE
        assert Value.objects.filter(measure=excellence).count() >= 10
        cycles = list(PdsaCycle.objects.filter(team=team))
        assert cycles and any(c.stage == "done" and c.decision for c in cycles), team.slug
        for cycle in cycles:
            assert cycle.prediction and cycle.measures.exists()
            charted = {a.measure_id for a in cycle.markers.all()}
            assert charted == set(cycle.measures.values_list("pk", flat=True)), cycle.title
    for team in Team.objects.filter(cohort__number=2):
        pair = BuddyPair.objects.get(second_team=team)
        buddy = pair.first_team
        shared = set(Measure.objects.filter(team=team).values_list("code", flat=True)) & set(
            Measure.objects.filter(team=buddy).values_list("code", flat=True)
        )
        assert len(shared - {"excellence-reports"}) >= 2, team.slug
        items = [i for i in results_for(team) if i.measure.data_source != DataSource.EXCELLENCE]
        assert items and all(3 <= len(i.values) <= 8 for i in items), team.slug  # a few months behind
        writers = set(BuddyLogEntry.objects.filter(pair=pair).values_list("team__slug", flat=True))
        assert writers == {team.slug, buddy.slug}
        adopted = BuddyLogEntry.objects.get(pair=pair, team=buddy, adopted_idea__isnull=False).adopted_idea
        assert adopted.driver.aim.team == team
        assert PdsaCycle.objects.filter(team=team, change_idea=adopted).exists(), team.slug
    assert ExcellenceLink.objects.count() == 6


def test_running_the_demo_twice_adds_no_learning_rows_or_audit_events() -> None:
    call_command("demo", stdout=StringIO())
    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first
