"""A framework file (the measurement plan as JSON) holds against bad input.

Every refused file gets a message naming the file and the place in it (a path such as `measures[0].target`,
counting items from 0, or a line and character for JSON that cannot be read), and nothing is saved: the
count of every framework model, and of the audit log, is the same afterwards. Text is cleaned of control
characters; formulas and HTML are kept as typed and made harmless where they are shown or exported.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.framework.factories import make_domain, make_measure
from whatmatters.audit.models import AuditEvent
from whatmatters.framework import actions
from whatmatters.framework.actions import FrameworkError
from whatmatters.framework.framework_file import MAX_PROBLEMS, MAX_TREE
from whatmatters.framework.models import (
    Aim,
    Annotation,
    ChangeIdea,
    Domain,
    Driver,
    LibraryMeasure,
    Measure,
    Value,
)
from whatmatters.imports.safe import safe_cell
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

FILE = "team-b-plan.json"
NHS_NUMBER = "943 476 5919"  # passes the modulus-11 check


def a_plan() -> dict[str, Any]:
    """A small, valid team framework file: 1 domain, 1 aim with a driver diagram, 2 measures."""
    return {
        "format": "whatmatters-framework",
        "version": 1,
        "scope": "team",
        "domains": [
            {"i_statement": "I know what is happening while I wait", "description": "", "position": 0}
        ],
        "aims": [
            {
                "domain": "I know what is happening while I wait",
                "what": "Reduce the wait for first help",
                "for_whom": "adults referred to the team",
                "how_much": "from 10 weeks to 4 weeks",
                "by_when": "2026-03-31",
                "drivers": [
                    {
                        "text": "Clear information",
                        "change_ideas": ["A waiting-list phone line"],
                        "secondary": [{"text": "Letters people understand", "change_ideas": ["Co-write it"]}],
                    }
                ],
            }
        ],
        "measures": [
            {
                "code": "first-help-wait",
                "name": "Median wait in days",
                "measure_type": "outcome",
                "description": "How long people wait.",
                "operational_definition": "Median days from referral to first help.",
                "numerator": "",
                "denominator": "",
                "inclusions": "",
                "exclusions": "",
                "unit": "days",
                "chart": "xmr",
                "direction": "decrease",
                "uses_denominator": False,
                "multiply": 1.0,
                "target": 28.0,
                "target_date": "2026-03-31",
                "frequency": "monthly",
                "data_source": "manual",
                "owner": "Team manager",
                "collection": "",
                "domains": ["I know what is happening while I wait"],
                "aim": "Reduce the wait for first help",
                "library_source": None,
            },
            {
                "code": "letters-sent",
                "name": "Letters sent while waiting",
                "measure_type": "process",
                "description": "How many people got a letter.",
                "operational_definition": "Letters sent to people on the waiting list each month.",
                "chart": "c",
                "direction": "increase",
                "frequency": "monthly",
                "data_source": "manual",
                "domains": ["I know what is happening while I wait"],
            },
        ],
    }


def a_library() -> dict[str, Any]:
    measure = {
        k: v for k, v in a_plan()["measures"][0].items() if k not in ("domains", "aim", "library_source")
    }
    return {
        "format": "whatmatters-framework",
        "version": 1,
        "scope": "programme",
        "domains": [{"i_statement": "I am treated with respect", "description": "", "position": 0}],
        "library": [
            {**measure, "code": "national-wait", "topic": "Waiting", "source_reference": "NHS England"}
        ],
    }


def encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def counts() -> dict[str, int]:
    models = (Domain, Aim, Driver, ChangeIdea, Measure, LibraryMeasure, Value, Annotation, AuditEvent)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def team(programme: Any) -> Any:
    """Team B, with a plan of its own already (so a refused file has something to leave alone)."""
    domain = make_domain(programme.team_b, "I feel safe on the ward")
    make_measure(programme.team_b, domain, "ward-incidents")
    return programme.team_b


def refused(run: Callable[[], Any], place: str, words: str, file: str = FILE) -> FrameworkError:
    """Run an import that must be refused; the message names the file and the place; nothing is saved."""
    before = counts()
    with pytest.raises(FrameworkError) as caught:
        run()
    assert counts() == before, "something was saved from a refused file"
    problems = caught.value.problems
    assert all(p.file == file for p in problems), [p.file for p in problems]
    matching = [p for p in problems if p.column == place and words in p.reason]
    assert matching, f"no problem at {place!r} saying {words!r}: {[(p.column, p.reason) for p in problems]}"
    assert file in str(caught.value)
    return caught.value


def team_refuses(team: Any, data: bytes, place: str, words: str) -> FrameworkError:
    return refused(lambda: actions.import_team(team, data, file=FILE), place, words)


def changed(edit: Callable[[dict[str, Any]], Any]) -> bytes:
    document = a_plan()
    edit(document)
    return encode(document)


def measure(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["measures"][0].update(fields)


def number_text(target: str) -> bytes:
    """The plan with the first measure's target written as this JSON text (json.dumps cannot write NaN
    and numbers of thousands of digits the way a hostile file would)."""
    return encode(a_plan()).replace(b'"target": 28.0', b'"target": ' + target.encode(), 1)


def test_the_small_plan_imports_so_each_refusal_below_is_down_to_its_one_change(team: Any) -> None:
    report = actions.import_team(team, encode(a_plan()), file=FILE)
    assert "Measure first-help-wait" in report.created and "Measure letters-sent" in report.created
    assert Driver.objects.filter(aim__team=team).count() == 2
    assert ChangeIdea.objects.filter(driver__aim__team=team).count() == 2


# --- Files that are not JSON, or not a framework ---------------------------------------------------

BAD_FILES = [
    ("empty", b"", "", "The file is empty"),
    ("not json", b"{not json", "line 1, character 2", "not valid JSON"),
    (
        "a comma missing",
        b'{"format": "whatmatters-framework"\n "version": 1}',
        "line 2, character 2",
        "comma",
    ),
    ("a trailing comma", b'{"format": "whatmatters-framework",\n}', "line 2, character 1", "not valid JSON"),
    ("a quote never closed", b'{"format": "whatmatters-framework', "line 1, character 12", "never closed"),
    (
        "a tab inside quotes",
        b'{"format": "whatmatters\tframework"}',
        "line 1, character 24",
        "tab or a new line",
    ),
    ("more after the end", b'{"format": 1} {"x": 2}', "line 1, character 15", "more after the end"),
    ("utf-16 with a byte-order mark", encode(a_plan()).decode().encode("utf-16"), "", "UTF-16"),
    ("utf-16 without one", encode(a_plan()).decode().encode("utf-16-le"), "", "UTF-16"),
    (
        "windows-1252 text",
        b'{"format": "whatmatters-framework",\n"note": "caf\xe9"}',
        "line 2",
        "not UTF-8",
    ),
    ("a zip file or workbook", b"PK\x03\x04" + b"\x00" * 40, "", "zip file"),
    ("a pdf", b"%PDF-1.7\n...", "", "PDF"),
    ("a list, not an object", b"[1, 2, 3]", "", "holds a list"),
    ("text, not an object", b'"whatmatters-framework"', "", "holds text"),
    ("null", b"null", "", "holds null"),
    ("a number", b"12", "", "holds a number"),
    ("100,000 lists inside each other", b"[" * 100_000 + b"]" * 100_000, "", "more deeply"),
    ("100,000 objects inside each other", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "", "more deeply"),
    ("no format", b'{"version": 1, "scope": "team"}', "format", "not a What Matters framework file"),
    ("another format", b'{"format": "other", "version": 1}', "format", "not a What Matters framework file"),
    ("no version", b'{"format": "whatmatters-framework", "scope": "team"}', "version", "which version"),
    (
        "a version in quotes",
        b'{"format": "whatmatters-framework", "version": "1", "scope": "team"}',
        "version",
        "which version",
    ),
    (
        "a version of 5,000 digits",
        b'{"format": "whatmatters-framework", "version": ' + b"9" * 5000 + b', "scope": "team"}',
        "version",
        "which version",
    ),
    (
        "a later version",
        b'{"format": "whatmatters-framework", "version": 99, "scope": "team"}',
        "version",
        "version 99",
    ),
    (
        "no scope",
        b'{"format": "whatmatters-framework", "version": 1}',
        "scope",
        "does not say whether it holds a team's framework",
    ),
    (
        "the programme's file",
        b'{"format": "whatmatters-framework", "version": 1, "scope": "programme"}',
        "scope",
        "Import it from the programme's page",
    ),
]


@pytest.mark.parametrize(
    ("data", "place", "words"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_file_that_is_not_a_team_framework_is_refused_with_where_and_why(
    team: Any, data: bytes, place: str, words: str
) -> None:
    team_refuses(team, data, place, words)


def test_a_file_over_5_mb_is_refused_before_it_is_read(team: Any) -> None:
    document = a_plan()
    document["measures"][0]["description"] = "x" * (6 * 1024 * 1024)
    team_refuses(team, encode(document), "", "larger than 5 MB")


# --- Values in the wrong shape ----------------------------------------------------------------------

BAD_VALUES = [
    # The sizes of lists
    ("100,000 measures", lambda d: d.update(measures=[{}] * 100_000), "measures", "100,000 measures"),
    ("100,000 domains", lambda d: d.update(domains=[{}] * 100_000), "domains", "at most 200"),
    (
        "100 domains for one measure",
        measure(domains=[f"Domain {i}" for i in range(100)]),
        "measures[0].domains",
        "at most 50",
    ),
    (
        "100 change ideas for one driver",
        lambda d: d["aims"][0]["drivers"][0].update(change_ideas=["An idea"] * 100),
        "aims[0].drivers[0].change_ideas",
        "at most 50",
    ),
    # Wrong types
    ("measures as text", lambda d: d.update(measures="first-help-wait"), "measures", "must be a list"),
    ("domains as an object", lambda d: d.update(domains={"a": 1}), "domains", "must be a list"),
    (
        "a measure as a list",
        lambda d: d["measures"].__setitem__(0, ["code"]),
        "measures[0]",
        "must be an object",
    ),
    ("a measure as null", lambda d: d["measures"].__setitem__(0, None), "measures[0]", "not null"),
    ("a name as a list", measure(name=["Median", "wait"]), "measures[0].name", "must be text"),
    ("a name as null", measure(name=None), "measures[0].name", "not null"),
    ("a name as a number", measure(name=12), "measures[0].name", "not a number"),
    ("a code as a number", measure(code=12), "measures[0].code", "must be text"),
    ("a measure's domains as text", measure(domains="I know"), "measures[0].domains", "must be a list"),
    ("a domain link as a number", measure(domains=[3]), "measures[0].domains[0]", "must be text"),
    ("an aim link as a list", measure(aim=["Reduce"]), "measures[0].aim", "must be text"),
    (
        "true or false as text",
        measure(uses_denominator="yes"),
        "measures[0].uses_denominator",
        "true or false",
    ),
    (
        "a target in quotes",
        measure(target="28"),
        "measures[0].target",
        "is text. Enter a number without quotes",
    ),
    ("a target of true", measure(target=True), "measures[0].target", "true or false"),
    ("a target as a list", measure(target=[28]), "measures[0].target", "a list"),
    (
        "500 lists inside each other in a name",
        lambda d: d["measures"][0].update(name=json.loads("[" * 500 + "]" * 500)),
        "measures[0].name",
        "must be text",
    ),
    (
        "drivers as text",
        lambda d: d["aims"][0].update(drivers="Clear information"),
        "aims[0].drivers",
        "list",
    ),
    (
        "a change idea as an object",
        lambda d: d["aims"][0]["drivers"][0].update(change_ideas=[{"text": "An idea"}]),
        "aims[0].drivers[0].change_ideas[0]",
        "must be text",
    ),
    (
        "a position as text",
        lambda d: d["domains"][0].update(position="1"),
        "domains[0].position",
        "whole number",
    ),
    ("a negative position", lambda d: d["domains"][0].update(position=-1), "domains[0].position", "not -1"),
    (
        "a position of 40,000",
        lambda d: d["domains"][0].update(position=40_000),
        "domains[0].position",
        "40,000",
    ),
    # Numbers
    ("a multiplier of 0", measure(multiply=0), "measures[0].multiply", "above 0"),
    ("a negative multiplier", measure(multiply=-100), "measures[0].multiply", "above 0"),
    ("a multiplier as null", measure(multiply=None), "measures[0].multiply", "is null"),
    ("a target of 1e300", measure(target=1e300), "measures[0].target", "at most 15 digits"),
    # Unknown, repeated and missing keys
    ("an unknown key", lambda d: d.update(comment="hello"), "comment", "not a key of a framework file"),
    ("a misspelt key", lambda d: d["measures"][0].update(taget=30), "measures[0].taget", "Use only: code"),
    (
        "a key with control characters",
        lambda d: d["measures"][0].update({"ta\x1bget": 30}),
        'measures[0]["taget"]',
        "not a key",
    ),
    (
        "a library's key in a team's file",
        lambda d: d.update(library=[]),
        "library",
        "not a key of a framework file",
    ),
    (
        "a secondary driver with its own secondary drivers",
        lambda d: d["aims"][0]["drivers"][0]["secondary"][0].update(secondary=[]),
        "aims[0].drivers[0].secondary[0].secondary",
        "Use only: text, change_ideas",
    ),
    ("a measure with no name", lambda d: d["measures"][0].pop("name"), "measures[0].name", "is missing"),
    ("a measure with no code", lambda d: d["measures"][0].pop("code"), "measures[0].code", "is missing"),
    ("an aim with no date", lambda d: d["aims"][0].pop("by_when"), "aims[0].by_when", "is missing"),
    (
        "a domain with no words",
        lambda d: d["domains"][0].pop("i_statement"),
        "domains[0].i_statement",
        "missing",
    ),
    (
        "a driver with no text",
        lambda d: d["aims"][0]["drivers"][0].pop("text"),
        "aims[0].drivers[0].text",
        "missing",
    ),
    # Text too long, or empty
    (
        "a name of 201 characters",
        measure(name="n" * 201),
        "measures[0].name",
        "201 characters long; the most it can be is 200",
    ),
    ("a unit of 41 characters", measure(unit="u" * 41), "measures[0].unit", "the most it can be is 40"),
    (
        "an owner of 151 characters",
        measure(owner="o" * 151),
        "measures[0].owner",
        "the most it can be is 150",
    ),
    (
        "a definition of 10,001 characters",
        measure(operational_definition="d" * 10_001),
        "measures[0].operational_definition",
        "10,001 characters",
    ),
    (
        "an I statement of 201 characters",
        lambda d: d["domains"][0].update(i_statement="I " + "w" * 199),
        "domains[0].i_statement",
        "the most it can be is 200",
    ),
    (
        "an aim of 301 characters",
        lambda d: d["aims"][0].update(what="a" * 301),
        "aims[0].what",
        "the most it can be is 300",
    ),
    (
        "a driver of 301 characters",
        lambda d: d["aims"][0]["drivers"][0].update(text="t" * 301),
        "aims[0].drivers[0].text",
        "the most it can be is 300",
    ),
    (
        "a change idea of 301 characters",
        lambda d: d["aims"][0]["drivers"][0]["secondary"][0].update(change_ideas=["c" * 301]),
        "aims[0].drivers[0].secondary[0].change_ideas[0]",
        "the most it can be is 300",
    ),
    ("a name of spaces and control characters", measure(name=" \x00\x1b \t"), "measures[0].name", "is empty"),
    ("an empty description", measure(description=""), "measures[0].description", "is empty"),
    # Personal data
    (
        "an NHS number in a description",
        measure(description=f"For example {NHS_NUMBER}."),
        "measures[0].description",
        "NHS number",
    ),
    (
        "an NHS number with dashes in the owner",
        measure(owner="943-476-5919"),
        "measures[0].owner",
        "NHS number",
    ),
    ("an NHS number in a name", measure(name="Wait of 9434765919"), "measures[0].name", "NHS number"),
    (
        "an NHS number in an I statement",
        lambda d: d["domains"][0].update(i_statement=f"I am {NHS_NUMBER}"),
        "domains[0].i_statement",
        "NHS number",
    ),
    (
        "an NHS number in a change idea",
        lambda d: d["aims"][0]["drivers"][0].update(change_ideas=[f"Call {NHS_NUMBER} back"]),
        "aims[0].drivers[0].change_ideas[0]",
        "NHS number",
    ),
    (
        "a name and date of birth in an aim",
        lambda d: d["aims"][0].update(for_whom="John Smith, DOB 12/03/1980"),
        "aims[0].for_whom",
        "name and date of birth",
    ),
    # Codes
    ("a code with a space", measure(code="first help"), "measures[0].code", "holds a space"),
    (
        "a code with a control character",
        measure(code="first\x07help"),
        "measures[0].code",
        "control or invisible",
    ),
    (
        "a code with a right-to-left override",
        measure(code="first\u202ehelp"),
        "measures[0].code",
        "control or invisible",
    ),
    ("a code that is a formula", measure(code="=cmd"), "measures[0].code", "starts with something other"),
    ("a code with a slash", measure(code="first/help"), "measures[0].code", "other than letters"),
    ("a code of 61 characters", measure(code="c" * 61), "measures[0].code", "at most 60"),
    ("an empty code", measure(code=""), "measures[0].code", "is empty"),
    ("a code ending in a new line", measure(code="first-help\n"), "measures[0].code", "control or invisible"),
    (
        "a date with a new line after it",
        measure(target_date="2026-03-31\n"),
        "measures[0].target_date",
        "YYYY-MM-DD",
    ),
    (
        "a code used twice",
        lambda d: d["measures"][1].update(code="first-help-wait"),
        "measures[1].code",
        "used twice in the file (also at measures[0])",
    ),
    # Choices and dates
    ("a chart not in the list", measure(chart="pie"), "measures[0].chart", "Use one of: xmr, i, run, p"),
    (
        "a direction not in the list",
        measure(direction="up"),
        "measures[0].direction",
        "increase, decrease, neutral",
    ),
    ("a frequency not in the list", measure(frequency="daily"), "measures[0].frequency", "weekly, monthly"),
    ("a type not in the list", measure(measure_type="KPI"), "measures[0].measure_type", "outcome, process"),
    ("a data source not in the list", measure(data_source="ftp"), "measures[0].data_source", "manual"),
    ("a chart in capitals", measure(chart="XMR"), "measures[0].chart", "“XMR” is not a choice"),
    ("a UK date", measure(target_date="31/03/2026"), "measures[0].target_date", "YYYY-MM-DD"),
    (
        "a date not in the calendar",
        measure(target_date="2026-02-30"),
        "measures[0].target_date",
        "not a date in the calendar",
    ),
    ("a date as a number", lambda d: d["aims"][0].update(by_when=20260331), "aims[0].by_when", "YYYY-MM-DD"),
    # References to things that are not there
    (
        "an aim whose domain is not there",
        lambda d: d["aims"][0].update(domain="I get a say"),
        "aims[0].domain",
        "its domain “I get a say” is neither in the file nor in this team's plan",
    ),
    (
        "a measure whose domain is not there",
        measure(domains=["I get a say"]),
        "measures[0].domains[0]",
        "neither in the file nor in this team's plan",
    ),
    (
        "a measure whose aim is not there",
        measure(aim="Shorter waits"),
        "measures[0].aim",
        "its aim “Shorter waits” is neither in the file",
    ),
]


@pytest.mark.parametrize(
    ("edit", "place", "words"), [c[1:] for c in BAD_VALUES], ids=[c[0] for c in BAD_VALUES]
)
def test_a_bad_value_is_refused_with_its_place_in_the_file(
    team: Any, edit: Callable[[dict[str, Any]], Any], place: str, words: str
) -> None:
    team_refuses(team, changed(edit), place, words)


BAD_NUMBERS = [
    ("NaN", "NaN", "is NaN, which is not a number"),
    ("Infinity", "Infinity", "is Infinity"),
    ("-Infinity", "-Infinity", "is -Infinity"),
    ("1e999, which Python reads as infinity", "1e999", "a number too large to store"),
    ("5,000 digits, more than Python turns into a number", "9" * 5000, "5,000 characters long"),
    ("a float of 5,000 digits", "0." + "1" * 5000, "5,002 characters long"),
]


@pytest.mark.parametrize(("text", "words"), [c[1:] for c in BAD_NUMBERS], ids=[c[0] for c in BAD_NUMBERS])
def test_a_target_that_is_not_a_number_we_can_store_is_refused(team: Any, text: str, words: str) -> None:
    team_refuses(team, number_text(text), "measures[0].target", words)


def test_a_repeated_key_is_refused_rather_than_one_value_silently_winning(team: Any) -> None:
    data = encode(a_plan()).replace(b'"code": "letters-sent"', b'"code": "letters-sent", "code": "other"', 1)
    team_refuses(team, data, "measures[1].code", "appears more than once")


def test_a_file_with_more_drivers_and_change_ideas_than_a_plan_has_is_refused(team: Any) -> None:
    document = a_plan()
    driver = {"text": "A driver", "change_ideas": ["An idea"] * 40}
    document["aims"] = [
        {**document["aims"][0], "what": f"Aim {i}", "drivers": [driver] * 10} for i in range(10)
    ]
    error = team_refuses(
        team, encode(document), "aims[4].drivers[8].change_ideas[31]", f"more than {MAX_TREE:,}"
    )
    assert len(error.problems) == 1


def test_every_problem_is_listed_up_to_a_limit_not_just_the_first(team: Any) -> None:
    document = a_plan()
    document["measures"] = [
        {**document["measures"][1], "code": f"m-{i}", "chart": "pie"} for i in range(MAX_PROBLEMS + 50)
    ]
    error = team_refuses(team, encode(document), "measures[0].chart", "pie")
    assert len(error.problems) == MAX_PROBLEMS
    assert error.problems[-1].column == f"measures[{MAX_PROBLEMS - 1}].chart"


def test_a_file_name_with_control_characters_is_cleaned_in_the_message(team: Any) -> None:
    name = "plan\x1b[31m\u202e.json"
    before = counts()
    with pytest.raises(FrameworkError) as caught:
        actions.import_team(team, b"[]", file=name)
    assert counts() == before
    assert caught.value.problems[0].file == "plan[31m.json"


# --- What is kept, cleaned or made harmless ------------------------------------------------------


def test_a_byte_order_mark_is_fine(team: Any) -> None:
    report = actions.import_team(team, b"\xef\xbb\xbf" + encode(a_plan()), file=FILE)
    assert "Measure first-help-wait" in report.created


def test_control_characters_are_removed_from_text_and_new_lines_kept_only_in_long_text(team: Any) -> None:
    data = changed(
        measure(
            name="Median\x00 wait\x1b in\tdays\u202e",
            description="How long\r\npeople wait.\x07",
            owner="Team\nmanager",
        )
    )
    actions.import_team(team, data, file=FILE)
    saved = Measure.objects.get(team=team, code="first-help-wait")
    assert saved.name == "Median wait in days"
    assert saved.description == "How long\npeople wait."
    assert saved.owner == "Team manager"


def test_a_lone_surrogate_escape_is_removed_rather_than_failing_when_saved(team: Any) -> None:
    data = encode(a_plan()).replace(b"Clear information", b"Clear \\ud800information", 1)
    actions.import_team(team, data, file=FILE)
    assert Driver.objects.filter(aim__team=team, text="Clear information").exists()


def test_a_formula_is_kept_as_words_and_the_csv_export_makes_it_harmless(
    team: Any, people: dict[str, Any], client_for: Any, make_user: Any
) -> None:
    formula = '=HYPERLINK("http://example.com","Click")'
    actions.import_team(team, changed(measure(name=formula, owner="@SUM(1+1)")), file=FILE)
    saved = Measure.objects.get(team=team, code="first-help-wait")
    assert saved.name == formula and saved.owner == "@SUM(1+1)"
    Value.objects.create(measure=saved, period=dt.date(2024, 1, 1), value=30)
    lead = make_user(Role.TEAM_LEAD, team)
    response = client_for(lead).get(reverse("team_export_csv", kwargs={"team": team.slug}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[rows[0].index("measure_name")] for row in rows[1:]]
    assert safe_cell(formula) in names and formula not in names


def test_html_is_kept_as_words_and_shown_escaped(team: Any, client_for: Any, make_user: Any) -> None:
    script = "<script>alert('x')</script>"
    actions.import_team(
        team,
        changed(
            lambda d: (
                d["measures"][0].update(name=f"Wait {script}"),
                d["aims"][0]["drivers"][0].update(text=f"Drive {script}"),
            )
        ),
        file=FILE,
    )
    saved = Measure.objects.get(team=team, code="first-help-wait")
    assert saved.name == f"Wait {script}"
    client = client_for(make_user(Role.TEAM_LEAD, team))
    for page in (
        client.get(reverse("measure_detail", kwargs={"team": team.slug, "pk": saved.pk})),
        client.get(reverse("aim_detail", kwargs={"team": team.slug, "pk": saved.aim_id})),
    ):
        html = page.content.decode()
        assert page.status_code == 200
        assert "&lt;script&gt;alert(" in html and script not in html


def test_staff_names_emails_places_and_dates_in_definitions_are_not_false_alarms(team: Any) -> None:
    data = changed(
        measure(
            owner="Dr Jane Smith, jane.smith@nhs.net",
            inclusions="People born after 1 April 2005, referred to the Manchester team (M1 1AA).",
            collection="Ask the data team on 0161 496 0000.",
        )
    )
    report = actions.import_team(team, data, file=FILE)
    assert "Measure first-help-wait" in report.created


def test_the_same_words_twice_in_the_domains_are_one_domain(team: Any) -> None:
    document = a_plan()
    document["domains"].append(dict(document["domains"][0]))
    report = actions.import_team(team, encode(document), file=FILE)
    assert Domain.objects.filter(team=team, i_statement="I know what is happening while I wait").count() == 1
    assert any("more than once" in line for line in report.skipped)


def test_a_library_source_not_in_this_library_is_imported_unlinked_and_the_report_says_so(team: Any) -> None:
    report = actions.import_team(team, changed(measure(library_source="elsewhere-only")), file=FILE)
    assert Measure.objects.get(team=team, code="first-help-wait").source is None
    assert any("elsewhere-only" in note for note in report.notes)


# --- Another team's file --------------------------------------------------------------------------


def test_another_teams_export_is_copied_into_this_team_and_never_touches_or_links_the_other_team(
    programme: Any, team: Any
) -> None:
    # Team A's plan, exported; team A also has a domain with the words team B's file uses.
    actions.import_team(programme.team_a, encode(a_plan()), file="a.json")
    exported = actions.dumps(actions.export_team(programme.team_a)).encode()
    a_before = {
        "domains": list(Domain.objects.filter(team=programme.team_a).values_list("pk", flat=True)),
        "measures": list(Measure.objects.filter(team=programme.team_a).values_list("pk", "name")),
    }
    actions.import_team(team, exported, file="team-a-framework.json")
    copied = Measure.objects.get(team=team, code="first-help-wait")
    assert {d.team_id for d in copied.domains.all()} == {team.pk}
    assert copied.aim.team_id == team.pk
    assert a_before["domains"] == list(
        Domain.objects.filter(team=programme.team_a).values_list("pk", flat=True)
    )
    assert a_before["measures"] == list(
        Measure.objects.filter(team=programme.team_a).values_list("pk", "name")
    )
    before = counts()
    again = actions.import_team(team, exported, file="team-a-framework.json")
    assert again.created == [] and counts() == before


def test_a_team_file_names_no_team_so_it_cannot_write_into_another_one(programme: Any, team: Any) -> None:
    document = a_plan()
    document["team"] = "team-a"
    team_refuses(team, encode(document), "team", "not a key of a framework file")
    assert not Measure.objects.filter(team=programme.team_a).exists()


# --- The programme's file -------------------------------------------------------------------------

BAD_LIBRARIES = [
    ("a team's file", lambda d: d.update(scope="team"), "scope", "Import it from the team's plan"),
    (
        "a code used twice",
        lambda d: d["library"].append(dict(d["library"][0])),
        "library[1].code",
        "used twice",
    ),
    (
        "a topic of 101 characters",
        lambda d: d["library"][0].update(topic="t" * 101),
        "library[0].topic",
        "most it can be is 100",
    ),
    ("a team measure's key", lambda d: d["library"][0].update(domains=[]), "library[0].domains", "not a key"),
    ("aims in a programme file", lambda d: d.update(aims=[]), "aims", "not a key"),
    ("a NaN target", lambda d: d["library"][0].update(target=float("nan")), "library[0].target", "NaN"),
    (
        "an NHS number in where it comes from",
        lambda d: d["library"][0].update(source_reference=NHS_NUMBER),
        "library[0].source_reference",
        "NHS number",
    ),
    ("100,000 library measures", lambda d: d.update(library=[{}] * 100_000), "library", "at most 500"),
]


@pytest.mark.parametrize(
    ("edit", "place", "words"), [c[1:] for c in BAD_LIBRARIES], ids=[c[0] for c in BAD_LIBRARIES]
)
def test_a_bad_programme_file_is_refused_with_its_place(
    programme: Any, edit: Callable[[dict[str, Any]], Any], place: str, words: str
) -> None:
    document = copy.deepcopy(a_library())
    edit(document)
    # json.dumps writes NaN as the bare word NaN, as a hostile file would.
    refused(
        lambda: actions.import_programme(encode(document), file="library.json"), place, words, "library.json"
    )


def test_the_small_library_imports(programme: Any) -> None:
    report = actions.import_programme(encode(a_library()), file="library.json")
    assert report.created == ["Domain “I am treated with respect”", "Library measure national-wait"]


# --- The page and the command line -----------------------------------------------------------------


def test_the_page_names_the_file_and_the_place_and_saves_nothing(
    team: Any, client_for: Any, make_user: Any
) -> None:
    client = client_for(make_user(Role.TEAM_LEAD, team))
    url = reverse("framework_import", kwargs={"team": team.slug})
    before = counts()
    one = client.post(url, {"file": SimpleUploadedFile(FILE, changed(measure(chart="pie")))})
    page = one.content.decode()
    assert one.status_code == 200 and "There is a problem" in page
    assert f"{FILE}, measures[0].chart: Measure first-help-wait: “pie” is not a choice" in page.replace(
        "&#34;", '"'
    )
    many = client.post(
        url, {"file": SimpleUploadedFile(FILE, changed(measure(chart="pie", direction="up", name="")))}
    ).content.decode()
    assert "The file has 3 problems, listed below. Nothing was added." in many
    assert "measures[0].direction" in many and "measures[0].name" in many and "Where in the file" in many
    empty = client.post(url, {"file": SimpleUploadedFile(FILE, b"")}).content.decode()
    assert "The file is empty. Choose a framework file exported from What Matters." in empty
    deep = client.post(url, {"file": SimpleUploadedFile(FILE, b"[" * 100_000 + b"]" * 100_000)})
    assert deep.status_code == 200 and "more deeply" in deep.content.decode()
    assert counts() == before


def test_the_command_line_prints_each_problem_and_exits_with_a_reason(tmp_path: Any, team: Any) -> None:
    bad = tmp_path / "plan.json"
    bad.write_bytes(changed(measure(target="28", chart="pie")))
    out = io.StringIO()
    before = counts()
    with pytest.raises(CommandError, match="2 problems found in plan.json: nothing was saved"):
        call_command("import-framework", str(bad), "--team", team.slug, stdout=out)
    assert "plan.json, measures[0].target: Measure first-help-wait" in out.getvalue()
    assert counts() == before
    good = tmp_path / "good.json"
    good.write_bytes(encode(a_plan()))
    call_command("import-framework", str(good), "--team", team.slug, stdout=out)
    assert "Created: Measure first-help-wait" in out.getvalue()
    library = tmp_path / "library.json"
    library.write_bytes(encode(a_library()))
    call_command("import-framework", str(library), "--programme", stdout=out)
    assert "Created: Library measure national-wait" in out.getvalue()
    with pytest.raises(CommandError, match="no team called 'nobody'"):
        call_command("import-framework", str(good), "--team", "nobody", stdout=out)
