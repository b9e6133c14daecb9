"""What reaches the log: one plain line for each refused request, and tracebacks that never quote what people
typed.

Django logs every 4xx response through `django.request` (and `django.security.*`), a 403 from
`PermissionDenied` with its whole traceback. A refusal is expected, not a fault: `RefusedRequests` turns each
one into a single line saying who (the account's number, never the email), which route, which team and what
status, and drops the traceback. Genuine errors (5xx) keep their traceback, written by `SafeFormatter`:
file, line and code of every frame (never frame locals), the class of each exception, but not the message of a
database error or a `ValueError`/`ValidationError`, which can quote the values people submitted (PostgreSQL's
"Key (email)=(...) already exists", `int()`'s "invalid literal ... '07700 900123'").

Nothing here reads the request body; the only request attributes used are the user, the method and the route.
"""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError
from django.db import Error as DatabaseError
from django.http import HttpRequest

WITHHELD = "(message withheld: it can quote what people typed)"
# Exception modules whose messages can carry query parameters: the database drivers.
_DRIVER_MODULES = {"sqlite3", "_sqlite3", "psycopg", "psycopg2", "psycopg_binary"}
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _who(request: HttpRequest) -> str:
    try:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return str(user.pk)
    except Exception:  # noqa: BLE001 - a log line must not fail because the session cannot be read
        return "unknown"
    return "anonymous"


def refusal_line(status: int, request: HttpRequest) -> str:
    """`403 Forbidden GET user=12 route=audit_log team=-`: who, where and what, nothing anyone typed."""
    match = getattr(request, "resolver_match", None)
    route = (match.view_name if match else "") or "-"
    team = (match.kwargs.get("team") if match else None) or "-"
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Refused"
    method = request.method if request.method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"} else "-"
    return f"{status} {phrase} {method} user={_who(request)} route={route} team={team}"


class RefusedRequests(logging.Filter):
    """Rewrites Django's record of a 4xx response (403, 404, 429, a CSRF failure, 401) as one plain line."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        if isinstance(status, int) and 400 <= status < 500 and isinstance(request, HttpRequest):
            record.msg = refusal_line(status, request)
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


def withholds_message(error: BaseException) -> bool:
    """True for the exceptions whose message can quote submitted values."""
    if isinstance(error, DatabaseError | ValueError | ValidationError):
        return True
    return any(cls.__module__.split(".")[0] in _DRIVER_MODULES for cls in type(error).__mro__)


def _chain(error: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and those behind it, oldest first, each with the words that link it to the next."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    return list(reversed(chain))


def format_exception_safely(error: BaseException) -> str:
    """A traceback like Python's own, with the message left out where it could hold personal data."""
    parts: list[str] = []
    chain = _chain(error)
    for index, (current, _) in enumerate(chain):
        if index:
            parts.append(chain[index - 1][1])  # how the older one led to this one
        if current.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(current.__traceback__))
        cls = type(current)
        name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        if withholds_message(current):
            parts.append(f"{name}: {WITHHELD}\n")
        else:
            parts.extend(traceback.format_exception_only(current))
    return "".join(parts).rstrip("\n")


class SafeFormatter(logging.Formatter):
    """The project's log format, with tracebacks from `format_exception_safely`."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 - the logging module's name
        error = ei[1] if isinstance(ei, tuple) else None
        if error is None:
            return ""
        return format_exception_safely(error)
