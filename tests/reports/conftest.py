"""Fixtures for the report tests: team A with measures, values, what people said and a change idea."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.framework.factories import make_aim, make_domain, make_measure, make_ratio_measure, months

FROM, TO = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
SAID = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)

# 24 months from January 2023: a wait that falls (improves) in the second year.
WAIT = [40, 42, 39, 41, 43, 40, 38, 41, 42, 40, 39, 41, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19]


def add_ratio_values(measure: Any, pairs: list[tuple[float, float]], start: dt.date = dt.date(2023, 1, 1)):
    from whatmatters.framework.models import Value

    for period, (num, den) in zip(months(start, len(pairs)), pairs, strict=True):
        Value.objects.create(measure=measure, period=period, numerator=num, denominator=den)


@pytest.fixture
def report_world(programme: Any) -> dict[str, Any]:
    return build_world(programme.team_a)


def build_world(team: Any) -> dict[str, Any]:
    """Measures, values, what people said and a change idea in `team` (also used by the browser test)."""
    from whatmatters.engagement.models import DomainUpdate, EngagementSession, Placement, Statement, Theme
    from whatmatters.framework.models import Annotation, ChangeIdea, Driver, Value

    domain = make_domain(team, "I know what is happening while I wait")
    aim = make_aim(team, domain)
    wait = make_measure(team, domain, aim=aim, target=30.0, description="How many days people wait.")
    for period, value in zip(months(dt.date(2023, 1, 1), len(WAIT)), WAIT, strict=True):
        Value.objects.create(measure=wait, period=period, value=value)
    Annotation.objects.create(
        measure=wait,
        date=dt.date(2024, 1, 1),
        text="New triage",
        new_baseline=True,
        reason="we started a new triage process",
    )
    # A percentage whose numerators and denominators are large: its chart may be shown.
    seen = make_ratio_measure(team, domain, description="People seen within 2 weeks.")
    add_ratio_values(seen, [(40 + i, 80) for i in range(24)])
    # A percentage with a month of 3 out of 5: the rate and the counts must be hidden.
    small = make_ratio_measure(
        team,
        domain,
        "carers-offered",
        name="Carers offered an assessment",
        description="Carers offered an assessment of their own needs.",
    )
    add_ratio_values(small, [(20, 30)] * 20 + [(3, 5), (12, 13), (9, 11), (14, 20)])
    # A count of people: rounded in tables, never charted.
    admissions = make_measure(
        team,
        domain,
        "admissions",
        name="Admissions",
        unit="people",
        chart="c",
        direction="decrease",
        description="People admitted to hospital.",
    )
    for period, value in zip(
        months(dt.date(2023, 1, 1), 24), [23, 4, 17, 0, 12] * 4 + [9, 11, 13, 6], strict=True
    ):
        Value.objects.create(measure=admissions, period=period, value=value)
    driver = Driver.objects.create(aim=aim, text="Clear information while waiting")
    idea = ChangeIdea.objects.create(driver=driver, text="Send a text message every month")

    session = EngagementSession.objects.create(
        team=team, title="What matters day", held_on=dt.date(2024, 3, 1)
    )
    theme = Theme.objects.create(team=team, name="Knowing what is happening")
    theme.domains.add(domain)
    texts = {
        "shared": ("Nobody told me how long the wait would be", "approved", True, "service_user"),
        "private": ("I rang three times and nobody knew", "approved", False, "carer"),
        "pending": ("PENDING words that nobody has read yet", "pending", True, "service_user"),
        "held": ("HELD words with personal details", "held", True, "service_user"),
    }
    statements = {}
    for key, (text, status, consent, relationship) in texts.items():
        s = Statement.objects.create(
            session=session,
            text=text,
            status=status,
            consent_to_share=consent,
            relationship=relationship,
            created_at=SAID,
        )
        Placement.objects.create(theme=theme, statement=s)
        statements[key] = s
    for n in range(10):
        s = Statement.objects.create(
            session=session, text=f"Staff view {n}", status="approved", relationship="staff", created_at=SAID
        )
        Placement.objects.create(theme=theme, statement=s)
    update = DomainUpdate.objects.create(
        domain=domain, team=team, text="We now text you every month", published_on=dt.date(2024, 6, 1)
    )
    return {
        "team": team,
        "domain": domain,
        "wait": wait,
        "seen": seen,
        "small": small,
        "admissions": admissions,
        "idea": idea,
        "statements": statements,
        "update": update,
    }
