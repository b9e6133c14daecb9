"""Writes that touch several records, each in one transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from whatmatters.audit.log import Action, record
from whatmatters.teams.models import Membership, Team, User


def invite_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("invite_accept", kwargs={"uidb64": uid, "token": token})


def send_invitation(user: User, *, base_url: str, invited_by: User | None) -> None:
    context = {
        "user": user,
        "link": invite_link(user, base_url),
        "invited_by": invited_by,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    body = render_to_string("teams/email/invitation.txt", context)
    send_mail("You are invited to What Matters", body, None, [user.email])
    record(Action.INVITE, obj=user, summary="invitation email sent")


@transaction.atomic
def invite_person(
    *, full_name: str, email: str, team: Team | None, role: str, base_url: str, invited_by: User | None
) -> User:
    """Create an account without a password, give it a role and email a link to choose one."""
    user = User.objects.create_user(email=email, full_name=full_name)
    Membership.objects.create(user=user, team=team, role=role)
    # Send after the commit, so nobody gets a link to an account that was rolled back.
    transaction.on_commit(lambda: send_invitation(user, base_url=base_url, invited_by=invited_by))
    return user


@transaction.atomic
def set_organisation_roles(user: User, roles: set[str]) -> None:
    current = set(Membership.objects.filter(user=user, team=None).values_list("role", flat=True))
    for role in current - roles:
        Membership.objects.get(user=user, team=None, role=role).delete()
    for role in roles - current:
        Membership.objects.create(user=user, team=None, role=role)


def update_person(form: Any) -> User:
    with transaction.atomic():
        user = form.save()
        set_organisation_roles(user, set(form.cleaned_data["organisation_roles"]))
    return user
