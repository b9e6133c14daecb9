"""The layout's success banner takes the focus only on the page the action led to (whatmatters/flash.py):
the page its redirect came back to, or the page answered by the request that made it. A message that
waited for another page is shown there without moving the focus."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from whatmatters.flash import JUST_DONE, FocusOnlyAfterTheAction, just_done
from whatmatters.teams.roles import Role

BOARD = "/teams/team-a/what-matters/board/"
NEW_THEME = "/teams/team-a/what-matters/themes/new/"


def _banner(page: str) -> str:
    found = re.search(r'<div class="nhsuk-notification-banner[^>]*>', page)
    assert found, "no banner on the page"
    return found.group(0)


def test_the_page_a_form_came_back_to_focuses_its_banner(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    sent = client.post(NEW_THEME, {"name": "Being told how long"})
    assert sent.status_code == 302 and sent["Location"].startswith(BOARD)
    page = client.get(BOARD).content.decode()
    assert "Theme “Being told how long” added." in page
    assert 'data-disable-auto-focus="false"' in _banner(page)


def test_a_banner_that_waited_for_another_page_is_shown_there_without_taking_the_focus(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    client.post(NEW_THEME, {"name": "Being told how long"})  # its redirect is not followed
    page = client.get("/teams/team-a/").content.decode()
    assert "Theme “Being told how long” added." in page
    assert 'data-disable-auto-focus="true"' in _banner(page)


def _storage(path: str = "/") -> FocusOnlyAfterTheAction:
    request = RequestFactory().get(path)
    request.session = {}  # type: ignore[attr-defined]
    return FocusOnlyAfterTheAction(request)


def test_a_message_made_and_shown_by_the_same_request_takes_the_focus() -> None:
    storage = _storage()
    storage.add(messages.SUCCESS, "Saved")
    assert [just_done(m, storage.request) for m in storage] == [True]


def test_a_redirect_sends_the_focus_on_to_the_page_it_leads_to_and_no_other() -> None:
    storage = _storage()
    storage.add(messages.SUCCESS, "Saved")
    storage.update(HttpResponseRedirect("/teams/team-a/?page=2#card-3"))
    (message,) = storage._queued_messages
    assert message.extra_tags == f"{JUST_DONE}:/teams/team-a/"
    assert just_done(message, RequestFactory().get("/teams/team-a/"))
    assert not just_done(message, RequestFactory().get("/programme/"))


def test_a_page_answered_without_showing_the_message_takes_its_focus_off() -> None:
    storage = _storage()
    storage.add(messages.SUCCESS, "Saved", extra_tags="keep-me")
    storage.update(HttpResponse(status=204))  # a fragment for htmx: the message waits for a later page
    (message,) = storage._queued_messages
    assert message.extra_tags == "keep-me"
    assert not just_done(message, storage.request)


@pytest.mark.parametrize("tags", ["", "other", f"{JUST_DONE}:/elsewhere/"])
def test_only_a_message_tagged_for_this_page_takes_the_focus(tags: str) -> None:
    assert not just_done(Message(messages.SUCCESS, "Saved", tags), RequestFactory().get("/here/"))
