"""Survey answers become measure values, one calendar month at a time, for each team.

`refresh_team(team)` is idempotent: it works every value out again from the answers and saves only what
changed (each change is audited by the Value model). It runs as a task after each response and alert
update, and from `whatmatters surveys refresh`. Only measures whose data source is "Experience survey"
are written: a measure a team types in by hand is never overwritten.

- FFT % positive: very good + good over all answers; "don't know" stays in the denominator.
- CollaboRATE top box: responses with 4 on all 3 items over responses that answered all 3.
- Domain rating: the mean rating (1 to 5) for each quality domain asked about.
- Check-ins completed: check-in responses in the month.
- Alerts raised, and alerts responded to within SURVEYS_ALERT_RESPONSE_DAYS (2 unless set).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from whatmatters.framework.actions import adopt_library_measure
from whatmatters.framework.library import LIBRARY as NATIONAL_LIBRARY
from whatmatters.framework.measures.values import Row as ValueRow
from whatmatters.framework.measures.values import Source, write_values
from whatmatters.framework.models import (
    DEFINITION_FIELDS,
    DataSource,
    Domain,
    Frequency,
    LibraryMeasure,
    Measure,
    period_grid,
    period_start,
)
from whatmatters.safety.models import Alert
from whatmatters.surveys import library
from whatmatters.surveys.models import Answer, Kind, Response

FFT = "fft-positive"
COLLABORATE = "collaborate"
CHECKINS = "survey-checkins"
ALERTS_RAISED = "survey-alerts-raised"
ALERTS_ANSWERED = "survey-alerts-answered"
RATING_PREFIX = "survey-rating-"


def alert_response_days() -> int:
    return settings.SURVEYS_ALERT_RESPONSE_DAYS


def _own(code: str, name: str, description: str, definition: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "measure_type": extra.pop("measure_type", "process"),
        "description": description,
        "operational_definition": definition,
        "unit": extra.pop("unit", "people"),
        "chart": extra.pop("chart", "xmr"),
        "direction": extra.pop("direction", "increase"),
        "frequency": Frequency.MONTHLY,
        "data_source": DataSource.SURVEY,
        "collection": "Worked out each month from the team's experience surveys in What Matters.",
        **extra,
    }


def own_definitions() -> dict[str, dict[str, Any]]:
    days = alert_response_days()
    return {
        CHECKINS: _own(
            CHECKINS,
            "Waiting-well check-ins completed",
            "How many people on the waiting list answered a check-in this month. Higher is better.",
            "Responses to the team's waiting-well check-in surveys submitted in the month.",
            unit="check-ins",
        ),
        ALERTS_RAISED: _own(
            ALERTS_RAISED,
            "Check-in alerts raised",
            "How many people waiting said things were worse or asked us to contact them, and left a way "
            "to reach them. We watch this for change.",
            "Alerts raised from check-ins submitted in the month.",
            unit="alerts",
            direction="neutral",
            measure_type="balancing",
        ),
        ALERTS_ANSWERED: _own(
            ALERTS_ANSWERED,
            f"Check-in alerts answered within {days} days",
            f"Of the people who asked for help on a check-in, how many we contacted within {days} days. "
            "Higher is better.",
            f"Alerts raised in the month with a response recorded within {days} days, divided by all alerts "
            "raised in the month.",
            numerator=f"Alerts with a response recorded within {days} days of being raised.",
            denominator="Alerts raised in the month.",
            unit="%",
            chart="p",
            uses_denominator=True,
            multiply=100.0,
        ),
    }


def rating_definition(domain: Any) -> dict[str, Any]:
    return _own(
        f"{RATING_PREFIX}{domain.pk}",
        f"Rating: {domain.i_statement}"[:200],
        f"How well people said we did at: {domain.i_statement}. From 1 (very badly) to 5 (very well). "
        "Higher is better.",
        "The mean of the answers (1 to 5) to the survey rating for this quality domain in the month.",
        measure_type="outcome",
        unit="score (1 to 5)",
    )


def codes_fed_by(questions: list[tuple[str, int | None]]) -> set[str]:
    """The measure codes a survey's questions feed, from (question kind, domain id) pairs."""
    codes: set[str] = set()
    for kind, domain_id in questions:
        if kind == Kind.FFT:
            codes.add(FFT)
        elif kind == Kind.COLLABORATE:
            codes.add(COLLABORATE)
        elif kind == Kind.DOMAIN_RATING and domain_id:
            codes.add(f"{RATING_PREFIX}{domain_id}")
        elif kind in (Kind.CHECKIN_FEELING, Kind.CHECKIN_CHANGED, Kind.CHECKIN_SOONER, Kind.CONTACT):
            codes |= {CHECKINS, ALERTS_RAISED, ALERTS_ANSWERED}
    return codes


@dataclass
class RefreshReport:
    measures_added: int = 0
    values_added: int = 0
    values_changed: int = 0
    skipped: tuple[str, ...] = ()


# {code: {period: (value, numerator, denominator)}}
Series = dict[str, dict[dt.date, tuple[float | None, float | None, float | None]]]


def compute(team: Any, today: dt.date | None = None) -> tuple[Series, dict[str, Any]]:
    """Every survey-fed series for a team, and the domains behind the rating series. A handful of queries."""
    today = today or timezone.localdate()
    series: Series = defaultdict(dict)
    answers = Answer.objects.filter(response__team=team)

    fft: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for period, value, n in (
        answers.filter(question__kind=Kind.FFT)
        .values_list("response__period", "value")
        .annotate(n=Count("pk"))
    ):
        fft[period][value] += n
    for period, counts in fft.items():
        total = sum(counts.values())
        positive = sum(n for value, n in counts.items() if value in library.FFT_POSITIVE)
        series[FFT][period] = (None, float(positive), float(total))

    collaborate: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        answers.filter(question__kind=Kind.COLLABORATE, number__isnull=False)
        .values_list("response_id", "response__period")
        .annotate(
            items=Count("question__item", distinct=True),
            top=Count("pk", filter=Q(number=library.COLLABORATE_TOP)),
        )
    )
    for _, period, items, top in rows:
        if items == len(library.COLLABORATE_ITEMS):
            collaborate[period][1] += 1
            collaborate[period][0] += int(top >= items)
    for period, (top, total) in collaborate.items():
        series[COLLABORATE][period] = (None, float(top), float(total))

    domains: dict[str, Any] = {}
    ratings = (
        answers.filter(
            question__kind=Kind.DOMAIN_RATING, number__isnull=False, question__domain__isnull=False
        )
        .values_list("question__domain_id", "response__period")
        .annotate(mean=Avg("number"))
    )
    for domain_id, period, mean in ratings:
        series[f"{RATING_PREFIX}{domain_id}"][period] = (round(float(mean), 2), None, None)
        domains[f"{RATING_PREFIX}{domain_id}"] = domain_id

    checkins = dict(
        Response.objects.filter(team=team, is_checkin=True).values_list("period").annotate(n=Count("pk"))
    )
    if checkins:
        for period in period_grid(Frequency.MONTHLY, min(checkins), today):
            series[CHECKINS][period] = (float(checkins.get(period, 0)), None, None)

    raised: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    window = dt.timedelta(days=alert_response_days())
    for created, answered in Alert.objects.filter(team=team, source=Alert.Source.CHECKIN).values_list(
        "created_at", "responded_at"
    ):
        period = period_start(Frequency.MONTHLY, timezone.localtime(created).date())
        raised[period][1] += 1
        raised[period][0] += int(answered is not None and answered - created <= window)
    if raised or checkins:
        first = min([*raised, *checkins])
        for period in period_grid(Frequency.MONTHLY, first, today):
            series[ALERTS_RAISED][period] = (
                float(raised[period][1]) if period in raised else 0.0,
                None,
                None,
            )
    for period, (in_time, total) in raised.items():
        series[ALERTS_ANSWERED][period] = (None, float(in_time), float(total))
    return dict(series), domains


def _measure_for(team: Any, code: str, domain_ids: dict[str, Any], report: RefreshReport) -> Measure | None:
    measure = Measure.objects.filter(team=team, code=code).first()
    if measure is not None:
        return measure
    if code in (FFT, COLLABORATE):
        report.measures_added += 1
        source = LibraryMeasure.objects.filter(code=code).first()
        if source is not None:
            return adopt_library_measure(team, source, code=code, domains=[])
        # The library row was removed: use the national definition it was seeded from, so no answers are lost.
        entry = next(e for e in NATIONAL_LIBRARY if e["code"] == code)
        fields = {name: entry[name] for name in DEFINITION_FIELDS if name in entry}
        return Measure.objects.create(team=team, position=Measure.objects.filter(team=team).count(), **fields)

    domains: list[Any] = []
    if code in domain_ids:
        domain = Domain.objects.for_team(team).filter(pk=domain_ids[code]).first()
        if domain is None:
            return None
        fields = rating_definition(domain)
        domains = [domain]
    else:
        fields = own_definitions()[code]
    measure = Measure.objects.create(team=team, position=Measure.objects.filter(team=team).count(), **fields)
    measure.domains.set(domains)
    report.measures_added += 1
    return measure


@transaction.atomic
def refresh_team(team: Any, today: dt.date | None = None) -> RefreshReport:
    """Work out every survey-fed value for the team again; save new and changed values only."""
    report = RefreshReport()
    series, domain_ids = compute(team, today)
    skipped = []
    for code, periods in sorted(series.items()):
        measure = _measure_for(team, code, domain_ids, report)
        if measure is None:
            continue
        if measure.data_source != DataSource.SURVEY:
            skipped.append(code)  # typed in by hand: the team owns those numbers
            continue
        written = write_values(
            (
                ValueRow(measure, period, value=value, numerator=numerator, denominator=denominator)
                for period, (value, numerator, denominator) in sorted(periods.items())
            ),
            source=Source.SURVEY,
        )
        report.values_added += written.created
        report.values_changed += written.replaced
    report.skipped = tuple(skipped)
    return report
