from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from whatmatters.api.models import ApiToken


class ApiTokenMiddleware:
    """`Authorization: Bearer wm_…` on /api/ requests signs the request in as the token's owner.

    Browsers never send this header across sites on their own, so token requests skip the CSRF check
    (session requests to the API keep it). A bad token is refused outright, never treated as anonymous.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header:
            scheme, _, value = header.partition(" ")
            token = ApiToken.find(value.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                return JsonResponse(
                    {"detail": "This API token is not valid, has expired or was revoked."}, status=401
                )
            request.user = token.user
            request.api_token = token
            request._dont_enforce_csrf_checks = True
            if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return self.get_response(request)
