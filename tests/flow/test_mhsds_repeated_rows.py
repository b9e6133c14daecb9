"""MHSDS rows without a natural key, and keys that repeat: the event IDs and people they get (docs/flow.md,
"MHSDS → contract"). Only repeated rows are numbered by a window; these check the answer is the same as
numbering every row would give."""

from __future__ import annotations

from pathlib import Path

from tests.flow.test_mhsds_mapping import BASE, KEY, contact, referral, rows, run, team
from whatmatters.flow import mhsds


def plan(plan_id: str, person: str = "LP1", day: str = "2024-04-08") -> dict[str, str]:
    return {"CarePlanID": plan_id, "LocalPatientId": person, "CarePlanCreatDate": day}


def agreed(plan_id: str, day: str) -> dict[str, str]:
    return {"CarePlanID": plan_id, "CarePlanContentAgreedDate": day}


def test_identical_agreements_are_numbered_in_row_order_and_a_lone_one_is_number_one(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables["MHS008CarePlanType"] = [plan("P1"), plan("P2")]
    tables["MHS009CarePlanAgreement"] = [
        agreed("P1", "2024-04-09"),
        agreed("P2", "2024-04-09"),
        agreed("P1", "2024-04-09"),
        agreed("P1", "2024-04-10"),
    ]
    result = run(tmp_path, tables)
    assert result.can_save, result.problems
    got = result.con.execute(
        "SELECT e.event_id FROM checked_events e WHERE e.source = 'MHS009' ORDER BY e.rowid"
    ).fetchall()
    assert [g for (g,) in got] == [
        "MHS009/P1|2024-04-09/1",
        "MHS009/P2|2024-04-09/1",
        "MHS009/P1|2024-04-09/2",
        "MHS009/P1|2024-04-10/1",
    ]


def test_identical_care_coordinator_rows_are_two_events_not_a_duplicate(tmp_path: Path) -> None:
    tables = dict(BASE)
    row = {
        "LocalPatientId": "LP1",
        "StartDateAssCareCoord": "2024-04-05",
        "CareProfServOrTeamTypeAssoc": "A14",
    }
    tables["MHS006MHCareCoord"] = [row, dict(row)]
    result = run(tmp_path, tables)
    assert result.can_save, result.problems
    ids = [i for (i,) in rows(result, "events", "event_id")]
    assert len(ids) == 2 and ids[0].endswith("/1") and ids[1].endswith("/2")
    assert ids[0][:-2] == ids[1][:-2]


def test_an_agreement_for_a_plan_listed_twice_takes_the_least_of_its_people(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables["MHS101Referral"] = [
        BASE["MHS101Referral"][0],
        {**BASE["MHS101Referral"][0], "ServiceRequestId": "SR2", "LocalPatientId": "LP2"},
    ]
    tables["MHS008CarePlanType"] = [plan("P1", person="LP2"), plan("P1", person="LP1")]
    tables["MHS009CarePlanAgreement"] = [agreed("P1", "2024-04-09")]
    result = run(tmp_path, tables)
    people = sorted([mhsds.pseudonym(KEY, "LP1"), mhsds.pseudonym(KEY, "LP2")])
    got = result.con.execute("SELECT person_id FROM checked_events WHERE source = 'MHS009'").fetchall()
    assert got == [(people[0],)]
    # The second MHS008 row repeats the first one's CarePlanID: it is rejected, naming its MHSDS row.
    dup = [r for r in result.rejects() if r.rule_code == "DUP_ID"]
    assert [(r.file, r.row) for r in dup] == [("MHS008CarePlanType.csv", 3)]


def test_referrals_listed_side_by_side_pair_row_for_row_and_name_their_own_rows(tmp_path: Path) -> None:
    tables = {
        "MHS101Referral": [
            referral("SR1", "LP1"),
            referral("SR2", "LP2", day="01/04/2024"),
            referral("SR3", "LP3"),
        ],
        "MHS102ServiceTypeReferredTo": [team("SR1"), team("SR2"), team("SR3", team_id="T3")],
        "MHS201CareContact": [contact("C1", "2024-04-10")],
    }
    result = run(tmp_path, tables)
    got = rows(result, "referrals", "row, referral_id, team_id")
    assert got == [(2, "SR1/T1", "T1"), (4, "SR3/T3", "T3")]
    bad = [r for r in result.rejects() if r.rule_code == "BAD_DATE"]
    assert [(r.file, r.row, r.column) for r in bad] == [
        ("MHS101Referral.csv", 3, "ReferralRequestReceivedDate")
    ]


def test_a_request_listed_twice_in_both_tables_pairs_every_row_with_every_row(tmp_path: Path) -> None:
    # Side by side the rows look paired, but the join pairs each SR1 row of MHS102 with both of MHS101's.
    tables = {
        "MHS101Referral": [referral("SR1", "LP1"), referral("SR1", "LP1", day="2024-04-02")],
        "MHS102ServiceTypeReferredTo": [team("SR1"), team("SR1", team_id="T2")],
        "MHS201CareContact": [contact("C1", "2024-04-10")],
    }
    result = run(tmp_path, tables)
    got = result.con.execute(
        "SELECT a_row, b_row FROM mh_prov WHERE file = 'referrals.csv' ORDER BY row"
    ).fetchall()
    assert got == [(2, 2), (2, 3), (3, 2), (3, 3)]
