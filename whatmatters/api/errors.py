"""One shape for every API error: a sentence (`detail`) and its `problems` (file, row, column, reason).

django-ninja's own answers (a field or parameter of the wrong type, a page not found, a browser's write
without its CSRF token) and Django's (a body over the size limit, an unexpected error) are turned into that
shape here, so a script reads every refusal the same way and the
OpenAPI document can say what each status carries (`ErrorOut`). PermissionMiddleware and ApiTokenMiddleware
answer 401, 403 and 404 before a route runs with `{"detail": ...}`, which is the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from ninja.errors import AuthenticationError, HttpError, ValidationError

from whatmatters.api.schemas import ErrorOut
from whatmatters.imports.reading import megabytes

if TYPE_CHECKING:
    from ninja import NinjaAPI

# The statuses each operation can answer with, for its `response=` declaration (all carry ErrorOut).
ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 500: ErrorOut}
# ...an operation with a parameter that is not any text (a number, a code) also answers 422;
BAD_PARAMETERS: dict[int, type[ErrorOut]] = {422: ErrorOut}
# ...and one that reads the request body answers 413 when it is over DATA_UPLOAD_MAX_MEMORY_SIZE.
TOO_LARGE: dict[int, type[ErrorOut]] = {413: ErrorOut}

# The largest id the database holds (a 64-bit BigAutoField): bound id parameters with it, so that a larger
# number is refused as a 422 and never reaches the database (SQLite cannot even take it: a 500).
MAX_ID = 2**63 - 1

# What each status means, for the OpenAPI document (django-ninja would say only "Bad Request" and so on).
MEANINGS = {
    400: "The request body is not JSON, or what it holds was refused. Nothing was saved.",
    401: "Sign in, or send an API token that is valid (not expired or revoked).",
    403: "Your role does not allow this. A browser session's writes also need its CSRF token.",
    404: "There is no such team or measure, or you cannot see it.",
    413: "The request body is too large. Nothing was saved.",
    422: "A field or parameter is missing or has the wrong type. Each problem says where. Nothing was saved.",
    500: "Something went wrong on our side. Nothing you sent was saved.",
}

REQUEST = "The request"  # the `file` of a problem with what was sent, as the values route names it
NOT_SIGNED_IN = "Sign in or send an API token."
NOT_ALLOWED = "You do not have permission to do this."
NOT_FOUND = "Not found."
CSRF_MISSING = (
    "This request came from a signed-in browser without its CSRF token, so it was refused. "
    "Scripts should send an API token instead (Authorization: Bearer wm_…)."
)
SERVER_ERROR = (
    "Something went wrong on our side. Try again later. If it keeps happening, tell your administrator."
)


def error(api: NinjaAPI, request: HttpRequest, status: int, detail: str, problems: Sequence[Any] = ()) -> Any:
    return api.create_response(request, {"detail": detail, "problems": list(problems)}, status=status)


def install(api: NinjaAPI) -> None:
    """Answer every exception a route (or django-ninja) raises with an ErrorOut body."""

    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        found = problems_from(exc.errors)
        return error(api, request, 422, _summary(request, found), [problem for _, problem in found])

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if isinstance(exc, AuthenticationError):
            message = NOT_SIGNED_IN
        elif exc.status_code == 403 and message == "CSRF check Failed":
            message = CSRF_MISSING
        return error(api, request, exc.status_code, message)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(api, request, 404, NOT_FOUND)

    def anything_else(request: HttpRequest, exc: Exception) -> HttpResponse:
        if isinstance(exc, PermissionDenied):
            return error(api, request, 403, NOT_ALLOWED)
        if isinstance(exc, RequestDataTooBig):
            response = error(api, request, 413, _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0))
            log_response("Request too large: %s", request.path, response=response, request=request)
            return response
        if isinstance(exc, SuspiciousOperation):
            # As Django does: the security logger hears of every suspicious request.
            security = logging.getLogger(f"django.security.{type(exc).__name__}")
            security.error(str(exc), extra={"status_code": 400, "request": request})
            return error(api, request, 400, "This request could not be read. Nothing was saved.")
        if settings.DEBUG:
            raise exc  # Django's debug page, with the traceback
        # As Django does for an uncaught exception (the test client re-raises it), but the answer is JSON.
        signals.got_request_exception.send(sender=None, request=request)
        response = error(api, request, 500, SERVER_ERROR)
        log_response(
            "%s: %s", "Internal Server Error", request.path, response=response, request=request, exception=exc
        )
        return response

    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Exception, anything_else)


def _too_large(limit: int) -> str:
    return f"The request is larger than {megabytes(limit)}. Send fewer rows at once. Nothing was saved."


# --- Validation errors in plain English ---------------------------------------------------------------

PLACES = {"query": "query parameter", "path": "part of the address", "header": "header", "cookie": "cookie"}

REASONS = {
    "int_parsing": "Write a whole number, like 12.",
    "int_type": "Write a whole number, like 12.",
    "int_from_float": "Write a whole number, like 12, without a decimal point.",
    "float_parsing": "Write a number, like 12 or 12.5.",
    "float_type": "Write a number, like 12 or 12.5.",
    "finite_number": "Write a number, like 12 or 12.5.",
    "string_type": "Write this as text, in double quotes.",
    "string_unicode": "Write this as text encoded as UTF-8.",
    "bool_parsing": "Write true or false.",
    "bool_type": "Write true or false.",
    "date_parsing": "Write a date as YYYY-MM-DD, like 2024-03-04.",
    "date_from_datetime_parsing": "Write a date as YYYY-MM-DD, like 2024-03-04.",
    "date_type": "Write a date as YYYY-MM-DD, like 2024-03-04.",
    "list_type": "Send a list, in square brackets: [ ... ].",
    "model_type": "Send an object, in curly brackets: { ... }.",
    "model_attributes_type": "Send an object, in curly brackets: { ... }.",
    "dict_type": "Send an object, in curly brackets: { ... }.",
    "string_pattern_mismatch": "Use only letters, digits, hyphens (-) and underscores (_).",
    "extra_forbidden": "Leave this out: it is not one of the fields.",
}


def problems_from(errors: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """django-ninja's validation errors as problems with a row, a column and a plain-English reason.

    A location looks like ("body", "rows", 0, "period", ...) or ("query", "session"): the first number is
    the row (counted from 1, as the values route counts rows), the first name after it the column. Several
    errors at one place (one for each type a union allows) become one problem. Each comes with where it was
    (body, query, path...), for the summary sentence.
    """
    found: list[tuple[str, dict[str, Any]]] = []
    seen: set[tuple[str, int | None, str]] = set()
    for item in errors:
        loc = list(item.get("loc", ()))
        source = str(loc[0]) if loc else "body"
        rest = loc[1:]
        if source == "body" and rest and isinstance(rest[0], str):
            rest = rest[1:]  # the route's body parameter (e.g. "rows"), which the sender never names
        row: int | None = None
        column = ""
        for part in rest:
            if isinstance(part, int) and row is None and not column:
                row = part + 1
            elif isinstance(part, str) and not column:
                column = part
        if (source, row, column) in seen:
            continue
        seen.add((source, row, column))
        reason = _reason(item, source, row, column)
        found.append((source, {"file": REQUEST, "row": row, "column": column, "reason": reason}))
    return found


def _reason(item: dict[str, Any], source: str, row: int | None, column: str) -> str:
    kind = str(item.get("type", ""))
    if kind == "missing":
        if source == "body" and row is None and not column:
            return "The request body is empty. Send JSON, as the OpenAPI document shows."
        if row is not None:
            return f"Add '{column}': every row needs one."
        return f"Add '{column}'."
    limits = item.get("ctx", {})
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(limits.values()), "")
        words = {
            "greater_than_equal": "of at least",
            "greater_than": "greater than",
            "less_than_equal": "of at most",
            "less_than": "less than",
        }[kind]
        return (
            f"Write a number {words} {bound:,}."
            if isinstance(bound, int)
            else f"Write a number {words} {bound}."
        )
    if kind == "string_too_long":
        return f"Write at most {limits.get('max_length', '')} characters."
    if kind in REASONS:
        return REASONS[kind]
    message = str(item.get("msg", "This is not valid")).rstrip(".")
    return f"{message}."


def _where(source: str, row: int | None, column: str) -> str:
    if source != "body":
        place = PLACES.get(source, source)
        return f"The {place} '{column}'" if column else f"The {place}"
    if row is not None:
        return f"Row {row:,}, column '{column}'" if column else f"Row {row:,}"
    return f"The field '{column}'" if column else "The request body"


def _summary(request: HttpRequest, found: list[tuple[str, dict[str, Any]]]) -> str:
    if not found:
        return "What you sent could not be read."
    source, first = found[0]
    text = f"{_where(source, first['row'], first['column'])}: {first['reason']}"
    if len(found) > 1:
        more = len(found) - 1
        text += f" There {'is' if more == 1 else 'are'} {more} more problem{'' if more == 1 else 's'}."
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        text += " Nothing was saved."
    return text
