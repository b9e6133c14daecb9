"""The team's alerts: people who may need help, for the team's clinicians to answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from whatmatters.safety import alerts, presenters, signals
from whatmatters.safety.forms import AlertUpdateForm
from whatmatters.safety.models import Alert


def alert_list(request: HttpRequest, team: str) -> HttpResponse:
    found = (
        Alert.objects.for_team(request.team)
        .select_related(
            "response__survey",
            "statement__session",
            "excellence_report",
            "acknowledged_by",
            "responded_by",
        )
        .prefetch_related("response__answers__statement")
    )
    open_alerts = list(found.exclude(status=Alert.Status.RESPONDED))
    done = list(found.filter(status=Alert.Status.RESPONDED).order_by("-responded_at", "-pk")[:50])
    return render(
        request,
        "safety/alerts.jinja",
        {
            "team": request.team,
            "open_alerts": [presenters.card(a) for a in open_alerts],
            "done": done,
            "form": AlertUpdateForm(),
            "days": alerts.response_days(),
            "active": "team",
        },
    )


@require_POST
def alert_update(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.for_team(request.team), pk=pk)
    form = AlertUpdateForm(request.POST)
    back = reverse("alerts", kwargs={"team": request.team.slug})
    if not form.is_valid():
        messages.error(request, "Choose acknowledge or responded.")
        return redirect(back)
    try:
        if form.cleaned_data["decision"] == "acknowledge":
            alerts.acknowledge(alert, request.user)
            messages.success(request, f"Alert {alert.pk} acknowledged.")
        else:
            alerts.responded(alert, request.user, form.cleaned_data["note"])
            messages.success(request, f"Response to alert {alert.pk} recorded.")
    except alerts.AlertError as error:
        messages.error(request, str(error))
    if alert.source == Alert.Source.CHECKIN:
        signals.checkin_alert_handled.send(sender=Alert, team_id=request.team.pk)
    return redirect(back)
