"""Export a framework as versioned JSON and import it elsewhere: identical, with a created/skipped report."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.framework.factories import make_aim, make_domain, make_measure, make_ratio_measure
from whatmatters.framework import actions
from whatmatters.framework.models import (
    ChangeIdea,
    Domain,
    Driver,
    LibraryMeasure,
    Measure,
    MeasureTarget,
)
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(programme: Any) -> dict[str, Any]:
    team = programme.team_a
    shared = Domain.objects.create(team=None, i_statement="I am treated with respect")
    own = make_domain(team)
    aim = make_aim(team, own)
    primary = Driver.objects.create(aim=aim, text="Clear information", position=0)
    secondary = Driver.objects.create(aim=aim, parent=primary, text="Letters people understand", position=0)
    ChangeIdea.objects.create(driver=primary, text="A waiting-list phone line")
    ChangeIdea.objects.create(driver=secondary, text="Co-write the letter")
    measure = make_measure(team, own, aim=aim, target=28.0)
    measure.domains.add(shared)
    ratio = make_ratio_measure(team, own, source=LibraryMeasure.objects.get(code="eip-2-week-wait"))
    return {"aim": aim, "measure": measure, "ratio": ratio}


def test_export_then_import_into_another_team_gives_an_identical_framework(
    framework: dict[str, Any], programme: Any
) -> None:
    exported = actions.export_team(programme.team_a)
    assert exported["format"] == "whatmatters-framework" and exported["version"] == 2
    report = actions.import_team(programme.team_b, actions.dumps(exported).encode())
    again = actions.export_team(programme.team_b)
    assert again == exported
    assert "Domain “I am treated with respect”: already there" in report.skipped  # shared: reused, not copied
    assert "Measure wait-days" in report.created and "Aim “Reduce the wait for first help”" in report.created
    copy = Measure.objects.get(team=programme.team_b, code="seen-in-2-weeks")
    assert copy.source.code == "eip-2-week-wait"


def test_importing_the_same_file_twice_skips_everything_the_second_time(
    framework: dict[str, Any], programme: Any
) -> None:
    data = actions.dumps(actions.export_team(programme.team_a)).encode()
    actions.import_team(programme.team_b, data)
    counts = (Measure.objects.count(), Driver.objects.count(), ChangeIdea.objects.count())
    report = actions.import_team(programme.team_b, data)
    assert report.created == []
    assert len(report.skipped) == 5  # 2 domains, 1 aim, 2 measures
    assert (Measure.objects.count(), Driver.objects.count(), ChangeIdea.objects.count()) == counts


def test_a_programme_framework_round_trips_shared_domains_and_the_library(programme: Any) -> None:
    Domain.objects.create(team=None, i_statement="I am treated with respect")
    exported = actions.export_programme()
    assert len(exported["library"]) == LibraryMeasure.objects.count()
    LibraryMeasure.objects.filter(code="collaborate").delete()
    Domain.objects.filter(team=None).delete()
    report = actions.import_programme(actions.dumps(exported).encode())
    assert sorted(report.created) == ["Domain “I am treated with respect”", "Library measure collaborate"]
    assert actions.export_programme() == exported


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b'{"format": "something-else", "version": 1}', "not a What Matters framework"),
        (b'{"format": "whatmatters-framework", "version": 99, "scope": "team"}', "version 99"),
        (b'{"format": "whatmatters-framework", "scope": "team"}', "which version"),
        (b'{"format": "whatmatters-framework", "version": 1, "scope": "programme"}', "programme framework"),
        (
            b'{"format": "whatmatters-framework", "version": 1, "scope": "team", "measures": 3}',
            "must be a list",
        ),
    ],
)
def test_a_bad_framework_file_is_refused_with_a_reason(programme: Any, data: bytes, reason: str) -> None:
    with pytest.raises(actions.FrameworkError, match=reason):
        actions.import_team(programme.team_b, data)


def test_a_bad_measure_in_the_file_means_nothing_is_imported(
    framework: dict[str, Any], programme: Any
) -> None:
    document = actions.export_team(programme.team_a)
    document["measures"][1]["chart"] = "pie"
    with pytest.raises(actions.FrameworkError, match="Measure wait-days"):
        actions.import_team(programme.team_b, actions.dumps(document).encode())
    assert not Domain.objects.filter(team=programme.team_b).exists()
    assert not Measure.objects.filter(team=programme.team_b).exists()


def test_the_pages_download_and_import_a_framework(
    framework: dict[str, Any], programme: Any, people: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    response = client.get(reverse("framework_export", kwargs={"team": "team-a"}))
    assert response["Content-Disposition"] == 'attachment; filename="team-a-framework.json"'
    document = json.loads(response.content)
    lead_b = client_for(people["team_b_lead"])
    page = lead_b.post(
        reverse("framework_import", kwargs={"team": "team-b"}),
        {"file": SimpleUploadedFile("team-a-framework.json", response.content)},
    ).content.decode()
    assert "1 skipped. Each skipped line says why." in page and "Measure wait-days" in page
    assert "Domain “I am treated with respect”: already there" in page
    assert actions.export_team(programme.team_b) == document
    bad = lead_b.post(
        reverse("framework_import", kwargs={"team": "team-b"}), {"file": SimpleUploadedFile("x.json", b"{")}
    ).content.decode()
    assert "There is a problem" in bad and "not valid JSON" in bad


def test_a_measure_with_no_domain_is_skipped_with_its_reason_and_the_rest_is_imported(
    framework: dict[str, Any], programme: Any
) -> None:
    # Measures that other parts of the service derive for a team (waiting lists, surveys) may have no domain.
    derived = make_measure(programme.team_a, make_domain(programme.team_a), "wl-waiting-list")
    derived.domains.clear()
    document = actions.export_team(programme.team_a)
    report = actions.import_team(programme.team_b, actions.dumps(document).encode())
    assert "Measure wait-days" in report.created and "Measure seen-in-2-weeks" in report.created
    assert any(
        line.startswith("Measure wl-waiting-list: it links to no quality domain") for line in report.skipped
    )
    assert not Measure.objects.filter(team=programme.team_b, code="wl-waiting-list").exists()


def _with_targets(measure: Measure) -> None:
    measure.target_label = "Local ambition"
    measure.save()
    for starts, value, label in [
        (dt.date(2026, 1, 1), 26.0, ""),
        (dt.date(2026, 2, 1), 24.5, ""),
        (dt.date(2026, 1, 1), 18.0, "National standard"),
    ]:
        MeasureTarget.objects.create(measure=measure, starts=starts, value=value, label=label)


def test_targets_over_time_and_their_line_names_travel_with_the_framework_file_exactly(
    framework: dict[str, Any], programme: Any
) -> None:
    _with_targets(framework["measure"])
    exported = actions.export_team(programme.team_a)
    measure = next(m for m in exported["measures"] if m["code"] == framework["measure"].code)
    assert measure["target_label"] == "Local ambition"
    assert measure["targets"] == [
        {"from": "2026-01-01", "value": 26.0, "line": ""},
        {"from": "2026-02-01", "value": 24.5, "line": ""},
        {"from": "2026-01-01", "value": 18.0, "line": "National standard"},
    ]
    actions.import_team(programme.team_b, actions.dumps(exported).encode())
    assert actions.export_team(programme.team_b) == exported
    copy = Measure.objects.get(team=programme.team_b, code=framework["measure"].code)
    assert sorted((t.starts, t.value, t.label) for t in copy.targets.all()) == sorted(
        (t.starts, t.value, t.label) for t in framework["measure"].targets.all()
    )


def test_a_version_1_file_with_one_target_a_measure_is_still_imported(
    framework: dict[str, Any], programme: Any
) -> None:
    document = actions.export_team(programme.team_a)
    document["version"] = 1
    for measure in document["measures"]:
        del measure["targets"], measure["target_label"]
    actions.import_team(programme.team_b, actions.dumps(document).encode())
    copy = Measure.objects.get(team=programme.team_b, code=framework["measure"].code)
    assert copy.target == 28.0 and copy.target_label == "" and not copy.targets.exists()


def test_a_target_row_dated_mid_month_starts_from_its_month_and_one_named_like_the_target_is_the_target(
    framework: dict[str, Any], programme: Any
) -> None:
    _with_targets(framework["measure"])
    document = actions.export_team(programme.team_a)
    measure = next(m for m in document["measures"] if m["code"] == framework["measure"].code)
    measure["targets"] = [{"from": "2026-03-17", "value": 22, "line": "local ambition"}]
    actions.import_team(programme.team_b, actions.dumps(document).encode())
    copy = Measure.objects.get(team=programme.team_b, code=framework["measure"].code)
    assert [(t.starts, t.value, t.label) for t in copy.targets.all()] == [(dt.date(2026, 3, 1), 22.0, "")]


@pytest.mark.parametrize(
    ("row", "place", "reason"),
    [
        ({"value": 20}, "measures[1].targets[1].from", "target row 2: “from” is missing"),
        ({"from": "2026-04-01"}, "measures[1].targets[1].value", "target row 2: “value” is missing"),
        ({"from": "01/04/2026", "value": 20}, "measures[1].targets[1].from", "must be a date written"),
        ({"from": "2026-04-01", "value": "twenty"}, "measures[1].targets[1].value", "Enter a number"),
        ({"from": "2026-04-01", "value": None}, "measures[1].targets[1].value", "is null"),
        ({"from": "2026-04-01", "value": 20, "line": 3}, "measures[1].targets[1].line", "must be text"),
        (
            {"from": "2026-04-01", "value": 20, "line": "x" * 61},
            "measures[1].targets[1].line",
            "61 characters",
        ),
        ({"from": "2026-04-01", "value": 20, "colour": "red"}, "measures[1].targets[1].colour", "not a key"),
        (
            {"from": "2026-01-20", "value": 20},
            "measures[1].targets[1].from",
            "already has a value from January 2026 in target row 1",
        ),
        ("20 in April", "measures[1].targets[1]", "must be an object"),
    ],
)
def test_a_bad_target_row_is_refused_naming_the_measure_the_row_and_the_field_and_nothing_is_saved(
    framework: dict[str, Any], programme: Any, row: Any, place: str, reason: str
) -> None:
    _with_targets(framework["measure"])
    document = actions.export_team(programme.team_a)
    assert document["measures"][1]["code"] == framework["measure"].code
    document["measures"][1]["targets"][1] = row
    with pytest.raises(actions.FrameworkError) as refused:
        actions.import_team(programme.team_b, actions.dumps(document).encode())
    problems = refused.value.problems
    assert [p.column for p in problems] == [place]
    assert f"Measure {framework['measure'].code}, target row 2" in problems[0].reason
    assert reason in problems[0].reason
    assert not Measure.objects.filter(team=programme.team_b).exists()
    assert not Domain.objects.filter(team=programme.team_b).exists()
