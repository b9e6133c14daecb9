"""Pages for co-production: sessions, the public form, quick entry, imports, moderation, the theming board,
suggested themes, votes, domains, traceability and "You said, we did".

PermissionMiddleware has checked the permission table before any view runs and set `request.team` (None on
the programme-wide routes). Views find every object through that scope, so another team's object is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from whatmatters.audit.log import Action, record
from whatmatters.audit.tracking import acting_as
from whatmatters.client import client_address
from whatmatters.disclosure import suppress
from whatmatters.engagement import actions, loop, presenters, tasks
from whatmatters.engagement.forms import (
    MAX_IMPORT_BYTES,
    BoardFilterForm,
    ChooseCardsForm,
    DomainUpdateForm,
    ImportForm,
    MergeForm,
    MergeSuggestionsForm,
    ModerationForm,
    MoveForm,
    PromoteForm,
    PublicStatementForm,
    QuickEntryForm,
    SessionForm,
    SplitForm,
    SuggestionDecisionForm,
    ThemeForm,
    dots_form,
)
from whatmatters.engagement.models import (
    RELATIONSHIP_SHORT,
    DomainUpdate,
    EngagementSession,
    Relationship,
    Statement,
    SuggestedCard,
    Theme,
    ThemeSuggestion,
)
from whatmatters.framework.models import Domain
from whatmatters.imports.problems import Problem
from whatmatters.qr import qr_svg
from whatmatters.safety import public_forms, ratelimit
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import PUBLIC_ACTOR, PublicForm, Saved
from whatmatters.safety.screening import KIND_WORDS, Screening
from whatmatters.teams.access import roles_of
from whatmatters.teams.models import Team
from whatmatters.teams.page_scope import PageScope
from whatmatters.teams.permissions import allows
from whatmatters.uploads import upload_limit

# --- Page helpers ---------------------------------------------------------------------------------


# A page number longer than this is not a page of the board (it would only ever be past the end).
MAX_PAGE_DIGITS = 6


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    scope = PageScope(request)
    return render(
        request,
        template,
        {"scope": scope, "team": scope.team, "active": "engagement", **context},
        status=status,
    )


def _session(request: HttpRequest, pk: int) -> EngagementSession:
    return get_object_or_404(EngagementSession.objects.for_team(request.team), pk=pk)


def _theme(request: HttpRequest, pk: int | None) -> Theme:
    return get_object_or_404(Theme.objects.for_team(request.team), pk=pk)


def _themes(request: HttpRequest) -> list[Theme]:
    return list(Theme.objects.for_team(request.team).order_by("name", "pk"))


# --- Sessions ------------------------------------------------------------------------------------


def home(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    sessions = EngagementSession.objects.for_team(scope.team).annotate(
        approved=Count("statements", filter=Q(statements__status=Statement.Status.APPROVED)),
        waiting=Count(
            "statements", filter=Q(statements__status__in=[Statement.Status.HELD, Statement.Status.PENDING])
        ),
    )
    waiting = Statement.objects.for_team(scope.team).awaiting_moderation().count()
    return page(
        request,
        "engagement/home.jinja",
        {"sessions": sessions, "waiting": waiting, "themes": Theme.objects.for_team(scope.team).count()},
    )


def session_create(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.team = scope.team
        session.save()
        messages.success(request, "Session added. Share its link or QR code.")
        return redirect(scope.url("session_detail", pk=session.pk))
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": "Add an engagement session",
            "button": "Add session",
            "back": scope.url("engagement"),
        },
    )


def session_edit(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    session = _session(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Session saved.")
        return redirect(scope.url("session_detail", pk=session.pk))
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": "Change the session",
            "button": "Save",
            "back": scope.url("session_detail", pk=pk),
        },
    )


def session_detail(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    session = _session(request, pk)
    counts = dict(session.statements.values_list("status").annotate(n=Count("pk")))
    link = request.build_absolute_uri(session.public_path())
    return page(
        request,
        "engagement/session_detail.jinja",
        {"session": session, "counts": counts, "link": link, "Status": Statement.Status},
    )


def session_qr(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    session = _session(request, pk)
    svg = qr_svg(request.build_absolute_uri(session.public_path()))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="what-matters-{session.code}.svg"'
    return response


# --- Facilitators: quick entry and CSV import ----------------------------------------------------


def quick_entry(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    session = _session(request, pk)
    initial = {"relationship": request.GET.get("relationship", ""), "stage": "other"}
    form = QuickEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        added = actions.add_batch(
            session,
            form.cleaned_data["lines"],
            relationship=form.cleaned_data["relationship"],
            stage=form.cleaned_data["stage"],
            consent=form.cleaned_data["consent"],
        )
        held = sum(1 for s in added if s.status == Statement.Status.HELD)
        text = f"{len(added)} statements added."
        if held:
            text += f" {held} held for a moderator: they may contain personal details."
        messages.success(request, text)
        url = scope.url("statement_quick_entry", pk=pk) + f"?relationship={form.cleaned_data['relationship']}"
        return redirect(url)
    return page(request, "engagement/quick_entry.jinja", {"form": form, "session": session})


@upload_limit(MAX_IMPORT_BYTES)
def statement_import(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    session = _session(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            added = actions.import_csv(session, upload.read(), upload.name)
        except actions.ImportRefused as refused:
            row_errors = refused.errors
        else:
            waiting = sum(1 for s in added if s.status != Statement.Status.APPROVED)
            messages.success(
                request,
                f"{len(added):,} statements imported. {waiting:,} wait for a moderator to read them.",
            )
            return redirect(scope.url("session_detail", pk=pk))
    status = 400 if request.method == "POST" and (row_errors or form.errors) else 200
    return page(
        request,
        "engagement/import.jinja",
        {"form": form, "session": session, "row_errors": row_errors},
        status=status,
    )


# --- Moderation ----------------------------------------------------------------------------------


def moderation_overview(request: HttpRequest) -> HttpResponse:
    """Statements waiting for a moderator, team by team, for every team this person moderates."""
    held = roles_of(request.user)
    teams = Team.objects.visible_to(request.user).filter(is_active=True)
    rows = []
    for the_team in teams:
        if allows(request.user, "moderate", the_team):
            waiting = Statement.objects.for_team(the_team).awaiting_moderation().count()
            rows.append((the_team, waiting, reverse("moderate", kwargs={"team": the_team.slug})))
    programme_row = None
    if held.organisation_roles:
        programme_row = Statement.objects.for_team(None).awaiting_moderation().count()
    return render(
        request,
        "engagement/moderation_overview.jinja",
        {"rows": rows, "programme_waiting": programme_row, "active": "moderation"},
    )


def moderation_queue(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    waiting = list(
        Statement.objects.for_team(scope.team)
        .awaiting_moderation()
        .select_related("session")
        .order_by("created_at")
    )
    items = [
        {
            "statement": s,
            "parts": actions.highlight(s.text, s.findings),
            "suggested": actions.suggested_redaction(s),
            "kinds": [KIND_WORDS.get(k, k) for k in s.finding_kinds],
        }
        for s in waiting
    ]
    redacted = list(
        Statement.objects.for_team(scope.team).exclude(original_text="").order_by("-moderated_at")[:50]
    )
    if redacted:
        # Who saw words that were taken out, and which statements (the words themselves never go in the log).
        record(
            Action.READ_ORIGINALS,
            team=scope.team,
            summary=f"Shown the original words of {len(redacted)} redacted "
            + ("statement" if len(redacted) == 1 else "statements"),
            changes={"statements": [s.pk for s in redacted]},
        )
    return page(
        request,
        "engagement/moderation.jinja",
        {"items": items, "redacted": redacted, "days": actions.original_text_days(), "active": "moderation"},
    )


@require_POST
def moderate_statement(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    statement = get_object_or_404(Statement.objects.for_team(scope.team), pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve, redact or reject.")
        return redirect(scope.url("moderate"))
    decision = form.cleaned_data["decision"]
    if decision == "approve":
        actions.approve(statement, request.user)
        messages.success(request, f"Statement {statement.pk} approved.")
    elif decision == "reject":
        actions.reject(statement, request.user)
        messages.success(request, f"Statement {statement.pk} rejected.")
    else:
        actions.redact_and_approve(statement, request.user, form.cleaned_data["text"] or None)
        messages.success(request, f"Statement {statement.pk} redacted and approved.")
    return redirect(scope.url("moderate"))


# --- The theming board ---------------------------------------------------------------------------

SPLIT_CARDS_SHOWN = 200  # cards listed to tick when splitting a theme; words find the others


def board(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    themes = _themes(request)
    sessions = list(EngagementSession.objects.for_team(scope.team))
    form = BoardFilterForm(request.GET, themes=themes, sessions=sessions)
    filters = form.filters()
    the_board = presenters.board_page(scope.team, themes, filters, request.GET.get("page"))
    base = scope.url("theme_board")

    def link(page: int | None = None, **changes: str) -> str:
        return base + presenters.board_query(filters, page, **changes)

    return page(
        request,
        "engagement/board.jinja",
        {
            "board": the_board,
            "form": form,
            "filters": filters,
            "filtered": any(filters.get(key) for key in ("session", "relationship", "stage", "q")),
            "link": link,
            "can_edit": scope.can("card_move"),
        },
    )


@require_POST
def card_move(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    form = MoveForm(request.POST)
    # Back to the same page of the same view, with the same filters (the board checks them again).
    kept = {key: request.POST.get(key, "")[:200] for key in presenters.BOARD_KEYS}
    page_number = request.POST.get("page", "")
    theme_shown = kept["theme"]
    view = (
        theme_shown
        if theme_shown in ("all", "parked") or theme_shown.isdigit() and len(theme_shown) < 10
        else ""
    )
    back = scope.url("theme_board") + presenters.board_query(
        kept, int(page_number) if page_number.isdigit() and len(page_number) <= MAX_PAGE_DIGITS else None
    )
    if not form.is_valid():
        messages.error(request, "Choose a theme for the card.")
        return redirect(back)
    data = form.cleaned_data
    statement = get_object_or_404(Statement.objects.approved().for_team(scope.team), pk=data["statement"])
    to_theme = _theme(request, data["to_theme"]) if data["to_theme"] else None
    from_theme = _theme(request, data["from_theme"]) if data["from_theme"] else None
    action = data["action"]
    if action in ("move", "copy"):
        if to_theme is None:
            messages.error(request, "Choose a theme for the card.")
            return redirect(back)
        actions.move(statement, to_theme, from_theme if action == "move" else None)
        text = f"Card moved to “{to_theme.name}”."
    elif action == "remove":
        if from_theme is None:
            raise Http404
        actions.move(statement, None, from_theme)
        text = f"Card taken out of “{from_theme.name}”."
    else:
        actions.park(statement, action == "park")
        text = "Card set aside to discuss." if action == "park" else "Card back on the board."
    if request.htmx:
        return HttpResponse(status=204)
    messages.success(request, text)
    return redirect(back + f"#{presenters.card_anchor(statement, view)}")


def theme_create(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        theme = actions.create_theme(scope.team, form.cleaned_data["name"])
        messages.success(request, f"Theme “{theme.name}” added.")
        return redirect(scope.url("theme_board") + f"#theme-{theme.pk}")
    return page(
        request,
        "teams/form_page.jinja",
        {"form": form, "title": "Add a theme", "button": "Add theme", "back": scope.url("theme_board")},
    )


def theme_detail(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    theme = _theme(request, pk)
    # The first cards only: a theme of thousands is paged on the board (a link says so).
    statements = theme.statements.approved().order_by("created_at", "pk")
    total = statements.count()
    cards = list(statements[: presenters.CARDS_PER_PAGE])
    others = [t for t in _themes(request) if t.pk != theme.pk]
    return page(
        request,
        "engagement/theme_detail.jinja",
        {
            "theme": theme,
            "cards": cards,
            "total": total,
            "on_the_board": PageScope(request).url("theme_board")
            + presenters.board_query({"theme": str(theme.pk)}),
            "others": others,
            "domains": list(theme.domains.all()),
        },
    )


def theme_edit(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    theme = _theme(request, pk)
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Theme renamed.")
        return redirect(scope.url("theme_detail", pk=pk))
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": "Rename the theme",
            "button": "Save",
            "back": scope.url("theme_detail", pk=pk),
        },
    )


def theme_split(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    theme = _theme(request, pk)
    statements = theme.statements.approved().order_by("created_at", "pk")
    # A theme of thousands: the list shows the first cards, or those with the words looked for.
    words = (request.POST if request.method == "POST" else request.GET).get("q", "")[:200].strip()
    cards = list(presenters.with_words(statements, words)[:SPLIT_CARDS_SHOWN])
    if request.method == "POST":
        ticked = [int(v) for v in request.POST.getlist("statements") if v.isdigit() and len(v) < 10]
        cards += list(statements.filter(pk__in=ticked).exclude(pk__in=[s.pk for s in cards]))
    form = SplitForm(request.POST or None, cards=cards)
    if request.method == "POST" and form.is_valid():
        chosen = [s for s in cards if s.pk in set(form.cleaned_data["statements"])]
        new = actions.split_theme(theme, chosen, form.cleaned_data["name"])
        messages.success(request, f"{len(chosen)} cards moved to the new theme “{new.name}”.")
        return redirect(scope.url("theme_detail", pk=new.pk))
    return page(
        request,
        "engagement/split.jinja",
        {
            "form": form,
            "theme": theme,
            "words": words,
            "total": statements.count(),
            "shown": len(cards),
            "limit": SPLIT_CARDS_SHOWN,
            "back": scope.url("theme_detail", pk=pk),
        },
    )


def theme_merge(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    themes = _themes(request)
    form = MergeForm(request.POST or None, themes=themes)
    if request.method == "POST" and form.is_valid():
        target = _theme(request, form.cleaned_data["target"])
        others = [_theme(request, pk) for pk in form.cleaned_data["others"] if pk != target.pk]
        actions.merge_themes(target, others)
        messages.success(request, f"{len(others)} themes merged into “{target.name}”.")
        return redirect(scope.url("theme_detail", pk=target.pk))
    return page(
        request,
        "engagement/merge.jinja",
        {"form": form, "themes": themes},
        status=400 if form.errors else 200,
    )


SHOWN_CARDS = (
    15  # cards listed under each suggestion besides its typical ones; the rest are counted (page size)
)


def _suggestions_page(request: HttpRequest, problem: dict[str, Any] | None = None) -> HttpResponse:
    """The stored suggestions not decided yet, read from the database (never recomputed here)."""
    scope = PageScope(request)
    approved = Statement.Status.APPROVED
    ours = ThemeSuggestion.objects.for_team(scope.team)
    latest = ours.order_by("-made_at").values_list("made_at", flat=True).first()
    suggestions = list(
        ours.undecided().annotate(
            main=Count("cards", filter=Q(cards__is_also=False, cards__statement__status=approved)),
            also=Count("cards", filter=Q(cards__is_also=True, cards__statement__status=approved)),
        )
    )
    cards: dict[int, list[Statement]] = {s.pk: [] for s in suggestions}
    typical: dict[int, list[Statement]] = {s.pk: [] for s in suggestions}
    shown = SuggestedCard.objects.filter(
        suggestion__in=suggestions, statement__status=approved
    ).select_related("statement")
    for card in shown.filter(is_typical=True).order_by("suggestion", "position", "pk"):
        typical[card.suggestion_id].append(card.statement)
    # Only the first SHOWN_CARDS of each group are read: a group may hold thousands.
    first = shown.filter(is_also=False, is_typical=False).annotate(
        rank=Window(RowNumber(), partition_by=[F("suggestion_id")], order_by=[F("position"), F("pk")])
    )
    for card in first.filter(rank__lte=SHOWN_CARDS).order_by("suggestion", "position", "pk"):
        cards[card.suggestion_id].append(card.statement)
    themes = {t.name.casefold(): t for t in Theme.objects.for_team(scope.team).order_by("-pk")}
    unsorted = actions.unsorted_cards(scope.team)
    new = 0
    decided: dict[str, int] = {}
    if latest is not None:
        this_round = ours.filter(made_at=latest)
        new = unsorted.exclude(
            pk__in=SuggestedCard.objects.filter(suggestion__in=this_round).values("statement")
        ).count()
        decided = dict(
            this_round.exclude(status=ThemeSuggestion.Status.UNDECIDED)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    groups = [
        {
            "suggestion": s,
            "cards": cards[s.pk],
            "more": max(s.main - len(cards[s.pk]) - len(typical[s.pk]), 0),
            "typical": typical[s.pk],
            "existing": themes.get(" ".join(s.label.split()).casefold()),
        }
        for s in suggestions
    ]
    return page(
        request,
        "engagement/suggest.jinja",
        {
            "groups": groups,
            "made_at": latest,
            "unsorted": unsorted.count(),
            "new": new,
            "decided": decided,
            "problem": problem,
        },
        status=400 if problem else 200,
    )


def theme_suggest(request: HttpRequest, team: str | None = None) -> HttpResponse:
    """ "Suggest themes": GET shows the stored suggestions; POST computes them once and stores them,
    replacing the ones nobody has decided yet. Nothing moves on the board until a person decides."""
    scope = PageScope(request)
    if request.method == "POST":
        cards = list(actions.unsorted_cards(scope.team))
        stored = actions.store_suggestions(scope.team, cards, seeds=request.POST.get("seeds") == "yes")
        if stored:
            messages.success(
                request,
                f"{len(stored)} {'group' if len(stored) == 1 else 'groups'} suggested from {len(cards)} "
                "cards. Nothing is on the board until you accept a group.",
            )
        else:
            messages.info(request, "There are not enough cards outside themes to suggest anything.")
        return redirect(scope.url("theme_suggest"))
    return _suggestions_page(request)


def _accepted_message(request: HttpRequest, theme: Theme, created: bool, placed: int) -> None:
    cards = f"{placed} {'card' if placed == 1 else 'cards'}"
    messages.success(
        request,
        f"Theme “{theme.name}” added with {cards}."
        if created
        else f"{cards} added to the theme “{theme.name}”, which you already had.",
    )


@require_POST
def theme_suggestion_decide(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    """Accept, rename and accept, or reject one stored suggestion."""
    scope = PageScope(request)
    suggestion = get_object_or_404(ThemeSuggestion.objects.for_team(request.team), pk=pk)
    form = SuggestionDecisionForm(request.POST)
    if not form.is_valid():
        field = "name" if "name" in form.errors else "decision"
        return _suggestions_page(
            request,
            {
                "pk": suggestion.pk,
                "field": field,
                "message": form.errors[field][0],
                "href": f"#name-{suggestion.pk}" if field == "name" else f"#suggestion-{suggestion.pk}",
                "value": request.POST.get("name", ""),
            },
        )
    decision = form.cleaned_data["decision"]
    try:
        if decision == "reject":
            actions.reject_suggestion(suggestion, request.user)
            messages.success(request, f"Group “{suggestion.label}” rejected. No cards moved.")
        else:
            name = form.cleaned_data["name"] if decision == "rename" else None
            theme, created, placed = actions.accept_suggestion(suggestion, request.user, name)
            _accepted_message(request, theme, created, placed)
    except actions.AlreadyDecided:
        messages.error(request, "Someone has already decided that group, so nothing changed.")
    return redirect(scope.url("theme_suggest"))


def theme_suggestion_cards(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    """One suggested group with all its cards, to untick those that do not belong before accepting it."""
    scope = PageScope(request)
    suggestion = get_object_or_404(ThemeSuggestion.objects.for_team(request.team), pk=pk)
    if suggestion.status != ThemeSuggestion.Status.UNDECIDED:
        messages.error(request, "Someone has already decided that group, so nothing changed.")
        return redirect(scope.url("theme_suggest"))
    cards = [
        (card.statement, card.is_also)
        for card in suggestion.cards.filter(statement__status=Statement.Status.APPROVED)
        .select_related("statement")
        .order_by("is_also", "position", "pk")
    ]
    form = ChooseCardsForm(
        request.POST or None,
        cards=cards,
        initial={"name": suggestion.label, "statements": [s.pk for s, _ in cards]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            theme, created, placed = actions.accept_suggestion(
                suggestion, request.user, form.cleaned_data["name"], only=form.cleaned_data["statements"]
            )
        except actions.AlreadyDecided:
            messages.error(request, "Someone has already decided that group, so nothing changed.")
            return redirect(scope.url("theme_suggest"))
        _accepted_message(request, theme, created, placed)
        return redirect(scope.url("theme_suggest"))
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": f"Choose the cards for group {suggestion.position}",
            "intro": "Untick the cards that do not belong, check the name, then accept. "
            "The cards you untick stay where they are.",
            "button": "Accept",
            "back": scope.url("theme_suggest") + f"#suggestion-{suggestion.pk}",
        },
        status=400 if form.errors else 200,
    )


@require_POST
def theme_suggestion_merge(request: HttpRequest, team: str | None = None) -> HttpResponse:
    """Merge two or more stored suggestions into one, still to be accepted, renamed or rejected."""
    scope = PageScope(request)
    undecided = list(ThemeSuggestion.objects.for_team(request.team).undecided())
    form = MergeSuggestionsForm(request.POST, allowed=[s.pk for s in undecided])
    if not form.is_valid():
        return _suggestions_page(
            request,
            {
                "field": "merge",
                "message": form.errors["suggestions"][0],
                "href": f"#merge-{undecided[0].pk}" if undecided else "#merge",
                "chosen": request.POST.getlist("suggestions"),
            },
        )
    chosen = [s for s in undecided if s.pk in set(form.cleaned_data["suggestions"])]
    try:
        target = actions.merge_suggestions(chosen, request.user)
    except actions.AlreadyDecided:
        messages.error(request, "Someone has already decided one of those groups, so nothing changed.")
        return redirect(scope.url("theme_suggest"))
    messages.success(
        request,
        f"{len(chosen)} groups merged into “{target.label}”. Accept it, rename it or reject it below.",
    )
    return redirect(scope.url("theme_suggest") + f"#suggestion-{target.pk}")


# --- Votes ---------------------------------------------------------------------------------------


def session_results(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    session = _session(request, pk)
    themes = _themes(request)
    results = presenters.vote_results(themes, session.votes.all())
    return page(
        request,
        "engagement/results.jinja",
        {"session": session, "results": results, "voters": presenters.voters(session.votes.all())},
    )


ROOM_GROUPS = [(value, RELATIONSHIP_SHORT[Relationship(value)]) for value in Relationship.values]


def room_votes(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    """Dots counted off the wall after a session, entered by relationship."""
    scope = PageScope(request)
    session = _session(request, pk)
    themes = _themes(request)
    form = dots_form(themes, ROOM_GROUPS)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dots = {}
        for theme in themes:
            for key, _label in ROOM_GROUPS:
                value = form.cleaned_data.get(f"dots_{theme.pk}_{key}") or 0
                if value:
                    dots[(theme.pk, key)] = value
        made = actions.record_room_votes(session, dots, {t.pk: t for t in themes})
        messages.success(request, f"{sum(v.dots for v in made)} dots recorded.")
        return redirect(scope.url("session_results", pk=pk))
    rows = [(theme, [form[f"dots_{theme.pk}_{key}"] for key, _ in ROOM_GROUPS]) for theme in themes]
    return page(
        request,
        "engagement/room_votes.jinja",
        {"session": session, "form": form, "rows": rows, "groups": ROOM_GROUPS},
    )


# --- Domains -------------------------------------------------------------------------------------


def _domains(request: HttpRequest) -> Any:
    if request.team is None:
        return Domain.objects.filter(team__isnull=True)
    return Domain.objects.for_team(request.team)


def domain_list(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    domains = list(_domains(request).prefetch_related("themes"))
    for domain in domains:
        domain.own_themes = [
            t for t in domain.themes.all() if t.team_id == (scope.team.pk if scope.team else None)
        ]
    return page(
        request,
        "engagement/domains.jinja",
        {"domains": domains, "gaps": presenters.gaps(scope.team), "threshold": presenters.gap_threshold()},
    )


def domain_promote(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    themes = _themes(request)
    initial = {"themes": [int(pk) for pk in request.GET.getlist("theme") if pk.isdigit()]}
    form = PromoteForm(request.POST or None, themes=themes, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = [t for t in themes if t.pk in set(form.cleaned_data["themes"])]
        domain = actions.promote(
            chosen, scope.team, form.cleaned_data["i_statement"], form.cleaned_data["description"]
        )
        messages.success(request, "Quality domain added.")
        return redirect(scope.url("domain_trace", pk=domain.pk))
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": "Make themes into a quality domain",
            "intro": "Use people's own words: an “I” statement, as a person using the service would say it.",
            "button": "Add domain",
            "back": scope.url("domain_list"),
        },
    )


def domain_trace(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    domain = get_object_or_404(_domains(request), pk=pk)
    the_trace = presenters.trace(domain, scope.team)
    updates = DomainUpdate.objects.filter(domain=domain, team=scope.team) if scope.team else []
    return page(
        request,
        "engagement/domain_trace.jinja",
        {
            "trace": the_trace,
            "domain": domain,
            "updates": updates,
            "can_update": scope.team is not None and allows(request.user, "domain_update_add", scope.team),
        },
    )


def domain_update_add(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    domain = get_object_or_404(_domains(request), pk=pk)
    form = DomainUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            update = DomainUpdate.objects.create(
                domain=domain,
                team=request.team,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
            )
            told = loop.people_to_tell(update)
            tasks.update_added(update)
        text = "Added to the “You said, we did” page."
        if told:
            text += (
                f" {told} {'person who' if told == 1 else 'people who'} asked to hear what we do "
                f"will be emailed once."
            )
        messages.success(request, text)
        return redirect("domain_trace", team=team, pk=pk)
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": f"What are you doing about “{domain.i_statement}”?",
            "button": "Add",
            "back": reverse("domain_trace", kwargs={"team": team, "pk": pk}),
        },
    )


def domain_update_edit(request: HttpRequest, team: str, pk: int) -> HttpResponse:
    """Change an update's words or where it is up to. Nobody is emailed again (they were told once)."""
    update = get_object_or_404(DomainUpdate.objects.select_related("domain"), team=request.team, pk=pk)
    back = reverse("domain_trace", kwargs={"team": team, "pk": update.domain_id})
    form = DomainUpdateForm(request.POST or None, initial={"text": update.text, "status": update.status})
    if request.method == "POST" and form.is_valid():
        update.text = form.cleaned_data["text"]
        update.status = form.cleaned_data["status"]
        update.save()
        messages.success(request, "Saved. The “You said, we did” page shows the change.")
        return redirect(back)
    form.fields["status"].help_text = "Nobody is emailed again when you change this."
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": f"Change what you are doing about “{update.domain.i_statement}”",
            "button": "Save",
            "back": back,
        },
        status=400 if form.errors else 200,
    )


# --- Public pages (no account) -------------------------------------------------------------------


def _open_session(code: str) -> EngagementSession:
    session = EngagementSession.objects.select_related("team").filter(code=code).first()
    if session is None or (session.team is not None and not session.team.is_active):
        raise Http404
    return session


@public_forms.cookieless
def public_form(request: HttpRequest, code: str, easy_read: bool = False) -> HttpResponse:
    session = _open_session(code)
    form = PublicStatementForm(request.POST or None)

    def save(screening: Screening) -> Saved:
        statement = actions.arrive(
            session,
            form.cleaned_data["text"],
            relationship=form.cleaned_data["relationship"],
            stage=form.cleaned_data["stage"],
            consent_to_share=form.cleaned_data["consent_to_share"],
            screening=screening,
        )
        if session.team is not None:
            # Kept apart from the statement; never screened with it, never shown with it.
            loop.save_contact(statement, form.cleaned_data.get("contact_email", ""))
        return Saved(links={"statement": statement})

    return public_forms.handle(
        request,
        PublicForm(
            kind="statement",
            code=code,
            team=session.team,
            is_open=session.is_open,
            form=form,
            template="engagement/public_form.jinja",
            context={"session": session, "holder": session, "minimal": False},
            closed=(
                "This session has closed",
                "Thank you for wanting to tell us what matters to you. "
                "This session is no longer taking answers.",
            ),
            texts=[request.POST.get("text", "")],
            save=save,
            thanks_url=reverse("engagement_public_thanks", kwargs={"code": code}),
            source=Alert.Source.STATEMENT,
            easy_read=easy_read,
        ),
    )


def public_thanks(request: HttpRequest, code: str) -> HttpResponse:
    session = _open_session(code)
    return render(
        request,
        "engagement/public_thanks.jinja",
        {"session": session, "holder": session, "public": True, **public_forms.thanks_context(request)},
    )


@public_forms.cookieless
def public_vote(request: HttpRequest, code: str) -> HttpResponse:
    session = _open_session(code)
    themes = list(Theme.objects.for_team(session.team).order_by("name", "pk"))
    form_class = dots_form(themes, [("", "")], max_dots=session.dots_per_person)
    form = form_class(request.POST or None)
    relationship = request.POST.get("relationship", "")
    errors: list[str] = []
    if request.method == "POST" and session.is_open:
        address = client_address(request.META)
        if ratelimit.over_limit(address, "vote"):
            return render(
                request, "safety/public_slow_down.jinja", {"session": session, "public": True}, status=429
            )
        if relationship not in Relationship.values:
            errors.append("Choose how you are connected to the service")
        if not public_forms.token_ok(request):
            errors.append(public_forms.EXPIRED)
        if form.is_valid():
            dots = {t.pk: form.cleaned_data.get(f"dots_{t.pk}") or 0 for t in themes}
            total = sum(dots.values())
            if total == 0:
                errors.append("Put at least 1 dot on a theme")
            elif total > session.dots_per_person:
                errors.append(f"You have {session.dots_per_person} dots. You used {total}: take some off")
            if not errors:
                with acting_as(PUBLIC_ACTOR):
                    ratelimit.note_submission(address, "vote")
                    if not request.POST.get("website"):
                        actions.record_ballot(session, relationship, dots, {t.pk: t for t in themes})
                return redirect("engagement_public_voted", code=code)
    rows = [(theme, form[f"dots_{theme.pk}"]) for theme in themes]
    status = 400 if (errors or form.errors) else 200
    return render(
        request,
        "engagement/public_vote.jinja",
        {
            "session": session,
            "form": form,
            "rows": rows,
            "errors": errors,
            "relationship": relationship,
            "relationships": Relationship.choices,
            "public": True,
            "form_token": public_forms.form_token(),
        },
        status=status,
    )


def public_voted(request: HttpRequest, code: str) -> HttpResponse:
    session = _open_session(code)
    themes = list(Theme.objects.for_team(session.team).order_by("name", "pk"))
    results = presenters.vote_results(themes, session.votes.all())
    # Shown to anyone: counts go through disclosure control.
    shown = [(r.theme, r.shown(outside_team=True)) for r in results]
    return render(
        request, "engagement/public_voted.jinja", {"session": session, "shown": shown, "public": True}
    )


@public_forms.cookieless
def contact_route_stop(request: HttpRequest, token: str) -> HttpResponse:
    """Public, from the link in a "we did" email: confirm, then delete the address. No cookie needed: the
    signed token in the link is the permission. A GET never deletes (mail programs open links to check
    them)."""
    try:
        contact = loop.contact_for_token(token)
    except loop.BadToken:
        return render(request, "engagement/contact_stop.jinja", {"state": "bad", "public": True}, status=400)
    if contact is None:
        return render(request, "engagement/contact_stop.jinja", {"state": "gone", "public": True})
    the_team = contact.team
    if request.method == "POST":
        with acting_as(PUBLIC_ACTOR):
            loop.stop(contact)
        return render(
            request,
            "engagement/contact_stop.jinja",
            {"state": "stopped", "the_team": the_team, "public": True},
        )
    return render(
        request,
        "engagement/contact_stop.jinja",
        {"state": "confirm", "the_team": the_team, "token": token, "public": True},
    )


def you_said_we_did(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Public: a team's domains, what people said (approved, shareable words) and what it is doing."""
    the_team = get_object_or_404(Team, slug=team_slug, is_active=True)
    domains = list(
        Domain.objects.filter(Q(team=the_team) | Q(team__isnull=True, updates__team=the_team)).distinct()
    )
    sections = []
    for domain in domains:
        themes = [t for t in domain.themes.all() if t.team_id == the_team.pk]
        statements = Statement.objects.shareable().filter(themes__in=themes).distinct()
        quotes = [s.public_text() for s in statements.order_by("pk")[:3]]
        count = Statement.objects.approved().filter(themes__in=themes).distinct().count()
        updates = list(DomainUpdate.objects.filter(domain=domain, team=the_team))
        sections.append({"domain": domain, "quotes": quotes, "count": suppress(count), "updates": updates})
    return render(
        request,
        "engagement/you_said_we_did.jinja",
        {"the_team": the_team, "sections": sections, "public": True, "tag_colours": STATUS_TAGS},
    )


# The NHS tag colours for an update's status (the words in the tag say it; colour only helps).
STATUS_TAGS = {
    DomainUpdate.Status.PLANNED: "nhsuk-tag--grey",
    DomainUpdate.Status.IN_PROGRESS: "nhsuk-tag--blue",
    DomainUpdate.Status.DONE: "nhsuk-tag--green",
}
