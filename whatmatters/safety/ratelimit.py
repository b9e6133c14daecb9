"""The public forms' rate limit: how many answers an hour one address may send. Addresses are never stored,
only a keyed hash of each, kept for a day."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from whatmatters.safety.models import Submission


def address_hash(address: str | None) -> str:
    """A keyed hash of the address: enough to count submissions, never the address itself."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (address or "unknown").encode(), hashlib.sha256).hexdigest()


def rate_limit() -> tuple[int, timedelta]:
    return settings.ENGAGEMENT_RATE_LIMIT, timedelta(hours=1)


def over_limit(address: str | None, kind: str) -> bool:
    limit, window = rate_limit()
    since = timezone.now() - window
    return (
        Submission.objects.filter(
            address_hash=address_hash(address), kind=kind, created_at__gte=since
        ).count()
        >= limit
    )


def note_submission(address: str | None, kind: str) -> None:
    Submission.objects.create(address_hash=address_hash(address), kind=kind)


def forget_old_submissions(now: Any = None) -> int:
    now = now or timezone.now()
    deleted, _ = Submission.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return deleted
