from __future__ import annotations

from datetime import date, timedelta

import pytest

from whatmatters import demo
from whatmatters.audit.models import AuditEvent
from whatmatters.framework.models import DataSource, Value
from whatmatters.waitinglists.models import ExtractImport, Referral, WardStay

pytestmark = pytest.mark.django_db


def test_the_demo_imports_an_extract_for_the_three_phase_1_teams() -> None:
    demo.load()
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert set(job.teams.values_list("slug", flat=True)) == {"cert", "eip", "older-adults-ward"}
    assert Referral.objects.filter(team__slug="eip").exists()
    assert WardStay.objects.filter(team__slug="older-adults-ward").exists()
    for slug in ("cert", "eip", "older-adults-ward"):
        assert Value.objects.filter(
            measure__team__slug=slug, measure__data_source=DataSource.WAITING_LIST
        ).exists()


def test_loading_the_demo_twice_adds_no_waiting_list_rows_or_audit_events() -> None:
    demo.load()
    before = (
        ExtractImport.objects.count(),
        Referral.objects.count(),
        Value.objects.count(),
        AuditEvent.objects.count(),
    )
    demo.load()
    after = (
        ExtractImport.objects.count(),
        Referral.objects.count(),
        Value.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_the_demo_extract_runs_up_to_the_last_complete_week_so_no_chart_shows_a_gap() -> None:
    demo.load()
    job = ExtractImport.objects.get()
    today = date.today()
    last_sunday = today - timedelta(days=today.isoweekday() % 7 or 7)
    assert job.extract_date == last_sunday
    weekly = Value.objects.filter(measure__team__slug="cert", measure__code="wl-referrals-weekly").order_by(
        "-period"
    )
    assert weekly.first().period == last_sunday - timedelta(days=6)  # that week's Monday
