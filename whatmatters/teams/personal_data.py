"""A person's own data: what the app holds about a person with an account (Art 15), and erasure (Art 17).

`LINKS` names every foreign key to the user model, with the words the export uses for it. A test walks
every model and fails if a foreign key to people is missing here, so a new one cannot go unexported.

Erasure keeps the shape of everything (counts, the audit trail, who-did-what links to the account) and
removes the person: the account becomes "Erased person 12" with an address that cannot receive email, it
cannot sign in, its tokens, roles and sessions go, and fields that hold the person's name as text are
cleared. Free text they typed that may name them is left to moderators (it belongs to the team's work).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from whatmatters.audit.log import Action, record
from whatmatters.audit.models import AuditEvent, replace_person_in_log
from whatmatters.teams.models import Membership, RecoveryCodeDevice, User
from whatmatters.teams.roles import Role

LATEST_EVENTS = 20  # audit events the page lists (the JSON has them all)
LIST_LIMIT = 20  # records of each kind the page lists (the JSON has them all)


@dataclass(frozen=True)
class Link:
    model: str  # "app_label.ModelName"
    field: str
    words: str  # what the page says, e.g. "Statements you moderated"

    @property
    def key(self) -> str:
        return f"{self.model}.{self.field}"


# Every foreign key to the user model (memberships, API tokens and audit events have their own sections).
LINKS: tuple[Link, ...] = (
    Link("teams.Membership", "user", "Your roles"),
    Link("api.ApiToken", "user", "Your API tokens"),
    Link("audit.AuditEvent", "actor", "What you did, from the audit log"),
    Link("engagement.Statement", "moderated_by", "Statements you moderated"),
    Link("engagement.ThemeSuggestion", "decided_by", "Suggested themes you accepted, merged or rejected"),
    Link("framework.ValueImport", "uploaded_by", "Files of measure values you uploaded"),
    Link("framework.Value", "updated_by", "Measure values you typed in, uploaded or sent last"),
    Link("framework.Annotation", "created_by", "Events you added to charts, and new limits you agreed"),
    Link("framework.ValueChange", "by", "Changes you made to measure values (their history)"),
    Link("framework.BaselineRequest", "requested_by", "Requests for new limits your uploads made"),
    Link("learning.ExcellenceReport", "reported_by", "What went well reports you wrote"),
    Link("learning.ExcellenceReport", "thanked_user", "What went well reports that thank you"),
    Link("learning.ExcellenceReport", "moderated_by", "What went well reports you moderated"),
    Link("learning.PdsaCycle", "created_by", "Small tests of change (PDSA cycles) you started"),
    Link("learning.BuddyLogEntry", "author", "Buddy learning log entries you wrote"),
    Link("reports.Report", "requested_by", "Reports you asked for"),
    Link("safety.Alert", "acknowledged_by", "Alerts you acknowledged"),
    Link("safety.Alert", "responded_by", "Alerts you recorded a response to"),
    Link("waitinglists.ExtractImport", "uploaded_by", "Waiting-list extracts you imported"),
    Link("admin.LogEntry", "user", "Changes you made in the admin site"),
    # Two-factor sign-in: the export names the devices only, never their keys or codes.
    Link("otp_totp.TOTPDevice", "user", "Your authenticator app for two-factor sign-in"),
    Link(
        "teams.RecoveryCodeDevice", "user", "Your recovery codes for two-factor sign-in (how many are left)"
    ),
    Link("notices.NoticePreference", "user", "Your choice of emails (the weekly email on or off)"),
)
SECTIONS = {"teams.Membership.user", "api.ApiToken.user", "audit.AuditEvent.actor"}


def _date(obj: Any) -> str | None:
    for name in ("created_at", "submitted_at", "action_time", "at", "updated_at"):
        value = getattr(obj, name, None)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
    return None


def _team_name(obj: Any) -> str:
    team = getattr(obj, "team", None)
    return team.name if team is not None else ""


def _records(link: Link, person: User) -> list[dict[str, Any]]:
    model = apps.get_model(link.model)
    rows = model._default_manager.filter(**{link.field: person})
    if any(f.name == "team" for f in model._meta.get_fields()):
        rows = rows.select_related("team")
    if any(f.name == "measure" for f in model._meta.get_fields()):
        rows = rows.select_related("measure")  # a value is named by its measure's code
    # str() of our models never holds free text or contact details (it is what the audit log names them by).
    return [{"id": obj.pk, "record": str(obj), "team": _team_name(obj), "date": _date(obj)} for obj in rows]


def _owner_matches(person: User) -> Q:
    names = [value for value in (person.full_name.strip(), person.email) if value]
    query = Q(pk__in=[])
    for name in names:
        query |= Q(owner__iexact=name)
    return query


def _who_matches(person: User) -> Q:
    query = Q(thanked_user=person)
    if person.full_name.strip():
        query |= Q(who__iexact=person.full_name.strip())
    return query


def _event(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "what": event.get_action_display(),
        "action": event.action,
        "record_type": event.object_type,
        "record_id": event.object_id,
        "record": event.object_repr,
        "team": event.team_label,
        "summary": event.summary,
        "ip_address": event.ip_address,
    }


def export(person: User) -> dict[str, Any]:
    """Everything the app holds that is linked to this person, as plain JSON-safe data."""
    Measure = apps.get_model("framework.Measure")
    ExcellenceReport = apps.get_model("learning.ExcellenceReport")
    memberships = Membership.objects.filter(user=person).select_related("team").order_by("created_at")
    tokens = person.api_tokens.order_by("created_at")
    events = AuditEvent.objects.filter(actor=person).order_by("-at", "-id")
    kinds = Counter(events.values_list("action", flat=True))
    labels = dict(AuditEvent.Action.choices)
    values_entered = events.filter(object_type="framework.value")
    account_events = AuditEvent.objects.filter(object_type="teams.user", object_id=str(person.pk))
    return {
        "about": "Everything What Matters holds that is linked to this person (UK GDPR Article 15).",
        "made_at": timezone.now().isoformat(),
        "account": {
            "id": person.pk,
            "full_name": person.full_name,
            "email": person.email,
            "can_sign_in": person.is_active,
            "has_chosen_a_password": person.has_usable_password(),
            "joined": person.date_joined.isoformat(),
            "last_signed_in": person.last_login.isoformat() if person.last_login else None,
        },
        "roles": [
            {
                "role": m.get_role_display(),
                "where": m.team.name if m.team else "the whole organisation",
                "since": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "api_tokens": [
            {
                "name": t.name,
                "created": t.created_at.isoformat(),
                "last_used": t.last_used_at.isoformat() if t.last_used_at else None,
                "expires": t.expires_at.isoformat() if t.expires_at else None,
                "revoked": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens
        ],
        "records": [
            {"key": link.key, "what": link.words, "items": _records(link, person)}
            for link in LINKS
            if link.key not in SECTIONS
        ]
        + [
            {
                "key": "framework.Measure.owner",
                "what": "Measures that name you as their owner",
                "items": [
                    {"id": m.pk, "record": str(m), "team": m.team.name, "date": None}
                    for m in Measure.objects.filter(_owner_matches(person)).select_related("team")
                ],
            },
            {
                "key": "learning.ExcellenceReport.who",
                "what": "What went well reports that name you as who did it",
                "items": [
                    {"id": r.pk, "record": str(r), "team": r.team.name, "date": _date(r)}
                    for r in ExcellenceReport.objects.filter(_who_matches(person)).select_related("team")
                ],
            },
        ],
        "values_entered": {
            "added": values_entered.filter(action=AuditEvent.Action.CREATE).count(),
            "changed": values_entered.filter(action=AuditEvent.Action.UPDATE).count(),
        },
        "invitations": {
            "sent_to_you": [
                e.at.isoformat()
                for e in account_events.filter(action=AuditEvent.Action.INVITE).order_by("at")
            ],
            "you_sent": events.filter(action=AuditEvent.Action.INVITE).count(),
        },
        "sign_in_records": sum(rows.count() for rows in _sign_in_records(person.email)),
        "audit_events": {
            "total": sum(kinds.values()),
            "by_kind": {labels.get(action, action): count for action, count in sorted(kinds.items())},
            "about_your_account": account_events.count(),
            "events": [_event(event) for event in events],
        },
    }


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """The export cut down for the page: a few records of each kind and the latest audit events."""
    return {
        **data,
        "records": [
            {**group, "count": len(group["items"]), "items": group["items"][:LIST_LIMIT]}
            for group in data["records"]
        ],
        "latest_events": data["audit_events"]["events"][:LATEST_EVENTS],
    }


def _remove_two_factor(person: User) -> int:
    removed = 0
    for model in (TOTPDevice, RecoveryCodeDevice):
        removed += model.objects.filter(user=person).count()
        model.objects.filter(user=person).delete()
    return removed


def _sign_in_records(email: str) -> list[Any]:
    """django-axes keeps sign-in attempts by the address typed (for the lockout): its query sets."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return [
        model.objects.filter(username__iexact=email) for model in (AccessAttempt, AccessLog, AccessFailureLog)
    ]


# --- Erasure ----------------------------------------------------------------------------------------------


class CannotErase(Exception):
    """Why this person cannot be erased, in words for the page."""


def erased_label(pk: int) -> str:
    return f"Erased person {pk}"


def erased_email(pk: int) -> str:
    return f"erased-{pk}@invalid"


def is_erased(person: User) -> bool:
    return person.email == erased_email(person.pk)


def check_can_erase(person: User, by: User) -> None:
    if person.pk == by.pk:
        raise CannotErase("You cannot erase your own account. Ask another admin.")
    if is_erased(person):
        raise CannotErase("This person has already been erased.")
    active_admins = Membership.objects.filter(team=None, role=Role.ADMIN, user__is_active=True)
    if active_admins.filter(user=person).exists() and not active_admins.exclude(user=person).exists():
        raise CannotErase("This is the last active admin. Make someone else an admin first.")


@transaction.atomic
def erase(person: User, *, by: User) -> dict[str, int]:
    """Erase a person, keeping the shape of what they touched. Returns how many of each thing changed."""
    check_can_erase(person, by)
    Measure = apps.get_model("framework.Measure")
    ExcellenceReport = apps.get_model("learning.ExcellenceReport")
    pk = person.pk
    old = [person.email, person.full_name]
    label, email = erased_label(pk), erased_email(pk)
    done: dict[str, int] = {}

    # Fields holding the person's name as text, found while the name is still known.
    measures = list(Measure.objects.filter(_owner_matches(person)).select_related("team"))
    reports = list(
        ExcellenceReport.objects.filter(_who_matches(person)).exclude(who="").select_related("team")
    )
    done["sign_in_records"] = sum(rows.delete()[0] for rows in _sign_in_records(person.email))

    # The account itself, without writing the old details into the audit log (update() is not audited).
    User.objects.filter(pk=pk).update(
        email=email, full_name=label, is_active=False, password=make_password(None), last_login=None
    )
    person.refresh_from_db()

    tokens = list(person.api_tokens.all())
    for token in tokens:
        token.delete()
    done["api_tokens"] = len(tokens)
    memberships = list(Membership.objects.filter(user=person).select_related("team", "user"))
    for membership in memberships:
        membership.delete()
    done["roles"] = len(memberships)
    done["sessions"] = _end_sessions(pk)
    done["two_factor_devices"] = _remove_two_factor(person)

    for measure in measures:
        Measure.objects.filter(pk=measure.pk).update(owner="")
        record(
            Action.UPDATE,
            obj=measure,
            team=measure.team,
            summary="owner's name removed: the person was erased",
        )
    done["measure_owners"] = len(measures)
    for report in reports:
        ExcellenceReport.objects.filter(pk=report.pk).update(who="")
        record(
            Action.UPDATE, obj=report, team=report.team, summary="'who did it' removed: the person was erased"
        )
    done["excellence_who"] = len(reports)
    done["admin_site_entries"] = _rename_in_admin_history(pk, label)

    record(
        Action.UPDATE,
        obj=person,
        summary="personal details erased: name and email replaced; account, tokens, roles and sessions ended",
    )
    # Last, so events written above are covered too.
    done["audit_events"] = replace_person_in_log(pk, old, label, email)
    return done


def _end_sessions(pk: int) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(pk):
            session.delete()
            ended += 1
    return ended


def _rename_in_admin_history(pk: int, label: str) -> int:
    """The admin site's own history names the account it changed; keep the entries, drop the name."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    user_type = ContentType.objects.get_for_model(User)
    return LogEntry.objects.filter(content_type=user_type, object_id=str(pk)).update(object_repr=label)
