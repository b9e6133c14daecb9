"""Each audience gets its own report: a committee gets icons, charts, sentences and definitions; a quality
improvement forum gets charts, tests of change and change ideas; a lived-experience forum gets easy read with
no statistics words. Every audience quotes only approved words."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.reports.conftest import FROM, TO

AUDIENCES = ["committee", "qi-forum", "lived-experience"]

# Words a lived-experience report never uses (CONTENT.md: easy read has no statistics words).
STATISTICS_WORDS = [
    "variation", "special cause", "common cause", "significant", "limit", "limits", "process", "SPC",
    "statistic", "statistics", "statistical", "average", "mean", "median", "sigma", "baseline", "control",
    "chart", "data", "numerator", "denominator", "trend", "shift", "outlier", "probability", "chance",
    "rate", "percentile", "deviation", "assurance", "range", "confidence", "target", "recalculated",
    "measure", "measures", "KPI", "metric", "PDSA",
]  # fmt: skip


class Text(HTMLParser):
    """The words a reader sees or hears: text and text alternatives, without tags."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")
        for name, value in attrs:
            if name in {"aria-label", "alt", "title"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "dt", "dd", "caption", "th", "td", "figcaption"}


def blocks_of(html: str) -> list[str]:
    """The text of each paragraph, list item, heading or cell."""
    parser = Text()
    parser.feed(html)
    return [" ".join(b.split()) for b in "".join(parser.parts).split("\n") if b.strip()]


def words_of(html: str) -> str:
    return " ".join(blocks_of(html))


def body(team: Any, audience: str, contents: str = "everything") -> str:
    """The report with every measure in it (the committee's "everything"), unless `contents` says."""
    from whatmatters.reports import presenters, rendering

    return rendering.render_body(presenters.build(team, FROM, TO, audience, contents=contents))


@pytest.fixture
def cycles(report_world: dict[str, Any], programme: Any) -> dict[str, Any]:
    from whatmatters.framework.models import ChangeIdea, Driver
    from whatmatters.learning.models import PdsaCycle

    team, idea = report_world["team"], report_world["idea"]

    def cycle(
        title: str, starts_on: dt.date, stage: str = "study", team: Any = team, idea: Any = idea
    ) -> Any:
        made = PdsaCycle.objects.create(
            team=team, change_idea=idea, title=title, plan=f"Plan of {title}", prediction="Fewer calls",
            do="We sent texts", study="Calls fell by a third", starts_on=starts_on, stage=stage,
        )  # fmt: skip
        return made

    running = cycle("Monthly text messages", dt.date(2024, 2, 1))
    running.measures.add(report_world["wait"])
    b_driver = Driver.objects.create(aim=report_world["wait"].aim, text="B")
    b_idea = ChangeIdea.objects.create(driver=b_driver, text="B idea")
    return {
        "running": running,
        "finished_before": cycle("Old leaflet", dt.date(2023, 3, 1), stage="done"),
        "later": cycle("Next year's test", dt.date(2025, 2, 1)),
        "other_team": cycle("Team B's own test", dt.date(2024, 2, 1), team=programme.team_b, idea=b_idea),
    }


def test_a_committee_report_has_icons_charts_sentences_and_definitions(report_world: dict[str, Any]) -> None:
    html = body(report_world["team"], "committee")
    text = words_of(html)
    assert "What changed: L Improving: a change unlikely to be chance" in text
    # 12 points since the new baseline: early days, so no assurance icon yet (Making Data Count).
    assert "Early days: limits will change as more data arrive." in text
    assert html.count("<svg") == 2  # the wait and the large percentage; never a count of people
    assert 'role="img"' in html
    assert "The latest value is 19 days, for December 2024." in text
    assert "What the words mean" in text
    assert "Operational definition" in text
    assert "Change ideas" not in text
    assert "Small tests of change (Plan, Do, Study, Act)" not in text  # the QI forum's section
    assert "Tests of change on it (Plan, Do, Study, Act)" in text  # each exception's own, on its page


def test_a_qi_forum_report_has_charts_tests_of_change_and_change_ideas(
    report_world: dict[str, Any], cycles: dict[str, Any]
) -> None:
    html = body(report_world["team"], "qi-forum")
    text = words_of(html)
    assert html.count("<svg") == 2
    assert "Change ideas Send a text message every month (aim: Reduce the wait for first help" in text
    assert "Small tests of change (Plan, Do, Study, Act)" in text
    assert "Monthly text messages Change idea: Send a text message every month" in text
    assert "Measures it should move: Median wait in days." in text
    assert "Started 1 February 2024. Stage: Study." in text
    assert "Plan Plan of Monthly text messages What we predicted Fewer calls" in text
    assert "Study Calls fell by a third" in text
    assert "Old leaflet" not in text  # finished before the period
    assert "Next year's test" not in text  # starts after it
    assert "Team B's own test" not in text
    assert "What the words mean" not in text


def test_a_qi_forum_report_says_when_there_are_no_tests_of_change(report_world: dict[str, Any]) -> None:
    assert "No tests of change in this period." in words_of(body(report_world["team"], "qi-forum"))


def test_a_lived_experience_report_is_easy_read_in_large_type(report_world: dict[str, Any]) -> None:
    html = body(report_world["team"], "lived-experience")
    text = words_of(html)
    assert 'class="wm-report wm-report--easy-read"' in html
    assert "<svg" not in html and "<table" not in html
    assert "What you told us, and what we are doing" in text
    assert "“I know what is happening while I wait” You told us about this around 10 times." in text
    assert "Some of the things you said: Nobody told me how long the wait would be" in text
    assert "<q>Nobody told me how long the wait would be</q>" in html
    assert "What we are doing: We now text you every month" in text
    assert "How things are going" in text  # the summary, first
    assert "Getting better" in text
    assert "We changed how we work on 1 January 2024." in text
    assert "We do not show these numbers, to keep people's details private." in text


@pytest.mark.parametrize("team_report", [True, False], ids=["team", "programme"])
def test_a_lived_experience_report_uses_no_statistics_words(
    report_world: dict[str, Any], cycles: dict[str, Any], team_report: bool
) -> None:
    text = words_of(body(report_world["team"] if team_report else None, "lived-experience"))
    for word in STATISTICS_WORDS:
        assert not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE), word


def test_a_lived_experience_report_uses_short_sentences(report_world: dict[str, Any]) -> None:
    blocks = blocks_of(body(report_world["team"], "lived-experience"))
    sentences = [s for block in blocks for s in re.split(r"(?<=[.!?])\s+", block) if s]
    assert len(sentences) > 10
    longest = max(sentences, key=lambda s: len(s.split()))
    assert len(longest.split()) <= 15, longest


def test_the_easy_read_count_says_fewer_than_8_rather_than_a_star(report_world: dict[str, Any]) -> None:
    from whatmatters.engagement.models import Statement

    Statement.objects.filter(relationship="staff").delete()  # 2 approved statements are left
    text = words_of(body(report_world["team"], "lived-experience"))
    assert "You told us about this fewer than 8 times." in text
    assert "*" not in text.replace("A star (*) means fewer than 8.", "")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_only_approved_words_that_people_agreed_to_share_are_quoted(
    report_world: dict[str, Any], audience: str
) -> None:
    from whatmatters.learning.models import ExcellenceReport

    team = report_world["team"]
    when = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    for status in ("approved", "pending", "held", "rejected"):
        ExcellenceReport.objects.create(
            team=team, text=f"{status.upper()} thanks to the night staff", status=status, created_at=when
        )
    text = words_of(body(team, audience))
    assert "Nobody told me how long the wait would be" in text
    assert "APPROVED thanks to the night staff" in text
    for never in ("I rang three times", "PENDING", "HELD", "REJECTED"):
        assert never not in text, never


def test_counts_of_statements_by_group_are_disclosure_controlled(report_world: dict[str, Any]) -> None:
    text = words_of(body(report_world["team"], "committee"))
    # 2 from people who use the service or carers, 10 from staff, 0 from others; 12 in all. The staff
    # count is hidden too, or the 2 could be worked out from the total.
    assert (
        "Statements about this: 10. From people who use the service and carers: *; "
        "from staff and managers: *; from others: 0." in text
    )


def test_a_report_on_an_earlier_period_describes_that_period_not_what_came_after(
    report_world: dict[str, Any],
) -> None:
    from whatmatters.reports import presenters, rendering

    data = presenters.build(
        report_world["team"], dt.date(2023, 1, 1), dt.date(2023, 12, 31), "committee", contents="everything"
    )
    text = words_of(rendering.render_body(data))
    assert "The latest value is 41 days, for December 2023." in text
    wait = next(m for m in data.sections[0].measures if m.measure.code == "wait-days")
    assert wait.variation is not None and wait.variation.name == "common_cause"  # the fall came in 2024
    assert max(wait.item.values) == dt.date(2023, 12, 1)
    assert wait.item.result is not None and wait.item.result.dates[-1] == dt.date(2023, 12, 1)
    assert wait.events == []  # the new triage began in 2024
