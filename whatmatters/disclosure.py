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
