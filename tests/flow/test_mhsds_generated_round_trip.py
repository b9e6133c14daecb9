"""A synthetic extract written as MHSDS tables and mapped back gives the same waits, rule by rule, as the
contract files from the same seed; `flow generate --format mhsds` and `flow waits --mhsds` do it from the
command line. No Django."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import clocks, mhsds, synthetic
from whatmatters.flow.cli import main
from whatmatters.flow.mhsds_write import SYNTHETIC_REFERENCE_SETS
from whatmatters.flow.validate import ImportResult, validate_extract

KEY = b"a test secret of more than sixteen characters"
START = date(2023, 4, 3)
OPTIONS = {"years": 1.0, "seed": 11, "start": START}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportResult, ImportResult, date]:
    contract_dir = tmp_path_factory.mktemp("contract")
    mhsds_dir = tmp_path_factory.mktemp("mhsds")
    summary = synthetic.generate(contract_dir, **OPTIONS)
    synthetic.generate_mhsds(mhsds_dir, **OPTIONS)
    day = summary.extract_date
    simple = validate_extract(contract_dir, extract_date=day)
    mapped = mhsds.validate_mhsds(
        mhsds_dir, extract_date=day, key=KEY, reference_sets=SYNTHETIC_REFERENCE_SETS
    )
    assert simple.can_save and mapped.can_save, mapped.problems
    return simple, mapped, day


def _waits(result: ImportResult, rule: str, census: date) -> list[tuple]:
    clocks.compute_waits(result.con, rule, census)
    found = result.con.execute(
        "SELECT regexp_replace(referral_id, '/[^/]*$', ''), team_id, clock_start, clock_stop, wait_days, "
        "status, within_standard FROM waits ORDER BY ALL"
    ).fetchall()
    return found


# The synthetic teams have no children's team and no adult acute ward: those rules give no waits either way.
NO_SYNTHETIC_WAITS = {"cyp4", "followup72"}
# The earlier local rule reads contact_kind and treatment_start_date only, not events.csv, so the care plans
# an MHSDS extract records in MHS008/MHS009 do not stop its clock (reported to the clock rules' owner). With
# no outcome measures in an extract (the synthetic ones have none) cmh4 is worked out by that rule too.
LOCAL_RULE_READS_NO_EVENTS = pytest.mark.xfail(
    strict=True, reason="cmh4-first-help does not read care plans from events.csv"
)
RULES = [
    pytest.param(r, marks=LOCAL_RULE_READS_NO_EVENTS) if r in ("cmh4", "cmh4-first-help") else r
    for r in clocks.RULES
]


@pytest.mark.parametrize("rule", RULES)
def test_the_mhsds_route_gives_the_contract_routes_waits(
    both: tuple[ImportResult, ImportResult, date], rule: str
) -> None:
    simple, mapped, day = both
    for census in (day, date(2023, 10, 31)):
        expected = _waits(simple, rule, census)
        assert expected or rule in NO_SYNTHETIC_WAITS, f"{rule} gave no waits"
        assert _waits(mapped, rule, census) == expected


def test_the_same_referrals_contacts_and_ward_stays_come_back(
    both: tuple[ImportResult, ImportResult, date],
) -> None:
    simple, mapped, _ = both
    for table, columns in {
        "referrals": "team_id, team_type, referral_date, priority, rejected_date, closed_date, "
        "discharge_date",
        "contacts": "contact_id, contact_date, attend_status, consultation_mechanism",
        "ward_stays": "spell_id, ward_id, admission_date, discharge_date",
    }.items():
        sql = f"SELECT {columns} FROM {table} ORDER BY ALL"  # noqa: S608
        assert mapped.con.execute(sql).fetchall() == simple.con.execute(sql).fetchall(), table


def test_flow_generate_writes_mhsds_tables_and_flow_waits_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(mhsds.KEY_SETTING, KEY.decode())
    out = io.StringIO()
    folder = tmp_path / "tables"
    args = ["generate", "--out", str(folder), "--format", "mhsds", "--teams", "community-recovery"]
    assert main([*args, "--years", "0.5", "--start", "2023-04-03"], out) == 0
    assert "MHS101Referral.csv" in out.getvalue()
    assert {p.name for p in folder.glob("MHS*.csv")} >= {
        "MHS001MPI.csv",
        "MHS101Referral.csv",
        "MHS102ServiceTypeReferredTo.csv",
        "MHS201CareContact.csv",
        "MHS202CareActivity.csv",
        "MHS008CarePlanType.csv",
        "MHS009CarePlanAgreement.csv",
    }
    out = io.StringIO()
    waits = tmp_path / "waits.csv"
    code = main(
        ["waits", "--mhsds", str(folder), "--rule", "first-contact", "--census", "2023-09-30"]
        + ["--extract-date", "2023-10-05", "--output", str(waits)],
        out,
    )
    assert code == 0, out.getvalue()
    assert "referrals.csv: " in out.getvalue()
    first = next(csv.DictReader(waits.open()))
    assert first["referral_id"].endswith("/CERT")


def test_flow_waits_with_mhsds_and_contract_files_together_is_a_usage_error(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main(
        ["waits", "--mhsds", str(tmp_path), "--referrals", "r.csv", "--rule", "eip", "--output", "w.csv"], out
    )
    assert code == 2 and "not both" in out.getvalue()


def test_rejects_deep_in_large_tables_name_their_own_mhsds_rows(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    summary = synthetic.generate_mhsds(folder, **OPTIONS)
    broken = {
        "MHS201CareContact.csv": (3001, "CareContDate"),
        "MHS102ServiceTypeReferredTo.csv": (1501, "ReferClosureDate"),
    }
    for name, (row, column) in broken.items():
        lines = (folder / name).read_text().splitlines()
        cells = lines[row - 1].split(",")
        cells[lines[0].split(",").index(column)] = "31/12/2023"
        lines[row - 1] = ",".join(cells)
        (folder / name).write_text("\n".join(lines) + "\n")
    result = mhsds.validate_mhsds(folder, extract_date=summary.extract_date, key=KEY)
    found = {(r.file, r.row, r.column) for r in result.rejects() if r.rule_code == "BAD_DATE"}
    assert found == {(name, row, column) for name, (row, column) in broken.items()}


def test_shuffling_the_rows_of_every_mhsds_table_changes_no_wait(tmp_path: Path) -> None:
    import random

    folder = tmp_path / "tables"
    summary = synthetic.generate_mhsds(folder, **OPTIONS)
    day = summary.extract_date
    before = mhsds.validate_mhsds(folder, extract_date=day, key=KEY, reference_sets=SYNTHETIC_REFERENCE_SETS)
    rng = random.Random(5)
    for path in folder.glob("MHS*.csv"):
        header, *lines = path.read_text().splitlines()
        rng.shuffle(lines)
        path.write_text("\n".join([header, *lines]) + "\n")
    after = mhsds.validate_mhsds(folder, extract_date=day, key=KEY, reference_sets=SYNTHETIC_REFERENCE_SETS)
    assert after.can_save, after.problems
    for rule in clocks.RULES:
        assert _waits(after, rule, day) == _waits(before, rule, day), rule
