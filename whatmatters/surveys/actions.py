"""Writes that touch several records, each in one transaction: composing surveys, answers arriving from the
public link (free text through the engagement app's personal-data check), check-in alerts and their status.

No answer text, contact detail or name is ever written to a log or to the audit log's changes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from whatmatters.audit.log import Action, record
from whatmatters.engagement import actions as engagement
from whatmatters.engagement.models import EngagementSession, Relationship, Statement
from whatmatters.framework.models import Frequency, period_start
from whatmatters.safety.screening import screen
from whatmatters.safety.signals import checkin_alert_handled
from whatmatters.surveys import library
from whatmatters.surveys.models import (
    CHECKIN_KINDS,
    TEXT_KINDS,
    Answer,
    Kind,
    Question,
    Response,
    Survey,
)
from whatmatters.surveys.tasks import refresh_survey_measures

logger = logging.getLogger(__name__)


# --- Composing surveys from the library -----------------------------------------------------------


class CompositionError(ValueError):
    """A survey that cannot be made as asked; the message says why in plain English."""


def _check_blocks(team: Any, blocks: Iterable[str], domains: list[Any]) -> list[str]:
    blocks = [b for b in blocks if b in library.BLOCKS]
    if not blocks:
        raise CompositionError("Choose at least 1 set of questions")
    if "checkin" in blocks and team is None:
        raise CompositionError("Check-ins raise alerts for a team's clinicians: add them to a team's survey")
    if "domains" in blocks and not domains:
        raise CompositionError("Choose the quality domains to ask about")
    return blocks


@transaction.atomic
def add_blocks(survey: Survey, blocks: Iterable[str], domains: list[Any] = ()) -> list[Question]:  # type: ignore[assignment]
    """Copy the chosen library blocks into the survey, after its existing questions."""
    domains = list(domains)
    blocks = _check_blocks(survey.team, blocks, domains)
    have = set(survey.questions.values_list("template", flat=True))
    have_domains = set(survey.questions.exclude(domain=None).values_list("domain_id", flat=True))
    position = survey.questions.count()
    made = []
    for key in blocks:
        if key != "domains" and key in have:
            continue  # a block is added once
        for spec in library.questions_for(key, [d for d in domains if d.pk not in have_domains]):
            made.append(Question.objects.create(survey=survey, position=position, **spec))
            position += 1
    return made


@transaction.atomic
def create_survey(
    team: Any,
    title: str,
    stage: str,
    blocks: Iterable[str],
    domains: list[Any] = (),  # type: ignore[assignment]
) -> Survey:
    blocks = _check_blocks(team, blocks, list(domains))
    survey = Survey.objects.create(team=team, title=title.strip(), stage=stage)
    add_blocks(survey, blocks, list(domains))
    return survey


@transaction.atomic
def add_choice_question(survey: Survey, text: str, kind: str, options: list[str], hint: str = "") -> Question:
    """A team's own question: choose one or choose any, with the options written one per line."""
    if kind not in (Kind.SINGLE, Kind.MULTIPLE):
        raise CompositionError("Choose whether people pick 1 answer or any number")
    values = [[f"o{n}", label, label] for n, label in enumerate(options, start=1)]
    return Question.objects.create(
        survey=survey,
        position=survey.questions.count(),
        kind=kind,
        template="own",
        text=text.strip(),
        hint=hint.strip(),
        options=values,
    )


@transaction.atomic
def remove_question(question: Question) -> None:
    """Take a question out of a survey. A question people have answered stays, so no answer is lost."""
    if question.answers.exists():
        raise CompositionError(
            "People have answered this question, so it stays. To ask different questions, close this "
            "survey and make a new one."
        )
    survey = question.survey
    question.delete()
    for position, remaining in enumerate(survey.questions.order_by("position", "pk")):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])


# --- Answers arriving from the public link ----------------------------------------------------------


@dataclass
class Outcome:
    response: Response
    concerns: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    @property
    def needs_help(self) -> bool:
        return bool(self.concerns)


def survey_session(survey: Survey) -> EngagementSession:
    """The engagement session free-text answers arrive in (made with the first one): moderation and themes
    then work on them exactly as on anything else people said."""
    if survey.session_id is not None:
        return survey.session  # type: ignore[return-value]
    session = EngagementSession.objects.create(
        team=survey.team,
        title=f"Survey: {survey.title}"[:150],
        held_on=timezone.localdate(),
        place="Online survey",
        audience=EngagementSession.Audience.SERVICE_USERS,
        is_open=False,  # answers come through the survey's own link
    )
    survey.session = session
    survey.save(update_fields=["session"])
    return session


def period_of(moment: dt.datetime) -> dt.date:
    """The calendar month (Europe/London) a response belongs to."""
    return period_start(Frequency.MONTHLY, timezone.localtime(moment).date())


def concerns_in(questions: Mapping[int, Question], answers: Mapping[int, Any]) -> list[str]:
    found = []
    for pk, value in answers.items():
        question = questions[pk]
        words = library.CONCERNS.get((question.kind, value)) if isinstance(value, str) else None
        if words:
            found.append(words)
    return found


# No savepoint of its own: inside the public form's transaction (safety.public_forms) any failure rolls that
# whole transaction back anyway, and a savepoint is two more round trips to the database for every answer.
@transaction.atomic(savepoint=False)
def submit(
    survey: Survey,
    answers: Mapping[int, Any],
    *,
    easy_read: bool = False,
    now: dt.datetime | None = None,
    questions: Iterable[Question] | None = None,
) -> Outcome:
    """Save one person's answers: {question id: value, list of values or text}. Empty answers are skipped.

    Free text arrives as engagement statements (screened, held if anything is found). Any alert (a check-in
    with a way to contact the person, words that may mean risk) is raised by the public-form flow
    (safety.public_forms) in the same transaction. `questions`: the survey's questions, when the caller has
    read them already (the public form has). The answers are written in one statement.
    """
    now = now or timezone.now()
    questions = {q.pk: q for q in (survey.questions.all() if questions is None else questions)}
    concerns = concerns_in(questions, answers)
    checkin = any(q.kind in CHECKIN_KINDS for q in questions.values())
    response = Response.objects.create(
        survey=survey,
        team=survey.team,
        submitted_at=now,
        period=period_of(now),
        easy_read=easy_read,
        is_checkin=checkin,
        concern=bool(concerns),
    )
    outcome = Outcome(response, concerns)
    relationship = Relationship.OTHER
    for pk, value in answers.items():
        question = questions[pk]
        if question.template == "who" and value in Relationship.values:
            relationship = value
    rows: list[Answer] = []
    for pk, value in answers.items():
        question = questions[pk]
        if value in (None, "", []):
            continue
        if question.kind in TEXT_KINDS:
            statement = engagement.arrive(
                survey_session(survey),
                str(value),
                relationship=relationship,
                stage=survey.stage,
                screening=screen(str(value).strip()),
            )
            outcome.statements.append(statement)
            rows.append(Answer(response=response, question=question, statement=statement))
        elif question.kind == Kind.MULTIPLE:
            rows.append(Answer(response=response, question=question, values=list(value)))
        else:
            number = int(value) if question.kind in (Kind.COLLABORATE, Kind.DOMAIN_RATING) else None
            rows.append(Answer(response=response, question=question, value=value, number=number))
    Answer.objects.bulk_create(rows)  # not audited one by one (the response is): no save() needed
    return outcome


def refresh_waiting(team_id: int) -> bool:
    """A measure refresh for the team is queued and not yet started. It will read every answer saved before
    it starts, so one more answer (saved already: this runs after the answer's transaction) needs no second
    refresh. Only with the database queue; the immediate backend (tests) keeps no queue."""
    if not isinstance(refresh_survey_measures.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=refresh_survey_measures.module_path,
        status=TaskResultStatus.READY,
        backend_name=refresh_survey_measures.backend,
        args_kwargs__args__0=team_id,
    ).exists()


def after_response(team_id: int | None) -> None:
    """Queue the measure refresh for the team, unless one is already waiting to start (a busy survey would
    otherwise queue one refresh per answer: hundreds in a few minutes under load, docs/performance.md). A
    queue failure never loses the answers: the nightly `whatmatters surveys refresh` catches up."""
    if team_id is None:
        return
    try:
        if refresh_waiting(team_id):
            return
        refresh_survey_measures.enqueue(team_id)
    except Exception:  # noqa: BLE001 - the answers are saved; say so without any of their content
        logger.exception("Could not queue the survey measure refresh for team %s", team_id)


@receiver(checkin_alert_handled, dispatch_uid="surveys.refresh_after_checkin_alert")
def _refresh_after_checkin_alert(sender: object, team_id: int | None, **kwargs: object) -> None:
    """A check-in alert was answered: the check-in measures count answers."""
    after_response(team_id)


def record_demo_responses(survey: Survey, count: int) -> None:
    record(Action.CREATE, obj=survey, team=survey.team, summary=f"demo: {count} responses added")
