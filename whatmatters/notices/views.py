"""The start page (what needs a person now) and their choice of emails."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from whatmatters.notices import needs
from whatmatters.notices.models import NoticePreference
from whatmatters.teams.access import roles_of


def start(request: HttpRequest) -> HttpResponse:
    found = needs.needs_for(request.user)
    needs.remember_count(request, found)
    held = roles_of(request.user)
    return render(
        request,
        "notices/start.jinja",
        {
            "needs": found,
            "groups": found.groups(),
            "my_teams": [team for team in found.teams if team.pk in held.team_roles],
            "other_teams": [team for team in found.teams if team.pk not in held.team_roles],
            "active": "start",
        },
    )


@require_POST
def email_choices(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("weekly_digest") == "yes"
    NoticePreference.objects.update_or_create(user=request.user, defaults={"weekly_digest": wanted})
    messages.success(
        request,
        "You will get the weekly email each Monday." if wanted else "You will not get the weekly email.",
    )
    return redirect("account")
