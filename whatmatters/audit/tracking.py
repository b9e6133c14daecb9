"""Who is acting right now, and the model mixin that writes every change to the audit log.

The actor is kept in a context variable set by `AuditActorMiddleware` for web requests and by
`acting_as()` for commands and tasks, so models never need the request passed in.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import models


@dataclass(frozen=True)
class Actor:
    user: Any | None  # a User, or None for the system or an anonymous person
    label: str  # what the log shows when there is no user, e.g. "command line"
    ip_address: str | None = None


SYSTEM = Actor(user=None, label="system")
_current: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


class AuditedModel(models.Model):
    """Every create, update and delete of a subclass is written to the audit log (see audit.signals)."""

    # Fields whose values never go into the audit log (secrets, or noise such as last sign-in time).
    audit_exclude: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Any:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(
        self, using: str | None = None, fields: Any = None, from_queryset: Any = None
    ) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        # The values just read are what the database holds now: compare the next save with them.
        loaded = dict(getattr(self, "_audit_loaded", None) or {})
        deferred = self.get_deferred_fields()
        for field in self._meta.concrete_fields:
            if field.attname in deferred:
                continue
            if fields is None or field.name in fields or field.attname in fields:
                loaded[field.attname] = getattr(self, field.attname)
        self._audit_loaded = loaded

    def audit_team(self) -> Any | None:
        """The team this record belongs to, so the log can be read team by team."""
        return None

    def audit_values(self) -> dict[str, Any]:
        return {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.name not in self.audit_exclude and field.attname not in self.audit_exclude
        }
