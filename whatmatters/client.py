"""Where a request came from: one rule for the audit log and for the public forms' rate limits."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings


def client_address(meta: Mapping[str, str]) -> str | None:
    """The address of the person making a request, from its META.

    Behind the proxy in front (WHATMATTERS_BEHIND_PROXY), every request comes from the proxy: use the
    address the proxy added last to X-Forwarded-For (the one a person cannot forge); otherwise
    REMOTE_ADDR. The audit log records it; the public forms count submissions by (a keyed hash of) it.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return meta.get("REMOTE_ADDR") or None
