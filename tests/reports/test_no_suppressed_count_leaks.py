"""Property tests: whatever a team's counts of people are, no count from 1 to 7 (and no unrounded count) can
appear in any report, for any audience, or in the CSV export. Every report is read outside the team.

Hypothesis makes up a team's month-by-month counts of people, rates with their numerators and
denominators, statements by who wrote them and excellence reports, always with some counts from 1 to 7; the
report is built for every audience and the export is written, and then:
- every count cell in a table or the CSV is 0, * or a multiple of 5 from 10 up, and a cell whose count is 1
  to 7 is *; a rate worked out from 1 to 7 people is *;
- a chart (which draws exact values) is never shown for a measure with such a count;
- and, reading the report as text, with dates, percentages and the report's own fixed explanations
  taken out, every number left is 0 or a multiple of 5 from 10 up: a 1 to 7 appears nowhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.framework.factories import make_domain, make_measure, make_ratio_measure, months
from tests.helpers import share_with_programme
from tests.reports.conftest import FROM, TO

AUDIENCES = ("committee", "qi-forum", "lived-experience")
START = dt.date(2023, 7, 1)  # some values fall before the report's period, which charts still draw

small = st.integers(1, 7)
count = st.one_of(small, st.integers(0, 40))


@st.composite
def counts_with_a_small_one(draw: Any) -> list[int]:
    values = draw(st.lists(count, min_size=5, max_size=17))
    values.insert(draw(st.integers(0, len(values))), draw(small))
    return values


@st.composite
def pair(draw: Any, smallest: int = 0) -> tuple[int, int]:
    denominator = draw(st.integers(max(1, smallest), 60))
    return draw(st.integers(smallest, denominator)), denominator


@st.composite
def pairs_with_a_small_one(draw: Any) -> list[tuple[int, int]]:
    pairs = draw(st.lists(pair(), min_size=5, max_size=17))
    numerator_small = draw(st.booleans())
    if numerator_small:
        n = draw(small)
        tiny = (n, draw(st.integers(max(n, 8), 60)))
    else:
        d = draw(small)
        tiny = (draw(st.integers(0, d)), d)
    pairs.insert(draw(st.integers(0, len(pairs))), tiny)
    return pairs


world = st.fixed_dictionaries(
    {
        "people": counts_with_a_small_one(),
        "chart": st.sampled_from(["c", "xmr", "run"]),
        "many_people": st.lists(st.integers(8, 60), min_size=6, max_size=18),
        "small_rate": pairs_with_a_small_one(),
        "large_rate": st.lists(pair(smallest=8), min_size=6, max_size=18),
        "said": st.fixed_dictionaries(
            {"service_user": st.integers(0, 12), "staff": st.integers(0, 12), "other": st.integers(0, 12)}
        ),
        "went_well": st.integers(0, 12),
    }
)

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# The report's own explanations that hold numbers, taken out before the text is read for counts.
FIXED = [
    r"A star \(\*\) means a count from 1 to 7, hidden to protect privacy\.",
    r"A rate or percentage worked out from 1 to 7 people is hidden the same way\.",
    r"Counts of people are rounded to the nearest 5\.",
    r"A star \(\*\) means fewer than 8\.",
    r"fewer than 8 (?:people|times)",
    r"round counts to the nearest 5 and hide counts from 1 to 7",
    r"There are fewer than 13 results since the limits were last worked out\.",
    rf"\b\d{{1,2}} {MONTH} \d{{4}}\b",  # 3 March 2024
    rf"\b{MONTH} \d{{4}}\b",  # March 2024
    r"\b\d{1,2}:\d{2}\b",  # the time the report was made
    r"-?\d+(?:\.\d+)?%",  # rates are not counts
    # The summary counts measures, not people: "3 measures" in a cell, "(3)" after a row's or column's words.
    r"\b\d+ (?:measures?|things?)(?: (?:is|are|has|have|shows?))?\b",
    r"\(\d+(?: (?:measures?|things?))?\)",
    r"And \d+ more before these\.",  # events on a chart
    r"and \d+ more\)",  # the measures a summary sentence does not name
    r"\b\d+ (?:points|results)\b",  # early days: how many a chart needs to judge its target
]


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_svg += tag == "svg"

    def handle_endtag(self, tag: str) -> None:
        self.in_svg -= tag == "svg"
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.in_svg:
            self.parts.append(data)


def numbers_left(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    text = " ".join("".join(parser.parts).split())
    for pattern in FIXED:
        text = re.sub(pattern, " ", text)
    return re.findall(r"\d+(?:\.\d+)?", text)


def shown_count(cell: str) -> bool:
    """0, * or a multiple of 5 from 10 up: the only ways a count of people may be shown."""
    return cell in {"0", "*"} or (cell.isdigit() and int(cell) % 5 == 0 and int(cell) >= 10)


class Cells(HTMLParser):
    """The data cells of each measure's table, keyed by the measure's id, and which measures have charts."""

    def __init__(self) -> None:
        super().__init__()
        self.measure = ""
        self.rows: dict[str, list[list[str]]] = {}
        self.charts: set[str] = set()
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "wm-report__measure" in (found.get("class") or ""):
            self.measure = found.get("id") or ""
            self.rows[self.measure] = []
        elif tag == "section":  # a new part of the report: its tables are no measure's
            self.measure = ""
        elif tag == "svg":
            self.charts.add(self.measure)
        elif tag == "tr" and self.measure:
            self.rows[self.measure].append([])
        elif tag == "td" and self.measure:
            self.cell = []

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[self.measure][-1].append("".join(self.cell).strip())
            self.cell = None


def build(team: Any, w: dict[str, Any]) -> dict[str, Any]:
    from whatmatters.engagement.models import EngagementSession, Placement, Statement, Theme
    from whatmatters.framework.models import Value
    from whatmatters.learning.models import ExcellenceReport

    domain = make_domain(team, "I feel safe on the ward")
    people = make_measure(
        team, domain, "people", name="People restrained", unit="people", chart=w["chart"],
        description="People who were held.",
    )  # fmt: skip
    for period, n in zip(months(START, len(w["people"])), w["people"], strict=True):
        Value.objects.create(measure=people, period=period, value=n)
    many = make_measure(
        team, domain, "many-people", name="People seen", unit="people", chart="c", description="People seen."
    )
    for period, n in zip(months(START, len(w["many_people"])), w["many_people"], strict=True):
        Value.objects.create(measure=many, period=period, value=n)
    rates = {}
    for code in ("small_rate", "large_rate"):
        rates[code] = make_ratio_measure(
            team, domain, code.replace("_", "-"), name=f"Share {code.split('_')[0]}", description="A share."
        )
        for period, (num, den) in zip(months(START, len(w[code])), w[code], strict=True):
            Value.objects.create(measure=rates[code], period=period, numerator=num, denominator=den)
    session = EngagementSession.objects.create(
        team=team, title="Ward meeting", held_on=dt.date(2024, 3, 1), hold_every_answer=False
    )
    theme = Theme.objects.create(team=team, name="Feeling safe")
    theme.domains.add(domain)
    when = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    for relationship, n in w["said"].items():
        for _ in range(n):
            s = Statement.objects.create(
                session=session, text="Words", status="approved", relationship=relationship, created_at=when
            )
            Placement.objects.create(theme=theme, statement=s)
    for _ in range(w["went_well"]):
        ExcellenceReport.objects.create(team=team, text="Kind words", status="approved", created_at=when)
    return {"people": people, "many_people": many, **rates}


def in_period(start: dt.date, values: list[Any]) -> list[Any]:
    return [v for period, v in zip(months(start, len(values)), values, strict=True) if FROM <= period <= TO]


def check_report(html: str, measures: dict[str, Any], w: dict[str, Any], audience: str) -> None:
    leftover = [n for n in numbers_left(html) if not shown_count(n)]
    assert leftover == [], (audience, leftover)
    cells = Cells()
    cells.feed(html)
    ids = {key: f"team-a-measure-{m.pk}" for key, m in measures.items()}
    assert ids["people"] not in cells.charts  # exact counts are never drawn
    assert ids["many_people"] not in cells.charts  # not even large ones: they would not be rounded
    assert ids["small_rate"] not in cells.charts  # nor rates from 1 to 7 people
    if audience == "lived-experience":
        assert "<table" not in html
        return
    people_rows = [row for row in cells.rows.get(ids["people"], []) if row and row[-1] != "Missing"]
    expected = ["*" if 1 <= n <= 7 else str(n and 5 * round(n / 5)) for n in in_period(START, w["people"])]
    # An exception's page shows the latest periods; the appendix and a team's own table show them all.
    # (A report of exceptions only has no table for a measure that is not one.)
    assert not people_rows or [row[0] for row in people_rows] == expected[-len(people_rows) :]
    rate_rows = [row for row in cells.rows.get(ids["small_rate"], []) if row and row[-1] != "Missing"]
    rates = in_period(START, w["small_rate"])
    for row, (num, den) in zip(rate_rows, rates[-len(rate_rows) :] if rate_rows else [], strict=True):
        assert shown_count(row[0]) and shown_count(row[1])
        if 1 <= num <= 7 or 1 <= den <= 7:
            assert row == [row[0], row[1], "*"]
        if 1 <= num <= 7:
            assert row[0] == "*"
        if 1 <= den <= 7:
            assert row[1] == "*"


def check_csv(text: str, w: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    people = [r for r in rows if r["measure_code"] == "people"]
    for r in people[: len(w["people"])]:
        assert shown_count(r["value"]), r
    for r, n in zip(people, w["people"], strict=False):
        assert r["value"] == ("*" if 1 <= n <= 7 else str(n and 5 * round(n / 5)))
    many = [r for r in rows if r["measure_code"] == "many-people"]
    for r, n in zip(many, w["many_people"], strict=False):
        assert r["value"] == str(5 * round(n / 5))
    for r in people + [r for r in rows if r["measure_code"] == "small-rate"]:
        assert r["centre"] == r["lower_limit"] == r["upper_limit"] == "", r  # limits would disclose
    small_rate = [r for r in rows if r["measure_code"] == "small-rate"]
    for r, (num, den) in zip(small_rate, w["small_rate"], strict=False):
        assert shown_count(r["numerator"]) and shown_count(r["denominator"])
        if 1 <= num <= 7 or 1 <= den <= 7:
            assert r["value"] == "*"
    for r in rows:
        if r["numerator"] or r["denominator"]:
            assert shown_count(r["numerator"]) and shown_count(r["denominator"]), r


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(w=world)
def test_no_count_from_1_to_7_appears_in_any_report_or_export(programme: Any, w: dict[str, Any]) -> None:
    from whatmatters.reports import exports, presenters, rendering

    team = programme.team_a
    with transaction.atomic():
        measures = build(team, w)
        for audience in AUDIENCES:
            for contents in ("exceptions", "everything"):
                html = rendering.render_body(presenters.build(team, FROM, TO, audience, contents=contents))
                check_report(html, measures, w, audience)
        share_with_programme(*measures.values())
        programme_html = rendering.render_body(
            presenters.build(None, FROM, TO, "committee", contents="everything")
        )
        check_report(programme_html, measures, w, "committee")
        check_csv(exports.write_csv([team]), w)
        check_csv(exports.write_csv([team], programme=True), w)
        transaction.set_rollback(True)
