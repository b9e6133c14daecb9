"""Form fields rendered once and reused: the NHS.UK radios, checkboxes and inputs cost most of a public form's
page (about 2.5 ms for each set of radios; docs/performance.md), and a field nobody has typed into renders
the same every time.

`field(macro, f, ...)` is how forms.jinja's `field` macro renders: it keys the HTML on everything the macro
reads (the macro's compiled code, the widget, name, id, label, hint, choices, the value chosen, the classes)
and renders only on a miss. Nothing a person typed is kept: a field is kept only with no errors and a value
that is empty or one of its own choices; a text box with words in it, or any field with an error, renders
afresh and is never stored. The store is per process, bounded, and locked, so threads can share it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from markupsafe import Markup

LIMIT = 2048  # fields kept per process; the oldest goes first

CHOICE_WIDGETS = {"RadioSelect", "Select", "SelectDateWidget", "CheckboxSelectMultiple"}

_kept: OrderedDict[tuple, Markup] = OrderedDict()
_lock = threading.Lock()


def _value_key(widget: str, value: Any, choices: tuple[tuple[str, str], ...]) -> tuple | None:
    """The value as the key holds it, or None when it must not be kept (something typed)."""
    offered = {v for v, _ in choices}
    if widget == "CheckboxInput":
        return ("bool", value) if value is None or isinstance(value, bool) else None
    if widget == "CheckboxSelectMultiple":
        chosen = tuple(str(v) for v in (value or []))
        return ("many", chosen) if all(v in offered for v in chosen) else None
    if widget in CHOICE_WIDGETS:
        if value is None or value == "":
            return ("empty", value)
        return ("one", str(value)) if str(value) in offered else None
    return ("empty", value) if value is None or value == "" else None


def key(macro: Any, f: Any, classes: str = "", autocomplete: str | None = None) -> tuple | None:
    """What the field's HTML depends on, or None when it must render afresh."""
    if f.errors:
        return None
    widget = type(f.field.widget).__name__
    choices: tuple[tuple[str, str], ...] = ()
    if widget in CHOICE_WIDGETS:
        pairs = []
        for value, text in f.field.choices:
            if isinstance(text, (list, tuple)):  # grouped choices: not worth keeping
                return None
            pairs.append((str(value), str(text)))
        choices = tuple(pairs)
    value = _value_key(widget, f.value(), choices)
    if value is None:
        return None
    return (
        macro._func.__code__,  # a changed template is a new key
        widget,
        f.auto_id,
        f.html_name,
        str(f.label),
        str(f.help_text),
        choices,
        value,
        classes,
        autocomplete,
        f.field.widget.attrs.get("autocomplete"),
    )


def field(macro: Any, f: Any, classes: str = "", autocomplete: str | None = None) -> Markup:
    found = key(macro, f, classes, autocomplete)
    if found is None:
        return macro(f, classes, autocomplete)
    with _lock:
        html = _kept.get(found)
        if html is not None:
            _kept.move_to_end(found)
            return html
    html = macro(f, classes, autocomplete)
    with _lock:
        _kept[found] = html
        while len(_kept) > LIMIT:
            _kept.popitem(last=False)
    return html


def forget() -> None:
    """Empties the store (tests)."""
    with _lock:
        _kept.clear()
