"""Single sign-on pages: start signing in with the provider, the provider's callback, and the problem pages.

The protocol is mozilla-django-oidc's (its request and callback views); whatmatters/teams/sso.py adds
discovery and the checks. Every problem ends on a plain-English page, recorded in the audit log.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from whatmatters.audit.log import Action, actor_for_request, record
from whatmatters.audit.tracking import Actor
from whatmatters.teams import sso
from whatmatters.teams.views import _safe_next

logger = logging.getLogger(__name__)

# What a refused person reads: (page title, paragraphs). `{name}` is the provider's name.
REFUSALS = {
    "not-invited": (
        "You do not have a What Matters account yet",
        [
            "{name} signed you in, but nobody has invited this email address to What Matters.",
            "Ask your team's admin to invite you. Then sign in again.",
        ],
    ),
    "inactive": (
        "Your What Matters account is turned off",
        ["Ask your team's admin or the quality improvement faculty to turn it back on."],
    ),
    "domain": (
        "You cannot sign in with this email address",
        [
            "What Matters only accepts {name} accounts with an email address from the organisations "
            "that use it.",
            "Sign in with your work account, or ask your team's admin for help.",
        ],
    ),
    "unverified": (
        "Your email address has not been checked yet",
        [
            "{name} has not confirmed that this email address is yours, so we cannot use it to sign you in.",
            "Ask your IT service desk to check your account, or ask your team's admin for help.",
        ],
    ),
    "no-email": (
        "We could not sign you in",
        ["{name} did not tell us your email address. Ask your IT service desk for help."],
    ),
}
FAILED = (
    "We could not sign you in",
    [
        "Signing in with {name} did not finish, or what came back could not be checked.",
        "Go back to the sign-in page and try again.",
    ],
)
UNAVAILABLE = (
    "Signing in with {name} is not working at the moment",
    [
        "We could not reach {name}, or it did not answer as expected. This is not something you did.",
        "Try again in a few minutes. If it keeps happening, tell your IT service desk.",
    ],
)


def _page(request: HttpRequest, words: tuple[str, list[str]], status: int) -> HttpResponse:
    title, paragraphs = words
    name = sso.provider_name()
    return render(
        request,
        "teams/sso_problem.jinja",
        {"title": title.format(name=name), "paragraphs": [text.format(name=name) for text in paragraphs]},
        status=status,
    )


def _record_refusal(request: HttpRequest, summary: str, email: str = "") -> None:
    known = None
    if email:
        known = auth.get_user_model().objects.filter(email__iexact=email).first()
    record(
        Action.SIGN_IN_FAILED,
        obj=known,
        object_repr=email[:150],
        summary=f"single sign-on refused: {summary}"[:300],
        actor=Actor(user=None, label="anonymous person", ip_address=actor_for_request(request).ip_address),
    )


def _unavailable(request: HttpRequest, problem: sso.ProviderUnavailable) -> HttpResponse:
    # For whoever runs the service: the reason names the step, never a person or a token.
    logger.warning("Single sign-on provider unavailable: %s", problem.reason)
    _record_refusal(request, f"provider unavailable ({problem.reason})")
    return _page(request, UNAVAILABLE, problem.status)


@method_decorator(never_cache, name="dispatch")
class ProviderStartView(OIDCAuthenticationRequestView):
    """The sign-in page's "Sign in with …" button (a POST, so another site cannot start it)."""

    http_method_names = ["post"]

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the endpoints come from discovery, when someone presses the button

    def post(self, request: HttpRequest) -> HttpResponse:
        if not sso.is_configured():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.discovery().authorization_endpoint
        except sso.ProviderUnavailable as problem:
            return _unavailable(request, problem)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response = self.get(request)
        request.session["oidc_login_next"] = _safe_next(request)
        return response


@method_decorator(never_cache, name="dispatch")
class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends people back, with a code to swap for their ID token."""

    def get(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]
        if not sso.is_configured():
            raise Http404
        try:
            return super().get(request)
        except sso.Refused as refusal:
            _record_refusal(request, refusal.why, refusal.email)
            return _page(request, REFUSALS.get(refusal.why, FAILED), 403)
        except sso.ProviderUnavailable as problem:
            return _unavailable(request, problem)
        except SuspiciousOperation as error:
            # A state we did not send, or an ID token that fails a check: its signature, issuer, audience,
            # expiry or nonce.
            _record_refusal(request, str(error)[:200])
            return _page(request, FAILED, 400)

    def login_failure(self) -> HttpResponse:
        reason = self.request.GET.get("error", "") or "no sign-in under way in this browser"
        _record_refusal(self.request, f"provider said {reason[:60]}")
        return _page(self.request, FAILED, 400)
