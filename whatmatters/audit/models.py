"""The append-only audit log: who did what, when, and in which team."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
        SIGN_OUT = "sign_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        PERMISSION_REFUSED = "permission_refused", "Refused permission"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        INVITE = "invite", "Invited"
        PASSWORD_CHANGE = "password_change", "Changed password"
        PASSWORD_RESET = "password_reset", "Asked for a password reset"
        READ_ORIGINALS = "read_originals", "Was shown the original words of redacted statements"
        TWO_FACTOR_ON = "two_factor_on", "Turned on two-factor sign-in"
        TWO_FACTOR_OFF = "two_factor_off", "Turned off two-factor sign-in"
        TWO_FACTOR_NEW_CODES = "two_factor_new_codes", "Made new recovery codes"
        TWO_FACTOR_PASSED = "two_factor_passed", "Gave a right two-factor code"
        TWO_FACTOR_FAILED = "two_factor_failed", "Gave a wrong two-factor code"

    # Stored in UTC (USE_TZ); shown in UK local time.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as text so the log still reads correctly after an account or team is deleted.
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey("teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    team_label = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["team", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("The audit log cannot be deleted from.")


# --- The two changes the log allows, each for one reason (UK GDPR), each in one function --------------------


def replace_person_in_log(person_pk: int, old: list[str], new_label: str, new_email: str) -> int:
    """Erasure (Art 17): take an erased person's name and email address out of the log, keeping its shape.

    Events keep their actor link (to the now anonymous account), action, time, object and team. What changes
    is only text that names the person: the `actor_label` of what they did, the `object_repr` of events about
    their account or their roles ("Jo Bloggs is Staff in Team A"), the address typed at a failed sign-in or
    lockout, and values in recorded changes that are exactly their name or address (the account's own email
    and name, a measure's owner). Matches are whole values (ignoring case), never parts of words.
    Returns how many events changed.
    """
    olds = {value.strip().lower() for value in old if value and value.strip()}
    if not olds:
        return 0

    def replacement(value: str) -> str:
        return new_email if "@" in value else new_label

    def swap(value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in olds:
            return replacement(value)
        return value

    in_changes = models.Q(pk__in=[])
    for value in olds:
        # Changes are stored as JSON text: look for the value as written and as JSON escapes it.
        for form in {value, json.dumps(value)[1:-1]}:
            in_changes |= models.Q(changes_text__icontains=form)
    candidates = AuditEvent.objects.annotate(changes_text=Cast("changes", models.TextField())).filter(
        models.Q(actor_id=person_pk)
        | models.Q(object_type="teams.user", object_id=str(person_pk))
        | models.Q(object_type="teams.membership")
        | models.Q(action__in=["sign_in_failed", "locked_out"])
        | in_changes
    )
    changed = 0
    for event in candidates.iterator():
        fields: dict[str, Any] = {}
        if event.actor_id == person_pk:
            if event.actor_label != new_email:
                fields["actor_label"] = new_email
        elif swap(event.actor_label) != event.actor_label:
            fields["actor_label"] = swap(event.actor_label)
        about_account = event.object_type == "teams.user" and event.object_id == str(person_pk)
        if about_account and event.object_repr not in ("", new_label, new_email):
            fields["object_repr"] = replacement(event.object_repr)
        elif event.object_type == "teams.membership":
            for name in olds:
                if event.object_repr.lower().startswith(f"{name} is "):
                    fields["object_repr"] = new_label + event.object_repr[len(name) :]
                    break
        elif swap(event.object_repr) != event.object_repr:
            fields["object_repr"] = swap(event.object_repr)
        if event.changes:
            # Whole values only: a measure's owner, the account's own email and name.
            changes = {
                key: [swap(value) for value in pair] if isinstance(pair, list) else swap(pair)
                for key, pair in event.changes.items()
            }
            if changes != event.changes:
                fields["changes"] = changes
        if fields:
            # The append-only query set refuses update(); this function is the one exception.
            models.QuerySet.update(AuditEvent.objects.filter(pk=event.pk), **fields)
            changed += 1
    return changed


def delete_events_before(cutoff: Any) -> int:
    """Retention: delete events older than the retention period (the only deletion the log allows)."""
    due = AuditEvent.objects.filter(at__lt=cutoff)
    return due._raw_delete(due.db)
