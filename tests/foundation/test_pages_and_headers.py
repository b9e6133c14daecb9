"""The NHS.UK look, plain-English error pages, and security headers on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from whatmatters.teams.roles import Role


@pytest.mark.django_db
def test_the_start_page_has_the_service_header_skip_link_and_footer() -> None:
    page = Client().get("/").content.decode()
    assert 'class="nhsuk-skip-link"' in page and 'href="#maincontent"' in page
    assert "What Matters" in page and 'class="nhsuk-header' in page
    assert 'class="nhsuk-footer' in page
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in page
    assert '<html lang="en-GB">' in page


@pytest.mark.django_db
def test_a_missing_page_gets_a_plain_english_404() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "If you typed the web address, check it is correct." in response.content.decode()


def test_a_refused_page_gets_a_plain_english_403(programme: Any, people: dict, client_for: Any) -> None:
    response = client_for(people[Role.VIEWER]).get(reverse("audit_log"))
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


@pytest.mark.django_db
def test_a_server_error_gets_a_plain_english_500_page_that_needs_no_database() -> None:
    from whatmatters.views import server_error

    response = server_error(None)  # type: ignore[arg-type]
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_gets_a_plain_english_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("sign_in"), {"username": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def _pages(people: dict, client_for: Any) -> list[str]:
    client = client_for(people[Role.ADMIN])
    urls = [
        "/",
        "/sign-in/",
        "/programme/",
        "/teams/team-a/",
        "/people/",
        "/audit/",
        "/account/",
        "/account/api-tokens/",
    ]
    return [client.get(url) for url in urls]


def test_every_page_sends_a_strict_content_security_policy(
    programme: Any, people: dict, client_for: Any
) -> None:
    for response in _pages(people, client_for):
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_inline_script_or_inline_styles(programme: Any, people: dict, client_for: Any) -> None:
    for response in _pages(people, client_for):
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"inline script on {response.wsgi_request.path}: {tag}"
        assert " style=" not in html
        assert " onclick=" not in html.lower()


def test_text_people_typed_is_escaped_everywhere(programme: Any, people: dict, client_for: Any) -> None:
    programme.team_a.name = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    programme.team_a.save()
    client = client_for(people[Role.ADMIN])
    for url in ["/programme/", "/teams/team-a/", "/audit/"]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
