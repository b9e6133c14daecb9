"""`whatmatters surveys list [--json]` lists surveys with their public links; `whatmatters surveys refresh`
turns answers into measure values again, safely."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.surveys.conftest import question
from whatmatters.surveys import actions

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("surveys", *args, stdout=out)
    return out.getvalue()


def test_list_shows_each_survey_with_its_team_stage_responses_and_public_link(
    fft_survey: Any, checkin: Any
) -> None:
    actions.submit(fft_survey, {question(fft_survey, "fft").pk: "good"})
    lines = run("list", "--base-url", "https://whatmatters.example.nhs.uk/").splitlines()
    assert len(lines) == 2
    assert lines[0].split("\t") == [
        "team-a",
        "How are you while you wait?",
        "waiting",
        "0 responses",
        f"https://whatmatters.example.nhs.uk/s/{checkin.code}/",
    ]
    assert lines[1].startswith("team-a\tYour experience\ttreatment\t1 responses\t")


def test_list_as_json_gives_links_for_scripts(fft_survey: Any, programme: Any) -> None:
    everyone = actions.create_survey(None, "Whole programme", "leaving", ["fft"])
    everyone.is_open = False
    everyone.save()
    rows = json.loads(run("list", "--json", "--base-url", "http://localhost:8000"))
    by_title = {r["title"]: r for r in rows}
    assert by_title["Your experience"] == {
        "team": "team-a",
        "title": "Your experience",
        "stage": "treatment",
        "open": True,
        "code": fft_survey.code,
        "link": f"http://localhost:8000/s/{fft_survey.code}/",
        "easy_read_link": f"http://localhost:8000/s/{fft_survey.code}/easy-read/",
        "responses": 0,
    }
    assert by_title["Whole programme"]["team"] is None and by_title["Whole programme"]["open"] is False


def test_list_for_one_team_and_an_unknown_team_refused_in_one_line(fft_survey: Any, programme: Any) -> None:
    actions.create_survey(programme.team_b, "Team B survey", "waiting", ["fft"])
    assert "Team B survey" not in run("list", "--team", "team-a")
    assert "Team B survey" in run("list", "--team", "team-b")
    with pytest.raises(CommandError, match="There is no team with the slug 'nowhere'"):
        run("list", "--team", "nowhere")


def test_list_with_no_surveys_says_so(programme: Any) -> None:
    assert run("list") == "There are no surveys yet.\n"
    assert json.loads(run("list", "--json")) == []


def test_refresh_reports_what_it_added_and_changes_nothing_the_second_time(fft_survey: Any) -> None:
    actions.submit(fft_survey, {question(fft_survey, "fft").pk: "good"})
    first = run("refresh", "--team", "team-a")
    assert first.startswith("team-a: ") and "0 values added" not in first
    assert run("refresh", "--team", "team-a") == "team-a: 0 measures added, 0 values added, 0 changed\n"


def test_refresh_is_audited_as_the_command_line(fft_survey: Any) -> None:
    from whatmatters.audit.models import AuditEvent

    actions.submit(fft_survey, {question(fft_survey, "fft").pk: "good"})
    run("refresh")
    labels = set(
        AuditEvent.objects.filter(object_type="framework.value").values_list("actor_label", flat=True)
    )
    assert labels == {"command line: surveys refresh"}


def test_the_command_needs_list_or_refresh() -> None:
    with pytest.raises(CommandError):
        run()
