"""Single sign-on through the trust's OpenID Connect provider (docs/single-sign-on.md, docs/adr/0013).

Built on mozilla-django-oidc: its views start the authorisation code flow (with PKCE, state and nonce) and
its backend swaps the code for tokens. What this module adds:

- the provider's endpoints come from its discovery document (ISSUER/.well-known/openid-configuration),
  fetched at first use with a timeout and kept for an hour;
- the ID token's signature (RS256, from the provider's JWKS), issuer, audience, expiry and nonce are all
  checked (the library checks only the signature, expiry and nonce);
- a person is matched to an account someone invited, by email address (any case), never created; an
  address outside WHATMATTERS_OIDC_EMAIL_DOMAINS, or one the provider says it has not verified, is refused;
- a session signed in this way counts as two-factor verified (`signed_in_through_provider`): the provider
  did its own multi-factor.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import SuspiciousOperation
from django.utils.csp import CSP
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

BACKEND = "whatmatters.teams.sso.ProviderBackend"
# The signing algorithm we accept. Entra ID, Okta, Keycloak and Google all sign ID tokens with RS256.
SIGNING_ALGORITHM = "RS256"
DISCOVERY_TTL_SECONDS = 3600
# ID tokens may be this many seconds out, for clocks that differ a little.
CLOCK_LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something we cannot use."""

    def __init__(self, reason: str, status: int = 503) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Refused(Exception):
    """The provider signed the person in, but we will not: `why` picks the page's words."""

    def __init__(self, why: str, email: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.email = email


def is_configured() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", ""))


def provider_name() -> str:
    return settings.OIDC_NAME


def signed_in_through_provider(request: Any) -> bool:
    """True for a session whose sign-in was through the provider (and so had the provider's multi-factor).

    Read from the backend Django stores at sign-in: a later password sign-in in the same browser replaces it.
    """
    session = getattr(request, "session", None)
    return session is not None and session.get(BACKEND_SESSION_KEY) == BACKEND


# --- Discovery ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    end_session_endpoint: str


_cache: dict[str, tuple[float, Discovery]] = {}
_lock = threading.Lock()


def forget_discovery() -> None:
    with _lock:
        _cache.clear()


def discovery() -> Discovery:
    """The provider's endpoints, from its discovery document (kept for an hour; refetched on failure)."""
    issuer = settings.OIDC_ISSUER
    with _lock:
        cached = _cache.get(issuer)
        if cached is not None and time.monotonic() - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery failed: {type(error).__name__}") from None
    if not isinstance(document, dict):
        raise ProviderUnavailable("discovery document is not an object")
    try:
        found = Discovery(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
            end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        )
    except KeyError as missing:
        raise ProviderUnavailable(f"discovery document has no {missing}") from None
    if found.issuer.rstrip("/") != issuer.rstrip("/"):
        # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer we asked.
        raise ProviderUnavailable("discovery document names another issuer")
    with _lock:
        _cache[issuer] = (time.monotonic(), found)
    return found


# --- The backend ----------------------------------------------------------------------------------------


def email_domain_allowed(email: str) -> bool:
    domains = settings.OIDC_EMAIL_DOMAINS
    if not domains:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in domains


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with endpoints from discovery and the checks the library leaves out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Nothing is fetched here: Django makes a backend for every sign-in, password ones too.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None
        self._discovery: Discovery | None = None

    def _endpoints(self) -> Discovery:
        if self._discovery is None:
            self._discovery = discovery()
        return self._discovery

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (the library's attribute names)
        return self._endpoints().token_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return self._endpoints().jwks_uri

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return self._endpoints().userinfo_endpoint

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not is_configured():
            return None  # a password sign-in: not ours
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            raise ProviderUnavailable(f"the provider answered {status}", status=502) from None
        except requests.RequestException as error:
            raise ProviderUnavailable(f"the provider could not be reached: {type(error).__name__}") from None
        except (jwt.PyJWTError, KeyError, TypeError, AttributeError) as error:
            # No ID token in the answer, or keys (JWKS) we cannot read.
            raise ProviderUnavailable(f"unusable answer: {type(error).__name__}", status=502) from None

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """Signature, algorithm, issuer, audience, expiry and issue time; the library checks the nonce."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError:
            raise SuspiciousOperation("ID token is not a JWT") from None
        if header.get("alg") != SIGNING_ALGORITHM:
            raise SuspiciousOperation("ID token is not signed with RS256")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[SIGNING_ALGORITHM],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self._endpoints().issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from None

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims; the userinfo endpoint only fills in an email address the token lacks."""
        claims = dict(payload)
        if not claims.get("email") and self.OIDC_OP_USER_ENDPOINT:
            extra = super().get_userinfo(access_token, id_token, payload)
            if isinstance(extra, dict) and extra.get("sub") == payload.get("sub"):
                for name in ("email", "email_verified"):
                    if name in extra:
                        claims[name] = extra[name]
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = str(claims.get("email") or "").strip()
        if not email or "@" not in email:
            raise Refused("no-email")
        # A provider that says it has not checked the address is refused. One that does not say (Entra ID
        # sends no email_verified claim) is trusted for the domains in WHATMATTERS_OIDC_EMAIL_DOMAINS,
        # which belong to the trust's own tenant.
        if str(claims.get("email_verified")).lower() == "false":  # False, or "false" from some providers
            raise Refused("unverified", email)
        if not email_domain_allowed(email):
            raise Refused("domain", email)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(email__iexact=str(claims["email"]).strip())

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        email = str(claims["email"]).strip()
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            raise Refused("not-invited", email)  # no self-registration: an admin invites people
        user = users[0]
        if not user.is_active:
            raise Refused("inactive", email)
        # What the audit log's sign-in entry says (whatmatters/audit/signals.py reads it from the user that
        # django.contrib.auth.login receives, so the audit app need not know about single sign-on).
        user.sign_in_summary = f"through single sign-on ({provider_name()})"[:300]
        return user

    def store_tokens(self, access_token: str, id_token: str) -> None:
        # Only the ID token, for the provider's sign-out (id_token_hint); never the access token.
        self.request.session["oidc_id_token"] = id_token


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_provider_in_form_action(response: Any) -> Any:
    """Let this page's forms lead on to the provider (the sign-in button; signing out, which ends there).

    The Content Security Policy's form-action also covers the redirect after a form is sent, so without this
    the browser stops at the provider's door. Allowed: the issuer's origin, and the origins of the sign-in
    and sign-out endpoints once discovery has been read (nothing is fetched for this).
    """
    if not is_configured():
        return response
    origins = {_origin(settings.OIDC_ISSUER)}
    with _lock:
        cached = _cache.get(settings.OIDC_ISSUER)
    if cached is not None:
        origins |= {_origin(cached[1].authorization_endpoint), _origin(cached[1].end_session_endpoint)}
    policy = dict(getattr(response, "_csp_config", None) or settings.SECURE_CSP)
    policy["form-action"] = [*policy.get("form-action", [CSP.SELF]), *sorted(o for o in origins if o)]
    response._csp_config = policy
    return response


def end_session_url(request: Any, id_token: str | None) -> str | None:
    """Where to send a person signing out, so the provider's session ends too (None if it cannot)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if not is_configured():
        return None
    try:
        endpoint = discovery().end_session_endpoint
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("signed_out")),
    }
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
