"""Who may do what: imports are for admins and faculty; each team's flow pages are for its members."""

from __future__ import annotations

from typing import Any

import pytest

from tests.waitinglists.route_samples import samples
from whatmatters.teams.permissions import PERMISSIONS
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport

pytestmark = pytest.mark.django_db

TEAM_PAGES = ("/teams/team-a/flow/", "/teams/team-a/flow/plan-ahead/", "/teams/team-a/flow/plan-ahead.csv")


def test_people_outside_the_team_get_404_for_its_flow_pages(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    for role in (Role.STAFF, Role.TEAM_LEAD):
        client = client_for(make_user(role, imported["OAWARD"]))
        for url in TEAM_PAGES:
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER])
def test_every_member_of_the_team_can_read_its_flow_pages(
    imported: dict[str, Any], make_user: Any, client_for: Any, role: Role
) -> None:
    client = client_for(make_user(role, imported["CERT"]))
    for url in TEAM_PAGES:
        assert client.get(url).status_code == 200, url


def test_signed_out_people_are_sent_to_sign_in(imported: dict[str, Any], client: Any) -> None:
    for url in (*TEAM_PAGES, "/programme/waiting-lists/import/", "/programme/waiting-lists/imports/"):
        response = client.get(url)
        assert response.status_code == 302 and "sign-in" in response["Location"], url


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF, Role.VIEWER])
def test_team_roles_cannot_import_or_read_the_programme_imports(
    imported: dict[str, Any], make_user: Any, client_for: Any, role: Role
) -> None:
    job = ExtractImport.objects.get()
    client = client_for(make_user(role, imported["CERT"]))
    for url in (
        "/programme/waiting-lists/import/",
        "/programme/waiting-lists/imports/",
        f"/programme/waiting-lists/imports/{job.pk}/",
        f"/programme/waiting-lists/imports/{job.pk}/rejects.csv",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/programme/waiting-lists/import/", {}).status_code == 403


def test_an_import_that_does_not_exist_is_404(make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.FACULTY))
    assert client.get("/programme/waiting-lists/imports/999999/").status_code == 404
    assert client.get("/programme/waiting-lists/imports/999999/rejects.csv").status_code == 404


def test_every_route_has_a_permission_row_and_route_samples_feed_the_matrix(
    programme: Any, people: Any
) -> None:
    from whatmatters.waitinglists import urls

    names = {p.name for p in urls.urlpatterns}
    assert names <= set(PERMISSIONS)
    given = samples(programme, people)
    needing_samples = {p.name for p in urls.urlpatterns if "<int:pk>" in str(p.pattern)}
    assert needing_samples <= set(given)
