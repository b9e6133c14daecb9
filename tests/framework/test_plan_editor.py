"""Team leads build the plan: domains, aims, driver diagrams and measures, all scoped to their team."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.framework.factories import make_aim, make_domain, make_measure
from whatmatters.framework.models import Aim, ChangeIdea, Driver, Measure
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

MEASURE_POST = {
    "code": "waiting-well",
    "name": "Waiting-well check-ins",
    "measure_type": "process",
    "description": "How many people waiting we checked in with.",
    "operational_definition": "People waiting over 2 weeks with a documented check-in.",
    "numerator": "People with a check-in",
    "denominator": "People waiting over 2 weeks",
    "inclusions": "",
    "exclusions": "",
    "unit": "%",
    "chart": "p",
    "direction": "increase",
    "uses_denominator": "on",
    "multiply": "100",
    "target": "80",
    "target_date": "2026-03-31",
    "frequency": "monthly",
    "data_source": "manual",
    "owner": "Lee",
    "collection": "Waiting-list log",
}


def test_a_team_lead_adds_an_aim_with_what_for_whom_how_much_and_by_when(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_a)
    client = client_for(people[Role.TEAM_LEAD])
    response = client.post(
        reverse("aim_create", kwargs={"team": "team-a"}),
        {
            "domain": domain.pk,
            "what": "Reduce the wait",
            "for_whom": "adults referred",
            "how_much": "to 4 weeks",
            "by_when": "2026-03-31",
        },
    )
    aim = Aim.objects.get()
    assert response.status_code == 302
    assert (aim.team, aim.domain, aim.how_much) == (programme.team_a, domain, "to 4 weeks")


def test_an_aim_form_with_errors_keeps_what_was_typed(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    make_domain(programme.team_a)
    client = client_for(people[Role.TEAM_LEAD])
    response = client.post(
        reverse("aim_create", kwargs={"team": "team-a"}),
        {"what": "Reduce the wait", "for_whom": "adults referred", "how_much": "", "by_when": "not a date"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text and "Enter by how much" in text
    assert 'value="Reduce the wait"' in text and 'value="not a date"' in text
    assert Aim.objects.count() == 0


def test_an_aim_cannot_use_another_teams_domain(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    foreign = make_domain(programme.team_b, "I feel safe")
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("aim_create", kwargs={"team": "team-a"}),
        {"domain": foreign.pk, "what": "x", "for_whom": "y", "how_much": "z", "by_when": "2026-01-01"},
    )
    assert response.status_code == 200
    assert Aim.objects.count() == 0


def test_drivers_and_change_ideas_show_as_a_nested_list_and_an_svg_diagram(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    aim = make_aim(programme.team_a, make_domain(programme.team_a))
    client = client_for(people[Role.TEAM_LEAD])
    client.post(reverse("driver_add", kwargs={"team": "team-a", "pk": aim.pk}), {"text": "Clear information"})
    primary = Driver.objects.get()
    client.post(
        reverse("driver_add", kwargs={"team": "team-a", "pk": aim.pk}),
        {"text": "Letters people understand", "parent": primary.pk},
    )
    secondary = Driver.objects.get(parent=primary)
    client.post(
        reverse("change_idea_add", kwargs={"team": "team-a", "pk": aim.pk}),
        {"text": "Co-write the letter with experts by experience", "driver": secondary.pk},
    )
    assert ChangeIdea.objects.get().driver == secondary
    page = client.get(reverse("aim_detail", kwargs={"team": "team-a", "pk": aim.pk})).content.decode()
    assert "Primary driver: Clear information" in page
    assert "Secondary driver: Letters people understand" in page
    assert "Change idea: Co-write the letter" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "Driver diagram: Reduce the wait for first help" in page
    assert page.index("Primary driver: Clear information") < page.index("Secondary driver: Letters")


def test_removing_a_primary_driver_removes_what_hangs_from_it(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    aim = make_aim(programme.team_a, make_domain(programme.team_a))
    primary = Driver.objects.create(aim=aim, text="A")
    secondary = Driver.objects.create(aim=aim, parent=primary, text="B")
    ChangeIdea.objects.create(driver=secondary, text="C")
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("driver_delete", kwargs={"team": "team-a", "pk": primary.pk})
    )
    assert response.status_code == 302
    assert Driver.objects.count() == 0 and ChangeIdea.objects.count() == 0


def test_a_driver_of_another_team_is_not_found(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    aim_b = make_aim(programme.team_b, make_domain(programme.team_b))
    driver_b = Driver.objects.create(aim=aim_b, text="Theirs")
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("driver_delete", kwargs={"team": "team-a", "pk": driver_b.pk})
    )
    assert response.status_code == 404
    assert Driver.objects.filter(pk=driver_b.pk).exists()


def test_a_measure_has_every_field_of_an_ihi_measurement_plan(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_a)
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("measure_create", kwargs={"team": "team-a"}), {**MEASURE_POST, "domains": [domain.pk]}
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.code, measure.chart, measure.target, measure.multiply) == (
        "waiting-well",
        "p",
        80.0,
        100.0,
    )
    assert list(measure.domains.all()) == [domain]
    assert measure.owner == "Lee" and measure.collection == "Waiting-list log"


def test_a_measure_must_link_to_at_least_one_domain_and_keeps_what_was_typed(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    make_domain(programme.team_a)
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("measure_create", kwargs={"team": "team-a"}), MEASURE_POST
    )
    text = response.content.decode()
    assert "Choose at least one quality domain" in text
    assert 'value="Waiting-well check-ins"' in text
    assert Measure.objects.count() == 0


def test_two_measures_in_a_team_cannot_share_a_code(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_a)
    make_measure(programme.team_a, domain, "waiting-well")
    response = client_for(people[Role.TEAM_LEAD]).post(
        reverse("measure_create", kwargs={"team": "team-a"}), {**MEASURE_POST, "domains": [domain.pk]}
    )
    assert "already uses this code" in response.content.decode()


def test_the_plan_warns_when_an_aim_has_no_balancing_measure(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    domain = make_domain(programme.team_a)
    aim = make_aim(programme.team_a, domain)
    make_measure(programme.team_a, domain, aim=aim)
    client = client_for(people[Role.VIEWER])
    url = reverse("plan", kwargs={"team": "team-a"})
    assert "This aim has no balancing measure" in client.get(url).content.decode()
    make_measure(programme.team_a, domain, "staff-pulse", measure_type="balancing", aim=aim)
    assert "This aim has no balancing measure" not in client.get(url).content.decode()


def test_staff_and_viewers_read_the_plan_but_cannot_change_it(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    make_domain(programme.team_a)
    for role in (Role.STAFF, Role.VIEWER):
        client = client_for(people[role])
        page = client.get(reverse("plan", kwargs={"team": "team-a"})).content.decode()
        assert "Add a measure" not in page
        assert (
            client.post(reverse("measure_create", kwargs={"team": "team-a"}), MEASURE_POST).status_code == 403
        )
