"""A public form sent while the database cannot be reached (a PostgreSQL restart): a plain 503 page, made
without the database, that says nothing was saved, gives the person's words back to copy, offers "Try
again" with the same answers, and keeps the crisis contacts. The words are never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tests.surveys.conftest import checkin_post
from whatmatters.engagement.models import Statement
from whatmatters.safety.models import Alert
from whatmatters.safety.public_forms import FORM_TOKEN
from whatmatters.surveys.models import Response

pytestmark = pytest.mark.django_db
WORDS = 'The wait was long & nobody said why <script>alert("x")</script>'
RISK = "I have been waiting so long I want to end my life"


@contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[list[str]]:
    """Every query fails as it does while PostgreSQL restarts; yields the SQL that was tried."""
    tried: list[str] = []

    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        tried.append(sql)
        raise error("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield tried


class _Form(HTMLParser):
    """The "Try again" form: its action and the fields it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.action, self.fields, self._box = "", [], None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.action = found.get("action") or ""
        elif tag == "input" and found.get("name"):
            self.fields.append((found["name"], found.get("value") or ""))
        elif tag == "textarea":
            self._box = found["name"]
            self.fields.append((self._box, ""))

    def handle_data(self, data: str) -> None:
        if self._box is not None:
            self.fields[-1] = (self._box, self.fields[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._box = None


def _try_again(page: str) -> tuple[str, dict[str, list[str]]]:
    form = _Form()
    form.feed(page)
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        data.setdefault(name, []).append(value)
    return form.action, data


def _statement(session: Any, text: str = WORDS) -> dict[str, str]:
    """As the page sends it: its token and the names of its boxes for words included."""
    served = Client().get(session.public_path()).content.decode()
    return {
        **dict(_fields(served)),
        "text": text,
        "relationship": "service_user",
        "stage": "waiting",
        "website": "",
    }


def _fields(page: str) -> list[tuple[str, str]]:
    form = _Form()
    form.feed(page)
    return [(name, value) for name, value in form.fields if name in (FORM_TOKEN, "words_fields")]


def test_a_statement_sent_while_the_database_is_down_gets_a_503_that_says_nothing_was_saved(
    session: Any,
) -> None:
    data = _statement(session)
    with database_down() as tried:
        response = Client().post(session.public_path(), data)
    assert tried, "the database was never asked: the test shows nothing"
    assert response.status_code == 503
    assert response["Retry-After"] and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Your answers were not sent" in page
    assert "nothing was saved and the team does not have your answers yet" in page
    assert not Statement.objects.exists()


def test_the_words_come_back_escaped_in_a_box_to_copy(session: Any) -> None:
    data = _statement(session)
    with database_down():
        page = Client().post(session.public_path(), data).content.decode()
    assert "<script>alert" not in page
    assert "The wait was long &amp; nobody said why &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    _, data = _try_again(page)
    assert data["text"] == [WORDS]


def test_the_words_are_never_logged(session: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    data = _statement(session)
    with database_down():
        Client().post(session.public_path(), data)
    assert "the database could not be reached (OperationalError)" in caplog.text
    logged = caplog.text + " ".join(str(r.args) + str(vars(r)) for r in caplog.records)
    assert "nobody said why" not in logged


def test_try_again_sends_the_same_answers_and_saves_them_once_the_database_is_back(session: Any) -> None:
    data = _statement(session)
    with database_down(InterfaceError):
        page = Client().post(session.public_path(), data).content.decode()
    action, data = _try_again(page)
    assert action == session.public_path()
    assert data[FORM_TOKEN] and data["relationship"] == ["service_user"]
    response = Client().post(action, data)
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.relationship == "service_user" and "nobody said why" in statement.text


def test_a_page_whose_form_token_was_not_good_gets_no_fresh_one_so_the_form_asks_them_to_check_it(
    session: Any,
) -> None:
    data = {**_statement(session), FORM_TOKEN: "not a token"}
    with database_down():
        page = Client().post(session.public_path(), data).content.decode()
    action, again = _try_again(page)
    assert FORM_TOKEN not in again
    # (as the browser sends it: no token; the tests' client would add one to a post without it)
    response = Client(enforce_csrf_checks=True).post(action, {**again, FORM_TOKEN: ""})
    assert response.status_code == 400 and "Check what you wrote below and send it again" in (
        response.content.decode()
    )
    assert not Statement.objects.exists()


def test_every_such_page_gives_the_crisis_contacts(session: Any) -> None:
    data = _statement(session)
    with database_down():
        page = Client().post(session.public_path(), data).content.decode()
    assert "NHS 111" in page and "option 2" in page and "999" in page and "116 123" in page


def test_words_that_say_someone_may_need_help_put_help_first_and_say_nobody_was_told(session: Any) -> None:
    data = _statement(session, RISK)
    with database_down():
        page = Client().post(session.public_path(), data).content.decode()
    assert page.index("If you need help now") < page.index("<h1>Your answers were not sent")
    assert "The team has not been told what you wrote" in page
    assert not Alert.objects.exists()


def test_a_check_in_sent_while_the_database_is_down_keeps_its_answers_for_try_again(checkin: Any) -> None:
    served = Client().get(f"/s/{checkin.code}/").content.decode()
    data = {
        **dict(_fields(served)),
        **checkin_post(checkin, feeling="worse", how="phone", detail="07700 900123"),
    }
    with database_down():
        response = Client().post(f"/s/{checkin.code}/", data)
    assert response.status_code == 503
    page = response.content.decode()
    assert "07700 900123" in page and "NHS 111" in page
    action, again = _try_again(page)
    assert Client().post(action, again).status_code == 302
    assert Response.objects.count() == 1
