from __future__ import annotations

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
