"""The national measure library: seeded from the landscape review, adopted as a copy that remembers it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.framework.factories import make_domain
from whatmatters.framework.library import LIBRARY, seed_library
from whatmatters.framework.models import LibraryMeasure, Measure
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

NAMED_IN_THE_ISSUE = [
    "eip-2-week-wait",
    "community-4-week-wait",
    "still-waiting",
    "waiting-over-standard",
    "hidden-wait-days",
    "waiting-well-contact",
    "follow-up-72-hours",
    "length-of-stay",
    "delayed-discharge-days",
    "falls-per-1000-obd",
    "restrictive-practice-per-1000-obd",
    "fft-positive",
    "collaborate",
    "dialog-quality-of-life",
    "staff-pulse-engagement",
    "excellence-per-100-staff",
]


def test_the_library_holds_every_national_measure_named_in_the_issue() -> None:
    codes = set(LibraryMeasure.objects.values_list("code", flat=True))
    assert set(NAMED_IN_THE_ISSUE) <= codes
    eip = LibraryMeasure.objects.get(code="eip-2-week-wait")
    assert (eip.chart, eip.target, eip.multiply, eip.uses_denominator) == ("p", 60.0, 100.0, True)
    assert "EIP23b" in eip.numerator and "QS80" in eip.source_reference
    falls = LibraryMeasure.objects.get(code="falls-per-1000-obd")
    assert (falls.chart, falls.multiply) == ("u", 1000.0)


def test_seeding_the_library_again_changes_nothing() -> None:
    count = LibraryMeasure.objects.count()
    assert count == len(LIBRARY)
    assert seed_library(LibraryMeasure) == (0, 0)
    assert LibraryMeasure.objects.count() == count


def test_a_team_lead_adopts_a_library_measure_as_a_copy_that_remembers_its_source(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_a)
    source = LibraryMeasure.objects.get(code="follow-up-72-hours")
    client = client_for(people[Role.TEAM_LEAD])
    url = reverse("library_adopt", kwargs={"team": "team-a", "pk": source.pk})
    assert 'value="follow-up-72-hours"' in client.get(url).content.decode()
    response = client.post(url, {"code": "follow-up-72-hours", "domains": [domain.pk]})
    measure = Measure.objects.get(team=programme.team_a)
    assert response.status_code == 302
    assert measure.source == source
    assert (measure.name, measure.target, measure.numerator) == (source.name, 80.0, source.numerator)
    assert list(measure.domains.all()) == [domain]
    measure.name = "Seen within 3 days of leaving Beech Ward"
    measure.save()
    source.refresh_from_db()
    assert (
        source.name == "Followed up within 72 hours of leaving hospital"
    )  # the copy changed, not the source
    page = client.get(reverse("measure_detail", kwargs={"team": "team-a", "pk": measure.pk})).content.decode()
    assert "From the national library" in page and source.name in page


def test_adopting_needs_a_domain_and_a_free_code(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_a)
    source = LibraryMeasure.objects.get(code="fft-positive")
    client = client_for(people[Role.TEAM_LEAD])
    url = reverse("library_adopt", kwargs={"team": "team-a", "pk": source.pk})
    assert "Choose at least one quality domain" in client.post(url, {"code": "fft"}).content.decode()
    client.post(url, {"code": "fft", "domains": [domain.pk]})
    assert (
        "already has a measure with this code"
        in client.post(url, {"code": "fft", "domains": [domain.pk]}).content.decode()
    )
    assert Measure.objects.count() == 1


def test_the_library_page_lists_measures_by_topic(people: dict[str, Any], client_for: Any) -> None:
    page = client_for(people[Role.VIEWER]).get(reverse("library")).content.decode()
    assert "Early Intervention in Psychosis (EIP)" in page
    assert "Falls per 1,000 occupied bed days" in page
