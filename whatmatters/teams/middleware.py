"""Request-wide guards: the permission table (and two-factor) on every route, and session time limits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from whatmatters.audit.log import record_refusal
from whatmatters.teams import twofactor
from whatmatters.teams.access import roles_of
from whatmatters.teams.models import Team
from whatmatters.teams.permissions import Scope, access_for

API_NAMESPACE = "api-v1"


def _is_api(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and match.namespace == API_NAMESPACE


class PermissionMiddleware:
    """Checks the permission table before any view runs. A route with no row is refused (fail closed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match else ""
        access = access_for(view_name)
        request.team = None
        if access is None:
            # Never let a new route through by accident: the permission-matrix test names the gap.
            record_refusal(request, f"route {view_name!r} has no row in the permission table")
            raise PermissionDenied
        if access.scope is Scope.PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            if _is_api(request):
                return JsonResponse({"detail": "Sign in or send an API token."}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        step = twofactor.next_step(request, view_name)
        if step is not None:
            # Half signed in: the password was right, but the two-factor code is still to come (or set up).
            if _is_api(request):
                return JsonResponse({"detail": "Finish signing in with your two-factor code."}, status=401)
            return HttpResponseRedirect(step)
        team = None
        if access.scope is Scope.TEAM:
            slug = str(view_kwargs.get("team", ""))
            # Only a slug can name a team (API addresses take any text): anything else is not looked up, as
            # PostgreSQL refuses some characters (NUL) with an error rather than finding nothing.
            team = Team.objects.filter(slug=slug, is_active=True).first() if slug_re.match(slug) else None
            if team is None or not roles_of(user).can_see_team(team.pk):
                # Someone outside the team is told nothing about it, not even that it exists.
                if team is not None:
                    record_refusal(request, f"not a member of {team.slug}", team=team)
                return _not_found(request)
        if not access.allows(user, team):
            record_refusal(request, f"role does not allow {view_name}", team=team)
            if _is_api(request):
                return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
            raise PermissionDenied
        request.team = team
        return None


def _not_found(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    raise Http404


class SessionTimeoutMiddleware:
    """Signs people out after an absolute time, however active they are (the idle limit is the cookie age)."""

    KEY = "signed_in_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not getattr(request, "api_token", None):
            started = request.session.get(self.KEY)
            now = time.time()
            if started is None:
                request.session[self.KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
        return self.get_response(request)
