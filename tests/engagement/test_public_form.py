"""An anonymous person says what matters to them on the public link: no account, no JavaScript needed,
spam stopped by a honeypot and a per-address limit, and their address never stored."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from whatmatters.audit.models import AuditEvent
from whatmatters.engagement.models import Statement
from whatmatters.safety.models import Submission

ANSWER = {"text": "Knowing who to ring when things get bad", "relationship": "carer", "stage": "waiting"}


def test_the_form_asks_the_question_and_says_who_reads_it_and_where_to_get_urgent_help(
    client: Any, session: Any
) -> None:
    response = client.get(reverse("engagement_public_form", kwargs={"code": session.code}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "What matters to you?" in text
    assert "When you have a good day with us, what makes it good?" in text
    for contact in ("NHS 111", "option 2", "999", "116 123"):
        assert contact in text
    assert "Answers go straight to people in Team A" in text
    assert "Easy read version" in text
    assert "<script>" not in text.split("</head>")[1]


def test_the_easy_read_version_uses_short_sentences(client: Any, session: Any) -> None:
    response = client.get(reverse("engagement_public_easy_read", kwargs={"code": session.code}))
    assert "Write as much or as little as you like." in response.content.decode()
    assert "Standard version of this page" in response.content.decode()


def test_staff_sessions_ask_the_staff_question(client: Any, session: Any) -> None:
    session.audience = "staff"
    session.save()
    text = client.get(reverse("engagement_public_form", kwargs={"code": session.code})).content.decode()
    assert "What matters to you in your work? What gets in the way?" in text


def test_an_anonymous_answer_is_saved_checked_and_thanked(client: Any, session: Any) -> None:
    response = client.post(
        reverse("engagement_public_form", kwargs={"code": session.code}),
        {**ANSWER, "consent_to_share": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_public_thanks", kwargs={"code": session.code})
    statement = Statement.objects.get()
    assert statement.text == ANSWER["text"]
    assert (statement.relationship, statement.stage, statement.consent_to_share) == ("carer", "waiting", True)
    assert statement.status == Statement.Status.APPROVED
    assert statement.source == Statement.Source.ONLINE


def test_the_address_is_never_stored_in_plain_form(client: Any, session: Any) -> None:
    client.post(
        reverse("engagement_public_form", kwargs={"code": session.code}), ANSWER, REMOTE_ADDR="203.0.113.9"
    )
    submission = Submission.objects.get()
    assert "203.0.113.9" not in submission.address_hash
    assert len(submission.address_hash) == 64
    assert not AuditEvent.objects.filter(ip_address="203.0.113.9").exists()
    assert not AuditEvent.objects.exclude(ip_address=None).filter(object_type="engagement.statement").exists()


def test_missing_answers_get_errors_that_say_what_to_do_and_keep_what_was_typed(
    client: Any, session: Any
) -> None:
    response = client.post(
        reverse("engagement_public_form", kwargs={"code": session.code}), {"text": "", "relationship": ""}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter what matters to you" in text
    assert "Choose how you are connected to the service" in text
    response = client.post(reverse("engagement_public_form", kwargs={"code": session.code}), {"text": "Kept"})
    assert "Kept</textarea>" in response.content.decode()
    assert Statement.objects.count() == 0


def test_the_honeypot_is_thanked_and_nothing_is_kept(client: Any, session: Any) -> None:
    response = client.post(
        reverse("engagement_public_form", kwargs={"code": session.code}), {**ANSWER, "website": "http://spam"}
    )
    assert response.status_code == 302
    assert Statement.objects.count() == 0


def test_one_address_is_slowed_down_after_the_limit_but_another_is_not(
    client: Any, session: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 3
    form = reverse("engagement_public_form", kwargs={"code": session.code})
    for _ in range(3):
        assert client.post(form, ANSWER, REMOTE_ADDR="198.51.100.1").status_code == 302
    response = client.post(form, ANSWER, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert client.post(form, ANSWER, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert Statement.objects.count() == 4


def test_behind_the_proxy_each_person_has_their_own_limit_not_one_shared_by_everyone(
    client: Any, session: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 2
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    form = reverse("engagement_public_form", kwargs={"code": session.code})
    proxy = {"REMOTE_ADDR": "10.0.0.5"}  # every request arrives from the proxy

    def send(forwarded_for: str) -> int:
        return client.post(form, ANSWER, HTTP_X_FORWARDED_FOR=forwarded_for, **proxy).status_code

    assert [send("198.51.100.1"), send("198.51.100.1"), send("198.51.100.1")] == [302, 302, 429]
    assert send("198.51.100.2") == 302  # someone else, through the same proxy
    # A made-up address put first by the sender does not help: the proxy's own entry is last.
    assert send("203.0.113.9, 198.51.100.1") == 429


def test_a_closed_session_takes_no_answers(client: Any, session: Any) -> None:
    session.is_open = False
    session.save()
    form = reverse("engagement_public_form", kwargs={"code": session.code})
    assert "This session has closed" in client.get(form).content.decode()
    client.post(form, ANSWER)
    assert Statement.objects.count() == 0


def test_an_unknown_code_or_a_closed_team_is_not_found(client: Any, session: Any, programme: Any) -> None:
    assert client.get(reverse("engagement_public_form", kwargs={"code": "nope42"})).status_code == 404
    programme.team_a.is_active = False
    programme.team_a.save()
    assert client.get(reverse("engagement_public_form", kwargs={"code": session.code})).status_code == 404


def test_the_session_has_a_short_link_and_a_qr_code_svg(
    programme: Any, people: dict, client_for: Any, session: Any
) -> None:
    from tests.engagement.conftest import url

    assert len(session.code) == 6
    assert session.public_path() == f"/w/{session.code}/"
    response = client_for(people["staff"]).get(url("session_qr", pk=session.pk))
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    # A stand-alone file: it opens on its own and in print programs only with its namespace.
    assert svg.startswith("<?xml") and '<svg xmlns="http://www.w3.org/2000/svg"' in svg and "<path" in svg
    assert f"/w/{session.code}/" in svg  # in its title, for screen readers and print


def test_the_form_and_an_answer_take_a_fixed_few_queries(
    client: Any, session: Any, django_assert_max_num_queries: Any
) -> None:
    url = reverse("engagement_public_form", kwargs={"code": session.code})
    client.get(url)  # the first page of a process reads content types and so on once
    with django_assert_max_num_queries(1):  # the session with its team
        assert client.get(url).status_code == 200
    # The session; the address's answers this hour; then, in one transaction, the address's count, the
    # statement and its audit event.
    with django_assert_max_num_queries(7):
        assert client.post(url, ANSWER, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert Statement.objects.filter(session=session).count() == 1
