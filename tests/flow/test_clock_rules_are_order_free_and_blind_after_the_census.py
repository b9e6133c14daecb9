"""Properties every clock rule keeps: the order of rows in the files changes no wait, and anything dated after
the census (a contact, an event, a ward stay) changes nothing."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whatmatters.flow import contract
from whatmatters.flow.clocks import RULES, compute_waits, fetch_waits
from whatmatters.flow.validate import validate_extract

from .cases import EXTRACT_DATE, write_csv

CENSUS = date(2024, 6, 30)
START = date(2024, 1, 1)
PEOPLE = ["P1", "P2", "P3"]
TEAM_TYPES = ["A06", "A14", "C05", "A18", ""]
KINDS = ["outcome_measure", "meaningful_assessment", "care_plan_agreed", "intervention", "care_coordinator"]


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@st.composite
def extracts(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    """A small extract with spells, every kind of event and hospital stays, all dated by the census."""
    n = draw(st.integers(1, 6))
    referrals = []
    for i in range(n):
        start = draw(st.integers(0, 150))
        closed = draw(st.one_of(st.none(), st.integers(start, 175)))
        referrals.append(
            {
                "referral_id": f"R{i}",
                "person_id": draw(st.sampled_from(PEOPLE)),
                "team_id": f"T{i % 2}",
                "team_type": draw(st.sampled_from(TEAM_TYPES)),
                "referral_date": day(start),
                "closed_date": "" if closed is None else day(closed),
                "age_at_referral": draw(st.sampled_from(["", "12", "40"])),
                "primary_reason": draw(st.sampled_from(["", "01"])),
                "care_coord_date": draw(st.sampled_from(["", day(start + 3)])),
            }
        )
    contacts = []
    for j in range(draw(st.integers(0, 10))):
        r = draw(st.sampled_from(referrals))
        offset = draw(st.integers(0, 40))
        contacts.append(
            {
                "contact_id": f"C{j}",
                "referral_id": r["referral_id"],
                "contact_date": min(
                    date.fromisoformat(r["referral_date"]) + timedelta(days=offset), CENSUS
                ).isoformat(),
                "attend_status": draw(st.sampled_from(["5", "3"])),
                "contact_kind": draw(st.sampled_from(["", "assessment", "intervention"])),
            }
        )
    events = [
        {
            "event_id": f"E{k}",
            "person_id": draw(st.sampled_from(PEOPLE)),
            "event_kind": draw(st.sampled_from(KINDS)),
            "event_date": day(draw(st.integers(0, 181))),
            "team_type": "A14",
        }
        for k in range(draw(st.integers(0, 8)))
    ]
    ward_stays = [
        {
            "spell_id": f"S{w}",
            "person_id": draw(st.sampled_from(PEOPLE)),
            "ward_id": "W",
            "bed_type": "10",
            "admission_date": day(a := draw(st.integers(0, 150))),
            "discharge_date": day(a + draw(st.integers(1, 20))),
        }
        for w in range(draw(st.integers(0, 2)))
    ]
    return {"referrals": referrals, "contacts": contacts, "events": events, "ward_stays": ward_stays}


def all_waits(tables: dict[str, list[dict[str, str]]], reverse: bool = False) -> dict[str, list]:
    with tempfile.TemporaryDirectory() as folder:
        paths = {
            name: write_csv(
                Path(folder) / f"{name}.csv", contract.FILES_BY_NAME[name], rows[::-1] if reverse else rows
            )
            for name, rows in tables.items()
        }
        result = validate_extract(paths, extract_date=EXTRACT_DATE, threshold=1.0)
        found = {}
        for rule in RULES:
            compute_waits(result.con, rule, CENSUS)
            found[rule] = fetch_waits(result.con)
        return found


SETTINGS = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(extracts())
def test_the_order_of_rows_changes_no_wait(tables: dict[str, list[dict[str, str]]]) -> None:
    assert all_waits(tables) == all_waits(tables, reverse=True)


@SETTINGS
@given(extracts(), st.sampled_from(PEOPLE), st.integers(1, 30))
def test_anything_after_the_census_changes_nothing(
    tables: dict[str, list[dict[str, str]]], person: str, later: int
) -> None:
    before = all_waits(tables)
    after = CENSUS + timedelta(days=later)
    more = {name: list(rows) for name, rows in tables.items()}
    referral = tables["referrals"][0]["referral_id"]
    more["contacts"].append(
        {
            "contact_id": "LATER",
            "referral_id": referral,
            "contact_date": after.isoformat(),
            "attend_status": "5",
            "contact_kind": "intervention",
        }
    )
    more["events"] += [
        {
            "event_id": f"LATER-{kind}",
            "person_id": person,
            "event_kind": kind,
            "event_date": after.isoformat(),
            "team_type": "A14",
        }
        for kind in KINDS
    ]
    more["ward_stays"].append(
        {
            "spell_id": "LATER",
            "person_id": person,
            "ward_id": "W",
            "bed_type": "10",
            "admission_date": after.isoformat(),
        }
    )
    assert all_waits(more) == before
