"""The disclosure-control helpers reports and exports use: counts stored as numbers, rates, and tables whose
hidden cells can never be worked out from their totals (reliability.md §1a)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whatmatters.disclosure import (
    SUPPRESSED,
    rate_is_suppressed,
    suppress,
    suppress_breakdown,
    suppress_measured,
    suppress_rate,
    suppress_table,
)


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (0.0, 0),
        (0.2, "*"),
        (1.0, "*"),
        (7.0, "*"),
        (7.4, "*"),
        (7.6, 10),
        (8.0, 10),
        (23.0, 25),
        (1000.0, 1000),
    ],
)
def test_a_count_stored_as_a_number_is_controlled_like_a_whole_count(stored: float, shown: int | str) -> None:
    assert suppress_measured(stored) == shown


@pytest.mark.parametrize("bad", [-1.0, "3", None, True])
def test_a_count_stored_as_a_number_must_be_a_count(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        suppress_measured(bad)  # type: ignore[arg-type]


@given(st.floats(min_value=0, max_value=10**7, allow_nan=False))
def test_a_stored_count_never_shows_1_to_7(stored: float) -> None:
    shown = suppress_measured(stored)
    assert shown in (0, SUPPRESSED) or (isinstance(shown, int) and shown % 5 == 0 and shown >= 10)
    if shown == 0:
        assert stored == 0


@pytest.mark.parametrize(
    ("numerator", "denominator", "hidden"),
    [
        (3, 50, True),
        (40, 5, True),
        (0, 5, True),
        (0, 40, False),
        (40, 80, False),
        (8, 8, False),
        (None, 40, False),
    ],
)
def test_a_rate_is_hidden_when_its_numerator_or_denominator_is_1_to_7(
    numerator: float | None, denominator: float | None, hidden: bool
) -> None:
    assert rate_is_suppressed(numerator, denominator) is hidden
    rate = 12.5
    assert suppress_rate(rate, numerator, denominator) == (SUPPRESSED if hidden else rate)


@given(st.integers(0, 200), st.integers(0, 200))
def test_a_rate_from_1_to_7_people_is_always_hidden(numerator: int, denominator: int) -> None:
    hidden = suppress_rate(0.5, numerator, denominator) == SUPPRESSED
    assert hidden == (1 <= numerator <= 7 or 1 <= denominator <= 7)


tables = st.lists(
    st.lists(st.one_of(st.integers(0, 7), st.integers(0, 60)), min_size=1, max_size=5),
    min_size=1,
    max_size=5,
).map(lambda rows: [row + [0] * (max(map(len, rows)) - len(row)) for row in rows])


@given(tables)
def test_no_hidden_cell_of_a_table_can_be_worked_out_from_a_shown_total(rows: list[list[int]]) -> None:
    cells, row_totals, col_totals = suppress_table(rows)
    width = len(rows[0])
    lines = [(cells[r], row_totals[r]) for r in range(len(rows))]
    lines += [([cells[r][c] for r in range(len(rows))], col_totals[c]) for c in range(width)]
    for line, total in lines:
        if total != SUPPRESSED:
            assert [cell for cell in line].count(SUPPRESSED) != 1, (rows, cells, row_totals, col_totals)


@given(tables)
def test_a_table_never_shows_a_count_of_1_to_7_and_rounds_the_rest(rows: list[list[int]]) -> None:
    cells, row_totals, col_totals = suppress_table(rows)
    for r, row in enumerate(rows):
        for c, count in enumerate(row):
            if 1 <= count <= 7:
                assert cells[r][c] == SUPPRESSED
            elif cells[r][c] != SUPPRESSED:
                assert cells[r][c] == suppress(count)
        assert row_totals[r] in (SUPPRESSED, suppress(sum(row)))  # totals from unrounded cells
    for c in range(len(rows[0])):
        assert col_totals[c] in (SUPPRESSED, suppress(sum(row[c] for row in rows)))


def test_a_breakdown_hides_a_second_cell_so_the_first_cannot_be_worked_out() -> None:
    cells, total = suppress_breakdown({"people": 2, "staff": 10, "other": 0})
    assert cells == {"people": SUPPRESSED, "staff": SUPPRESSED, "other": 0}
    assert total == 10


def test_a_table_hides_a_total_when_no_other_cell_of_its_line_can_be_hidden() -> None:
    cells, row_totals, col_totals = suppress_table([[3, 20], [0, 20]])
    # The 3 forces its row's 20 to be hidden; that forces the other 20 in its column; the second row then
    # has one hidden cell and a 0, so its total is hidden instead.
    assert cells == [[SUPPRESSED, SUPPRESSED], [0, SUPPRESSED]]
    assert row_totals == [25, SUPPRESSED]
    assert col_totals == [SUPPRESSED, 40]


def test_a_breakdown_of_large_counts_is_only_rounded() -> None:
    assert suppress_breakdown({"people": 23, "staff": 12, "other": 0}) == (
        {"people": 25, "staff": 10, "other": 0},
        35,
    )
