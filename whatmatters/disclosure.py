"""Disclosure control for counts of people shown outside their team (reference/reliability.md §1a).

The NHS Digital HES/ECDS rule, used for every team-level figure: 0 stays 0; 1 to 7 becomes "*"; every other
count is rounded to the nearest 5. Pure: no Django. Reports, public pages and exports all call `suppress`, so
a count can never be shown two ways.
"""

from __future__ import annotations

from collections.abc import Iterable

SUPPRESSED = "*"
SMALLEST_SHOWN = 8  # counts from 1 up to this minus 1 are hidden
ROUND_TO = 5


def suppress(count: int) -> int | str:
    """0 -> 0; 1-7 -> "*"; 8 and over -> the nearest multiple of 5 (n/5 never ends in .5 for whole n)."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("Disclosure control works on whole counts of people.")
    if count < 0:
        raise ValueError("A count of people cannot be negative.")
    if count == 0:
        return 0
    if count < SMALLEST_SHOWN:
        return SUPPRESSED
    return ROUND_TO * round(count / ROUND_TO)


def suppress_all(counts: Iterable[int]) -> list[int | str]:
    return [suppress(count) for count in counts]


def shown(count: int) -> str:
    """The text to print: "0", "*" or the rounded number."""
    return str(suppress(count))


def is_small(count: float | None) -> bool:
    """A count of 1 to 7 (the numbers the rule hides), after rounding to a whole count; anything above 0
    is at least 1. None and 0 are not small."""
    return count is not None and count > 0 and max(round(count), 1) < SMALLEST_SHOWN


def suppress_measured(count: float) -> int | str:
    """`suppress` for a count stored as a number (measure values are floats): 23.0 -> 25, 3.0 -> "*".

    A fraction is rounded to the nearest whole count first; anything above 0 counts as at least 1, so it
    is hidden rather than shown as "0".
    """
    if isinstance(count, bool) or not isinstance(count, int | float):
        raise TypeError("Disclosure control works on counts of people.")
    whole = int(round(count))
    if whole == 0 and count > 0:
        whole = 1  # never show "0" for something that is not nothing
    return suppress(whole)


def rate_is_suppressed(numerator: float | None, denominator: float | None) -> bool:
    """A rate or percentage is hidden when its numerator or its denominator is 1 to 7."""
    return is_small(numerator) or is_small(denominator)


def suppress_rate(
    rate: float | None, numerator: float | None, denominator: float | None
) -> float | str | None:
    """The rate itself, or "*" when it was worked out from a numerator or denominator of 1 to 7."""
    if rate_is_suppressed(numerator, denominator):
        return SUPPRESSED
    return rate


def suppress_table(rows: list[list[int]]) -> tuple[list[list[int | str]], list[int | str], list[int | str]]:
    """Cells, row totals and column totals of a table of counts, with complementary suppression.

    Totals are worked out from the unrounded cells and then controlled (reliability.md §1a). A hidden cell
    could be worked out by subtraction when it is the only hidden cell in a row or column whose total is
    shown, so the smallest other non-zero cell of that row or column is hidden too (or, when there is none,
    the total). This repeats until no row or column has exactly one hidden cell next to a shown total —
    the judgement ISB1523 asks for when tables go to lived-experience forums.
    """
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    grid = [list(row) + [0] * (width - len(row)) for row in rows]
    shown: list[list[int | str]] = [[suppress(c) for c in row] for row in grid]
    row_totals: list[int | str] = [suppress(sum(row)) for row in grid]
    col_totals: list[int | str] = [suppress(sum(grid[r][c] for r in range(height))) for c in range(width)]

    def fix(cells: list[tuple[int, int]], total_hidden: bool) -> bool | None:
        """Hide one more cell of this line if needed. Returns None when the total must be hidden."""
        hidden = [(r, c) for r, c in cells if shown[r][c] == SUPPRESSED]
        if len(hidden) != 1 or total_hidden:
            return False
        candidates = [(grid[r][c], r, c) for r, c in cells if shown[r][c] != SUPPRESSED and grid[r][c] > 0]
        if not candidates:
            return None
        _, r, c = min(candidates)
        shown[r][c] = SUPPRESSED
        return True

    changed = True
    while changed:
        changed = False
        for r in range(height):
            outcome = fix([(r, c) for c in range(width)], row_totals[r] == SUPPRESSED)
            if outcome is None:
                row_totals[r] = SUPPRESSED
            changed = changed or outcome is not False
        for c in range(width):
            outcome = fix([(r, c) for r in range(height)], col_totals[c] == SUPPRESSED)
            if outcome is None:
                col_totals[c] = SUPPRESSED
            changed = changed or outcome is not False
    return shown, row_totals, col_totals


def suppress_breakdown(counts: dict[str, int]) -> tuple[dict[str, int | str], int | str]:
    """One row of counts (for example statements by who wrote them) and its total, with complementary
    suppression: a hidden cell can never be worked out from the total and the other cells."""
    keys = list(counts)
    cells, totals, _ = suppress_table([[counts[k] for k in keys]])
    return dict(zip(keys, cells[0], strict=True)), totals[0]
