"""Small builders for framework tests: a domain, an aim, measures and values in a team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from whatmatters.framework.models import Aim, Domain, Measure, Value


def make_domain(team: Any, text: str = "I know what is happening while I wait") -> Domain:
    return Domain.objects.create(team=team, i_statement=text)


def make_aim(team: Any, domain: Domain, what: str = "Reduce the wait for first help") -> Aim:
    return Aim.objects.create(
        team=team,
        domain=domain,
        what=what,
        for_whom="adults referred to the team",
        how_much="from 10 weeks to 4 weeks",
        by_when=dt.date(2026, 3, 31),
    )


def make_measure(team: Any, domain: Domain, code: str = "wait-days", **fields: Any) -> Measure:
    defaults = {
        "name": "Median wait in days",
        "measure_type": "outcome",
        "description": "How long people wait.",
        "operational_definition": "Median days from referral to first help.",
        "unit": "days",
        "chart": "xmr",
        "direction": "decrease",
        "frequency": "monthly",
        "data_source": "manual",
    }
    defaults.update(fields)
    measure = Measure.objects.create(team=team, code=code, **defaults)
    measure.domains.set([domain])
    return measure


def make_ratio_measure(team: Any, domain: Domain, code: str = "seen-in-2-weeks", **fields: Any) -> Measure:
    return make_measure(
        team,
        domain,
        code,
        **{
            "name": "Seen within 2 weeks",
            "measure_type": "process",
            "unit": "%",
            "chart": "p",
            "direction": "increase",
            "uses_denominator": True,
            "multiply": 100.0,
            **fields,
        },
    )


def months(start: dt.date, n: int) -> list[dt.date]:
    out, year, month = [], start.year, start.month
    for _ in range(n):
        out.append(dt.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def add_values(measure: Measure, values: list[float], start: dt.date = dt.date(2023, 1, 1)) -> None:
    for period, value in zip(months(start, len(values)), values, strict=True):
        Value.objects.create(measure=measure, period=period, value=value)
