"""Anyone, including an anonymous service user on a phone, tells a team what went well through its public
link: no account, no JavaScript, a honeypot and a per-address limit against spam, personal details held."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from whatmatters.audit.models import AuditEvent
from whatmatters.learning.models import ExcellenceReport
from whatmatters.safety.models import Submission
from whatmatters.teams.roles import Role

GOOD = {"text": "The evening nurse sat with my dad when he was scared", "who": "the evening nurse"}


def form_url(link: Any) -> str:
    return reverse("excellence_public_form", kwargs={"code": link.code})


def test_the_form_works_without_an_account_or_javascript_and_gives_crisis_contacts(
    client: Any, link: Any, domain: Any
) -> None:
    response = client.get(form_url(link))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tell us what went well" in page and "Team A" in page
    assert '<form method="post"' in page
    assert "<script>" not in page.split("</head>")[1]
    for contact in ("NHS 111", "option 2", "999", "116 123"):
        assert contact in page
    assert "Answers go straight to people in Team A" in page
    assert "I am listened to" in page  # the domain, in the contributors' words
    assert 'name="viewport"' in page  # phone-friendly layout


def test_a_clean_report_is_saved_approved_and_thanked(client: Any, link: Any, domain: Any) -> None:
    response = client.post(form_url(link), {**GOOD, "domain": domain.pk}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == reverse("excellence_public_thanks", kwargs={"code": link.code})
    report = ExcellenceReport.objects.get()
    assert (report.text, report.who, report.domain, report.status) == (
        GOOD["text"],
        GOOD["who"],
        domain,
        ExcellenceReport.Status.APPROVED,
    )
    assert report.thanked_team == link.team
    assert report.source == ExcellenceReport.Source.ONLINE
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you" in thanks and "116 123" in thanks


def test_a_report_with_personal_details_is_held_and_shown_nowhere(
    client: Any, link: Any, people: dict[str, Any], client_for: Any
) -> None:
    client.post(form_url(link), {"text": "Ring my mum on 07700 900123, she was so grateful", "who": ""})
    report = ExcellenceReport.objects.get()
    assert report.status == ExcellenceReport.Status.HELD
    assert report.finding_kinds == ["phone"]
    viewer = client_for(people[Role.VIEWER])
    for url in ("/teams/team-a/learning/", "/teams/team-a/dashboard/"):
        assert "07700" not in viewer.get(url).content.decode()


def test_a_name_in_who_did_it_is_checked_too(client: Any, link: Any) -> None:
    client.post(form_url(link), {"text": "Kind words when I was scared", "who": "Sarah on reception"})
    report = ExcellenceReport.objects.get()
    assert report.status == ExcellenceReport.Status.HELD
    assert report.finding_kinds == ["name"]


def test_the_words_never_go_into_the_audit_log_nor_the_address_anywhere(client: Any, link: Any) -> None:
    client.post(form_url(link), GOOD, REMOTE_ADDR="203.0.113.9")
    events = AuditEvent.objects.filter(object_type="learning.excellencereport")
    assert events.exists()
    assert all("evening nurse" not in str(e.changes) + e.summary + e.object_repr for e in events)
    assert not AuditEvent.objects.filter(ip_address="203.0.113.9").exists()
    assert "203.0.113.9" not in Submission.objects.get().address_hash


def test_errors_say_what_to_do_and_keep_what_was_typed(client: Any, link: Any) -> None:
    response = client.post(form_url(link), {"text": "", "who": "the porter"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter what went well" in page
    assert 'value="the porter"' in page
    assert ExcellenceReport.objects.count() == 0


def test_the_honeypot_is_thanked_and_nothing_is_kept(client: Any, link: Any) -> None:
    response = client.post(form_url(link), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert ExcellenceReport.objects.count() == 0


def test_one_address_is_slowed_down_after_the_limit_but_another_is_not(
    client: Any, link: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(form_url(link), GOOD, REMOTE_ADDR="203.0.113.9").status_code == 302
    slowed = client.post(form_url(link), GOOD, REMOTE_ADDR="203.0.113.9")
    assert slowed.status_code == 429
    assert "Please try again later" in slowed.content.decode()
    assert client.post(form_url(link), GOOD, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert ExcellenceReport.objects.count() == 3


def test_behind_the_proxy_each_person_has_their_own_limit(client: Any, link: Any, settings: Any) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 2
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def send(forwarded_for: str) -> int:
        return client.post(
            form_url(link), GOOD, HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.5"
        ).status_code

    assert [send("198.51.100.1"), send("198.51.100.1"), send("198.51.100.1")] == [302, 302, 429]
    assert send("198.51.100.2") == 302  # someone else, through the same proxy
    assert send("203.0.113.9, 198.51.100.1") == 429  # a made-up first address does not help


def test_a_closed_link_takes_no_reports(client: Any, link: Any) -> None:
    link.is_open = False
    link.save()
    response = client.post(form_url(link), GOOD)
    assert "This link is closed" in response.content.decode()
    assert ExcellenceReport.objects.count() == 0


def test_an_unknown_code_or_a_closed_team_is_not_found(client: Any, link: Any) -> None:
    assert client.get(reverse("excellence_public_form", kwargs={"code": "nope"})).status_code == 404
    link.team.is_active = False
    link.team.save()
    assert client.get(form_url(link)).status_code == 404


def test_only_another_teams_domains_are_not_offered(client: Any, link: Any, programme: Any) -> None:
    from tests.framework.factories import make_domain

    theirs = make_domain(programme.team_b, "Their own domain")
    page = client.get(form_url(link)).content.decode()
    assert "Their own domain" not in page
    response = client.post(form_url(link), {**GOOD, "domain": theirs.pk})
    assert response.status_code == 400
    assert ExcellenceReport.objects.count() == 0


def test_a_facilitator_makes_opens_and_closes_the_link(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.learning.models import ExcellenceLink

    client = client_for(people[Role.STAFF])
    url = reverse("excellence_link", kwargs={"team": "team-a"})
    client.post(url)
    link = ExcellenceLink.objects.get(team=programme.team_a)
    assert link.is_open
    page = client.get("/teams/team-a/learning/").content.decode()
    assert link.public_path() in page
    client.post(url)
    link.refresh_from_db()
    assert not link.is_open
    assert client_for(people[Role.VIEWER]).post(url).status_code == 403
