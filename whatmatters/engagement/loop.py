"""Closing the loop: telling the people who spoke what is being done about it.

A person writing on the public form may leave an email address (a `ContactRoute`, kept apart from their
statement). When a team adds a "we did" update to a quality domain, everyone whose approved statement sits in
one of the team's themes in that domain is emailed once about that update (`LoopEmail` rows make it once,
whatever retries or second runs happen). Each email has the public "You said, we did" page and a stop link
(a signed token) that deletes the address. The retention run deletes addresses after
RETENTION_CONTACT_ROUTE_DAYS.

Addresses are never logged, never in the audit log and never shown to staff: logs carry row numbers only.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from whatmatters import mail
from whatmatters.engagement.models import ContactRoute, DomainUpdate, LoopEmail, Statement

logger = logging.getLogger(__name__)

STOP_SALT = "wm-contact-route-stop"


# --- Saving and stopping ---------------------------------------------------------------------------------


def save_contact(statement: Statement, email: str) -> ContactRoute | None:
    """Keep the address apart from the statement. Only for a team's sessions (the page is a team's)."""
    email = (email or "").strip()
    if not email or statement.team_id is None:
        return None
    return ContactRoute.objects.create(statement=statement, team_id=statement.team_id, email=email)


def stop_token(contact: ContactRoute) -> str:
    return signing.dumps(contact.pk, salt=STOP_SALT)


def stop_path(contact: ContactRoute) -> str:
    return reverse("contact_route_stop", kwargs={"token": stop_token(contact)})


class BadToken(ValueError):
    pass


def contact_for_token(token: str) -> ContactRoute | None:
    """The contact route a stop link names; None when it was deleted already. BadToken if not ours."""
    try:
        pk = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(pk, int):
        raise BadToken
    return ContactRoute.objects.filter(pk=pk).first()


def stop(contact: ContactRoute) -> int:
    """Delete the address: this contact route and any other the same person left with the team."""
    same = ContactRoute.objects.filter(team=contact.team_id, email__iexact=contact.email)
    return len([route.delete() for route in same])


# --- Telling people --------------------------------------------------------------------------------------


def contacts_for(update: DomainUpdate) -> QuerySet[ContactRoute]:
    """Contact routes of approved statements in the update's team's themes that feed the update's domain."""
    return (
        ContactRoute.objects.filter(
            team=update.team,
            statement__team=update.team,
            statement__status=Statement.Status.APPROVED,
            statement__themes__team=update.team,
            statement__themes__domains=update.domain,
        )
        .distinct()
        .order_by("pk")
    )


def email_text(update: DomainUpdate, contact: ContactRoute) -> tuple[str, str]:
    page = mail.site_link(reverse("you_said_we_did", kwargs={"team_slug": update.team.slug}))
    stop_link = mail.site_link(stop_path(contact))
    subject = f"What {update.team.name} is doing about what you told us"
    text = (
        "Hello,\n\n"
        f"You told {update.team.name} what matters to you. You asked us to tell you what we do about it.\n\n"
        f"You and other people said: “{update.domain.i_statement}”\n\n"
        f"What we are doing ({update.get_status_display().lower()}): {update.text}\n\n"
        f"See what people told us and what we are doing:\n{page}\n\n"
        "To stop these emails and delete your email address, use this link:\n"
        f"{stop_link}\n\n"
        "You do not need to reply. This email does not contain what you wrote.\n\n"
        f"{update.team.name}"
    )
    return subject, text


def _same_address(claim: LoopEmail) -> QuerySet[LoopEmail]:
    """Other claims for the same update and the same address (one person who left it more than once)."""
    return LoopEmail.objects.filter(
        update=claim.update_id,
        contact_route__team=claim.contact_route.team_id,
        contact_route__email__iexact=claim.contact_route.email,
    ).exclude(pk=claim.pk)


def people_to_tell(update: DomainUpdate) -> int:
    """How many different addresses an update will be emailed to (a count, for the team's message)."""
    return (
        contacts_for(update).order_by().annotate(address=Lower("email")).values("address").distinct().count()
    )


def tell_contacts(update: DomainUpdate, *, left_by: dt.datetime | None = None) -> int:
    """Email each contact for this update once (each address once). Returns how many emails went now.

    Each email is claimed first (a unique row per update and contact), so a second run skips it; a failed
    send removes its claim, so the next run (or the daily catch-up) tries that one again. `left_by`: only
    addresses left before then (the catch-up tells only those the first run would have told)."""
    sent = 0
    contacts = contacts_for(update)
    if left_by is not None:
        contacts = contacts.filter(created_at__lt=left_by)
    for contact in contacts:
        try:
            with transaction.atomic():
                claim = LoopEmail.objects.create(update=update, contact_route=contact)
        except IntegrityError:
            continue  # already sent (or being sent) for this update
        if _same_address(claim).filter(pk__lt=claim.pk).exists():
            continue  # one person, several statements: the first claim for the address sends (sent_at empty)
        subject, text = email_text(update, contact)
        try:
            mail.send(contact.email, subject, text)
        except Exception as error:  # noqa: BLE001 - one failed address must not stop the others
            _same_address(claim).filter(sent_at__isnull=True).delete()
            claim.delete()
            logger.error(
                "A 'we did' email for update %s to contact route %s could not be sent (%s)",
                update.pk,
                contact.pk,
                type(error).__name__,
            )
            continue
        claim.sent_at = timezone.now()
        claim.save(update_fields=["sent_at"])
        sent += 1
    return sent


CATCH_UP_DAYS = 7


def catch_up(now: dt.datetime | None = None) -> int:
    """The daily run's catch-up: emails for the last week's updates that failed or were never queued."""
    now = now or timezone.now()
    since = timezone.localdate(now) - dt.timedelta(days=CATCH_UP_DAYS)
    sent = 0
    for update in DomainUpdate.objects.filter(published_on__gte=since).select_related("team", "domain"):
        day_after = dt.datetime.combine(update.published_on + dt.timedelta(days=1), dt.time())
        sent += tell_contacts(update, left_by=timezone.make_aware(day_after))
    return sent


# --- Retention -------------------------------------------------------------------------------------------


def forget_old_contact_routes(now: dt.datetime | None = None) -> dict[Any, int]:
    """Delete contact routes older than RETENTION_CONTACT_ROUTE_DAYS. Returns how many per team id."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=int(settings.RETENTION_CONTACT_ROUTE_DAYS))
    due = ContactRoute.objects.filter(created_at__lt=cutoff)
    by_team: dict[Any, int] = {}
    for team_id in due.values_list("team", flat=True):
        by_team[team_id] = by_team.get(team_id, 0) + 1
    due.delete()
    return by_team
