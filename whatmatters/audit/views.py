from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from whatmatters.audit.models import AuditEvent

# The teams to filter by: the model the log's team field points at (audit sits below teams, so it does not
# import them).
Team = AuditEvent._meta.get_field("team").related_model


def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("team").order_by("-at", "-id")
    action = request.GET.get("action", "")
    team = request.GET.get("team", "")
    who = request.GET.get("who", "").strip()
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    if team:
        events = events.filter(team__slug=team)
    if who:
        events = events.filter(actor_label__icontains=who)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.jinja",
        {
            "page": page,
            "actions": AuditEvent.Action.choices,
            "teams": Team.objects.order_by("name"),
            "chosen": {"action": action, "team": team, "who": who},
            "query": query.urlencode(),
            "active": "audit",
        },
    )
