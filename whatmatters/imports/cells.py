"""Checks for single cells, the same in every importer."""

from __future__ import annotations

import math
import re
import unicodedata

from whatmatters.spc.numbers import exact, shown
from whatmatters.text.pii import nhs_numbers

# A cell that starts with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

# Invisible characters that change how text reads: bidirectional overrides and isolates ("Trojan source").
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
# Characters that show as nothing and can hide an NHS number or an email from the personal-data check:
# zero-width space, word joiner, invisible operators, a byte-order mark inside text, soft hyphen, Mongolian
# vowel separator. (The zero-width joiner and non-joiner stay: emoji and Urdu or Persian words need them.)
_INVISIBLE = "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"

# The longest number we read: 15 significant digits is what a spreadsheet keeps, plus sign, point and room.
MAX_NUMBER_CHARACTERS = 20
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """The text without control characters (NUL, escape, backspace, …), bidirectional overrides and
    invisible characters such as the zero-width space.
    Tabs become spaces; new lines are kept only where a column may hold several lines."""
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif ch in "\r\n":
            if keep_newlines and ch == "\n":
                out.append("\n")
            elif not keep_newlines:
                out.append(" ")
        elif ch in _BIDI or ch in _INVISIBLE or unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    return "".join(out)


def has_controls(text: str) -> bool:
    return any(
        ch in _BIDI or ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
        for ch in text
    )


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would run this text as a formula (and it is not simply a negative number)."""
    return bool(text) and text.startswith(FORMULA_START) and not is_plain_number(text)


def runs_as_formula(text: str) -> bool:
    """Words a spreadsheet would run, for holding an answer for a person: stricter than `looks_like_formula`
    (the export rule) so a list written with "- " or "+ " bullets is not held."""
    text = text.lstrip("\t\r\n")
    if not looks_like_formula(text):
        return False
    return text[0] in "=@|%" or (len(text) > 1 and not text[1].isspace())


def is_plain_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip())) if len(text) <= MAX_NUMBER_CHARACTERS else False


def nhs_number_in(text: str) -> bool:
    """True when the text holds a valid NHS number (ten digits passing the modulus-11 check, with or
    without spaces or dashes)."""
    return bool(nhs_numbers(text))


def parse_bounded(text: str, *, lowest: float, highest: float) -> tuple[float | None, str]:
    """A finite number within [lowest, highest], or (None, the reason in plain English).

    A number of thousands of digits is refused by its length before Python turns it into infinity."""
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARACTERS:
        return None, (
            f"This number is {len(text):,} characters long. Enter a number of at most 15 digits, "
            "like 12 or 12.5."
        )
    if not _NUMBER.match(text):
        return None, f"Enter a number, like 12 or 12.5, not '{text[:30]}'."
    return bounded(float(text), lowest=lowest, highest=highest)


def bounded(number: float, *, lowest: float, highest: float) -> tuple[float | None, str]:
    if not math.isfinite(number):
        return None, "Enter a number, like 12 or 12.5."
    if number < lowest:
        return None, f"{exact(number)} is below {shown(lowest)}, the lowest this can be."
    if number > highest:
        return None, f"{exact(number)} is above {shown(highest)}, the highest this can be."
    return number, ""
