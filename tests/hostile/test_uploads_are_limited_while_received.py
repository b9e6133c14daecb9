"""Every upload has a size limit that applies while the file arrives: a file over it is never stored whole.

A probe found a 71.7 MB values CSV stored in the database and only then refused as over 5 MB. Now the
request is refused at once (413, "This file is too large", nothing saved) when the browser says how large it
is, and a file that goes over its own limit inside a larger allowance is stopped as it arrives.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import MULTIPART_CONTENT, encode_multipart

from whatmatters.engagement.models import EngagementSession, Statement
from whatmatters.framework.models import Domain, Measure, Value, ValueImport
from whatmatters.teams.roles import Role
from whatmatters.uploads import UploadLimitMiddleware, upload_limit
from whatmatters.waitinglists.models import ExtractImport, ImportFile, Referral

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def big_csv(megabytes: float, header: bytes = b"measure,team,period,value\n") -> bytes:
    row = b"wait-days,team-a,2024-01-01,12\n"
    return header + row * int(megabytes * MB / len(row) + 1)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Value, ValueImport, Statement, Domain, Measure, ExtractImport, ImportFile, Referral)
    }


def assert_too_large(response: Any, limit: str) -> None:
    page = response.content.decode()
    assert response.status_code == 413
    assert "This file is too large" in page and f"larger than {limit}" in page and "nothing was saved" in page


def test_a_values_file_over_5_mb_is_refused_before_it_is_stored(people: dict, client_for: Any) -> None:
    before = counts()
    response = client_for(people[Role.TEAM_LEAD]).post(
        "/teams/team-a/values/import/", {"file": SimpleUploadedFile("values.csv", big_csv(6))}
    )
    assert_too_large(response, "5 MB")
    assert counts() == before  # before the limit, a ValueImport row held the whole file


def test_a_statement_file_over_its_limit_is_refused_and_nothing_is_saved(
    programme: Any, people: dict, client_for: Any
) -> None:
    session = EngagementSession.objects.create(team=programme.team_a, title="Day", held_on=date(2025, 6, 3))
    before = counts()
    response = client_for(people[Role.TEAM_LEAD]).post(
        f"/teams/team-a/what-matters/sessions/{session.pk}/import/",
        {"file": SimpleUploadedFile("statements.csv", big_csv(3, b"statement\n"))},
    )
    assert_too_large(response, "2 MB")
    assert counts() == before


def test_a_measurement_plan_file_over_5_mb_is_refused(people: dict, client_for: Any) -> None:
    before = counts()
    response = client_for(people[Role.ADMIN]).post(
        "/programme/framework/import/", {"file": SimpleUploadedFile("plan.json", b" " * (6 * MB))}
    )
    assert_too_large(response, "5 MB")
    assert counts() == before


def test_one_extract_file_over_50_mb_is_stopped_as_it_arrives_though_four_files_may_be_sent(
    people: dict, client_for: Any
) -> None:
    """The request (51 MB) is within the page's allowance for four files, so only the per-file count as the
    bytes arrive can stop it."""
    before = counts()
    response = client_for(people[Role.FACULTY]).post(
        "/programme/waiting-lists/import/",
        {
            "extract_date": "2023-10-02",
            "referrals": SimpleUploadedFile("referrals.csv", big_csv(51, b"referral_id\n")),
            "contacts": SimpleUploadedFile("contacts.csv", b"contact_id\n"),
        },
    )
    assert_too_large(response, "50 MB")
    assert "referrals.csv is larger than 50 MB" in response.content.decode()
    assert counts() == before


def test_a_page_that_does_not_name_a_limit_takes_the_default_of_5_mb(rf: RequestFactory) -> None:
    def view(request: Any) -> HttpResponse:
        return HttpResponse(f"{len(request.FILES)} files")

    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("a.csv", b"x" * (5 * MB + 100_000))})
    request = rf.post("/", body, content_type="multipart/form-data; boundary=BoUnDaRy")
    middleware = UploadLimitMiddleware(lambda r: HttpResponse())
    response = middleware.process_view(request, view, (), {})
    assert response is not None and response.status_code == 413


def test_a_file_within_its_limit_reaches_the_view_whole(rf: RequestFactory) -> None:
    @upload_limit(1000, files=2)
    def view(request: Any) -> HttpResponse:
        return HttpResponse()

    body = encode_multipart(
        "BoUnDaRy",
        {"a": SimpleUploadedFile("a.csv", b"x" * 1000), "b": SimpleUploadedFile("b.csv", b"y" * 999)},
    )
    request = rf.post("/", body, content_type="multipart/form-data; boundary=BoUnDaRy")
    assert UploadLimitMiddleware(lambda r: HttpResponse()).process_view(request, view, (), {}) is None
    assert request.FILES["a"].read() == b"x" * 1000 and request.FILES["b"].size == 999


def test_the_second_of_two_files_is_stopped_when_it_alone_goes_over(rf: RequestFactory) -> None:
    @upload_limit(1000, files=2)
    def view(request: Any) -> HttpResponse:
        return HttpResponse()

    body = encode_multipart(
        "BoUnDaRy",
        {"a": SimpleUploadedFile("a.csv", b"x" * 10), "b": SimpleUploadedFile("b.csv", b"y" * 1500)},
    )
    request = rf.post("/", body, content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"))
    response = UploadLimitMiddleware(lambda r: HttpResponse()).process_view(request, view, (), {})
    assert response is not None and response.status_code == 413
    assert "b.csv is larger than" in response.content.decode()
    assert "b" not in request.FILES  # what arrived of it was dropped, not kept
