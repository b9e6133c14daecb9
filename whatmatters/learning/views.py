"""Pages for learning: excellence reports (signed in and public), their moderation, PDSA cycles and the
buddy-learning log.

PermissionMiddleware has checked the permission table and set `request.team`; every lookup goes through
that team, or through a buddy pair that includes it.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from whatmatters.learning import actions
from whatmatters.learning.forms import (
    AdoptIdeaForm,
    BuddyLogForm,
    ExcellenceForm,
    ModerationForm,
    PdsaForm,
    PublicExcellenceForm,
)
from whatmatters.learning.models import BuddyLogEntry, ExcellenceLink, ExcellenceReport, PdsaCycle
from whatmatters.safety import public_forms
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import PublicForm, Saved
from whatmatters.safety.screening import KIND_WORDS, Screening
from whatmatters.teams.models import BuddyPair
from whatmatters.teams.permissions import allows

# --- The team's learning page --------------------------------------------------------------------


def learning(request: HttpRequest, team: str) -> HttpResponse:
    the_team = request.team
    thanks = list(
        ExcellenceReport.objects.approved()
        .filter(Q(team=the_team) | Q(thanked_team=the_team))
        .select_related("domain", "team", "thanked_team")[:20]
    )
    cycles = list(PdsaCycle.objects.filter(team=the_team).select_related("change_idea"))
    link = ExcellenceLink.objects.filter(team=the_team).first()
    can_moderate = allows(request.user, "excellence_moderate", the_team)
    waiting = ExcellenceReport.objects.for_team(the_team).awaiting_moderation().count() if can_moderate else 0
    return render(
        request,
        "learning/home.jinja",
        {
            "team": the_team,
            "thanks": thanks,
            "cycles": cycles,
            "link": link,
            "public_url": request.build_absolute_uri(link.public_path()) if link else "",
            "buddies": the_team.buddies(),
            "can_moderate": can_moderate,
            "waiting": waiting,
            "can_link": allows(request.user, "excellence_link", the_team),
            "can_pdsa": allows(request.user, "pdsa_create", the_team),
            "active": "dashboard",
        },
    )


# --- Excellence reports --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def excellence_create(request: HttpRequest, team: str) -> HttpResponse:
    form = ExcellenceForm(request.POST or None, team=request.team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = actions.arrive(
            request.team,
            data["text"],
            who=data["who"],
            domain=data["domain"],
            thanked_team=data["thanked_team"],
            thanked_user=data["thanked_user"],
            reported_by=request.user,
            source=ExcellenceReport.Source.SIGNED_IN,
        )
        if report.status == ExcellenceReport.Status.APPROVED:
            messages.success(request, "Thank you. Your report is on the team's learning page")
        else:
            messages.success(request, "Thank you. A moderator will check it before anyone else sees it")
        return redirect("learning", team=request.team.slug)
    return render(
        request,
        "learning/excellence_form.jinja",
        {"team": request.team, "form": form, "active": "dashboard"},
        status=400 if form.errors else 200,
    )


@require_POST
def excellence_link(request: HttpRequest, team: str) -> HttpResponse:
    link = ExcellenceLink.objects.filter(team=request.team).first()
    if link is None:
        ExcellenceLink.objects.create(team=request.team)
        messages.success(request, "The public link is ready. Share it on posters, cards or a text message")
    else:
        link.is_open = not link.is_open
        link.save()
        messages.success(request, "The public link is open" if link.is_open else "The public link is closed")
    return redirect("learning", team=request.team.slug)


def excellence_moderate(request: HttpRequest, team: str) -> HttpResponse:
    waiting = list(
        ExcellenceReport.objects.for_team(request.team)
        .awaiting_moderation()
        .select_related("domain")
        .order_by("created_at")
    )
    items = []
    for report in waiting:
        text, who = actions.suggested_redaction(report)
        items.append(
            {
                "report": report,
                "parts": actions.highlight(report),
                "suggested_text": text,
                "suggested_who": who,
                "kinds": [KIND_WORDS.get(k, k) for k in report.finding_kinds],
            }
        )
    return render(
        request, "learning/moderation.jinja", {"team": request.team, "items": items, "active": "dashboard"}
    )


@require_POST
def excellence_moderate_report(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ExcellenceReport.objects.for_team(request.team).select_related("thanked_user", "team"), pk=pk
    )
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve, redact or reject")
        return redirect("excellence_moderate", team=request.team.slug)
    decision = form.cleaned_data["decision"]
    if decision == "approve":
        actions.approve(report, request.user)
        messages.success(request, f"Report {report.pk} approved")
    elif decision == "reject":
        actions.reject(report, request.user)
        messages.success(request, f"Report {report.pk} rejected")
    else:
        actions.redact_and_approve(
            report, request.user, form.cleaned_data["text"] or None, form.cleaned_data["who"]
        )
        messages.success(request, f"Report {report.pk} redacted and approved")
    return redirect("excellence_moderate", team=request.team.slug)


# --- Public pages (no account) -------------------------------------------------------------------


def _open_link(code: str) -> ExcellenceLink:
    link = ExcellenceLink.objects.select_related("team").filter(code=code).first()
    if link is None or not link.team.is_active:
        raise Http404
    return link


@public_forms.cookieless
def excellence_public_form(request: HttpRequest, code: str) -> HttpResponse:
    link = _open_link(code)
    form = PublicExcellenceForm(request.POST or None, team=link.team)

    def save(screening: Screening) -> Saved:
        report = actions.arrive(
            link.team,
            form.cleaned_data["text"],
            who=form.cleaned_data["who"],
            domain=form.cleaned_data["domain"],
            thanked_team=link.team,
            screening=screening,
        )
        return Saved(links={"excellence_report": report})

    return public_forms.handle(
        request,
        PublicForm(
            kind="excellence",
            code=code,
            team=link.team,
            is_open=link.is_open,
            form=form,
            template="learning/public_form.jinja",
            context={"link": link, "the_team": link.team, "holder": link},
            closed=(
                "This link is closed",
                f"{link.team.name} is not taking reports through this link at the moment. "
                "Ask the team for a new link or a paper card.",
            ),
            texts=[request.POST.get("text", ""), request.POST.get("who", "")],
            save=save,
            thanks_url=reverse("excellence_public_thanks", kwargs={"code": code}),
            source=Alert.Source.EXCELLENCE,
        ),
    )


def excellence_public_thanks(request: HttpRequest, code: str) -> HttpResponse:
    link = _open_link(code)
    return render(
        request,
        "learning/public_thanks.jinja",
        {
            "link": link,
            "the_team": link.team,
            "holder": link,
            "public": True,
            **public_forms.thanks_context(request),
        },
    )


# --- PDSA cycles ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pdsa_create(request: HttpRequest, team: str) -> HttpResponse:
    form = PdsaForm(request.POST or None, team=request.team)
    if request.method == "POST" and form.is_valid():
        cycle = form.save(commit=False)
        cycle.team = request.team
        actions.save_cycle(cycle, list(form.cleaned_data["measures"]), request.user)
        messages.success(
            request, "The small test of change has been added. Its start is marked on the charts"
        )
        return redirect("pdsa_detail", team=request.team.slug, pk=cycle.pk)
    return render(
        request,
        "learning/pdsa_form.jinja",
        {
            "team": request.team,
            "form": form,
            "title": "Plan a small test of change",
            "button": "Save",
            "active": "dashboard",
        },
        status=400 if form.errors else 200,
    )


def pdsa_detail(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    cycle = get_object_or_404(
        PdsaCycle.objects.select_related("change_idea__driver__aim"), team=request.team, pk=pk
    )
    return render(
        request,
        "learning/pdsa_detail.jinja",
        {
            "team": request.team,
            "cycle": cycle,
            "measures": list(cycle.measures.all()),
            "can_edit": allows(request.user, "pdsa_edit", request.team),
            "active": "dashboard",
        },
    )


@require_http_methods(["GET", "POST"])
def pdsa_edit(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    cycle = get_object_or_404(PdsaCycle, team=request.team, pk=pk)
    form = PdsaForm(request.POST or None, instance=cycle, team=request.team)
    if request.method == "POST" and form.is_valid():
        cycle = form.save(commit=False)
        actions.save_cycle(cycle, list(form.cleaned_data["measures"]))
        messages.success(request, "Your changes have been saved")
        return redirect("pdsa_detail", team=request.team.slug, pk=cycle.pk)
    return render(
        request,
        "learning/pdsa_form.jinja",
        {
            "team": request.team,
            "form": form,
            "title": f"Change: {cycle.title}",
            "button": "Save",
            "cycle": cycle,
            "active": "dashboard",
        },
        status=400 if form.errors else 200,
    )


# --- The buddy-learning log ----------------------------------------------------------------------


def _pair(request: HttpRequest, buddy: str) -> tuple[BuddyPair, object]:
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
    return pair, (pair.second_team if pair.first_team_id == the_team.pk else pair.first_team)


def buddy_log(request: HttpRequest, team: str, buddy: str) -> HttpResponse:
    pair, other = _pair(request, buddy)
    entries = list(BuddyLogEntry.objects.filter(pair=pair).select_related("team", "author", "adopted_idea"))
    groups = [(label, [e for e in entries if e.kind == kind]) for kind, label in BuddyLogEntry.Kind.choices]
    return render(
        request,
        "learning/buddy_log.jinja",
        {
            "team": request.team,
            "buddy": other,
            "groups": groups,
            "form": BuddyLogForm(),
            "can_write": allows(request.user, "buddy_log_add", request.team),
            "can_adopt": allows(request.user, "buddy_log_adopt", request.team),
            "active": "dashboard",
        },
    )


@require_http_methods(["GET", "POST"])
def buddy_log_add(request: HttpRequest, team: str, buddy: str) -> HttpResponse:
    pair, other = _pair(request, buddy)
    form = BuddyLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.pair, entry.team, entry.author = pair, request.team, request.user
        entry.save()
        messages.success(request, "Your learning has been added to the shared log")
        return redirect("buddy_log", team=request.team.slug, buddy=other.slug)
    return render(
        request,
        "learning/buddy_log_form.jinja",
        {"team": request.team, "buddy": other, "form": form, "active": "dashboard"},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def buddy_log_adopt(request: HttpRequest, team: str, buddy: str, pk: int) -> HttpResponse:
    """Take a change idea our buddy team wrote in the shared log into our own driver diagram."""
    pair, other = _pair(request, buddy)
    entry = get_object_or_404(BuddyLogEntry.objects.select_related("team"), pair=pair, pk=pk)
    if not entry.can_be_adopted_by(request.team):
        raise Http404
    form = AdoptIdeaForm(request.POST or None, team=request.team, initial={"text": entry.change_idea})
    if request.method == "POST" and form.is_valid():
        actions.adopt_buddy_idea(entry, form.cleaned_data["driver"], form.cleaned_data["text"])
        messages.success(
            request, "The change idea is in your driver diagram. Plan a small test of change to try it"
        )
        return redirect("buddy_log", team=request.team.slug, buddy=other.slug)
    return render(
        request,
        "learning/buddy_log_adopt.jinja",
        {"team": request.team, "buddy": other, "entry": entry, "form": form, "active": "dashboard"},
        status=400 if form.errors else 200,
    )
