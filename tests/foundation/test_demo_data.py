"""`whatmatters demo` tells the programme's story and can be run again safely."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from whatmatters.audit.models import AuditEvent
from whatmatters.teams.models import BuddyPair, Cohort, Membership, Team, User
from whatmatters.teams.roles import Role


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Cohort, Team, BuddyPair, User, Membership, AuditEvent)
    }


@pytest.mark.django_db
def test_demo_loads_two_phases_of_three_teams_each_buddied_across_phases() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    phase1 = Team.objects.filter(cohort__number=1)
    assert sorted(phase1.values_list("slug", flat=True)) == ["cert", "eip", "older-adults-ward"]
    assert Team.objects.filter(cohort__number=2).count() == 3
    assert BuddyPair.objects.count() == 3
    for pair in BuddyPair.objects.select_related("first_team__cohort", "second_team__cohort"):
        assert (pair.first_team.cohort.number, pair.second_team.cohort.number) == (1, 2)
    names = " ".join(phase1.values_list("name", flat=True))
    assert "Community Enhancing Recovery Team" in names
    assert "Older Adults' Psychiatric Ward" in names
    assert "Early Intervention in Psychosis" in names


@pytest.mark.django_db
def test_demo_makes_one_person_for_each_role_and_prints_their_sign_ins() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    text = out.getvalue()
    for email in [
        "admin@example.com",
        "faculty@example.com",
        "lead@example.com",
        "viewer@example.com",
        "analyst@example.com",
    ]:
        assert email in text
    assert "Password for all of them" in text
    admin = User.objects.get(email="admin@example.com")
    assert admin.check_password("WhatMatters-demo-2026")


@pytest.mark.django_db
def test_running_demo_twice_changes_nothing_the_second_time() -> None:
    call_command("demo", stdout=StringIO())
    first = counts()
    hashes = dict(User.objects.values_list("email", "password"))
    call_command("demo", stdout=StringIO())
    assert counts() == first  # no new rows, and no new audit events either
    assert dict(User.objects.values_list("email", "password")) == hashes


@pytest.mark.django_db
def test_demo_changes_are_audited_as_the_command_line() -> None:
    call_command("demo", stdout=StringIO())
    labels = set(AuditEvent.objects.filter(action="create").values_list("actor_label", flat=True))
    assert labels == {"command line: demo"}


@pytest.mark.django_db
def test_demo_refuses_to_run_in_production(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="Refusing to load demo accounts"):
        call_command("demo", stdout=StringIO())
    assert User.objects.count() == 0
