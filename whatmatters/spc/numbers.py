"""The one way numbers are written out (pure: no Django).

Three purposes, three functions, one module, so that a chart, the sentence under it, the measure page's table,
a report and a form never write the same number two ways:

- `shown(x, unit)`: for people to read (pages, sentences, charts, reports, messages). At most three
  significant figures, never hiding a whole part (1,234 not 1.23e+03; 85.7%; 0.0456), thousands separated;
  "%" attached, any other unit after a space ("7 days").
- `count(x, unit)`: a number of people or things, which is always whole ("about 1,235 people").
- `exact(x)`: for files and form fields, which are read back by programs and people editing them: every
  digit that matters (up to 6 decimal places), no exponent, no thousands separator, so a value saved again is
  unchanged.
"""

from __future__ import annotations

import math

EXACT_PLACES = 6


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(float(x))


def _with_unit(text: str, unit: str) -> str:
    if unit == "%":
        return f"{text}%"
    if text == "1":
        unit = _one_of(unit)
    return f"{text} {unit}".strip()


def _one_of(unit: str) -> str:
    """The unit after the number 1: "1 day", "1 person", "1 report"; a unit of several words ("per 1,000
    bed days", "score (1 to 5)") is left as it is."""
    word = unit.strip()
    if word.lower() == "people":
        return "person"
    if " " in word or not word.endswith("s") or word.endswith("ss") or len(word) < 3:
        return unit
    return word[:-1]


def shown(x: float | None, unit: str = "") -> str:
    """A number as people read it; blank when there is none."""
    if not _finite(x):
        return ""
    value = float(x)  # type: ignore[arg-type]
    if abs(value) >= 100 or value.is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3g}"
        if "e" in text:  # below 0.0001: more digits rather than an exponent
            text = f"{value:.{EXACT_PLACES}f}".rstrip("0").rstrip(".") or "0"
    if text in ("-0", "-0.0"):
        text = "0"
    return _with_unit(text, unit)


def count(x: float | None, unit: str = "") -> str:
    """A number of people or things, rounded to whole; blank when there is none."""
    if not _finite(x):
        return ""
    text = f"{float(x):,.0f}"  # type: ignore[arg-type]
    return _with_unit("0" if text == "-0" else text, unit)


def exact(x: float | None) -> str:
    """A number for a file or a form field: nothing lost that matters, never an exponent; blank when none."""
    if not _finite(x):
        return ""
    rounded = round(float(x), EXACT_PLACES)  # type: ignore[arg-type]
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.{EXACT_PLACES}f}".rstrip("0")
