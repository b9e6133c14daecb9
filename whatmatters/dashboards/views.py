"""Dashboards: the team dashboard, the programme matrix and the buddy-pair view.

PermissionMiddleware has checked the permission table and set `request.team`; every lookup goes through
that team (or, for the buddy view, through a buddy pair that includes it). Display logic is in presenters.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from whatmatters.dashboards import presenters
from whatmatters.framework.models import Domain, Measure, MeasureType
from whatmatters.learning.models import ExcellenceReport
from whatmatters.safety.presenters import waiting_for
from whatmatters.teams.models import BuddyPair, Team
from whatmatters.teams.permissions import allows
from whatmatters.teams.presenters import programme_for

RECENT_EXCELLENCE = 5


def programme(request: HttpRequest) -> HttpResponse:
    """The programme page: phases, teams and buddy pairs, with the alerts waiting for this person (it joins
    teams and safety, so it lives above both)."""
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    return render(
        request,
        "teams/programme.jinja",
        {"programme": programme_for(visible), "alerts": waiting_for(request.user), "active": "programme"},
    )


def team_dashboard(request: HttpRequest, team: str) -> HttpResponse:
    the_team = request.team
    domains = list(Domain.objects.for_team(the_team))
    measures = Measure.objects.for_team(the_team).prefetch_related("domains")
    chosen_domain = request.GET.get("domain", "")
    chosen_type = request.GET.get("type", "")
    if chosen_domain.isdigit() and any(d.pk == int(chosen_domain) for d in domains):
        measures = measures.filter(domains__pk=int(chosen_domain))
    else:
        chosen_domain = ""
    if chosen_type in MeasureType.values:
        measures = measures.filter(measure_type=chosen_type)
    else:
        chosen_type = ""
    excellence = list(
        ExcellenceReport.objects.approved()
        .filter(Q(team=the_team) | Q(thanked_team=the_team))
        .select_related("domain")
        .order_by("-created_at")[:RECENT_EXCELLENCE]
    )
    board = presenters.team_dashboard(the_team, list(measures.distinct()), domains, excellence)
    return render(
        request,
        "dashboards/team.jinja",
        {
            "team": the_team,
            "board": board,
            "domains": domains,
            "types": MeasureType.choices,
            "chosen_domain": chosen_domain,
            "chosen_type": chosen_type,
            "filtered": bool(chosen_domain or chosen_type),
            "can_report": allows(request.user, "excellence_create", the_team),
            "active": "dashboard",
        },
    )


def programme_dashboard(request: HttpRequest) -> HttpResponse:
    teams = list(
        Team.objects.filter(is_active=True).select_related("cohort").order_by("cohort__number", "name")
    )
    measures = list(
        Measure.objects.shared_with_programme().filter(team__in=teams).order_by("team_id", "position", "name")
    )
    counts = dict(
        ExcellenceReport.objects.approved()
        .filter(team__in=teams)
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    columns, blocks = presenters.programme_matrix(teams, measures, counts)
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    active = {t.pk for t in teams}
    pairs = [
        p
        for p in BuddyPair.objects.select_related("first_team", "second_team").order_by("pk")
        if p.first_team_id in active and p.second_team_id in active
    ]
    return render(
        request,
        "dashboards/programme.jinja",
        {"columns": columns, "blocks": blocks, "visible": visible, "pairs": pairs, "active": "dashboard"},
    )


def buddy_view(request: HttpRequest, team: str, buddy: str) -> HttpResponse:
    the_team = request.team
    pair = (
        BuddyPair.objects.select_related("first_team", "second_team")
        .filter(
            Q(first_team=the_team, second_team__slug=buddy, second_team__is_active=True)
            | Q(second_team=the_team, first_team__slug=buddy, first_team__is_active=True)
        )
        .first()
    )
    if pair is None:
        raise Http404
    other = pair.second_team if pair.first_team_id == the_team.pk else pair.first_team
    ours = list(Measure.objects.for_team(the_team))  # our own team: all our measures
    theirs = list(Measure.objects.shared_with_programme().for_team(other))  # only what the buddy shares
    rows = presenters.buddy_rows(the_team, other, ours, theirs)
    return render(
        request,
        "dashboards/buddy.jinja",
        {"team": the_team, "buddy": other, "pair": pair, "rows": rows, "active": "dashboard"},
    )
