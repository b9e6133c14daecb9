from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from whatmatters.audit.log import actor_for_request
from whatmatters.audit.tracking import acting_as


class AuditActorMiddleware:
    """Makes the signed-in person the actor for every change written during this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(actor_for_request(request)):
            return self.get_response(request)
