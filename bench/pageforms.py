"""The fields of a form on a page, as a browser would send them: used by the load test and the public
forms' profile (bench/public_forms.py). Nothing here imports locust, so it is safe outside a gevent run."""

from __future__ import annotations

import random
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields of the first <form method="post"> on a page, as a browser would send them untouched: hidden
    inputs and text with their values, the first radio of each group or the one checked, checked boxes."""

    def __init__(self, action_contains: str = "") -> None:
        super().__init__()
        self.action_contains = action_contains
        self.in_form = self.done = False
        self.action = ""
        self.fields: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.checkboxes: dict[str, list[str]] = {}
        self.textareas: list[str] = []
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))
        if self.done:
            return
        action = a.get("action", "")
        if (
            tag == "form"
            and a.get("method", "").lower() == "post"
            and (not action or self.action_contains in action)
        ):
            self.in_form, self.action = True, a.get("action", "")
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    self.fields[name] = a.get("value", "")
            elif kind == "checkbox":
                self.checkboxes.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self.fields.setdefault(name, a.get("value", ""))
        elif tag == "textarea" and name:
            self.textareas.append(name)
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_on(html: str, action_contains: str = "") -> FormFields:
    parser = FormFields(action_contains)
    parser.feed(html)
    for name, values in parser.radios.items():
        # Any answer, but "none" where there is one (a way to be contacted would need contact details).
        parser.fields.setdefault(name, "none" if "none" in values else random.choice(values))
    return parser
