"""A team lead chooses which of the team's measures it shares with the programme: on the measure form, or
all at once on *Share with the programme*; measures start unshared, and every change is audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.framework.factories import make_domain, make_measure
from tests.framework.test_plan_editor import MEASURE_POST
from whatmatters.teams.roles import Role

URL = "/teams/team-a/measures/sharing/"


def test_a_new_measure_is_not_shared_until_the_team_chooses(plan: dict[str, Any]) -> None:
    from whatmatters.framework.models import Measure

    assert not Measure.objects.shared_with_programme().exists()


def test_a_team_lead_shares_and_stops_sharing_measures_in_one_go(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.audit.models import AuditEvent
    from whatmatters.framework.models import Measure

    lead = people[Role.TEAM_LEAD]
    client = client_for(lead)
    page = client.get(URL).content.decode()
    assert "Share with the programme" in page
    assert "everyone in the programme's other teams" in page and "your buddy team" in page
    for m in (plan["wait"], plan["ratio"], plan["weekly"]):
        assert m.name in page
    response = client.post(URL, {"shared": [plan["wait"].pk, plan["ratio"].pk]})
    assert response.status_code == 302 and response["Location"] == "/teams/team-a/measures/"
    assert set(Measure.objects.shared_with_programme()) == {plan["wait"], plan["ratio"]}
    # Untick one, tick another: exactly what is ticked is shared.
    client.post(URL, {"shared": [plan["weekly"].pk]})
    assert set(Measure.objects.shared_with_programme()) == {plan["weekly"]}
    changes = AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, actor=lead, changes__has_key="shared_with_programme"
    )
    assert changes.count() == 5  # 2 shared, then 2 stopped and 1 shared
    assert {e.team_id for e in changes} == {plan["wait"].team_id}


def test_the_page_ticks_what_is_shared_now_and_lists_only_this_teams_measures(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    plan["ratio"].shared_with_programme = True
    plan["ratio"].save()
    page = client_for(people[Role.TEAM_LEAD]).get(URL).content.decode()
    assert f'value="{plan["ratio"].pk}" checked' in page
    assert f'value="{plan["wait"].pk}" checked' not in page
    assert f'value="{plan["other_team"].pk}"' not in page


def test_another_teams_measure_cannot_be_shared_from_here(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.framework.models import Measure

    response = client_for(people[Role.TEAM_LEAD]).post(URL, {"shared": [plan["other_team"].pk]})
    assert response.status_code == 200  # the choice is not one of ours: the form says so
    assert not Measure.objects.shared_with_programme().exists()


def test_only_plan_editors_choose_and_outsiders_get_not_found(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.framework.models import Measure

    for role in (Role.STAFF, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER):
        assert client_for(people[role]).post(URL, {"shared": [plan["wait"].pk]}).status_code == 403
    assert client_for(people["team_b_lead"]).post(URL, {"shared": [plan["wait"].pk]}).status_code == 404
    assert not Measure.objects.shared_with_programme().exists()
    for role in (Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD):
        assert client_for(people[role]).get(URL).status_code == 200


def test_the_measure_list_links_to_the_page_and_says_what_is_shared(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    lead = client_for(people[Role.TEAM_LEAD]).get("/teams/team-a/measures/").content.decode()
    assert f'href="{URL}"' in lead
    assert "Shared with the programme" in lead
    viewer = client_for(people[Role.VIEWER]).get("/teams/team-a/measures/").content.decode()
    assert f'href="{URL}"' not in viewer


def test_the_measure_form_has_the_sharing_choice_in_plain_english(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    from whatmatters.framework.models import Measure

    domain = make_domain(programme.team_a)
    client = client_for(people[Role.TEAM_LEAD])
    page = client.get(reverse("measure_create", kwargs={"team": "team-a"})).content.decode()
    assert "Share with the programme" in page
    assert "faculty and committees see this measure" in page
    post = {**MEASURE_POST, "domains": [domain.pk], "shared_with_programme": "on"}
    assert client.post(reverse("measure_create", kwargs={"team": "team-a"}), post).status_code == 302
    assert Measure.objects.get(code="waiting-well").shared_with_programme
    existing = make_measure(programme.team_a, domain, "other-code", shared_with_programme=True)
    edit = {**MEASURE_POST, "code": "other-code", "domains": [domain.pk]}  # box unticked: stop sharing
    client.post(reverse("measure_edit", kwargs={"team": "team-a", "pk": existing.pk}), edit)
    existing.refresh_from_db()
    assert not existing.shared_with_programme
