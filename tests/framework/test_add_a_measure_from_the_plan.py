""" "Add a measure" from a quality domain, an aim, a driver and a change idea: the new-measure form opens
linked to it (the aim and its domain, as a measure holds them), only for people who may add measures."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from tests.framework.factories import make_aim, make_domain
from tests.framework.test_plan_editor import MEASURE_POST
from whatmatters.framework.models import ChangeIdea, Driver, Measure
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

NEW_MEASURE = "/teams/team-a/measures/new/"


@pytest.fixture
def diagram(programme: Any) -> dict[str, Any]:
    domain = make_domain(programme.team_a)
    other_domain = make_domain(programme.team_a, "I feel safe on the ward")
    aim = make_aim(programme.team_a, domain)
    primary = Driver.objects.create(aim=aim, text="Clear information")
    secondary = Driver.objects.create(aim=aim, parent=primary, text="Letters people understand")
    idea = ChangeIdea.objects.create(driver=secondary, text="Send a plain-English letter")
    return {
        "domain": domain,
        "other_domain": other_domain,
        "aim": aim,
        "primary": primary,
        "secondary": secondary,
        "idea": idea,
    }


def checked(page: str, name: str) -> set[str]:
    tags = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in tags if " checked" in tag}


def selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else None


def add_measure_links(page: str) -> list[str]:
    return re.findall(r'href="(/teams/team-a/measures/new/\?[^"]+)"', page.replace("&amp;", "&"))


def test_the_plan_links_each_domain_and_each_aim_to_a_new_measure(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    page = client_for(people[Role.TEAM_LEAD]).get(reverse("plan", kwargs={"team": "team-a"})).content.decode()
    links = add_measure_links(page)
    assert f"{NEW_MEASURE}?domain={diagram['domain'].pk}" in links
    assert f"{NEW_MEASURE}?domain={diagram['other_domain'].pk}" in links
    assert f"{NEW_MEASURE}?aim={diagram['aim'].pk}" in links
    # Each aim's link is in the aim's card, which its heading names (so the aim's own link keeps its name).
    assert page.count('Add a measure<span class="nhsuk-u-visually-hidden"> for this aim</span>') == 1


def test_the_aim_page_links_the_aim_each_driver_and_each_change_idea_to_a_new_measure(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    url = reverse("aim_detail", kwargs={"team": "team-a", "pk": diagram["aim"].pk})
    page = client_for(people[Role.TEAM_LEAD]).get(url).content.decode()
    assert set(add_measure_links(page)) == {
        f"{NEW_MEASURE}?aim={diagram['aim'].pk}",
        f"{NEW_MEASURE}?driver={diagram['primary'].pk}",
        f"{NEW_MEASURE}?driver={diagram['secondary'].pk}",
        f"{NEW_MEASURE}?change_idea={diagram['idea'].pk}",
    }


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER, Role.EXPERT_BY_EXPERIENCE, Role.DATA_ANALYST])
def test_people_who_may_not_add_measures_see_no_add_a_measure_links(
    role: str, diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[role])
    plan = client.get(reverse("plan", kwargs={"team": "team-a"})).content.decode()
    aim = client.get(
        reverse("aim_detail", kwargs={"team": "team-a", "pk": diagram["aim"].pk})
    ).content.decode()
    assert add_measure_links(plan) == [] and add_measure_links(aim) == []
    assert client.get(f"{NEW_MEASURE}?aim={diagram['aim'].pk}").status_code == 403


def test_from_a_domain_the_form_opens_with_that_domain_ticked(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    page = client_for(people[Role.TEAM_LEAD]).get(f"{NEW_MEASURE}?domain={diagram['other_domain'].pk}")
    text = page.content.decode()
    assert checked(text, "domains") == {str(diagram["other_domain"].pk)}
    assert selected(text, "aim") in (None, "")
    assert "For the quality domain “I feel safe on the ward”." in text


def test_from_an_aim_the_form_opens_with_the_aim_and_its_domain(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    text = client_for(people[Role.TEAM_LEAD]).get(f"{NEW_MEASURE}?aim={diagram['aim'].pk}").content.decode()
    assert selected(text, "aim") == str(diagram["aim"].pk)
    assert checked(text, "domains") == {str(diagram["domain"].pk)}
    assert checked(text, "measure_type") == set()  # an aim's measure may be outcome or balancing
    assert f'href="/teams/team-a/plan/aims/{diagram["aim"].pk}/"' in text  # back to the aim


@pytest.mark.parametrize("link", ["primary", "secondary"])
def test_from_a_driver_the_form_opens_with_its_aim_its_domain_and_a_process_measure(
    link: str, diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    url = f"{NEW_MEASURE}?driver={diagram[link].pk}"
    text = client_for(people[Role.TEAM_LEAD]).get(url).content.decode()
    assert selected(text, "aim") == str(diagram["aim"].pk)
    assert checked(text, "domains") == {str(diagram["domain"].pk)}
    assert checked(text, "measure_type") == {"process"}
    assert f"For the driver “{diagram[link].text}”" in text


def test_from_a_change_idea_the_form_opens_with_its_aim_its_domain_and_a_process_measure(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    url = f"{NEW_MEASURE}?change_idea={diagram['idea'].pk}"
    text = client_for(people[Role.TEAM_LEAD]).get(url).content.decode()
    assert selected(text, "aim") == str(diagram["aim"].pk)
    assert checked(text, "domains") == {str(diagram["domain"].pk)}
    assert checked(text, "measure_type") == {"process"}
    assert "For the change idea “Send a plain-English letter”" in text


def test_the_measure_saved_from_a_change_idea_is_linked_to_its_aim_and_domain(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    post = {**MEASURE_POST, "aim": diagram["aim"].pk, "domains": [diagram["domain"].pk]}
    response = client_for(people[Role.TEAM_LEAD]).post(
        f"{NEW_MEASURE}?change_idea={diagram['idea'].pk}", post
    )
    measure = Measure.objects.get(code="waiting-well")
    assert response.status_code == 302
    assert measure.aim == diagram["aim"]
    assert list(measure.domains.all()) == [diagram["domain"]]


def test_a_form_with_errors_still_says_what_it_is_for(
    diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    url = f"{NEW_MEASURE}?driver={diagram['primary'].pk}"
    response = client_for(people[Role.TEAM_LEAD]).post(url, {"name": "Check-ins"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "For the driver “Clear information”" in text
    assert 'value="Check-ins"' in text
    assert not Measure.objects.exists()


@pytest.mark.parametrize("key", ["domain", "aim", "driver", "change_idea"])
def test_another_teams_plan_is_never_filled_in(
    key: str, programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_b, "Team B's own domain")
    aim = make_aim(programme.team_b, domain, "Team B's own aim")
    driver = Driver.objects.create(aim=aim, text="Team B's driver")
    idea = ChangeIdea.objects.create(driver=driver, text="Team B's idea")
    pk = {"domain": domain, "aim": aim, "driver": driver, "change_idea": idea}[key].pk
    response = client_for(people[Role.TEAM_LEAD]).get(f"{NEW_MEASURE}?{key}={pk}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Team B" not in text
    assert checked(text, "domains") == set()


@pytest.mark.parametrize("query", ["aim=abc", "driver=-1", "change_idea=99999999999999999999999", "domain="])
def test_a_link_that_names_nothing_opens_an_empty_form(
    query: str, diagram: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.TEAM_LEAD]).get(f"{NEW_MEASURE}?{query}")
    assert response.status_code == 200
    assert checked(response.content.decode(), "domains") == set()
