"""The demo tells the co-production story: two sessions per phase-1 team, varied statements (some held for a
moderator), themes, votes and domains; running it twice changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from whatmatters.audit.models import AuditEvent
from whatmatters.engagement.models import DomainUpdate, EngagementSession, Placement, Statement, Theme, Vote


@pytest.mark.django_db
def test_each_phase_1_team_gets_two_sessions_with_statements_themes_votes_and_domains() -> None:
    call_command("demo", stdout=StringIO())
    for slug in ("cert", "older-adults-ward", "eip"):
        assert EngagementSession.objects.filter(team__slug=slug).count() == 2
        assert Statement.objects.filter(team__slug=slug).approved().count() >= 10
        assert Statement.objects.filter(team__slug=slug, status="held").count() >= 1
        assert Theme.objects.filter(team__slug=slug).count() == 4
        assert Vote.objects.filter(session__team__slug=slug).exists()
        assert Theme.objects.filter(team__slug=slug, domains__isnull=False).exists()
    held_words = " ".join(Statement.objects.filter(status="held").values_list("text", flat=True))
    assert "999 000 0018" in held_words
    assert not Statement.objects.approved().filter(text__contains="999 000 0018").exists()
    assert DomainUpdate.objects.exists()
    assert Placement.objects.count() > 30


@pytest.mark.django_db
def test_running_the_demo_again_adds_nothing() -> None:
    call_command("demo", stdout=StringIO())
    models = (EngagementSession, Statement, Theme, Placement, Vote, DomainUpdate, AuditEvent)
    first = {m.__name__: m.objects.count() for m in models}
    call_command("demo", stdout=StringIO())
    assert {m.__name__: m.objects.count() for m in models} == first
