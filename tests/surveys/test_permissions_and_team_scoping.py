"""Who may do what with surveys: each team sees only its own surveys, results and alerts; programme surveys
are for admins and faculty; the public pages need no account; and every survey route with URL arguments
has a sample so the permission-matrix test requests it as every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.surveys.conftest import checkin_post
from whatmatters.safety.models import Alert
from whatmatters.surveys import actions
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


def test_every_survey_route_with_arguments_has_a_sample_for_the_permission_matrix(
    programme: Any, people: Any
) -> None:
    from tests.foundation.test_permission_matrix import all_routes
    from tests.surveys.route_samples import samples

    given = samples(programme, people)
    survey_routes = [
        r
        for r in all_routes()
        if "survey" in r.view_name and set(r.params) - {"team"} and ":" not in r.view_name
    ]
    assert survey_routes, "no survey routes found"
    missing = [r.view_name for r in survey_routes if r.view_name not in given]
    assert missing == []
    for route in survey_routes:
        assert set(given[route.view_name]) == set(route.params), route.view_name


@pytest.mark.parametrize("page", ["", "{pk}/", "{pk}/results/", "{pk}/qr.svg", "{pk}/edit/"])
def test_another_teams_lead_gets_not_found_for_this_teams_survey_pages(
    fft_survey: Any, client_for: Any, people: Any, page: str
) -> None:
    lead_b = client_for(people["team_b_lead"])
    path = page.format(pk=fft_survey.pk)
    assert lead_b.get(f"/teams/team-a/surveys/{path}").status_code == 404
    if path:  # this team's survey through the other team's address
        assert lead_b.get(f"/teams/team-b/surveys/{path}").status_code == 404


def test_each_team_lists_only_its_own_surveys(
    fft_survey: Any, client_for: Any, people: Any, programme: Any
) -> None:
    actions.create_survey(programme.team_b, "Team B only", "waiting", ["fft"])
    page = client_for(people[Role.VIEWER]).get("/teams/team-a/surveys/").content.decode()
    assert "Your experience" in page and "Team B only" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [(Role.ADMIN, 200), (Role.FACULTY, 200), (Role.TEAM_LEAD, 403), (Role.VIEWER, 403), ("no_role", 403)],
)
def test_programme_surveys_are_for_admins_and_faculty(
    client_for: Any, people: Any, who: str, status: int
) -> None:
    assert client_for(people[who]).get("/programme/surveys/").status_code == status


def test_signed_out_people_are_sent_to_sign_in_for_team_pages(fft_survey: Any) -> None:
    response = Client().get(f"/teams/team-a/surveys/{fft_survey.pk}/results/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    "path", ["/s/{code}/", "/s/{code}/easy-read/", "/s/{code}/thanks/", "/s/{code}/easy-read/thanks/"]
)
def test_the_public_pages_need_no_account(fft_survey: Any, path: str) -> None:
    assert Client().get(path.format(code=fft_survey.code)).status_code == 200


def test_an_alert_of_one_team_cannot_be_changed_through_another_teams_address(
    checkin: Any, client_for: Any, people: Any, programme: Any, make_user: Any
) -> None:
    Client().post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail="07700 900444")
    )
    alert = Alert.objects.get()
    staff_b = client_for(make_user(Role.STAFF, programme.team_b))
    assert staff_b.post(f"/teams/team-b/alerts/{alert.pk}/", {"decision": "responded"}).status_code == 404
    assert "07700 900444" not in staff_b.get("/teams/team-b/alerts/").content.decode()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW


def test_organisation_roles_never_see_contact_details_even_on_the_team_page(
    checkin: Any, client_for: Any, people: Any
) -> None:
    Client().post(
        f"/s/{checkin.code}/", checkin_post(checkin, feeling="worse", how="phone", detail="07700 900555")
    )
    for who in (Role.ADMIN, Role.FACULTY):
        client = client_for(people[who])
        for path in (
            "/teams/team-a/",
            "/teams/team-a/surveys/",
            f"/teams/team-a/surveys/{checkin.pk}/results/",
        ):
            assert "07700 900555" not in client.get(path).content.decode()
