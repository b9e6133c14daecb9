"""Signal handlers: model changes and sign-in events go to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from whatmatters.audit.log import Action, actor_for_request, record
from whatmatters.audit.tracking import Actor, AuditedModel


def _team_of(instance: AuditedModel) -> Any:
    try:
        return instance.audit_team()
    except Exception:  # noqa: BLE001 - a half-deleted relation must not stop the write being logged.
        return None


def on_save(sender: type, instance: AuditedModel, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, AuditedModel):
        return
    now = instance.audit_values()
    if created:
        changes = {name: [None, value] for name, value in now.items() if value not in (None, "")}
        record(Action.CREATE, obj=instance, team=_team_of(instance), changes=changes)
    else:
        before = getattr(instance, "_audit_loaded", None)
        if before is None:
            changes = {name: [None, value] for name, value in now.items()}
        else:
            changes = {
                name: [before.get(name), value] for name, value in now.items() if before.get(name) != value
            }
        if not changes:
            return
        record(Action.UPDATE, obj=instance, team=_team_of(instance), changes=changes)
    instance._audit_loaded = dict(now)


def _deleted_along_with(team: Any, instance: AuditedModel, origin: Any) -> bool:
    """Is this team being deleted by the same delete() that removed `instance`?"""
    if team.pk is None or team is instance:
        return True
    if isinstance(origin, QuerySet):
        return origin.model is type(team) and origin.filter(pk=team.pk).exists()
    return isinstance(origin, type(team)) and origin.pk == team.pk


def on_delete(sender: type, instance: AuditedModel, origin: Any = None, **kwargs: Any) -> None:
    if not isinstance(instance, AuditedModel):
        return
    team = _team_of(instance)
    if team is not None and _deleted_along_with(team, instance, origin):
        # A link to a team that is being deleted would break the foreign key when the delete commits;
        # keep its name only.
        record(Action.DELETE, obj=instance, team_label=str(team), object_repr=str(instance)[:200])
        return
    record(Action.DELETE, obj=instance, team=team, object_repr=str(instance)[:200])


def on_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        import time

        request.session["signed_in_at"] = time.time()
    ip = actor_for_request(request).ip_address if request is not None else None
    # A sign-in backend may say how the person signed in (single sign-on sets "through single sign-on (…)").
    summary = str(getattr(user, "sign_in_summary", ""))[:300]
    record(Action.SIGN_IN, obj=user, summary=summary, actor=Actor(user=user, label=user.email, ip_address=ip))


def on_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    ip = actor_for_request(request).ip_address if request is not None else None
    record(Action.SIGN_OUT, obj=user, actor=Actor(user=user, label=user.email, ip_address=ip))


def on_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    if "nonce" in credentials:
        return  # single sign-on: its page records why (whatmatters/teams/sso_views.py)
    # Django has already replaced the password with asterisks; we keep only the account name tried.
    tried = str(credentials.get("username") or credentials.get("email") or "")[:150]
    User = get_user_model()
    known = User.objects.filter(email=tried.strip().lower()).first()
    ip = actor_for_request(request).ip_address if request is not None else None
    record(
        Action.SIGN_IN_FAILED,
        obj=known,
        object_repr=tried,
        summary="wrong email address or password",
        actor=Actor(user=None, label="anonymous person", ip_address=ip),
    )


def connect() -> None:
    post_save.connect(on_save, dispatch_uid="audit_on_save")
    post_delete.connect(on_delete, dispatch_uid="audit_on_delete")
    user_logged_in.connect(on_signed_in, dispatch_uid="audit_signed_in")
    user_logged_out.connect(on_signed_out, dispatch_uid="audit_signed_out")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="audit_sign_in_failed")
