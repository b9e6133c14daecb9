"""Demo surveys for the three phase-1 teams: a waiting-list check-in and a Friends and Family Test survey
each, with 18 months of made-up responses, the alerts check-ins raised (most answered within 2 days, more of
them as time goes on), and the measures those answers feed. 18 months, not a year: a monthly measure needs
13 points before its limits are firm and its target can be judged (early days), so a year of answers left
every survey measure "too early to tell".

Idempotent: a survey is looked up by team and title; a survey that already has responses is left alone;
the measure refresh saves only changes. Responses are bulk-created, so each survey gets one audit event.
Contact details are synthetic (Ofcom's 07700 900xxx drama numbers). No free text is made up here: the
engagement demo keeps exactly two sessions per team, and free-text answers would add a third.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib

from django.utils import timezone

from whatmatters.framework.models import Domain
from whatmatters.safety.models import Alert
from whatmatters.surveys import actions
from whatmatters.surveys.measures import refresh_team
from whatmatters.surveys.models import Answer, Kind, Response, Survey
from whatmatters.teams.models import Team

TEAMS = {
    # slug: (FFT survey stage, FFT positive share at the start, at the end, share of check-ins worse)
    "cert": ("treatment", 0.70, 0.85, 0.22),
    "older-adults-ward": ("leaving", 0.76, 0.88, 0.15),
    "eip": ("treatment", 0.80, 0.90, 0.18),
}
CHECKIN_TITLE = "How are you while you wait?"
FFT_TITLE = "Tell us about your experience"
MONTHS = 18


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    for _ in range(MONTHS):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(first)
    return sorted(out)


def _moment(rng: random.Random, month: dt.date) -> dt.datetime:
    day = rng.randint(1, 28)
    return timezone.make_aware(
        dt.datetime(month.year, month.month, day, rng.randint(8, 20), rng.randint(0, 59))
    )


def _survey(team: Team, title: str, stage: str, blocks: list[str], domains: list[Domain]) -> Survey:
    survey = Survey.objects.filter(team=team, title=title).first()
    return survey or actions.create_survey(team, title, stage, blocks, domains)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _fft_responses(
    rng: random.Random, survey: Survey, start: float, end: float, months: list[dt.date]
) -> None:
    questions = list(survey.questions.all())
    responses, answers = [], []
    for n, month in enumerate(months):
        positive = start + (end - start) * n / (len(months) - 1)
        for _ in range(rng.randint(18, 32)):
            moment = _moment(rng, month)
            response = Response(survey=survey, team=survey.team, submitted_at=moment, period=month)
            responses.append(response)
            chosen = []
            for q in questions:
                if q.kind == Kind.FFT:
                    rest = (1 - positive) / 4
                    value = _pick(
                        rng,
                        {
                            "very_good": positive * 0.6,
                            "good": positive * 0.4,
                            "neither": rest,
                            "poor": rest,
                            "very_poor": rest * 0.5,
                            "dont_know": rest * 0.5,
                        },
                    )
                    chosen.append((q, value, None))
                elif q.kind in (Kind.COLLABORATE, Kind.DOMAIN_RATING):
                    top = 4 if q.kind == Kind.COLLABORATE else 5
                    score = top if rng.random() < positive * 0.8 else rng.randint(top - 3, top - 1)
                    chosen.append((q, str(score), score))
            answers.append((response, chosen))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        Answer(response=r, question=q, value=value, number=number)
        for r, chosen in answers
        for q, value, number in chosen
    )
    actions.record_demo_responses(survey, len(responses))


def _checkin_responses(rng: random.Random, survey: Survey, worse: float, months: list[dt.date]) -> None:
    questions = {q.kind: q for q in survey.questions.all()}
    responses, answers, alerts = [], [], []
    for n, month in enumerate(months):
        in_time = 0.55 + 0.35 * n / (len(months) - 1)  # the team gets quicker at calling back
        for _ in range(rng.randint(14, 26)):
            moment = _moment(rng, month)
            bad = rng.random() < worse
            feeling = "worse" if bad else _pick(rng, {"better": 0.3, "same": 0.7})
            changed = "worse" if bad and rng.random() < 0.6 else _pick(rng, {"no": 0.8, "better": 0.2})
            sooner = "yes" if bad and rng.random() < 0.7 else _pick(rng, {"no": 0.9, "not_sure": 0.1})
            contact = "phone" if bad and rng.random() < 0.6 else "none"
            chosen = {
                Kind.CHECKIN_FEELING: feeling,
                Kind.CHECKIN_CHANGED: changed,
                Kind.CHECKIN_SOONER: sooner,
                Kind.CONTACT: contact,
            }
            concerns = actions.concerns_in(
                {q.pk: q for q in questions.values()}, {questions[k].pk: v for k, v in chosen.items()}
            )
            response = Response(
                survey=survey,
                team=survey.team,
                submitted_at=moment,
                period=month,
                is_checkin=True,
                concern=bool(concerns),
            )
            responses.append(response)
            answers.append((response, chosen))
            if contact != "none":
                quick = rng.random() < in_time
                delay = dt.timedelta(hours=rng.choice([3, 20, 26, 40] if quick else [52, 70, 96]))
                alerts.append(
                    Alert(
                        team=survey.team,
                        response=response,
                        reasons=concerns or ["Asked us to contact them"],
                        contact_how=Alert.How.PHONE,
                        contact_detail=f"07700 900{rng.randint(0, 999):03d}",
                        status=Alert.Status.RESPONDED,
                        created_at=moment,
                        leads_told_at=moment,
                        acknowledged_at=moment + delay / 2,
                        responded_at=moment + delay,
                        note="Phoned and offered an earlier appointment.",
                    )
                )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        Answer(response=r, question=questions[kind], value=value)
        for r, chosen in answers
        for kind, value in chosen.items()
    )
    for alert in alerts:
        alert.response_id = alert.response.pk
    Alert.objects.bulk_create(alerts)
    actions.record_demo_responses(survey, len(responses))


def load_surveys_demo(today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    months = _months(today)
    for slug, (stage, start, end, worse) in TEAMS.items():
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            continue
        rng = random.Random(zlib.crc32(slug.encode()))
        domains = list(Domain.objects.filter(team=team).order_by("position", "pk")[:1])
        checkin = _survey(team, CHECKIN_TITLE, "waiting", ["checkin", "wait_help"], [])
        blocks = (
            ["fft"]
            + (["collaborate"] if slug != "older-adults-ward" else [])
            + (["domains"] if domains else [])
        )
        fft = _survey(team, FFT_TITLE, stage, blocks, domains)
        if not fft.responses.exists():
            _fft_responses(rng, fft, start, end, months)
        if not checkin.responses.exists():
            _checkin_responses(rng, checkin, worse, months)
        refresh_team(team, today)
