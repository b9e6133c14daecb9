"""Personal API tokens for scripts. Only a hash is stored; the token is shown once, when made."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel

PREFIX = "wm_"


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(AuditedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. weekly import script.")
    # The first characters, shown so people can tell their tokens apart.
    hint = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    audit_exclude = frozenset({"token_hash", "last_used_at"})

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: object, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
        token = PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + timezone.timedelta(days=days) if days else None
        record = cls.objects.create(
            user=user, name=name, hint=token[:10], token_hash=hash_token(token), expires_at=expires
        )
        return record, token

    @classmethod
    def find(cls, token: str) -> ApiToken | None:
        if not token.startswith(PREFIX):
            return None
        return cls.objects.usable().select_related("user").filter(token_hash=hash_token(token)).first()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
