"""One way to write a number: for people (`shown`), for counts (`count`) and for files and forms (`exact`)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from whatmatters.spc.numbers import count, exact, shown


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12.0, "", "12"),
        (12.5, "", "12.5"),
        (85.714, "%", "85.7%"),
        (123.4, "", "123"),
        (1234.5, "", "1,234"),  # round half to even, as Python does
        (1235.5, "", "1,236"),
        (0.0456, "", "0.0456"),
        (0.00004, "", "0.00004"),
        (7.0, "days", "7 days"),
        (-0.0, "", "0"),
        (-12.25, "", "-12.2"),
        (1_000_000.0, "people", "1,000,000 people"),
    ],
)
def test_a_number_for_people_has_at_most_three_significant_figures_but_never_hides_a_whole_part(
    value: float, unit: str, text: str
) -> None:
    assert shown(value, unit) == text


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf])
def test_no_number_is_written_as_nothing_rather_than_nan_or_infinity(value: float | None) -> None:
    assert shown(value) == count(value) == exact(value) == ""


@pytest.mark.parametrize(
    ("unit", "text"),
    [
        ("days", "1 day"),
        ("people", "1 person"),
        ("reports", "1 report"),
        ("check-ins", "1 check-in"),
        ("per 1,000 bed days", "1 per 1,000 bed days"),
        ("score (1 to 5)", "1 score (1 to 5)"),
        ("%", "1%"),
    ],
)
def test_one_of_a_unit_reads_as_one(unit: str, text: str) -> None:
    assert shown(1.0, unit) == count(1.0, unit) == text
    assert shown(2.0, unit).endswith(unit)


def test_a_count_of_people_is_always_whole() -> None:
    assert count(12.6, "people") == "13 people"
    assert count(1234.4) == "1,234"
    assert count(-0.2) == "0"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234567.0, "1234567"),
        (1234.5678, "1234.5678"),
        (0.00001, "0.00001"),
        (2.0000001, "2"),
        (-3.25, "-3.25"),
    ],
)
def test_a_number_for_a_file_or_a_form_keeps_its_digits_and_never_has_an_exponent(
    value: float, text: str
) -> None:
    assert exact(value) == text
    assert float(exact(value)) == pytest.approx(value, abs=1e-6)


def test_a_value_typed_into_the_form_is_shown_back_unchanged_when_the_form_is_opened_again() -> None:
    # The form used to write values with "%g", which kept six significant figures: 1234.5678 came back 1234.57
    # and saving the form again changed the value.
    assert exact(1234.5678) == "1234.5678"


# --- Guard: nobody writes a measured number with a format of their own --------------------------------

APP = Path(__file__).resolve().parents[2] / "whatmatters"
# Decimal formats ("{x:.1f}", "{x:,.0f}", "{x:.3g}", "{x:.0%}") and, in templates, "{:...}".format(x).
OWN_FORMAT = re.compile(r"\{[^{}]*:,?\.\d+[fg%]\}|\"\{:[^\"]*\}\"\.format")
# Drawing code writes coordinates, not numbers people read.
COORDINATES = {"spc/svg.py", "flow/svg.py", "framework/presenters.py"}


def own_number_formats(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), start=1) if OWN_FORMAT.search(line)]


def test_no_page_sentence_chart_or_file_writes_a_number_with_a_format_of_its_own() -> None:
    found = {}
    for path in sorted([*APP.rglob("*.py"), *APP.rglob("*.jinja")]):
        name = str(path.relative_to(APP))
        if name == "spc/numbers.py" or name in COORDINATES or "migrations" in path.parts:
            continue
        if lines := own_number_formats(path.read_text(encoding="utf-8")):
            found[name] = lines
    assert found == {}


def test_the_number_format_guard_finds_each_kind_of_copy() -> None:
    for snippet in (
        'f"{x:.1f}"',
        'f"{n:,.0f} people"',
        'f"{share:.0%}"',
        'f"{v:.3g}"',
        '{{ "{:,.0f}".format(x) }}',
    ):
        assert own_number_formats(snippet), snippet
    assert own_number_formats('f"{n:,} rows" and f"{when:%d %B %Y}"') == []
