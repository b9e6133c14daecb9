"""The hidden wait (first to second attended contact) is a distribution with no target: within_standard is
blank for every row, in the table and in the CLI's waits.csv."""

import csv
import io
from datetime import date
from pathlib import Path

from whatmatters.flow import contract
from whatmatters.flow.cli import main
from whatmatters.flow.clocks import compute_waits, fetch_waits

from .cases import Extract, contact, referral, write_csv

CENSUS = date(2024, 6, 30)


def test_the_hidden_wait_has_no_standard_and_blank_within_standard(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01"), referral("R2", "2024-01-01")],
        [
            contact("C1", "R1", "2024-01-10"),
            contact("C2", "R1", "2024-01-20"),
            contact("C3", "R2", "2024-01-10"),
        ],
    )
    rule = compute_waits(result.con, "hidden-wait", CENSUS)
    assert rule.standard_days is None and "no standard" in rule.description
    assert [(w.referral_id, w.status, w.wait_days, w.within_standard) for w in fetch_waits(result.con)] == [
        ("R1", "stopped", 10, None),
        ("R2", "waiting", 172, None),
    ]


def test_a_standard_can_still_be_given_for_the_hidden_wait(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01")], [contact("C1", "R1", "2024-01-10"), contact("C2", "R1", "2024-01-20")]
    )
    assert compute_waits(result.con, "hidden-wait", CENSUS, standard_days=14).standard_days == 14
    assert fetch_waits(result.con)[0].within_standard is True


def test_the_cli_writes_a_blank_within_standard_for_the_hidden_wait(tmp_path: Path) -> None:
    r = write_csv(tmp_path / "referrals.csv", contract.REFERRALS, [referral("R1", "2024-01-01")])
    c = write_csv(
        tmp_path / "contacts.csv",
        contract.CONTACTS,
        [contact("C1", "R1", "2024-01-10"), contact("C2", "R1", "2024-01-20")],
    )
    output = tmp_path / "waits.csv"
    argv = ["waits", "--referrals", str(r), "--contacts", str(c), "--rule", "hidden-wait"]
    code = main([*argv, "--census", "2024-06-30", "--output", str(output)], io.StringIO())
    assert code == 0
    [row] = list(csv.DictReader(output.open()))
    assert (row["wait_days"], row["within_standard"]) == ("10", "")
