"""`whatmatters demo` gives each phase-1 team a waiting-list check-in and a Friends and Family Test survey
with 18 months of responses (enough for a monthly measure to leave early days), the alerts check-ins
raised, and the measures the answers feed; running it again changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from whatmatters.audit.models import AuditEvent
from whatmatters.framework.models import DataSource, Measure, Value
from whatmatters.safety.models import Alert
from whatmatters.surveys import measures
from whatmatters.surveys.demo import CHECKIN_TITLE, FFT_TITLE, MONTHS
from whatmatters.surveys.models import Answer, Question, Response, Survey

pytestmark = pytest.mark.django_db

PHASE_1 = ("cert", "older-adults-ward", "eip")


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Survey, Question, Response, Answer, Alert, Measure, Value, AuditEvent)
    }


def test_each_phase_1_team_gets_a_check_in_and_an_fft_survey_with_18_months_of_answers_once() -> None:
    call_command("demo", stdout=StringIO())
    this_month = timezone.localdate().replace(day=1)
    start = this_month
    for _ in range(MONTHS):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    for slug in PHASE_1:
        checkin = Survey.objects.get(team__slug=slug, title=CHECKIN_TITLE)
        fft = Survey.objects.get(team__slug=slug, title=FFT_TITLE)
        assert checkin.stage == "waiting" and checkin.is_checkin and not fft.is_checkin
        assert fft.questions.filter(kind="fft").exists()
        for survey in (checkin, fft):
            months = set(survey.responses.values_list("period", flat=True))
            assert len(months) == MONTHS == 18, (slug, survey.title)
            assert min(months) >= start and max(months) < this_month
        alerts = Alert.objects.filter(team__slug=slug, source="checkin")
        assert alerts.exists() and all(a.response.is_checkin for a in alerts)
        assert all(a.contact_detail.startswith("07700 900") for a in alerts)  # drama numbers only
        quick = [a for a in alerts if a.responded_at - a.created_at <= dt.timedelta(days=2)]
        assert 0.5 < len(quick) / alerts.count() < 1  # most, not all: the measure has something to show

        fft_measure = Measure.objects.get(team__slug=slug, code=measures.FFT)
        assert fft_measure.data_source == DataSource.SURVEY
        fed = Value.objects.filter(measure=fft_measure, period__gte=start, period__lt=this_month)
        assert fed.count() == MONTHS and all(v.denominator and v.denominator >= 18 for v in fed)
        for code in (measures.CHECKINS, measures.ALERTS_RAISED):
            assert Value.objects.filter(measure__team__slug=slug, measure__code=code).count() >= MONTHS, code
        # A month with no alerts has no "% answered in time" (nothing to divide by), so fewer values.
        answered = Value.objects.filter(measure__team__slug=slug, measure__code=measures.ALERTS_ANSWERED)
        assert answered.count() >= 6 and all(v.denominator for v in answered)
    assert not Survey.objects.filter(team__cohort__number=2).exists()

    first = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == first  # no new rows, and no new audit events either


def test_the_demo_fft_values_match_the_answers_they_came_from() -> None:
    call_command("demo", stdout=StringIO())
    fft = Survey.objects.get(team__slug="cert", title=FFT_TITLE)
    period = fft.responses.order_by("period").values_list("period", flat=True).first()
    answers = list(Answer.objects.filter(response__survey=fft, response__period=period, question__kind="fft"))
    positive = sum(a.value in ("very_good", "good") for a in answers)
    value = Value.objects.get(measure__team__slug="cert", measure__code=measures.FFT, period=period)
    assert (value.numerator, value.denominator) == (positive, len(answers))
