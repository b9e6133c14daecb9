"""`spc analyse` and `spc conformance` through the pure `main(argv, stdout)`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from whatmatters.spc.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write_csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


STEADY = "date,value\n" + "".join(
    f"2024-{m:02d}-01,{v}\n" for m, v in zip(range(1, 13), [5, 7, 6, 8, 7, 6, 5, 7, 6, 8, 7, 6], strict=True)
)


def test_analyse_prints_a_table_with_a_sentence_and_every_point(tmp_path: Path) -> None:
    code, out, _ = run("analyse", write_csv(tmp_path, STEADY), "--target", "11")
    assert code == 0
    assert "XmR chart (Making Data Count), rules mdc-2023" in out
    assert "No significant change" in out
    # 12 points are early days: the target is not judged yet, and the table says from when it can be.
    assert "Will not meet the target" not in out
    assert "From January 2025, with 13 points, this chart can say whether the target will be met." in out
    assert out.count("2024-") == 12


def test_analyse_judges_the_target_from_the_13th_point(tmp_path: Path) -> None:
    code, out, _ = run("analyse", write_csv(tmp_path, STEADY + "2025-01-01,7\n"), "--target", "11")
    assert code == 0 and "Will not meet the target without change" in out


def test_analyse_json_has_summary_narrative_and_points(tmp_path: Path) -> None:
    code, out, _ = run("analyse", write_csv(tmp_path, STEADY), "--format", "json", "--rules", "ptd-0.2.2")
    (series,) = json.loads(out)
    assert code == 0 and series["rule_set"] == "ptd-0.2.2"
    assert series["variation"] == "common_cause" and len(series["points"]) == 12
    assert series["narrative"]["easy_read"][0].startswith("The latest result is 6")


def test_analyse_handles_several_series_and_denominators(tmp_path: Path) -> None:
    rows = "team,date,seen,referred\n" + "".join(
        f"{t},2024-{m:02d}-01,{5 + m % 3},{20}\n" for t in ("North", "South") for m in range(1, 13)
    )
    code, out, _ = run(
        "analyse",
        write_csv(tmp_path, rows),
        "--series-column",
        "team",
        "--value-column",
        "seen",
        "--denominator-column",
        "referred",
        "--chart",
        "p",
        "--multiply",
        "100",
        "--format",
        "json",
    )
    result = json.loads(out)
    assert code == 0 and [r["name"] for r in result] == ["North", "South"]
    assert result[0]["points"][0]["value"] == 30.0


def test_a_bad_cell_is_reported_by_row_and_column(tmp_path: Path) -> None:
    code, out, err = run("analyse", write_csv(tmp_path, "date,value\n2024-01-01,5\n2024-02-01,five\n"))
    assert code == 2 and out == ""
    assert "data.csv, row 3, column 'value': 'five' is not a number." in err


def test_a_bad_date_is_reported_by_row_and_column(tmp_path: Path) -> None:
    code, _, err = run("analyse", write_csv(tmp_path, "date,value\n02/03/2024,5\n"))
    assert code == 2 and "row 2, column 'date': '02/03/2024' is not a date" in err


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    code, _, err = run("analyse", write_csv(tmp_path, "day,value\n2024-01-01,5\n"))
    assert code == 2 and "there is no column 'date'. The columns are: day, value." in err


def test_a_recalculation_date_not_in_the_data_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("analyse", write_csv(tmp_path, STEADY), "--recalculate", "2024-03-15:new form")
    assert code == 2 and "15 March 2024 is not one of the series' dates" in err


def test_a_recalculation_with_a_reason_appears_in_the_sentence(tmp_path: Path) -> None:
    code, out, _ = run("analyse", write_csv(tmp_path, STEADY), "--recalculate", "2024-07-01:we moved ward")
    assert code == 0 and "Limits recalculated from 1 July 2024 because we moved ward." in out


def test_an_unknown_option_is_an_error_not_an_exit(tmp_path: Path) -> None:
    code, _, err = run("analyse", write_csv(tmp_path, STEADY), "--colour", "red")
    assert code == 2 and "unrecognized arguments: --colour red" in err


def test_a_missing_file_is_a_clear_error() -> None:
    code, _, err = run("analyse", "/nonexistent/data.csv")
    assert code == 2 and "cannot open the file" in err
