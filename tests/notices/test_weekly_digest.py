"""The weekly digest: one email per person who wants it, of what needs them, sent by the task worker every
Monday with no cron; each person can turn it off on their account page."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.dashboards.conftest import STEADY, WORSE, recent_start
from tests.framework.factories import add_values, make_domain, make_measure
from tests.notices.conftest import SAID
from whatmatters.notices import digest, schedule, tasks
from whatmatters.notices.models import DigestRun, NoticePreference
from whatmatters.notices.tasks import send_weekly_digest
from whatmatters.teams.roles import Role

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}


def this_week() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def sent_to() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def emails_of(people: dict, *roles: str) -> list[str]:
    return sorted(people[role].email for role in roles)


@pytest.fixture
def charts(programme: Any) -> dict[str, Any]:
    """In team A: a measure whose newest points got worse, and one that will not meet its target."""
    domain = make_domain(programme.team_a, "I am seen quickly")
    worse = make_measure(programme.team_a, domain, code="worse", name="Days to first contact")
    add_values(worse, WORSE, start=recent_start(len(WORSE)))
    missing = make_measure(programme.team_a, domain, code="target", name="Days to assessment", target=3.0)
    add_values(missing, STEADY, start=recent_start(len(STEADY)))
    return {"worse": worse, "target": missing}


def test_each_person_who_wants_it_gets_one_email_of_what_needs_them(busy: Any, people: dict) -> None:
    sent = send_weekly_digest.enqueue(this_week().isoformat()).return_value
    # Every role in the busy programme has something to do, except viewers (reports are not in the digest);
    # a data analyst has the data that is due.
    wanted = emails_of(
        people,
        Role.ADMIN,
        Role.FACULTY,
        Role.TEAM_LEAD,
        Role.STAFF,
        Role.EXPERT_BY_EXPERIENCE,
        Role.DATA_ANALYST,
        "team_b_lead",
    )
    assert sent_to() == wanted
    assert sent == len(wanted)
    assert {m.subject for m in mail.outbox} == {digest.SUBJECT}


def test_the_digest_has_a_plain_text_part_an_html_part_and_links(busy: Any, people: dict) -> None:
    send_weekly_digest.enqueue(this_week().isoformat())
    message = next(m for m in mail.outbox if m.to == [people[Role.TEAM_LEAD].email])
    base = "http://127.0.0.1:8000"
    start = f"{base}{reverse('start')}"
    assert "Alerts waiting for a response:" in message.body
    assert "- Team A: 1 alert waiting for a response: " + f"{base}/teams/team-a/alerts/" in message.body
    assert "Data due:" in message.body
    assert start in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'<a href="{start}">{start}</a>' in html
    assert "<li>Team A: 1 alert waiting for a response" in html


def test_the_digest_says_what_changed_on_the_charts_and_which_targets_are_at_risk(
    charts: Any, people: dict
) -> None:
    send_weekly_digest.enqueue(this_week().isoformat())
    message = next(m for m in mail.outbox if m.to == [people[Role.STAFF].email])
    assert "Changed more than chance would explain:\n- Team A: Days to first contact," in message.body
    assert (
        "Targets at risk:\n- Team A: Days to assessment will not meet its target without change"
        in message.body
    )
    assert f"/teams/team-a/measures/{charts['worse'].pk}/" in message.body


def test_a_change_already_told_last_week_is_not_news_this_week(charts: Any, people: dict) -> None:
    from whatmatters.framework.models import Value

    Value.objects.update(updated_at=timezone.now() - dt.timedelta(days=30))
    send_weekly_digest.enqueue(this_week().isoformat())
    message = next(m for m in mail.outbox if m.to == [people[Role.STAFF].email])
    assert "Changed more than chance would explain" not in message.body
    assert "Targets at risk" in message.body  # still at risk, so still told


def test_the_digest_never_holds_what_anyone_wrote(busy: Any, people: dict) -> None:
    send_weekly_digest.enqueue(this_week().isoformat())
    everything = "".join(m.body + m.alternatives[0][0] for m in mail.outbox)
    assert SAID not in everything
    assert "Jo Bloggs" not in everything and "Sam Service-User" not in everything
    assert "jo-values.csv" not in everything  # a file's name stays on the start page
    assert "Ring Jo" not in everything  # as does a test of change's title


def test_a_person_who_turned_it_off_on_their_account_page_gets_none(
    busy: Any, people: dict, client_for: Any
) -> None:
    lead = people[Role.TEAM_LEAD]
    client = client_for(lead)
    assert 'value="yes" checked' in client.get(reverse("account")).content.decode()
    response = client.post(reverse("email_choices"), {"weekly_digest": "no"})
    assert response.status_code == 302
    assert 'value="no" checked' in client.get(reverse("account")).content.decode()
    send_weekly_digest.enqueue(this_week().isoformat())
    assert lead.email not in sent_to()
    assert people[Role.STAFF].email in sent_to()


def test_turning_it_back_on_sends_it_again(busy: Any, people: dict, client_for: Any) -> None:
    lead = people[Role.TEAM_LEAD]
    NoticePreference.objects.create(user=lead, weekly_digest=False)
    client_for(lead).post(reverse("email_choices"), {"weekly_digest": "yes"})
    send_weekly_digest.enqueue(this_week().isoformat())
    assert lead.email in sent_to()


def test_people_with_nothing_waiting_get_no_email(programme: Any, people: dict) -> None:
    assert send_weekly_digest.enqueue(this_week().isoformat()).return_value == 0
    assert mail.outbox == []


def test_a_week_is_sent_once_however_often_its_task_runs(busy: Any, people: dict) -> None:
    week = this_week().isoformat()
    first = send_weekly_digest.enqueue(week).return_value
    assert first > 0
    assert send_weekly_digest.enqueue(week).return_value == 0
    assert len(mail.outbox) == first
    assert DigestRun.objects.get().sent == first


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_sends_the_digest_and_queues_the_next_a_week_later(
    busy: Any, people: dict, transactional_db: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    week = this_week()
    send_weekly_digest.using(run_after=timezone.now() - dt.timedelta(minutes=1)).enqueue(week.isoformat())
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", stdout=StringIO())
    runs = DBTaskResult.objects.filter(task_path=send_weekly_digest.module_path)
    assert runs.filter(status="SUCCESSFUL").count() == 1
    assert len(mail.outbox) == 7  # six roles and team B's lead (viewers get none)
    waiting = tasks.waiting_runs().get()
    assert waiting.run_after == schedule.run_time(week + dt.timedelta(days=7))
    assert waiting.args_kwargs["args"] == [(week + dt.timedelta(days=7)).isoformat()]
    assert DigestRun.objects.get(week=week).next_run_at == waiting.run_after
    # A restart of the worker, or another migrate, adds no second chain.
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", stdout=StringIO())
    assert tasks.ensure_scheduled() is False
    assert tasks.waiting_runs().count() == 1
    assert len(mail.outbox) == 7


@override_settings(TASKS=DATABASE_TASKS)
def test_asking_twice_queues_exactly_one_digest_on_a_monday_morning(db: Any) -> None:
    assert tasks.ensure_scheduled() is True
    assert tasks.ensure_scheduled() is False
    waiting = tasks.waiting_runs().get()
    local = timezone.localtime(waiting.run_after)
    assert local.weekday() == 0 and local.time() == schedule.WEEKLY_AT
    assert waiting.run_after > timezone.now()


@override_settings(TASKS=DATABASE_TASKS)
def test_extra_queued_digests_are_removed_keeping_one(db: Any) -> None:
    for _ in range(3):
        send_weekly_digest.using(run_after=schedule.run_time(schedule.next_week())).enqueue("2026-01-05")
    assert tasks.ensure_scheduled() is False
    assert tasks.waiting_runs().count() == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_migrate_queues_the_first_digest_once_the_task_table_exists(db: Any) -> None:
    from django.apps import apps

    tasks.schedule_after_migrate(sender=apps.get_app_config("teams"), using="default")
    assert tasks.waiting_runs().count() == 0
    tasks_app = apps.get_app_config("django_tasks_database")
    tasks.schedule_after_migrate(sender=tasks_app, using="default")
    tasks.schedule_after_migrate(sender=tasks_app, using="default")
    assert tasks.waiting_runs().count() == 1


def test_with_the_immediate_backend_nothing_is_queued(db: Any) -> None:
    assert tasks.ensure_scheduled() is False


def test_the_next_digest_is_the_coming_monday_at_seven_uk_time() -> None:
    london = timezone.get_current_timezone()
    friday = dt.datetime(2026, 12, 4, 9, 0, tzinfo=london)
    assert schedule.next_week(friday) == dt.date(2026, 12, 7)
    early_monday = dt.datetime(2026, 12, 7, 6, 59, tzinfo=london)
    assert schedule.next_week(early_monday) == dt.date(2026, 12, 7)
    late_monday = dt.datetime(2026, 12, 7, 7, 0, tzinfo=london)
    assert schedule.next_week(late_monday) == dt.date(2026, 12, 14)
    summer = schedule.run_time(dt.date(2026, 6, 1))
    assert summer == dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)  # 07:00 British Summer Time


def test_the_command_sends_this_weeks_digest_now(busy: Any, people: dict) -> None:
    out = StringIO()
    call_command("digests", "--send-now", stdout=out)
    assert "Sent 7 weekly emails" in out.getvalue()
    assert len(mail.outbox) == 7
