"""Pages for experience surveys: composing, the public link and QR code, results, check-in alerts.

PermissionMiddleware has checked the permission table and set `request.team` (None on programme routes).
Every object is found through that scope, so another team's survey or alert is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from whatmatters.framework.models import Domain, Measure
from whatmatters.qr import qr_svg
from whatmatters.safety import public_forms
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import PublicForm, Saved
from whatmatters.safety.screening import Screening
from whatmatters.surveys import actions, library, measures, presenters
from whatmatters.surveys.forms import (
    BlocksForm,
    ChoiceQuestionForm,
    PublicSurveyForm,
    SurveyCreateForm,
    SurveyForm,
    field_name,
)
from whatmatters.surveys.models import CHECKIN_KINDS, Answer, Kind, Survey
from whatmatters.teams.page_scope import PageScope
from whatmatters.teams.permissions import allows


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    scope = PageScope(request)
    return render(
        request, template, {"scope": scope, "team": scope.team, "active": "surveys", **context}, status=status
    )


def _survey(request: HttpRequest, pk: int) -> Survey:
    return get_object_or_404(Survey.objects.for_team(request.team), pk=pk)


def _domains(request: HttpRequest) -> Any:
    if request.team is None:
        return Domain.objects.filter(team__isnull=True)
    return Domain.objects.for_team(request.team)


# --- Surveys ----------------------------------------------------------------------------------------


def survey_list(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    surveys = Survey.objects.for_team(scope.team).annotate(
        answered=Count("responses", distinct=True), asked=Count("questions", distinct=True)
    )
    hide = presenters.outside_team(request.user, scope.team)
    rows = [(s, presenters.suppress(s.answered) if hide else s.answered) for s in surveys]
    open_alerts = None
    if scope.team is not None and allows(request.user, "alerts", scope.team):
        open_alerts = Alert.objects.for_team(scope.team).open().count()
    return page(request, "surveys/list.jinja", {"rows": rows, "open_alerts": open_alerts, "hide": hide})


def survey_create(request: HttpRequest, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    form = SurveyCreateForm(request.POST or None)
    blocks = BlocksForm(request.POST or None, domains=_domains(request))
    if request.method == "POST" and form.is_valid() and blocks.is_valid():
        try:
            survey = actions.create_survey(
                scope.team,
                form.cleaned_data["title"],
                form.cleaned_data["stage"],
                blocks.cleaned_data["blocks"],
                list(blocks.cleaned_data["domains"]),
            )
        except actions.CompositionError as error:
            blocks.add_error("blocks", str(error))
        else:
            messages.success(request, "Survey made. Share its link or QR code.")
            return redirect(scope.url("survey_detail", pk=survey.pk))
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "surveys/compose.jinja",
        {
            "form": form,
            "blocks": blocks,
            "title": "Make a survey",
            "button": "Make the survey",
            "back": scope.url("survey_list"),
        },
        status=status,
    )


def survey_edit(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    survey = _survey(request, pk)
    form = SurveyForm(request.POST or None, instance=survey)
    blocks = BlocksForm(request.POST or None, domains=_domains(request))
    if request.method == "POST" and form.is_valid() and blocks.is_valid():
        try:
            if blocks.cleaned_data["blocks"]:
                actions.add_blocks(
                    survey, blocks.cleaned_data["blocks"], list(blocks.cleaned_data["domains"])
                )
        except actions.CompositionError as error:
            blocks.add_error("blocks", str(error))
        else:
            form.save()
            messages.success(request, "Survey saved.")
            return redirect(scope.url("survey_detail", pk=survey.pk))
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "surveys/compose.jinja",
        {
            "form": form,
            "blocks": blocks,
            "title": "Change the survey",
            "button": "Save",
            "back": scope.url("survey_detail", pk=pk),
            "survey": survey,
        },
        status=status,
    )


def question_add(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    survey = _survey(request, pk)
    form = ChoiceQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_choice_question(survey, data["text"], data["kind"], data["options"], data["hint"])
        messages.success(request, "Question added.")
        return redirect(scope.url("survey_detail", pk=pk))
    return page(
        request,
        "teams/form_page.jinja",
        {
            "form": form,
            "title": "Add your own question",
            "button": "Add the question",
            "back": scope.url("survey_detail", pk=pk),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def question_remove(request: HttpRequest, pk: int, question: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    survey = _survey(request, pk)
    found = get_object_or_404(survey.questions, pk=question)
    try:
        actions.remove_question(found)
    except actions.CompositionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Question taken out of the survey.")
    return redirect(scope.url("survey_detail", pk=pk))


def survey_detail(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    survey = _survey(request, pk)
    questions = list(survey.questions.select_related("domain"))
    link = request.build_absolute_uri(survey.public_path())
    minutes = library.minutes_to_answer([q.kind for q in questions])
    answered = set(
        Answer.objects.filter(question__survey=survey).values_list("question_id", flat=True).distinct()
    )
    return page(
        request,
        "surveys/detail.jinja",
        {
            "survey": survey,
            "questions": questions,
            "answered": answered,
            "link": link,
            "minutes": minutes,
            "too_long": minutes > library.TARGET_MINUTES,
        },
    )


def survey_qr(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    survey = _survey(request, pk)
    svg = qr_svg(request.build_absolute_uri(survey.public_path()))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.code}.svg"'
    return response


def survey_results(request: HttpRequest, pk: int, team: str | None = None) -> HttpResponse:
    scope = PageScope(request)
    survey = _survey(request, pk)
    hide = presenters.outside_team(request.user, scope.team)
    total, results = presenters.results(survey, hide)
    feeds = []
    if scope.team is not None:
        codes = measures.codes_fed_by([(q.kind, q.domain_id) for q in survey.questions.all()])
        feeds = list(Measure.objects.for_team(scope.team).filter(code__in=codes))
    concerns = survey.responses.filter(concern=True).count()
    months = presenters.responses_by_month(survey, hide)
    themes, themes_of = presenters.themes_for(scope.team, results) if not hide else ([], {})
    return page(
        request,
        "surveys/results.jinja",
        {
            "survey": survey,
            "total": total,
            "results": results,
            "hide": hide,
            "feeds": feeds,
            "concerns": presenters.suppress(concerns) if hide else concerns,
            "months": months,
            "themes": themes,
            "themes_of": themes_of,
            "can_theme": scope.can("card_move"),
            "Kind": Kind,
        },
    )


# --- Public pages (no account) -----------------------------------------------------------------------


def _open_survey(code: str) -> Survey:
    # With the session and its team: written answers arrive in that session; the page says who reads them.
    survey = Survey.objects.select_related("team", "session__team").filter(code=code).first()
    if survey is None or (survey.team is not None and not survey.team.is_active):
        raise Http404
    return survey


@public_forms.cookieless
def public_survey(request: HttpRequest, code: str, easy_read: bool = False) -> HttpResponse:
    survey = _open_survey(code)
    questions = list(survey.questions.all())
    form = PublicSurveyForm(questions, easy_read, request.POST or None)
    checkin = any(q.kind in CHECKIN_KINDS for q in questions)

    def save(screening: Screening) -> Saved:
        outcome = actions.submit(survey, form.answers(), easy_read=easy_read, questions=questions)
        return Saved(links={"response": outcome.response}, result=outcome)

    name = "survey_public_easy_read_thanks" if easy_read else "survey_public_thanks"
    return public_forms.handle(
        request,
        PublicForm(
            kind="checkin" if checkin else "survey",
            code=code,
            team=survey.team,
            is_open=survey.is_open,
            form=form,
            template="surveys/public_form.jinja",
            context={
                "survey": survey,
                "holder": survey,
                "minutes": library.minutes_to_answer([q.kind for q in questions]),
                "is_checkin": any(q.kind == Kind.CHECKIN_SOONER for q in questions),
                "fields": [(q, form[field_name(q)]) for q in questions],
            },
            closed=(
                "This survey is closed",
                f"Thank you for wanting to help. {survey.team.name if survey.team else 'The team'} is not "
                "collecting answers to this survey now.",
            ),
            texts=form.texts_as_typed(),
            save=save,
            thanks_url=reverse(name, kwargs={"code": code}),
            source=Alert.Source.CHECKIN if checkin else Alert.Source.SURVEY,
            concerns=form.concerns_as_typed(),
            contact=form.contact_as_typed(),
            checkin=checkin,
            easy_read=easy_read,
            after=lambda saved: actions.after_response(survey.team_id),
        ),
    )


def public_thanks(request: HttpRequest, code: str, easy_read: bool = False) -> HttpResponse:
    survey = _open_survey(code)
    return render(
        request,
        "surveys/public_thanks.jinja",
        {
            "survey": survey,
            "session": survey,
            **public_forms.thanks_context(request),
            "easy_read": easy_read,
            "days": measures.alert_response_days(),
            "public": True,
        },
    )
