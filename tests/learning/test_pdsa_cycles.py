"""PDSA cycles: a plan with a prediction, then do, study and act, in order; linked to a change idea from
the driver diagram and the measures it should move, and marked on those measures' charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from tests.dashboards.conftest import STEADY, recent_start
from tests.framework.factories import add_values, make_domain, make_measure
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.models import Annotation, ChangeIdea, Driver
from whatmatters.learning.models import PdsaCycle
from whatmatters.teams.roles import Role

START = recent_start(6) + dt.timedelta(days=9)


def plan(idea: Any, measures: list[Any], **more: Any) -> dict[str, Any]:
    return {
        "title": "Phone 10 people on the waiting list",
        "change_idea": idea.pk,
        "measures": [m.pk for m in measures],
        "starts_on": START.isoformat(),
        "plan": "Two of us phone 10 people on Monday",
        "prediction": "Most people will say the call helped",
        "stage": "plan",
        **more,
    }


def create(client: Any, data: dict[str, Any]) -> Any:
    return client.post(reverse("pdsa_create", kwargs={"team": "team-a"}), data)


def edit(client: Any, cycle: PdsaCycle, data: dict[str, Any]) -> Any:
    return client.post(reverse("pdsa_edit", kwargs={"team": "team-a", "pk": cycle.pk}), data)


def test_a_plan_with_a_prediction_marks_each_measure_it_should_move(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    response = create(client_for(people[Role.STAFF]), plan(idea, two_measures))
    cycle = PdsaCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pdsa_detail", kwargs={"team": "team-a", "pk": cycle.pk})
    assert (cycle.change_idea, cycle.stage, cycle.created_by) == (idea, "plan", people[Role.STAFF])
    markers = Annotation.objects.filter(kind=Annotation.Kind.PDSA).order_by("measure_id")
    assert [(m.measure, m.date) for m in markers] == [(two_measures[0], START), (two_measures[1], START)]
    assert all(m.text == "Small test of change: Phone 10 people on the waiting list" for m in markers)
    assert set(cycle.markers.all()) == set(markers)


def test_the_marker_is_drawn_on_the_measures_chart(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    add_values(two_measures[0], STEADY, start=recent_start(len(STEADY)))
    create(client_for(people[Role.TEAM_LEAD]), plan(idea, two_measures[:1]))
    item = results_for(programme.team_a, two_measures[:1])[0]
    assert [a.kind for a in item.annotations] == ["pdsa"]
    assert any(note.text.startswith("Small test of change") for note in item.result.options.annotations)
    page = client_for(people[Role.VIEWER]).get(
        reverse("measure_detail", kwargs={"team": "team-a", "pk": two_measures[0].pk})
    )
    # On the chart itself (its marker's title); the dashboard's row links to this page for the chart.
    assert ": Small test of change: Phone 10 people on the waiting list</title>" in page.content.decode()


def test_do_study_act_follow_in_order_and_finish_with_a_decision(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    client = client_for(people[Role.STAFF])
    create(client, plan(idea, two_measures))
    cycle = PdsaCycle.objects.get()
    skipped = edit(client, cycle, plan(idea, two_measures, stage="study"))
    assert skipped.status_code == 400
    assert "Write what happened when you tried it before you move on to Study" in skipped.content.decode()
    early = edit(client, cycle, plan(idea, two_measures, stage="do", decision="adopt"))
    assert "Choose adopt, adapt or abandon at the Act stage" in early.content.decode()
    steps = {
        "do": {"do": "We phoned 10 people"},
        "study": {"study": "8 of 10 said it helped; we predicted most would"},
        "act": {"act": "Phone everyone waiting over 4 weeks", "decision": "adopt"},
    }
    written: dict[str, str] = {}
    for stage, fields in steps.items():
        written.update(fields)
        assert edit(client, cycle, plan(idea, two_measures, stage=stage, **written)).status_code == 302
        cycle.refresh_from_db()
        assert cycle.stage == stage
    unfinished = edit(client, cycle, plan(idea, two_measures, stage="done", **{**written, "act": ""}))
    assert "Write what you will do next before you finish the test" in unfinished.content.decode()
    assert edit(client, cycle, plan(idea, two_measures, stage="done", **written)).status_code == 302
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.decision) == ("done", "adopt")
    page = client.get(reverse("pdsa_detail", kwargs={"team": "team-a", "pk": cycle.pk})).content.decode()
    for words in ("Most people will say the call helped", "8 of 10 said it helped", "Adopt: keep doing it"):
        assert words in page


def test_changing_the_date_and_measures_moves_the_markers(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    create(client, plan(idea, two_measures))
    cycle = PdsaCycle.objects.get()
    later = START + dt.timedelta(days=31)
    edit(client, cycle, plan(idea, two_measures[1:], starts_on=later.isoformat()))
    markers = list(Annotation.objects.filter(kind=Annotation.Kind.PDSA))
    assert [(m.measure, m.date) for m in markers] == [(two_measures[1], later)]


def test_a_prediction_and_a_change_idea_are_required(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    response = create(client_for(people[Role.STAFF]), plan(idea, two_measures, prediction="", change_idea=""))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter what you predict will happen" in page
    assert "Choose the change idea from the driver diagram" in page
    assert 'value="Phone 10 people on the waiting list"' in page  # what was typed is kept
    assert not PdsaCycle.objects.exists()


def test_another_teams_change_idea_or_measure_cannot_be_linked(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    from tests.framework.factories import make_aim

    theirs = make_domain(programme.team_b, "Theirs")
    their_idea = ChangeIdea.objects.create(
        driver=Driver.objects.create(aim=make_aim(programme.team_b, theirs), text="D"), text="Their idea"
    )
    their_measure = make_measure(programme.team_b, theirs, code="theirs")
    client = client_for(people[Role.STAFF])
    assert create(client, plan(their_idea, two_measures)).status_code == 400
    assert create(client, plan(idea, [their_measure])).status_code == 400
    assert not PdsaCycle.objects.exists()
    assert not Annotation.objects.exists()


def test_the_learning_page_lists_the_cycles_with_their_stage(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    create(client_for(people[Role.STAFF]), plan(idea, two_measures))
    page = client_for(people[Role.VIEWER]).get("/teams/team-a/learning/").content.decode()
    assert "Phone 10 people on the waiting list" in page and "Phone everyone on the waiting list" in page
    assert "Plan a small test of change" not in page  # viewers read, they do not plan


def test_viewers_and_experts_cannot_plan_or_change_a_cycle(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    for role in (Role.VIEWER, Role.EXPERT_BY_EXPERIENCE):
        assert create(client_for(people[role]), plan(idea, two_measures)).status_code == 403
    assert not PdsaCycle.objects.exists()


def test_people_outside_the_team_get_404(
    programme: Any, people: dict[str, Any], client_for: Any, idea: Any, two_measures: list[Any]
) -> None:
    create(client_for(people[Role.STAFF]), plan(idea, two_measures))
    cycle = PdsaCycle.objects.get()
    outsider = client_for(people["team_b_lead"])
    assert outsider.get(reverse("pdsa_detail", kwargs={"team": "team-a", "pk": cycle.pk})).status_code == 404
    assert outsider.get(reverse("pdsa_detail", kwargs={"team": "team-b", "pk": cycle.pk})).status_code == 404
