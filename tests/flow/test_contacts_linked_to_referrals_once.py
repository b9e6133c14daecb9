"""Validation joins contacts to referrals once and leaves the link for the clock rules and measures.

The kept rows are views over the checked tables, contact_referrals lines each kept contact up with its
referral, and tables made any other way (the flow pages load them from the database) get the same
answers through a plain join.
"""

# SQL here is built from fixed table names and this module's own paths.
# ruff: noqa: S608

import json
from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import synthetic
from whatmatters.flow.clocks import compute_waits, fetch_waits
from whatmatters.flow.database import connect
from whatmatters.flow.links import CONTACT_REFERRALS, contacts_with_referrals, flag
from whatmatters.flow.measures import waiting_list_measures
from whatmatters.flow.validate import validate_extract

from .cases import EXTRACT_DATE, Extract, contact, referral


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("linked")
    synthetic.generate(out, teams=["community-recovery", "early-intervention"], seed=3, years=2, faults=0.005)
    return out


def census_of(folder: Path) -> date:
    return date.fromisoformat(json.loads((folder / "extract.json").read_text())["extract_date"])


def answers(con, census: date):
    compute_waits(con, "cmh4", census)
    waits = fetch_waits(con)
    measures = sorted(waiting_list_measures(con, census, "week", 28), key=repr)
    return waits, measures


def copy_as_plain_tables(source, folder: Path) -> object:
    """The kept rows of every file as ordinary tables on a new connection, as the flow pages make them."""
    con = connect()
    for table in ("referrals", "contacts", "ward_stays", "clock_pauses"):
        path = str(folder / f"{table}.parquet")
        source.execute(f"COPY (SELECT * FROM {table}) TO '{path}' (FORMAT parquet)")
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def test_clock_stops_and_measures_are_the_same_from_the_link_as_from_a_plain_join(
    folder: Path, tmp_path: Path
) -> None:
    census = census_of(folder)
    result = validate_extract(folder, extract_date=census)
    assert contacts_with_referrals(result.con) == CONTACT_REFERRALS
    fast = answers(result.con, census)
    plain_con = copy_as_plain_tables(result.con, tmp_path)
    assert contacts_with_referrals(plain_con) != CONTACT_REFERRALS
    plain = answers(plain_con, census)
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]
    assert any(v.measure == "dna_rate" and v.value for v in fast[1])


def test_the_link_covers_every_kept_contact_and_only_those(folder: Path) -> None:
    result = validate_extract(folder, extract_date=census_of(folder))
    con = result.con
    kept = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    linked = con.execute(f"SELECT count(*) FROM {CONTACT_REFERRALS}").fetchone()[0]
    assert kept == linked > 0
    wrong = con.execute(
        f"""SELECT count(*) FROM (SELECT contact_date, referral_row, team_id, referral_date
                                  FROM {contacts_with_referrals(con, team=True)}
                                  EXCEPT ALL
                                  SELECT c.contact_date, r.row, r.team_id, r.referral_date
                                  FROM contacts c JOIN referrals r USING (referral_id))"""
    ).fetchone()[0]
    assert wrong == 0


def test_contacts_rejected_for_another_reason_are_left_out_of_the_link(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", team_id="T1"), referral("R2", "2024-01-02", team_id="T2")],
        [
            contact("C1", "R1", "2024-01-10"),
            contact("C1", "R2", "2024-01-11"),  # a repeated contact_id: rejected after the link is made
            contact("C2", "R2", "2024-01-12", "3"),
            contact("C3", "R2", "2024-01-13", "9"),  # an unknown attend_status: rejected in the scan
            contact("C4", "R9", "2024-01-14"),  # no such referral
        ],
    )
    assert {r.rule_code for r in result.rejects()} == {"DUP_ID", "UNKNOWN_CODE", "ORPHAN_REF"}
    con = result.con
    linked = contacts_with_referrals(con, team=True)
    rows = con.execute(
        f"""SELECT contact_date, team_id, {flag("attended")}, {flag("missed")}, {flag("due")}
            FROM {linked} c ORDER BY contact_date"""
    ).fetchall()
    assert rows == [
        (date(2024, 1, 10), "T1", True, False, True),
        (date(2024, 1, 12), "T2", False, True, True),
    ]


def test_an_extract_validated_twice_on_one_connection_gives_the_same_tables(folder: Path) -> None:
    census = census_of(folder)
    con = connect()
    first = validate_extract(folder, extract_date=census, con=con)
    counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("referrals", "contacts")]
    first_answers = answers(con, census)
    again = validate_extract(folder, extract_date=census, con=con)
    assert [f.rows_kept for f in again.files.values()] == [f.rows_kept for f in first.files.values()]
    again_counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("referrals", "contacts")]
    assert again_counts == counts
    assert answers(con, census) == first_answers


def test_a_contacts_file_with_a_malformed_line_still_links_its_rows(extract: Extract, tmp_path: Path) -> None:
    result = extract([referral("R1", "2024-01-01")], [contact("C1", "R1", "2024-01-10")])
    path = tmp_path / "contacts.csv"
    lines = path.read_text().splitlines()
    lines.insert(1, "broken,line")
    path.write_text("\n".join(lines) + "\n")
    again = validate_extract(
        {"referrals": tmp_path / "referrals.csv", "contacts": path}, extract_date=EXTRACT_DATE
    )
    assert again.rejects()[0].rule_code == "MALFORMED_ROW"
    assert contacts_with_referrals(again.con) != CONTACT_REFERRALS  # the copy path: rows were renumbered
    assert again.con.execute("SELECT row FROM contacts").fetchall() == [(3,)]
    compute_waits(again.con, "first-contact", date(2024, 3, 31))
    assert [w.status for w in fetch_waits(again.con)] == ["stopped"]
    assert result.con is not again.con
