"""Writing to the audit log. Free text people wrote never goes in; identifiers and field names do."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.http import HttpRequest

from whatmatters.audit.models import AuditEvent
from whatmatters.audit.tracking import Actor, current_actor
from whatmatters.client import client_address

Action = AuditEvent.Action


def _client_ip(request: HttpRequest | None) -> str | None:
    """The person's address (behind the proxy, the one it forwarded, not the proxy's own)."""
    if request is None:
        return None
    return client_address(request.META)


def _plain(value: Any) -> Any:
    """JSON-safe copies of field values."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def _actor_label(actor: Actor) -> str:
    user = actor.user
    if user is not None and getattr(user, "is_authenticated", False):
        return user.email
    return actor.label


def record(
    action: str,
    *,
    obj: Any = None,
    team: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    object_repr: str | None = None,
    team_label: str | None = None,
) -> AuditEvent:
    actor = actor or current_actor()
    user = actor.user if actor.user is not None and getattr(actor.user, "is_authenticated", False) else None
    event = AuditEvent(
        actor=user,
        actor_label=_actor_label(actor)[:200],
        action=action,
        team=team,
        team_label=(team_label if team_label is not None else str(team) if team is not None else "")[:200],
        summary=summary[:300],
        changes=_plain(changes or {}),
        ip_address=actor.ip_address,
    )
    if obj is not None:
        event.object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
        event.object_id = str(obj.pk)[:64]
    if object_repr is not None or obj is not None:
        event.object_repr = (object_repr if object_repr is not None else str(obj))[:200]
    event.save()
    return event


def actor_for_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    label = "anonymous person"
    return Actor(
        user=user if user is not None and user.is_authenticated else None,
        label=label,
        ip_address=_client_ip(request),
    )


def record_refusal(request: HttpRequest, reason: str, team: Any = None) -> None:
    record(
        Action.PERMISSION_REFUSED,
        team=team,
        summary=f"{request.method} {request.path[:150]}: {reason}",
        actor=actor_for_request(request),
    )
