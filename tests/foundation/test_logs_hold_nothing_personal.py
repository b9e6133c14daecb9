"""The logs hold nothing personal: signing in, every public form, refusals, the rate limit and failed saves
write no email address, phone number, NHS number or anything people typed; each refused request is one line
(who by account number, route, team, status) without a traceback; a genuine error keeps its traceback but not
the message of a database error, which can quote what was typed.

Everything is driven through HTTP and read back from the project's own console handler (the LOGGING setting),
so what is checked is what would reach the real log.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client

from tests.conftest import PASSWORD
from tests.surveys.conftest import checkin_post
from tests.surveys.conftest import field as survey_field
from whatmatters.logs import WITHHELD
from whatmatters.teams.roles import Role

MARKER = "Quokka-marker-4471"
EMAIL = "sam.person@example.com"
PHONE = "07700 900123"
NHS_NUMBER = "943 476 5919"  # the shape of an NHS number (ten digits, valid check digit)
TYPED = f"{MARKER}: ring me on {PHONE} or write to {EMAIL}, my NHS number is {NHS_NUMBER}"
PERSONAL = [MARKER, EMAIL, PHONE, PHONE.replace(" ", ""), NHS_NUMBER, NHS_NUMBER.replace(" ", "")]


@dataclass
class Log:
    stream: io.StringIO
    records: list[logging.LogRecord] = field(default_factory=list)

    def clear(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()
        self.records.clear()

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def everything(self) -> str:
        """The handler's output and every record it was given: formatted message and exception text."""
        kept = [f"{record.getMessage()}\n{record.exc_text or ''}" for record in self.records]
        return "\n".join([self.stream.getvalue(), *kept])

    def assert_nothing_personal(self) -> None:
        everything = self.everything()
        for value in PERSONAL:
            assert value not in everything, f"{value!r} reached the log:\n{everything}"


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Log]:
    """The project's console handler, writing to a buffer; each record it handles is kept too."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    captured = Log(io.StringIO())
    previous = handler.setStream(captured.stream)
    emit = handler.emit

    def keep(record: logging.LogRecord) -> None:
        captured.records.append(record)
        emit(record)

    monkeypatch.setattr(handler, "emit", keep)
    yield captured
    handler.setStream(previous)  # type: ignore[arg-type]


@pytest.fixture
def session(programme: Any) -> Any:
    from whatmatters.engagement.models import EngagementSession

    return EngagementSession.objects.create(
        team=programme.team_a, title="What matters day", held_on=date(2025, 6, 3), place="Day room"
    )


@pytest.fixture
def surveys(programme: Any) -> tuple[Any, Any]:
    from whatmatters.framework.models import Domain
    from whatmatters.surveys import actions

    domain = Domain.objects.create(team=programme.team_a, i_statement="I know what is happening while I wait")
    fft = actions.create_survey(
        programme.team_a,
        "Your experience",
        "treatment",
        ["fft", "collaborate", "domains", "what_matters"],
        [domain],
    )
    checkin = actions.create_survey(programme.team_a, "How are you while you wait?", "waiting", ["checkin"])
    return fft, checkin


@pytest.fixture
def link(programme: Any) -> Any:
    from whatmatters.learning.models import ExcellenceLink

    return ExcellenceLink.objects.create(team=programme.team_a)


def statement_post(client: Client, session: Any, **extra: str) -> Any:
    answer = {"text": TYPED, "relationship": "carer", "stage": "waiting", "consent_to_share": "on", **extra}
    return client.post(f"/w/{session.code}/", answer)


def test_signing_in_failing_to_sign_in_and_resetting_a_password_log_no_email_address(
    log: Log, make_user: Callable[..., Any], programme: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email=EMAIL)
    assert Client().post("/sign-in/", {"username": EMAIL, "password": PASSWORD}).status_code == 302
    stranger = Client()
    for _ in range(6):  # past the failure limit, so the lockout is logged too
        stranger.post("/sign-in/", {"username": EMAIL, "password": f"wrong {MARKER}"})
    Client().post("/sign-in/", {"username": f"{MARKER}@example.com", "password": "wrong"})
    Client().post("/password-reset/", {"email": EMAIL})
    assert any("AXES" in line for line in log.lines()), "django-axes' lines should reach the log"
    log.assert_nothing_personal()


def test_every_public_form_logs_nothing_people_typed_or_left_to_be_contacted(
    log: Log, session: Any, surveys: tuple[Any, Any], link: Any
) -> None:
    fft, checkin = surveys
    client = Client()
    assert statement_post(client, session).status_code == 302
    # An answer with an error comes back with what was typed still in the form.
    assert statement_post(client, session, relationship="").status_code == 400
    answers = {
        survey_field(fft, "fft"): "very_good",
        survey_field(fft, "fft_reason"): TYPED,
        survey_field(fft, "free_text"): TYPED,
        "website": "",
    }
    assert client.post(f"/s/{fft.code}/", answers).status_code == 302
    assert client.post(f"/s/{fft.code}/easy-read/", answers).status_code == 302
    worse = checkin_post(checkin, feeling="worse", how="phone", detail=PHONE, name=MARKER)
    assert client.post(f"/s/{checkin.code}/", worse).status_code == 302
    by_email = checkin_post(checkin, how="email", detail=EMAIL, name=MARKER)
    assert client.post(f"/s/{checkin.code}/", by_email).status_code == 302
    assert client.post(f"/s/{checkin.code}/", {**worse, "contact_detail": ""}).status_code == 400
    report = {"text": TYPED, "who": f"{MARKER} on the ward, {EMAIL}"}
    assert client.post(f"/what-went-well/{link.code}/", report).status_code == 302
    assert client.post(f"/what-went-well/{link.code}/", {"text": "", "who": TYPED}).status_code == 400
    log.assert_nothing_personal()


REFUSALS: dict[str, tuple[str, str, str]] = {
    # case: (who, route, team) expected on the line
    "outside the team": ("staff", "route=team_detail", "team=team-b"),
    "role does not allow": ("viewer", "route=audit_log", "team=-"),
    "role does not allow, in a team": ("viewer", "route=team_edit", "team=team-a"),
    "API without a token": ("anonymous", "route=api-v1:me", "team=-"),
    "form expired (CSRF)": ("anonymous", "route=sign_in", "team=-"),
    "too many answers": ("anonymous", "route=engagement_public_form", "team=-"),
    "no such page": ("staff", "route=-", "team=-"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_each_refused_request_is_one_line_naming_the_account_number_route_team_and_status(
    case: str, log: Log, people: dict[str, Any], client_for: Any, session: Any, settings: Any
) -> None:
    staff, viewer = people[Role.STAFF], people[Role.VIEWER]
    settings.ENGAGEMENT_RATE_LIMIT = 1
    public = Client()
    if case == "too many answers":
        statement_post(public, session)  # the one answer allowed
    requests: dict[str, Callable[[], Any]] = {
        "outside the team": lambda: client_for(staff).get("/teams/team-b/"),
        "role does not allow": lambda: client_for(viewer).get("/audit/"),
        "role does not allow, in a team": lambda: client_for(viewer).post(
            "/teams/team-a/edit/", {"name": TYPED}
        ),
        "API without a token": lambda: Client().get("/api/v1/me"),
        "form expired (CSRF)": lambda: Client(enforce_csrf_checks=True).post(
            "/sign-in/", {"username": EMAIL, "password": MARKER}
        ),
        "too many answers": lambda: statement_post(public, session),
        "no such page": lambda: client_for(staff).get(f"/no-such-page/{MARKER}/"),
    }
    status = {
        "outside the team": 404,
        "API without a token": 401,
        "too many answers": 429,
        "no such page": 404,
    }
    log.clear()
    response = requests[case]()
    assert response.status_code == status.get(case, 403)
    lines = log.lines()
    assert len(lines) == 1, "\n".join(lines)
    who, route, team = REFUSALS[case]
    account = {"staff": f"user={staff.pk}", "viewer": f"user={viewer.pk}", "anonymous": "user=anonymous"}[who]
    for part in (f" {response.status_code} ", account, route, team):
        assert part in lines[0]
    assert "Traceback" not in log.everything()
    assert all(record.exc_info is None for record in log.records)
    assert staff.email not in lines[0] and viewer.email not in lines[0]
    log.assert_nothing_personal()


def _fail_saving(monkeypatch: pytest.MonkeyPatch, model: Any) -> None:
    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        # As PostgreSQL words it: the message quotes the values of the row.
        raise IntegrityError(f"duplicate key value violates unique constraint DETAIL: Key (text)=({TYPED})")

    monkeypatch.setattr(model, "save", save)


def test_a_public_answer_whose_save_fails_with_a_database_error_quoting_it_logs_none_of_it(
    log: Log, session: Any, surveys: tuple[Any, Any], link: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.engagement.models import Statement
    from whatmatters.learning.models import ExcellenceReport
    from whatmatters.surveys.models import Response

    for model in (Statement, Response, ExcellenceReport):
        _fail_saving(monkeypatch, model)
    fft, checkin = surveys
    client = Client(raise_request_exception=False)
    statement_post(client, session)
    client.post(f"/s/{fft.code}/", {survey_field(fft, "fft"): "good", survey_field(fft, "free_text"): TYPED})
    client.post(f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail=PHONE))
    client.post(f"/what-went-well/{link.code}/", {"text": TYPED, "who": ""})
    assert log.everything().count("IntegrityError") >= 4, log.everything()  # each failure is logged, by class
    log.assert_nothing_personal()


def test_a_server_error_keeps_its_traceback_but_not_the_database_error_that_quotes_what_was_typed(
    log: Log, people: dict[str, Any], client_for: Any, programme: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whatmatters.teams.models import Team

    _fail_saving(monkeypatch, Team)
    client = client_for(people[Role.ADMIN])
    client.raise_request_exception = False
    form = {"name": TYPED, "slug": "team-a", "service_type": programme.team_a.service_type, "is_active": "on"}
    response = client.post(
        "/teams/team-a/edit/", {**form, "cohort": programme.phase1.pk, "description": TYPED}
    )
    assert response.status_code == 500
    written = log.stream.getvalue()
    assert "Traceback (most recent call last)" in written
    assert f"django.db.utils.IntegrityError: {WITHHELD}" in written
    assert "test_logs_hold_nothing_personal.py" in written  # where it happened: file, line and code
    log.assert_nothing_personal()


def test_an_error_our_code_logs_keeps_where_it_happened_and_withholds_only_messages_that_can_quote_values(
    log: Log,
) -> None:
    logger = logging.getLogger("whatmatters.tests")
    try:
        int(PHONE)
    except ValueError:
        logger.exception("Could not read a number")
    try:
        try:
            raise IntegrityError(f"UNIQUE constraint failed: {EMAIL}")
        except IntegrityError as error:
            raise RuntimeError("the save went wrong") from error
    except RuntimeError:
        logger.exception("Could not save")
    try:
        {}["route"]
    except KeyError:
        logger.exception("A missing key")
    written = log.stream.getvalue()
    assert f"ValueError: {WITHHELD}" in written and f"IntegrityError: {WITHHELD}" in written
    assert "The above exception was the direct cause of the following exception" in written
    assert "RuntimeError: the save went wrong" in written and "KeyError: 'route'" in written
    assert "int(PHONE)" in written  # the line of code, not the value
    log.assert_nothing_personal()
