"""The Jinja2 environment for pages: NHS.UK component macros plus a few Django helpers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django_htmx.jinja import htmx_script
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from whatmatters import rendered_fields
from whatmatters.flash import just_done
from whatmatters.notices.needs import header_count
from whatmatters.spc import numbers
from whatmatters.teams.permissions import allows


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def uk_date(value: date | datetime | None) -> str:
    """3 March 2025, as CONTENT.md asks. Times are shown in UK local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    return f"{value.day} {value:%B %Y}"


def _allows(user: Any, name: str, team: Any = None) -> bool:
    return allows(user, name, team)


def _needs_count(request: Any) -> int:
    """How many things need the signed-in person (notices.needs), for the count beside "Start" in the header.
    A page must never fail because of it: any error shows no count."""
    try:
        return header_count(request)
    except Exception:  # noqa: BLE001 - the header must always render
        return 0


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    # The NHS.UK macros read many optional parameters that may be missing.
    options["undefined"] = ChainableUndefined
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    options["extensions"] = [*options.get("extensions", []), "jinja2.ext.do"]
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on.
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "just_done": just_done,
            "htmx_script": htmx_script,
            "allows": _allows,
            "needs_count": _needs_count,
            "rendered_field": rendered_fields.field,
        }
    )
    env.filters["uk_date"] = uk_date
    # The one way numbers are written (whatmatters.spc.numbers): `| number` for people, `| whole` for counts.
    env.filters["number"] = numbers.shown
    env.filters["whole"] = numbers.count
    return env
