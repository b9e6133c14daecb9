"""`flow waits` writes one row per referral with its status and whether it met the standard."""

import csv
import io
from pathlib import Path

from whatmatters.flow import contract
from whatmatters.flow.cli import main

from .cases import contact, referral, write_csv


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out), out.getvalue()


def files(tmp_path: Path, referrals: list[dict[str, str]], contacts: list[dict[str, str]]) -> list[str]:
    r = write_csv(tmp_path / "referrals.csv", contract.REFERRALS, referrals)
    c = write_csv(tmp_path / "contacts.csv", contract.CONTACTS, contacts)
    return ["--referrals", str(r), "--contacts", str(c)]


def test_it_writes_waits_with_the_agreed_columns(tmp_path: Path) -> None:
    args = files(
        tmp_path,
        [
            referral("R1", "2024-01-01", care_coord_date="2024-01-05"),
            referral("R2", "2024-01-01", rejected_date="2024-01-02"),
            referral("R3", "2024-01-20"),
        ],
        [contact("C1", "R1", "2024-01-08"), contact("C2", "R3", "2024-01-21", "3")],
    )
    output = tmp_path / "waits.csv"
    code, said = run(["waits", *args, "--rule", "eip", "--census", "2024-01-31", "--output", str(output)])
    assert code == 0, said
    rows = list(csv.DictReader(output.open()))
    assert list(rows[0]) == [
        "referral_id",
        "team_id",
        "clock_start",
        "clock_stop",
        "wait_days",
        "status",
        "within_standard",
    ]
    got = {
        r["referral_id"]: (r["clock_stop"], r["wait_days"], r["status"], r["within_standard"]) for r in rows
    }
    assert got == {
        "R1": ("2024-01-08", "7", "stopped", "true"),
        "R2": ("2024-01-02", "1", "removed", ""),
        "R3": ("", "11", "waiting", "true"),
    }
    assert "wrote 3 rows" in said


def test_the_census_defaults_to_the_latest_date_in_the_files(tmp_path: Path) -> None:
    args = files(tmp_path, [referral("R1", "2024-01-01")], [contact("C1", "R1", "2024-02-01", "3")])
    output = tmp_path / "waits.csv"
    code, said = run(["waits", *args, "--rule", "first-contact", "--output", str(output)])
    assert code == 0 and "2024-02-01" in said
    assert next(csv.DictReader(output.open()))["wait_days"] == "31"


def test_too_many_bad_rows_writes_no_waits_and_says_why(tmp_path: Path) -> None:
    args = files(tmp_path, [referral("R1", "01/02/2024")], [])
    output = tmp_path / "waits.csv"
    code, said = run(["waits", *args, "--rule", "cmh4", "--output", str(output)])
    assert code == 1 and not output.exists()
    assert "rejects.csv" in said and "Nothing has been saved" in said
    assert "referrals.csv,2,referral_date,BAD_DATE" in (tmp_path / "rejects.csv").read_text()


def test_a_bad_census_date_is_a_usage_error(tmp_path: Path) -> None:
    args = files(tmp_path, [referral("R1", "2024-01-01")], [])
    code, said = run(["waits", *args, "--rule", "eip", "--census", "31/01/2024", "--output", "x.csv"])
    assert code == 2 and "YYYY-MM-DD" in said


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    code, said = run(
        [
            "waits",
            "--referrals",
            str(tmp_path / "nope.csv"),
            "--contacts",
            "c.csv",
            "--rule",
            "eip",
            "--output",
            "w.csv",
        ]
    )
    assert code == 2 and "nope.csv does not exist" in said


def test_import_without_django_says_to_run_it_through_whatmatters() -> None:
    code, said = run(["import", "somewhere"])
    assert code == 2 and "run it as 'whatmatters flow import DIR'" in said
