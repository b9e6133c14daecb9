"""The synthetic generator meets the acceptance checks in flow.md §5."""

import io
import json
import math
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from whatmatters.flow import synthetic
from whatmatters.flow.analytics import littles_law
from whatmatters.flow.cli import main
from whatmatters.flow.clocks import compute_waits
from whatmatters.flow.validate import validate_extract


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    synthetic.generate(out, seed=11, years=3)
    return out


def manifest(folder: Path) -> dict:
    return json.loads((folder / "extract.json").read_text())


def validated(folder: Path):
    return validate_extract(folder, extract_date=date.fromisoformat(manifest(folder)["extract_date"]))


def test_generated_extracts_pass_the_import_checks(clean: Path) -> None:
    result = validated(clean)
    assert result.rejects() == [] and result.can_save
    teams = {t for (t,) in result.con.execute("SELECT DISTINCT team_id FROM referrals").fetchall()}
    assert teams == {"CERT", "EIP", "OAWARD"}


def test_every_injected_fault_is_rejected_once(tmp_path: Path) -> None:
    summary = synthetic.generate(tmp_path, seed=5, years=1, faults=0.01)
    result = validated(tmp_path)
    rejected = Counter((r.file, r.rule_code) for r in result.rejects())
    assert rejected == Counter(summary.faults)
    assert len(summary.faults) == 11
    assert all(count >= 1 for count in summary.faults.values())
    referrals = result.files["referrals.csv"]
    assert referrals.rows_rejected == sum(c for (f, _), c in summary.faults.items() if f == "referrals.csv")


@pytest.mark.parametrize("rule", ["cmh4", "eip", "first-contact"])
def test_the_patient_day_identity_holds_exactly(clean: Path, rule: str) -> None:
    result = validated(clean)
    census = date.fromisoformat(manifest(clean)["extract_date"])
    compute_waits(result.con, rule, census)
    total = 0
    for team in ("CERT", "EIP", "OAWARD"):
        check = littles_law(result.con, date(2022, 1, 1), census, team_id=team)
        assert check.identity_holds, (team, check.list_patient_days, check.waiting_patient_days)
        total += check.list_patient_days
    assert total > 10_000


def _chi2_sf(x: float, k: int) -> float:
    """Upper tail of the chi-squared distribution (series for the regularised lower gamma)."""
    a, y = k / 2.0, x / 2.0
    term = total = 1.0 / a
    n = 1
    while term > 1e-15 * total:
        term *= y / (a + n)
        total += term
        n += 1
    return 1.0 - math.exp(-y + a * math.log(y) - math.lgamma(a)) * total


def _kruskal_wallis_p(groups: list[list[float]]) -> float:
    values = np.concatenate([np.asarray(g, float) for g in groups])
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    for v in np.unique(values):  # average ranks for ties
        ranks[values == v] = ranks[values == v].mean()
    n, h, at = len(values), 0.0, 0
    for g in groups:
        r = ranks[at : at + len(g)]
        h += len(g) * (r.mean() - (n + 1) / 2) ** 2
        at += len(g)
    return _chi2_sf(12.0 / (n * (n + 1)) * h, len(groups) - 1)


def test_the_kruskal_wallis_helper_detects_a_real_difference() -> None:
    assert _kruskal_wallis_p([[1, 2, 3, 4], [10, 11, 12, 13], [20, 21, 22, 23]]) < 0.05
    assert abs(_chi2_sf(19.675, 11) - 0.05) < 1e-3


def test_referrals_divided_by_the_month_index_show_no_seasonal_pattern(tmp_path: Path) -> None:
    synthetic.generate(tmp_path, teams=["community-recovery"], seed=2, years=6, start=date(2018, 1, 1))
    result = validated(tmp_path)
    rows = result.con.execute(
        "SELECT year(referral_date), month(referral_date), count(*) FROM referrals GROUP BY ALL"
    ).fetchall()
    profile = synthetic.PROFILES["community-recovery"]
    groups: dict[int, list[float]] = {m: [] for m in range(1, 13)}
    for year, month, count in rows:
        first = date(year, month, 1)
        last = date(year + (month == 12), month % 12 + 1, 1)
        workdays = int(synthetic.working_days(first, last).sum()) - int(
            synthetic.working_days(last, last).sum()
        )
        growth = (1 + profile.growth_per_year) ** ((first - date(2018, 1, 1)).days / 365.0)
        groups[month].append(count / workdays / growth / profile.month_index[month - 1])
    assert _kruskal_wallis_p(list(groups.values())) > 0.05


def test_booking_at_rho_0_8_gives_a_mean_wait_within_20_percent_of_kingman() -> None:
    # One slot per day and Poisson arrivals at 0.8 a day: Kingman's Wq = ρ/(1-ρ) x (c_a² + c_s²)/2 x E[S]
    # with c_a = 1 (Poisson), c_s = 0 (fixed slots) and E[S] = 1 day.
    kingman = 0.8 / 0.2 * (1 + 0) / 2 * 1.0
    waits = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        days = 3 * 365
        ready = np.repeat(np.arange(days), rng.poisson(0.8, days))
        slot = synthetic._fifo_slots(ready, np.arange(1, days + 1))
        waits.append(np.mean((slot - ready)[slot >= 0]))
    assert abs(np.mean(waits) - kingman) / kingman < 0.2


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    synthetic.generate(tmp_path / "a", seed=4, years=0.5)
    synthetic.generate(tmp_path / "b", seed=4, years=0.5)
    synthetic.generate(tmp_path / "c", seed=5, years=0.5)
    a, b, c = ((tmp_path / x / "referrals.csv").read_bytes() for x in "abc")
    assert a == b and a != c


def test_the_cli_generates_the_files_it_reports(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main(
        [
            "generate",
            "--out",
            str(tmp_path),
            "--teams",
            "early-intervention",
            "--years",
            "1",
            "--seed",
            "3",
            "--faults",
            "0.01",
        ],
        out,
    )
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} == {
        "referrals.csv",
        "contacts.csv",
        "ward_stays.csv",
        "extract.json",
    }
    assert "deliberately bad rows" in out.getvalue()


def test_an_unknown_team_profile_is_named() -> None:
    out = io.StringIO()
    assert main(["generate", "--out", "x", "--teams", "crisis"], out) == 2
    assert "crisis" in out.getvalue() and "community-recovery" in out.getvalue()


def test_bank_holidays_include_easter_and_substitute_days() -> None:
    holidays = synthetic.england_bank_holidays(2022)
    assert {
        date(2022, 4, 15),
        date(2022, 4, 18),
        date(2022, 6, 2),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2022, 12, 26),
        date(2022, 12, 27),
    } <= holidays
    assert date(2022, 5, 30) not in holidays
