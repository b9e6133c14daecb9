"""Two-factor sign-in for local accounts: a code from an authenticator app (TOTP), or a recovery code.

Built on django-otp (docs/adr/0012-two-factor-sign-in.md). The password step signs the session in; for a
person with a confirmed device the session is only *verified* (`request.user.is_verified()`) once they give
a code, and PermissionMiddleware sends an unverified session to the code page from every page that needs a
signed-in person. People whose role needs two-factor (WHATMATTERS_REQUIRE_2FA_FOR) and who have not set it
up are sent to the set-up page instead.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from whatmatters.teams import sso
from whatmatters.teams.access import roles_of
from whatmatters.teams.models import RecoveryCode, RecoveryCodeDevice, hash_recovery_code
from whatmatters.teams.models import normalise_code as normalise

RECOVERY_CODE_COUNT = 10
# No 0/O or 1/I/L, so a code copied by hand reads back the same.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
# The pages a person who must set up two-factor can still open (signing out is public).
SETUP_ROUTES = frozenset({"two_factor_setup"})
CODE_ROUTE = "sign_in_code"


def is_required_for(user: Any) -> bool:
    required = set(settings.REQUIRE_2FA_FOR)
    if not required:
        return False
    if "all" in required:
        return True
    held = roles_of(user)
    return bool(required & (set(held.organisation_roles) | set(held.team_roles.values())))


def totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_on_for(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: Any) -> TOTPDevice:
    """The device being set up: the same one on every visit, so a reloaded page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 (what authenticator apps ask for), in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the person's recovery codes with ten new ones, returned once and kept only as hashes."""
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=device, code_hash=hash_recovery_code(code)) for code in codes]
        )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def turn_off(user: Any) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()


def check_code(user: Any, token: str) -> tuple[Any | None, str]:
    """(the device that accepted the code, or None; and why not, in plain English, if it was refused)."""
    token = normalise(token)
    if re.fullmatch(r"\d{6}", token):
        device = totp_device(user)
        if device is None:
            return None, "wrong"
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            # django-otp slows guessing down on the device itself, even across fresh sign-ins.
            return None, "wait"
        return (device, "") if device.verify_token(token) else (None, "wrong")
    for device in RecoveryCodeDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            return device, ""
    return None, "wrong"


def session_is_verified(request: Any) -> bool:
    """True once this session has had a second factor: a code here, or the provider's own multi-factor.

    The one place that decides it: a session signed in through the trust's OpenID Connect provider
    (whatmatters/teams/sso.py) is verified, as the provider did its own multi-factor sign-in.
    """
    return sso.signed_in_through_provider(request) or request.user.is_verified()


def next_step(request: Any, view_name: str) -> str | None:
    """Where a signed-in session must go before it may open `view_name`, or None if it may go on."""
    user = request.user
    if getattr(request, "api_token", None) is not None:
        return None  # API tokens are their own second factor: made by a verified session, kept secret.
    if view_name == CODE_ROUTE:
        return None
    if session_is_verified(request):
        return None  # a code given in this session, or signed in through the provider
    if is_on_for(user):
        return _with_next(reverse("sign_in_code"), request.get_full_path())
    if view_name not in SETUP_ROUTES and is_required_for(user):
        return reverse("two_factor_setup")
    return None


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
