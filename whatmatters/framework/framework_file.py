"""Read a framework file (JSON) and check every part of it before anything is saved.

A framework file is what *Download the plan as a framework file* (or the programme's export) gives: a
team's measurement plan (domains, aims, driver diagrams, measures) or the programme's shared domains and
national measure library. `read` turns its bytes into checked items, or raises `FrameworkError` with every
problem found, each a `Problem(file, None, place, reason)` whose place is a path in the file such as
`measures[3].target` (items count from 0, as JSON tools do; the reason names the item by its code or words
so a person can find it).

What is refused, in seconds and before any database work: an empty, binary, UTF-16 or non-UTF-8 file; a
file over `MAX_BYTES`; text that is not JSON (with its line and character); lists nested deeper than Python
can read; a file that is not a framework object of this format and version, or of the other scope; more
items than the limits below; unknown, repeated and missing keys; values of the wrong type; NaN, Infinity
and numbers too long or too large; text longer than its field holds; codes with anything but letters,
digits, hyphens and underscores; choices not in the list; dates not written YYYY-MM-DD; a measure code
used twice; an NHS number in any text, or a name with a date of birth; a measure's target row (its
targets over time) without a date or a value, or a second value for the same line and period. (The same
"I" statement, or the same aim in the same domain, twice is one domain or aim: a team's own export can
hold that.) Control characters
(and invalid surrogate characters) are removed from text; formulas and HTML are kept as the words typed:
every CSV export neutralises formulas and every page escapes HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from whatmatters.framework.models import (
    DEFINITION_FIELDS,
    Aim,
    ChangeIdea,
    Domain,
    Driver,
    Frequency,
    LibraryMeasure,
    Measure,
    MeasureTarget,
    period_label,
    period_start,
)
from whatmatters.imports.cells import nhs_number_in, strip_controls
from whatmatters.imports.problems import Problem
from whatmatters.imports.reading import megabytes
from whatmatters.spc.numbers import exact
from whatmatters.text.pii import find_personal_data

FORMAT = "whatmatters-framework"
# Version 2 added a measure's "target_label" and its "targets" over time; version 1 files are still read
# (their measures have one target, as they had).
VERSION = 2

MAX_BYTES = 5 * 1024 * 1024  # a large programme library is well under 1 MB
MAX_ITEMS = {"domains": 200, "aims": 200, "measures": 500, "library": 500}
MAX_DRIVERS = 50  # primary drivers of an aim, secondary drivers of a primary one
MAX_IDEAS = 50  # change ideas of one driver
MAX_TREE = 2_000  # drivers and change ideas in the whole file
MAX_LINKS = 50  # quality domains one measure links to
MAX_TARGETS = 200  # rows of one measure's targets over time (as the page's form allows)
MAX_TEXT = 10_000  # characters in a text with no smaller limit (descriptions, definitions)
MAX_NUMBER = 1e15  # targets: 15 digits is what a spreadsheet keeps
MAX_MULTIPLY = 1_000_000  # a rate per million is the largest multiplier a measure needs
MAX_POSITION = 32_767
MAX_PROBLEMS = 200  # after this many the file is refused without reading further
_LONGEST_NUMBER = 30  # characters; longer numbers are refused before Python turns them into anything

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# A full date with its year (12/03/1980, 1980-03-12, 12 March 1980, March 12th, 1980): what a date of birth
# next to a name looks like.
_FULL_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|(?:19|20)\d\d-\d\d-\d\d"
    r"|\d{1,2}(?:st|nd|rd|th)?(?: of)? [A-Za-z]{3,9}\.?,? (?:19|20)\d\d"
    r"|[A-Za-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d\d)\b"
)
MAX_WINDOWS = 1_000  # dates in one file read for a name next to them (about 1 ms each)


class FrameworkError(ValueError):
    """A framework file that cannot be imported. `problems` says what is wrong and where; nothing is saved."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        shown = "; ".join(describe(p) for p in self.problems[:3])
        more = len(self.problems) - 3
        super().__init__(shown + (f" (and {more:,} more)" if more > 0 else ""))


def describe(problem: Problem) -> str:
    """One line: the file, the place in it, and what is wrong."""
    place = problem.file or "The file"
    if problem.column:
        place += f", {problem.column}"
    return f"{place}: {problem.reason}"


# --- What a checked file holds -------------------------------------------------------------------


@dataclass
class DomainItem:
    path: str
    i_statement: str
    description: str
    position: int


@dataclass
class DriverItem:
    text: str
    change_ideas: list[str]
    secondary: list[DriverItem] = field(default_factory=list)


@dataclass
class AimItem:
    path: str
    label: str
    domain: str
    what: str
    for_whom: str
    how_much: str
    by_when: dt.date
    drivers: list[DriverItem]


@dataclass
class MeasureItem:
    path: str
    label: str
    fields: dict[str, Any]  # the definition fields, ready for the model
    domains: list[tuple[str, str]]  # (path, "I" statement)
    aim: str | None
    library_source: str | None
    # Targets over time: (from, value, line), "from" the start of its period, "" for the measure's target.
    targets: list[tuple[dt.date, float, str]] = field(default_factory=list)


@dataclass
class Framework:
    file: str
    scope: str
    domains: list[DomainItem] = field(default_factory=list)
    aims: list[AimItem] = field(default_factory=list)
    measures: list[MeasureItem] = field(default_factory=list)
    library: list[MeasureItem] = field(default_factory=list)


# --- Reading the bytes ---------------------------------------------------------------------------


class _Odd:
    """A JSON value we refuse where it stands: NaN, Infinity or a number far too long."""

    def __init__(self, text: str) -> None:
        self.text = text

    def kind(self) -> str:
        if self.text.lstrip("-") in ("NaN", "Infinity"):
            return f"{self.text}, which is not a number"
        return f"a number {len(self.text):,} characters long"


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that remembers the keys it held more than once (json keeps only the last)."""

    repeated: tuple[str, ...] = ()


def _object_hook(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        repeated = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        out.repeated = tuple(dict.fromkeys(repeated))
    return out


def _int(text: str) -> int | _Odd:
    return int(text) if len(text) <= _LONGEST_NUMBER else _Odd(text)


def _float(text: str) -> float | _Odd:
    return float(text) if len(text) <= _LONGEST_NUMBER else _Odd(text)


_JSON_WORDS = {
    "Expecting value": "a value is expected here (text in quotes, a number, a list or an object)",
    "Expecting ',' delimiter": "a comma (,) is missing between two items",
    "Expecting ':' delimiter": "a colon (:) is missing after a key",
    "Expecting property name enclosed in double quotes": (
        "a key in double quotes is expected here (there may be a comma after the last item)"
    ),
    "Unterminated string starting at": "a text in quotes is never closed",
    "Invalid control character at": "a text in quotes holds a tab or a new line; write it as \\t or \\n",
    "Invalid \\escape": "a backslash (\\) starts something that is not an escape; write it as \\\\",
    "Invalid \\uXXXX escape": "a \\u escape needs 4 hexadecimal digits",
    "Extra data": "there is more after the end of the framework",
}


def _whole(file: str, reason: str, place: str = "") -> FrameworkError:
    return FrameworkError(Problem(file, None, place, reason))


def parse(file: str, data: bytes) -> Any:
    """The JSON value in the file, or FrameworkError with the reason and, for a syntax error, its line."""
    if not data:
        raise _whole(file, "The file is empty. Choose a framework file exported from What Matters.")
    if len(data) > MAX_BYTES:
        raise _whole(
            file,
            f"The file is larger than {megabytes(MAX_BYTES)}, more than a framework file can be. "
            "Check it is the right file.",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        raise _whole(file, "The file is saved as UTF-16. Save it as UTF-8 and try again.")
    if data.startswith(b"PK\x03\x04"):
        raise _whole(file, "This is a zip file or an Excel workbook, not a framework file (.json).")
    if data.startswith(b"%PDF"):
        raise _whole(file, "This is a PDF, not a framework file (.json).")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark, as some editors write
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _whole(
            file,
            "This line has characters that are not UTF-8 text. Save the file as UTF-8 and try again.",
            f"line {line:,}",
        ) from error
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_hook,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_Odd,
        )
    except json.JSONDecodeError as error:
        words = _JSON_WORDS.get(error.msg, "this cannot be read")
        raise _whole(
            file,
            f"The file is not valid JSON: {words}. A framework file is exported by What Matters; if it was "
            "edited by hand, check it there.",
            f"line {error.lineno:,}, character {error.colno:,}",
        ) from error
    except RecursionError as error:
        raise _whole(
            file,
            "The file is not a framework: it has lists or objects inside each other far more deeply than a "
            "framework file ever has.",
        ) from error
    except ValueError as error:  # anything else json refuses
        raise _whole(file, "The file is not valid JSON and cannot be read.") from error


# --- Checking the values -------------------------------------------------------------------------


class _Enough(Exception):
    pass


def shown(text: str, most: int = 40) -> str:
    """Text from the file, safe to put in a message: no control or surrogate characters, and short."""
    clean = _clean(text[: most * 4], multiline=False)
    return clean if len(clean) <= most else clean[: most - 1] + "…"


# Control characters (C0, DEL, C1), bidirectional overrides and lone surrogates: most text has none, and
# then it needs no character-by-character pass.
_UNCLEAN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _clean(text: str, *, multiline: bool) -> str:
    """The text without control characters (tabs become spaces; new lines kept only in long text) and
    without lone surrogates, which JSON can write as \\ud800 but no database can store; trimmed."""
    if _UNCLEAN.search(text):
        text = strip_controls(text, keep_newlines=multiline)
        text = "".join(ch for ch in text if not "\ud800" <= ch <= "\udfff")
    return text.strip()


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _KEY.match(key):
        return f"{path}.{key}" if path else key
    return f'{path}["{shown(key, 30)}"]'


def _lead(label: str) -> str:
    return f"{label}: " if label else ""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, _Odd):
        return value.kind()
    return "something else"


@dataclass
class _Field:
    kind: str  # text, code, choice, number, boolean, date, position
    required: bool = False  # the key must be there
    blank: bool = True  # empty text is fine
    most: int = MAX_TEXT
    multiline: bool = False
    choices: tuple[str, ...] = ()
    nullable: bool = False
    positive: bool = False  # numbers: above 0 (a multiplier)


def _model_field(model: Any, name: str) -> _Field:
    f = model._meta.get_field(name)
    internal = f.get_internal_type()
    required = not f.blank and not f.has_default()
    if name == "code":
        return _Field("code", required=True, blank=False, most=f.max_length)
    if f.choices:
        return _Field("choice", required=required, choices=tuple(str(c) for c, _ in f.choices))
    if internal == "BooleanField":
        return _Field("boolean")
    if internal == "FloatField":
        return _Field("number", nullable=f.null, positive=name == "multiply")
    if internal == "DateField":
        return _Field("date", required=required, nullable=f.null)
    if internal == "PositiveSmallIntegerField":
        return _Field("position")
    multiline = internal == "TextField"
    return _Field(
        "text",
        required=required,
        blank=f.blank,
        most=f.max_length or MAX_TEXT,
        multiline=multiline,
    )


def _fields(model: Any, names: tuple[str, ...]) -> dict[str, _Field]:
    return {name: _model_field(model, name) for name in names}


MEASURE_FIELDS = _fields(Measure, (*DEFINITION_FIELDS, "target_label"))
LIBRARY_FIELDS = _fields(LibraryMeasure, (*DEFINITION_FIELDS, "topic", "source_reference"))
DOMAIN_FIELDS = {
    **_fields(Domain, ("i_statement", "description", "position")),
    "shared": _Field("boolean"),
}
AIM_FIELDS = {
    "domain": _Field("text", required=True, blank=False, most=DOMAIN_FIELDS["i_statement"].most),
    **_fields(Aim, ("what", "for_whom", "how_much", "by_when")),
}
DRIVER_TEXT = _Field("text", required=True, blank=False, most=Driver._meta.get_field("text").max_length)
IDEA_TEXT = _Field("text", required=True, blank=False, most=ChangeIdea._meta.get_field("text").max_length)
LINK_TEXT = DOMAIN_FIELDS["i_statement"]
AIM_LINK = _Field("text", most=AIM_FIELDS["what"].most)  # a measure's aim, by what it will improve
SOURCE_LINK = _Field("text", most=MEASURE_FIELDS["code"].most)  # a library measure's code
TARGET_FIELDS = {  # one row of a measure's targets over time
    "from": _Field("date", required=True),
    "value": _Field("number", required=True),
    "line": _Field("text", most=MeasureTarget._meta.get_field("label").max_length),
}
TOP_KEYS = {
    "team": ("format", "version", "scope", "domains", "aims", "measures"),
    "programme": ("format", "version", "scope", "domains", "library"),
}


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.tree = 0  # drivers and change ideas so far
        self.windows = 0  # dates read for a name next to them

    def grow(self, place: str) -> None:
        """One more driver or change idea; a file with too many is refused here, without reading on."""
        self.tree += 1
        if self.tree > MAX_TREE:
            self.problems.append(
                Problem(
                    self.file,
                    None,
                    place,
                    f"The file has more than {MAX_TREE:,} drivers and change ideas; a framework file holds "
                    f"at most {MAX_TREE:,}. Check it is the right file, or split it into parts.",
                )
            )
            raise _Enough

    def add(self, place: str, reason: str) -> None:
        self.problems.append(Problem(self.file, None, place, reason))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Enough

    def keys(
        self, obj: dict[str, Any], path: str, label: str, known: tuple[str, ...], required: tuple[str, ...]
    ) -> None:
        for key in getattr(obj, "repeated", ()):
            self.add(
                _at(path, key), f"{_lead(label)}the key “{shown(key)}” appears more than once. Keep one."
            )
        for key in obj:
            if key not in known:
                self.add(
                    _at(path, key),
                    f"{_lead(label)}“{shown(key)}” is not a key of a framework file here. "
                    f"Use only: {', '.join(known)}.",
                )
        for key in required:
            if key not in obj:
                self.add(_at(path, key), f"{_lead(label)}“{key}” is missing. Add it.")

    def object(self, value: Any, path: str, label: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(path, f"{_lead(label)}this must be an object in curly brackets {{ }}, not {_kind(value)}.")
        return None

    def list(self, obj: dict[str, Any], key: str, path: str, label: str, most: int, what: str) -> list[Any]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(
                _at(path, key),
                f"{_lead(label)}“{key}” must be a list in square brackets [ ], not {_kind(value)}.",
            )
            return []
        if len(value) > most:
            self.add(
                _at(path, key),
                f"{_lead(label)}“{key}” has {len(value):,} {what}; a framework file holds at most {most:,}. "
                "Check it is the right file, or split it into parts.",
            )
            return []
        return value

    def value(self, obj: dict[str, Any], key: str, spec: _Field, path: str, label: str) -> Any:
        """The checked value of obj[key] (missing keys get their default), or None after adding a problem."""
        place = _at(path, key)
        if key not in obj and spec.required:
            return None  # reported as missing
        value = obj.get(key)
        if spec.kind in ("text", "code"):
            return self.text(value, spec, place, label, key)
        if spec.kind == "choice":
            if not isinstance(value, str) or value not in spec.choices:
                if key not in obj and not spec.required:
                    return None  # the model's default
                said = f"“{shown(value)}”" if isinstance(value, str) else _kind(value)
                self.add(
                    place,
                    f"{_lead(label)}{said} is not a choice for “{key}”. "
                    f"Use one of: {', '.join(spec.choices)}.",
                )
                return None
            return value
        if spec.kind == "boolean":
            if key not in obj:
                return False
            if not isinstance(value, bool):
                self.add(
                    place,
                    f"{_lead(label)}“{key}” must be true or false (without quotes), not {_kind(value)}.",
                )
                return None
            return value
        if spec.kind == "number":
            return self.number(obj, key, spec, place, label)
        if spec.kind == "date":
            if value is None and (spec.nullable or key not in obj) and not spec.required:
                return None
            if not isinstance(value, str) or not _DATE.match(value):
                said = f"“{shown(value)}”" if isinstance(value, str) else _kind(value)
                self.add(
                    place,
                    f"{_lead(label)}“{key}” must be a date written YYYY-MM-DD, like 2026-03-31, not {said}.",
                )
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self.add(place, f"{_lead(label)}“{key}” is {value}, which is not a date in the calendar.")
                return None
        if spec.kind == "position":
            if key not in obj:
                return 0
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POSITION:
                said = (
                    f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else _kind(value)
                )
                self.add(
                    place,
                    f"{_lead(label)}“{key}” must be a whole number from 0 to {MAX_POSITION:,}, not {said}.",
                )
                return None
            return value
        raise AssertionError(spec.kind)

    def text(self, value: Any, spec: _Field, place: str, label: str, key: str) -> str | None:
        if value is None and not spec.required:
            return ""
        if not isinstance(value, str):
            self.add(place, f"{_lead(label)}“{key}” must be text in double quotes, not {_kind(value)}.")
            return None
        if spec.kind == "code":
            return self.code(value, spec, place, label, key)
        text = _clean(value, multiline=spec.multiline)
        if not text and not spec.blank:
            self.add(place, f"{_lead(label)}“{key}” is empty. Write it in.")
            return None
        if len(text) > spec.most:
            self.add(
                place,
                f"{_lead(label)}“{key}” is {len(text):,} characters long; "
                f"the most it can be is {spec.most:,}.",
            )
            return None
        if nhs_number_in(text):
            self.add(
                place,
                f"{_lead(label)}“{key}” holds what looks like an NHS number. A framework must not identify "
                "anyone: remove it, then import the file again.",
            )
            return None
        if self.name_and_birth_date(text):
            self.add(
                place,
                f"{_lead(label)}“{key}” holds what looks like a person's name and date of birth. "
                "A framework must not identify anyone: remove them, then import the file again.",
            )
            return None
        return text

    def name_and_birth_date(self, text: str) -> bool:
        """A date of birth with a name next to it. Only the words around each full date are read (names
        alone are not refused: owners and contacts are staff), and only so many in a file, so a file full
        of dates is still answered in seconds."""
        for found, match in enumerate(_FULL_DATE.finditer(text)):
            if found >= 10 or self.windows >= MAX_WINDOWS:
                break
            self.windows += 1
            window = text[max(0, match.start() - 200) : match.end() + 200]
            if {"name", "date_of_birth"} <= {f.kind for f in find_personal_data(window)}:
                return True
        return False

    def code(self, value: str, spec: _Field, place: str, label: str, key: str) -> str | None:
        if not value:
            self.add(place, f"{_lead(label)}“{key}” is empty. Give it a short code, like eip-2-week-wait.")
        elif len(value) > spec.most:
            self.add(
                place,
                f"{_lead(label)}“{key}” is {len(value):,} characters long; a code is at most {spec.most}.",
            )
        elif not _CODE.match(value):
            if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value):
                why = "it holds a control or invisible character"
            elif any(ch.isspace() for ch in value):
                why = "it holds a space"
            elif not value[0].isalnum():
                why = "it starts with something other than a letter or a digit"
            else:
                why = "it holds a character other than letters, digits, hyphens (-) and underscores (_)"
            self.add(
                place,
                f"{_lead(label)}the code “{shown(value)}” cannot be used: {why}. A code has only letters, "
                "digits, hyphens and underscores, and starts with a letter or a digit, like eip-2-week-wait.",
            )
        else:
            return value
        return None

    def number(self, obj: dict[str, Any], key: str, spec: _Field, place: str, label: str) -> Any:
        if key not in obj:
            return None if spec.nullable else 1.0
        value = obj[key]
        if value is None and spec.nullable:
            return None
        if spec.positive:
            rule, most = f"above 0 and at most {MAX_MULTIPLY:,}, like 100 for a percentage", MAX_MULTIPLY
        else:
            rule, most = "of at most 15 digits, like 28 or 92.5, or null for none", MAX_NUMBER
        if isinstance(value, _Odd):
            self.add(place, f"{_lead(label)}“{key}” is {value.kind()}. Enter a number {rule}.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(
                place, f"{_lead(label)}“{key}” is {_kind(value)}. Enter a number without quotes, {rule}."
            )
            return None
        number = float(value)
        lowest = 0.0 if spec.positive else -most
        if not math.isfinite(number) or not lowest <= number <= most or (spec.positive and number == 0):
            said = exact(number) if math.isfinite(number) else "a number too large to store"
            self.add(place, f"{_lead(label)}“{key}” is {said}. Enter a number {rule}.")
            return None
        return number

    def definition(
        self, item: dict[str, Any], specs: dict[str, _Field], path: str, label: str
    ) -> dict[str, Any] | None:
        out: dict[str, Any] = {}
        before = len(self.problems)
        for key, spec in specs.items():
            value = self.value(item, key, spec, path, label)
            if value is None and spec.kind == "choice" and key not in item:
                continue  # let the model give its default
            out[key] = value
        return out if len(self.problems) == before else None


def _label(kind: str, index: int, value: Any) -> str:
    if isinstance(value, str) and shown(value):
        return f"{kind} {shown(value)}" if kind.endswith("easure") else f"{kind} “{shown(value)}”"
    return f"{kind} {index + 1}"


def read(file: str, data: bytes, *, scope: str) -> Framework:
    """The checked framework in the file, for a team (`scope="team"`) or the programme. Raises
    FrameworkError with every problem found (up to MAX_PROBLEMS); nothing here touches the database."""
    file = shown(file, 100)
    document = parse(file, data)
    if not isinstance(document, dict):
        raise _whole(
            file,
            f"The file holds {_kind(document)}, not a framework. A framework file is one object in "
            "curly brackets { } exported by What Matters.",
        )
    if document.get("format") != FORMAT:
        raise _whole(
            file,
            f"This is not a What Matters framework file: it does not say “format”: “{FORMAT}”.",
            "format",
        )
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _whole(
            file, "The file does not say which version of the format it uses (a whole number).", "version"
        )
    if version > VERSION:
        raise _whole(
            file,
            f"The file uses version {version:,} of the format; this service reads version {VERSION}. "
            "Update What Matters first.",
            "version",
        )
    found = document.get("scope")
    if found != scope:
        if found == "programme":
            reason = (
                "This file holds a programme framework. Import it from the programme's page (the library)."
            )
        elif found == "team":
            reason = "This file holds a team's framework. Import it from the team's plan."
        else:
            reason = "The file does not say whether it holds a team's framework or the programme's (“scope”)."
        raise _whole(file, reason, "scope")
    checker = _Checker(file)
    framework = Framework(file=file, scope=scope)
    try:
        checker.keys(document, "", "", TOP_KEYS[scope], ("format", "version", "scope"))
        _domains(checker, document, framework)
        if scope == "team":
            _aims(checker, document, framework)
            _measures(checker, document, framework, "measures", "Measure", MEASURE_FIELDS)
        else:
            _measures(checker, document, framework, "library", "Library measure", LIBRARY_FIELDS)
    except _Enough:
        pass
    if checker.problems:
        raise FrameworkError(checker.problems)
    return framework


def _domains(c: _Checker, document: dict[str, Any], framework: Framework) -> None:
    for i, raw in enumerate(c.list(document, "domains", "", "", MAX_ITEMS["domains"], "domains")):
        path = _at("domains", i)
        label = _label("Domain", i, raw.get("i_statement") if isinstance(raw, dict) else None)
        item = c.object(raw, path, label)
        if item is None:
            continue
        c.keys(item, path, label, tuple(DOMAIN_FIELDS), ("i_statement",))
        values = {k: c.value(item, k, spec, path, label) for k, spec in DOMAIN_FIELDS.items()}
        if None in values.values():
            continue
        # The same words twice (a team may have two domains saying the same) are one domain here: measures
        # and aims name their domains by these words.
        framework.domains.append(
            DomainItem(path, values["i_statement"], values["description"], values["position"])
        )


def _aims(c: _Checker, document: dict[str, Any], framework: Framework) -> None:
    for i, raw in enumerate(c.list(document, "aims", "", "", MAX_ITEMS["aims"], "aims")):
        path = _at("aims", i)
        label = _label("Aim", i, raw.get("what") if isinstance(raw, dict) else None)
        item = c.object(raw, path, label)
        if item is None:
            continue
        required = tuple(k for k, spec in AIM_FIELDS.items() if spec.required)
        c.keys(item, path, label, (*AIM_FIELDS, "drivers"), required)
        values = {k: c.value(item, k, spec, path, label) for k, spec in AIM_FIELDS.items()}
        drivers = _drivers(c, item, path, label)
        if None in values.values() or drivers is None:
            continue
        framework.aims.append(AimItem(path, label, drivers=drivers, **values))


def _drivers(c: _Checker, aim: dict[str, Any], path: str, label: str) -> list[DriverItem] | None:
    before = len(c.problems)
    out = []
    for j, raw in enumerate(c.list(aim, "drivers", path, label, MAX_DRIVERS, "drivers")):
        primary = _driver(c, raw, _at(_at(path, "drivers"), j), f"{label}, driver {j + 1}", secondary=True)
        if primary is not None:
            out.append(primary)
    return out if len(c.problems) == before else None


def _driver(c: _Checker, raw: Any, path: str, label: str, *, secondary: bool) -> DriverItem | None:
    c.grow(path)
    item = c.object(raw, path, label)
    if item is None:
        return None
    known = ("text", "change_ideas", "secondary") if secondary else ("text", "change_ideas")
    c.keys(item, path, label, known, ("text",))
    text = c.value(item, "text", DRIVER_TEXT, path, label)
    ideas = []
    for k, idea in enumerate(c.list(item, "change_ideas", path, label, MAX_IDEAS, "change ideas")):
        c.grow(_at(_at(path, "change_ideas"), k))
        checked = c.text(
            idea,
            IDEA_TEXT,
            _at(_at(path, "change_ideas"), k),
            f"{label}, change idea {k + 1}",
            "change_ideas",
        )
        ideas.append(checked)
    children = []
    if secondary:
        for k, raw_child in enumerate(c.list(item, "secondary", path, label, MAX_DRIVERS, "drivers")):
            child = _driver(
                c,
                raw_child,
                _at(_at(path, "secondary"), k),
                f"{label}, secondary driver {k + 1}",
                secondary=False,
            )
            children.append(child)
    if text is None or None in ideas or None in children:
        return None
    return DriverItem(text, ideas, children)  # type: ignore[arg-type]


def _measures(
    c: _Checker, document: dict[str, Any], framework: Framework, key: str, kind: str, specs: dict[str, _Field]
) -> None:
    seen: dict[str, str] = {}
    team = key == "measures"
    links = ("domains", "aim", "library_source", "targets") if team else ()
    required = tuple(k for k, spec in specs.items() if spec.required)
    for i, raw in enumerate(c.list(document, key, "", "", MAX_ITEMS[key], key)):
        path = _at(key, i)
        label = _label(kind, i, raw.get("code") if isinstance(raw, dict) else None)
        item = c.object(raw, path, label)
        if item is None:
            continue
        c.keys(item, path, label, (*specs, *links), required)
        fields = c.definition(item, specs, path, label)
        code = item.get("code")
        if isinstance(code, str) and code in seen:
            c.add(
                _at(path, "code"),
                f"{_lead(label)}the code “{shown(code)}” is used twice in the file (also at {seen[code]}). "
                "Each measure needs its own code.",
            )
            continue
        if isinstance(code, str):
            seen[code] = path
        domains: list[tuple[str, str]] = []
        aim = source = None
        targets: list[tuple[dt.date, float, str]] | None = []
        if team:
            before = len(c.problems)
            for k, statement in enumerate(c.list(item, "domains", path, label, MAX_LINKS, "domains")):
                place = _at(_at(path, "domains"), k)
                checked = c.text(statement, LINK_TEXT, place, label, "domains")
                if checked and checked not in (s for _, s in domains):
                    domains.append((place, checked))
            aim = c.text(item.get("aim"), AIM_LINK, _at(path, "aim"), label, "aim")
            source = c.text(
                item.get("library_source"), SOURCE_LINK, _at(path, "library_source"), label, "library_source"
            )
            targets = _targets(c, item, fields, path, label)
            if len(c.problems) != before:
                continue
        if fields is None:
            continue
        framework_list = framework.measures if team else framework.library
        framework_list.append(
            MeasureItem(path, label, fields, domains, aim or None, source or None, targets or [])
        )


def _targets(
    c: _Checker, item: dict[str, Any], fields: dict[str, Any] | None, path: str, label: str
) -> list[tuple[dt.date, float, str]] | None:
    """A measure's targets over time, each row checked and its date moved to the start of its period (as
    the page does). A row named like the measure's target is the measure's target line (stored unnamed).
    A second value for the same line and period is refused, naming both rows."""
    frequency = (fields or {}).get("frequency") or Frequency.MONTHLY
    main = ((fields or {}).get("target_label") or "").strip() or "Target"
    before = len(c.problems)
    rows: list[tuple[dt.date, float, str]] = []
    seen: dict[tuple[str, dt.date], int] = {}
    here = _at(path, "targets")
    for j, raw in enumerate(c.list(item, "targets", path, label, MAX_TARGETS, "target rows")):
        place = _at(here, j)
        row_label = f"{label}, target row {j + 1}"
        row = c.object(raw, place, row_label)
        if row is None:
            continue
        c.keys(row, place, row_label, tuple(TARGET_FIELDS), ("from", "value"))
        if "from" not in row or "value" not in row:
            continue  # reported as missing
        values = {k: c.value(row, k, spec, place, row_label) for k, spec in TARGET_FIELDS.items()}
        if values["from"] is None or values["value"] is None or values["line"] is None:
            continue
        starts = period_start(frequency, values["from"])
        line = "" if values["line"].casefold() in ("", main.casefold()) else values["line"]
        if (line, starts) in seen:
            c.add(
                _at(place, "from"),
                f"{_lead(row_label)}{line or 'the target'} already has a value from "
                f"{period_label(frequency, starts)} in target row {seen[(line, starts)]}. Keep one of them.",
            )
            continue
        seen[(line, starts)] = j + 1
        rows.append((starts, values["value"], line))
    return rows if len(c.problems) == before else None
