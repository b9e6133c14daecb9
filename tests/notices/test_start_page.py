"""The start page: each person's teams and what needs them now, only what their role may act on."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.notices.conftest import ROLES, SAID, fill
from whatmatters.notices.needs import Kind, needs_for
from whatmatters.teams.models import Team
from whatmatters.teams.roles import Role

K = Kind
# What each role is shown, as (kind, team slug or None for the programme).
EXPECTED: dict[str, set[tuple[Kind, str | None]]] = {
    Role.ADMIN: {
        (K.STATEMENTS, "team-a"),
        (K.STATEMENTS, "team-b"),
        (K.EXCELLENCE, "team-a"),
        (K.EXCELLENCE, "team-b"),
        (K.VALUE_IMPORT, "team-a"),
        (K.VALUE_IMPORT, "team-b"),
        (K.EXTRACT_IMPORT, None),
        (K.REPORT, None),
    },
    Role.TEAM_LEAD: {
        (K.ALERTS, "team-a"),
        (K.DATA_DUE, "team-a"),
        (K.STUDY, "team-a"),
        (K.VALUE_IMPORT, "team-a"),
        (K.REPORT, "team-a"),
        (K.REPORT, None),
    },
    Role.STAFF: {
        (K.ALERTS, "team-a"),
        (K.DATA_DUE, "team-a"),
        (K.STUDY, "team-a"),
        (K.VALUE_IMPORT, "team-a"),
        (K.REPORT, "team-a"),
    },
    Role.VIEWER: {(K.REPORT, "team-a"), (K.REPORT, None)},
    Role.EXPERT_BY_EXPERIENCE: {
        (K.STATEMENTS, "team-a"),
        (K.EXCELLENCE, "team-a"),
        (K.REPORT, "team-a"),
        (K.REPORT, None),
    },
}
EXPECTED[Role.FACULTY] = EXPECTED[Role.ADMIN]


def shown(user: Any) -> set[tuple[Kind, str | None]]:
    return {(item.kind, item.team.slug if item.team else None) for item in needs_for(user).items}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_shown_only_what_it_may_act_on(busy: Any, people: dict, role: str) -> None:
    assert shown(people[role]) == EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_the_start_page_opens(busy: Any, people: dict, client_for: Any, role: str) -> None:
    client = client_for(people[role])
    page = client.get(reverse("start"))
    assert page.status_code == 200
    links = re.findall(
        r'<ul class="nhsuk-list nhsuk-list--bullet wm-needs"[^>]*>(.*?)</ul>', page.content.decode(), re.S
    )
    hrefs = [href for block in links for href in re.findall(r'href="([^"]+)"', block)]
    assert len(hrefs) == len(needs_for(people[role]).items)
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_a_team_lead_sees_what_needs_them_in_words(busy: Any, people: dict, client_for: Any) -> None:
    page = client_for(people[Role.TEAM_LEAD]).get(reverse("start")).content.decode()
    assert "Team A: 1 alert waiting for a response" in page
    assert "Team A: 1 monthly measure needs data for" in page
    assert "a test of change started on" in page and "is due to be studied" in page
    assert "Team A: an upload of values on" in page and "saved nothing" in page
    assert "Team B" not in page  # another team's alerts, data and uploads are not theirs
    assert SAID not in page  # what people wrote stays on the moderation and alert pages


def test_a_person_sees_their_teams_with_links_to_each_dashboard(
    busy: Any, people: dict, client_for: Any
) -> None:
    page = client_for(people[Role.STAFF]).get(reverse("start")).content.decode()
    assert f'href="{reverse("team_dashboard", kwargs={"team": "team-a"})}"' in page
    assert reverse("team_dashboard", kwargs={"team": "team-b"}) not in page


def test_organisation_wide_people_see_every_team(busy: Any, people: dict, client_for: Any) -> None:
    page = client_for(people[Role.FACULTY]).get(reverse("start")).content.decode()
    assert reverse("team_dashboard", kwargs={"team": "team-a"}) in page
    assert reverse("team_dashboard", kwargs={"team": "team-b"}) in page


def test_data_for_a_period_already_entered_is_not_asked_for(busy: Any, people: dict) -> None:
    from whatmatters.framework.measures.results import last_complete_period
    from whatmatters.framework.models import Value

    measure = busy.measure_due
    Value.objects.create(measure=measure, period=last_complete_period("monthly"), value=12)
    assert (K.DATA_DUE, "team-a") not in shown(people[Role.TEAM_LEAD])


def test_measures_filled_by_surveys_are_not_asked_for(busy: Any, people: dict) -> None:
    busy.measure_due.data_source = "survey"
    busy.measure_due.save()
    assert (K.DATA_DUE, "team-a") not in shown(people[Role.TEAM_LEAD])


def test_a_test_of_change_just_started_is_not_yet_due(busy: Any, people: dict) -> None:
    from django.utils import timezone

    busy.cycle.starts_on = timezone.localdate()
    busy.cycle.save()
    assert (K.STUDY, "team-a") not in shown(people[Role.STAFF])


def test_a_person_with_no_role_is_told_to_ask_for_one(programme: Any, people: dict, client_for: Any) -> None:
    page = client_for(people["no_role"]).get(reverse("start"))
    assert page.status_code == 200
    assert "You do not have a role in any team yet" in page.content.decode()


def test_nothing_waiting_says_so(programme: Any, people: dict, client_for: Any) -> None:
    page = client_for(people[Role.STAFF]).get(reverse("start")).content.decode()
    assert "Nothing needs you at the moment." in page


def test_signing_in_opens_the_start_page(people: dict) -> None:
    client = Client()
    response = client.post(reverse("sign_in"), {"username": people[Role.STAFF].email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("start")


def test_the_home_link_takes_a_signed_in_person_to_their_start_page(people: dict, client_for: Any) -> None:
    response = client_for(people[Role.STAFF]).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("start")


def test_the_header_shows_how_many_things_need_the_person(busy: Any, people: dict, client_for: Any) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    client.get(reverse("start"))  # signing in opens it
    page = client.get(reverse("programme")).content.decode()
    total = needs_for(people[Role.TEAM_LEAD]).total
    assert total == 4  # an alert, a measure's data, a test of change, an upload (reports are not counted)
    assert f'<span class="wm-needs-count" aria-hidden="true"> ({total})</span>' in page
    assert f", {total} things need you</span>" in page


def asked_for_alerts(queries: Any) -> bool:
    return any('"safety_alert"' in q["sql"] for q in queries.captured_queries)


def test_the_header_count_is_not_worked_out_again_on_every_page(
    busy: Any, people: dict, client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people[Role.TEAM_LEAD])
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("start"))
    with CaptureQueriesContext(connection) as later:
        page = client.get(reverse("account")).content.decode()
    assert asked_for_alerts(first)
    assert not asked_for_alerts(later)
    assert "4 things need you" in page


def test_a_page_opened_before_the_start_page_pays_nothing_for_the_count(
    busy: Any, people: dict, client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client_for(people[Role.TEAM_LEAD]).get(reverse("account")).content.decode()
    assert not asked_for_alerts(queries)
    assert "wm-needs-count" not in page


def test_an_old_count_is_worked_out_again_on_the_next_page(busy: Any, people: dict, client_for: Any) -> None:
    from whatmatters.framework.measures.results import last_complete_period
    from whatmatters.framework.models import Value
    from whatmatters.notices.needs import COUNT_KEPT_SECONDS, SESSION_KEY

    client = client_for(people[Role.TEAM_LEAD])
    client.get(reverse("start"))
    Value.objects.create(measure=busy.measure_due, period=last_complete_period("monthly"), value=12)
    assert "4 things need you" in client.get(reverse("account")).content.decode()  # kept
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "at": session[SESSION_KEY]["at"] - COUNT_KEPT_SECONDS - 1}
    session.save()
    assert "3 things need you" in client.get(reverse("account")).content.decode()


def test_the_start_page_makes_one_query_per_kind_however_much_is_waiting(
    busy: Any, people: dict, client_for: Any, programme: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(people[Role.FACULTY])
    client.get(reverse("start"))  # warm up the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("start"))
    for n in range(6):
        team = Team.objects.create(organisation=programme.organisation, name=f"Extra {n}", slug=f"extra-{n}")
        fill(team, code_prefix=f"x{n}-")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("start")).content.decode()
    assert "Extra 5: 1 statement to check" in page
