"""Site-wide pages: the start page, a health check for load balancers, and the error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from whatmatters.api import errors


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("start")
    return render(request, "home.jinja")


def health(request: HttpRequest) -> HttpResponse:
    """For a load balancer: 200 when the app can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, f"errors/{status}.jinja", status=status)


# Under /api/ the answer is JSON in the API's error shape (whatmatters/api/errors.py), also for an address
# no route has and for a fault outside a route (in a middleware).
API_ERRORS = {403: errors.NOT_ALLOWED, 404: errors.NOT_FOUND, 500: errors.SERVER_ERROR}


def _api_error(request: HttpRequest, status: int) -> HttpResponse | None:
    if not getattr(request, "path", "").startswith("/api/"):  # nothing here may fail: no request is fine
        return None
    return JsonResponse({"detail": API_ERRORS[status], "problems": []}, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403) or _error(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404) or _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Keep this page free of anything that could fail again: no database, no user.
    return _api_error(request, 500) or HttpResponse(
        render_to_string("errors/500.jinja", {"minimal": True, "request": None}), status=500
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.jinja", status=403)
