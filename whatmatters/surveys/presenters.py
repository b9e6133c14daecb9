"""Display logic: answer distributions, accessible server-side SVG bar charts, QR codes, disclosure control.

Counts shown outside the team go through `whatmatters.disclosure.suppress` (0 stays 0, 1 to 7 become "*",
the rest round to the nearest 5); a percentage built from 1 to 7 people is hidden too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from markupsafe import Markup, escape

from whatmatters.disclosure import SUPPRESSED, is_small, rate_is_suppressed, suppress
from whatmatters.engagement.models import Placement, Statement, Theme
from whatmatters.spc import numbers
from whatmatters.surveys import library
from whatmatters.surveys.models import TEXT_KINDS, Answer, Kind, Question, Survey
from whatmatters.teams.access import roles_of


def outside_team(user: Any, team: Any) -> bool:
    """People who read a team's figures without a role in it (organisation-wide roles, the programme)."""
    return team is None or team.pk not in roles_of(user).team_roles


@dataclass
class Row:
    label: str
    count: int
    shown: int | str  # the count as it may be shown
    percent: str  # "" when hidden


@dataclass
class QuestionResult:
    question: Question
    answered: int
    answered_shown: int | str
    rows: list[Row] = field(default_factory=list)
    chart: Markup | None = None
    approved: list[Statement] = field(default_factory=list)
    waiting: int = 0
    mean: str = ""
    positive: str = ""  # FFT % positive

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT_KINDS


def _percent(part: int, whole: int, hide: bool) -> str:
    if whole == 0:
        return ""
    if hide and rate_is_suppressed(part, whole):
        return SUPPRESSED
    return f"{round(100 * part / whole)}%"


def results(survey: Survey, hide: bool) -> tuple[int | str, list[QuestionResult]]:
    """Counts for each answer of each question. Five queries, whatever the number of responses."""
    questions = list(survey.questions.select_related("domain"))
    total = survey.responses.count()
    single = Counter(
        {
            (q, v): n
            for q, v, n in Answer.objects.filter(question__survey=survey)
            .exclude(value="")
            .values_list("question_id", "value")
            .annotate(n=Count("pk"))
        }
    )
    multiple: Counter[tuple[int, str]] = Counter()
    answered_multiple: Counter[int] = Counter()
    for question_id, values in Answer.objects.filter(
        question__survey=survey, question__kind=Kind.MULTIPLE
    ).values_list("question_id", "values"):
        answered_multiple[question_id] += 1
        for value in values:
            multiple[(question_id, value)] += 1
    statements = Statement.objects.filter(
        pk__in=Answer.objects.filter(question__survey=survey, statement__isnull=False).values("statement_id")
    )
    text_answers: dict[int, list[int]] = {}
    for question_id, statement_id in Answer.objects.filter(
        question__survey=survey, statement__isnull=False
    ).values_list("question_id", "statement_id"):
        text_answers.setdefault(question_id, []).append(statement_id)
    approved = {s.pk: s for s in statements.approved().order_by("-created_at")}
    waiting = set(statements.awaiting_moderation().values_list("pk", flat=True))

    def shown(n: int) -> int | str:
        return suppress(n) if hide else n

    out = []
    for question in questions:
        if question.kind in TEXT_KINDS:
            ids = text_answers.get(question.pk, [])
            result = QuestionResult(question, len(ids), shown(len(ids)))
            result.approved = [approved[i] for i in ids if i in approved][:20] if not hide else []
            result.waiting = sum(1 for i in ids if i in waiting)
            out.append(result)
            continue
        source = multiple if question.kind == Kind.MULTIPLE else single
        counts = [(value, label, source[(question.pk, value)]) for value, label in question.choices()]
        answered = (
            answered_multiple[question.pk] if question.kind == Kind.MULTIPLE else sum(n for _, _, n in counts)
        )
        result = QuestionResult(question, answered, shown(answered))
        result.rows = [Row(label, n, shown(n), _percent(n, answered, hide)) for _, label, n in counts]
        if (
            question.kind in (Kind.COLLABORATE, Kind.DOMAIN_RATING)
            and answered
            and not (hide and is_small(answered))
        ):
            mean = sum(int(v) * n for v, _, n in counts) / answered
            result.mean = numbers.shown(mean)
        if question.kind == Kind.FFT:
            result.positive = fft_positive(question, result.rows, hide)
        result.chart = bar_chart(question, result.rows, hide)
        out.append(result)
    return shown(total), out


def themes_for(team: Any, results: list[QuestionResult]) -> tuple[list[Theme], dict[int, list[Theme]]]:
    """The team's themes, and the themes each approved written answer is already in (two queries)."""
    themes = list(Theme.objects.for_team(team).order_by("name", "pk"))
    by_id = {t.pk: t for t in themes}
    ids = [s.pk for r in results for s in r.approved]
    themes_of: dict[int, list[Theme]] = {}
    for statement_id, theme_id in Placement.objects.filter(
        statement_id__in=ids, theme__in=themes
    ).values_list("statement_id", "theme_id"):
        themes_of.setdefault(statement_id, []).append(by_id[theme_id])
    return themes, themes_of


def fft_positive(question: Question, rows: list[Row], hide: bool) -> str:
    """The FFT % positive ("82%"): very good and good over every answer, "don't know" included; "" if
    nobody answered or if it must be hidden (fewer than 8 answers, read outside the team)."""
    values = [value for value, _ in question.choices()]
    total = sum(r.count for r in rows)
    positive = sum(r.count for r, value in zip(rows, values, strict=True) if value in library.FFT_POSITIVE)
    if not total or (hide and rate_is_suppressed(positive, total)):
        return ""
    return f"{round(100 * positive / total)}%"


@dataclass
class Month:
    period: Any
    count: int
    shown: int | str


def responses_by_month(survey: Survey, hide: bool) -> list[Month]:
    """Responses in each calendar month, newest first (one query)."""
    rows = survey.responses.order_by().values_list("period").annotate(n=Count("pk")).order_by("-period")
    return [Month(period, n, suppress(n) if hide else n) for period, n in rows]


# --- Charts -----------------------------------------------------------------------------------------

BAR_HEIGHT = 28
GAP = 10
LABEL_WIDTH = 260
PLOT_WIDTH = 300
VALUE_WIDTH = 80


def bar_chart(question: Question, rows: list[Row], hide: bool) -> Markup:
    """A horizontal bar chart of answer counts: an SVG image with a title and description that say the
    numbers, so it is read the same with or without sight. Styling comes from classes, never attributes."""
    numbers = [r.shown if isinstance(r.shown, int) else 0 for r in rows]
    biggest = max(numbers, default=0) or 1
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    ident = f"chart-q{question.pk}"
    words = "; ".join(f"{r.label}: {r.shown}" + (f" ({r.percent})" if r.percent else "") for r in rows)
    parts = [
        f'<svg class="wm-bar-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">Answers to: {escape(question.text)}</title>',
        f'<desc id="{ident}-desc">{escape(words)}.'
        + (" Counts from 1 to 7 are shown as *, and others rounded to the nearest 5." if hide else "")
        + "</desc>",
    ]
    for n, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        y = GAP + n * (BAR_HEIGHT + GAP)
        bar = round(PLOT_WIDTH * number / biggest, 1)
        label = row.label if len(row.label) <= 34 else row.label[:33] + "…"
        parts.append(
            f'<text class="wm-bar-chart__label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="wm-bar-chart__bar" x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}"/>'
        )
        parts.append(
            f'<text class="wm-bar-chart__value" x="{LABEL_WIDTH + bar + 6}" y="{y + BAR_HEIGHT * 0.7}">'
            f"{escape(str(row.shown))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped
