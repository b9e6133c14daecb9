"""Dot voting in the room and through the public link. Results are split - service users and carers, staff,
others - and the splits add up to the combined count.
Counts shown outside the team are disclosure-controlled.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.engagement.conftest import url
from whatmatters.engagement import actions, presenters
from whatmatters.engagement.models import Vote
from whatmatters.teams.roles import Role


def themes(programme: Any) -> tuple[Any, Any]:
    return (
        actions.create_theme(programme.team_a, "Knowing what happens while I wait"),
        actions.create_theme(programme.team_a, "Seeing the same worker"),
    )


def test_room_dots_are_entered_by_relationship_and_the_splits_add_up(
    session: Any, programme: Any, people: dict, client_for: Any
) -> None:
    wait, worker = themes(programme)
    client = client_for(people[Role.EXPERT_BY_EXPERIENCE])
    response = client.post(
        url("room_votes", pk=session.pk),
        {
            f"dots_{wait.pk}_service_user": "6",
            f"dots_{wait.pk}_carer": "3",
            f"dots_{wait.pk}_staff": "1",
            f"dots_{worker.pk}_staff": "9",
            f"dots_{worker.pk}_manager": "2",
            f"dots_{worker.pk}_other": "1",
        },
    )
    assert response.status_code == 302
    results = {r.theme.pk: r for r in presenters.vote_results([wait, worker], session.votes.all())}
    assert (results[wait.pk].people, results[wait.pk].staff, results[wait.pk].combined) == (9, 1, 10)
    assert (results[worker.pk].people, results[worker.pk].staff, results[worker.pk].other) == (0, 11, 1)
    for r in results.values():
        assert r.people + r.staff + r.other == r.combined
    # Staff put more dots on "worker" overall, but service users and carers ranked "wait" first.
    assert results[wait.pk].rank_people == 1 and results[worker.pk].rank_combined == 1
    page = client.get(url("session_results", pk=session.pk)).content.decode()
    assert page.index("Knowing what happens while I wait") < page.index("Seeing the same worker")


def test_a_person_votes_online_with_their_dots(session: Any, programme: Any, client: Any) -> None:
    wait, worker = themes(programme)
    session.dots_per_person = 3
    session.save()
    vote = reverse("engagement_public_vote", kwargs={"code": session.code})
    assert "You have 3 dots" in client.get(vote).content.decode()
    response = client.post(
        vote, {"relationship": "service_user", f"dots_{wait.pk}": "2", f"dots_{worker.pk}": "1"}
    )
    assert response.status_code == 302
    assert sorted(Vote.objects.values_list("dots", "channel", "relationship")) == [
        (1, "online", "service_user"),
        (2, "online", "service_user"),
    ]
    assert len(set(Vote.objects.values_list("ballot", flat=True))) == 1


def test_too_many_dots_or_no_relationship_is_refused_with_a_clear_message(
    session: Any, programme: Any, client: Any
) -> None:
    wait, worker = themes(programme)
    vote = reverse("engagement_public_vote", kwargs={"code": session.code})
    response = client.post(vote, {"relationship": "carer", f"dots_{wait.pk}": "3", f"dots_{worker.pk}": "2"})
    assert response.status_code == 400
    assert "You have 3 dots. You used 5: take some off" in response.content.decode()
    response = client.post(vote, {f"dots_{wait.pk}": "1"})
    assert "Choose how you are connected to the service" in response.content.decode()
    assert Vote.objects.count() == 0


def test_public_results_go_through_disclosure_control(session: Any, programme: Any, client: Any) -> None:
    wait, worker = themes(programme)
    Vote.objects.create(session=session, theme=wait, relationship="service_user", dots=12)
    Vote.objects.create(session=session, theme=worker, relationship="staff", dots=3)
    text = client.get(reverse("engagement_public_voted", kwargs={"code": session.code})).content.decode()
    assert "</span>10</td>" in text  # 12 rounds to 10
    assert "</span>*</td>" in text  # 3 is hidden
    assert "</span>12</td>" not in text and "</span>3</td>" not in text


def test_online_votes_are_rate_limited_per_address(
    session: Any, programme: Any, client: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_RATE_LIMIT = 1
    wait, _ = themes(programme)
    vote = reverse("engagement_public_vote", kwargs={"code": session.code})
    data = {"relationship": "carer", f"dots_{wait.pk}": "1"}
    assert client.post(vote, data, REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post(vote, data, REMOTE_ADDR="192.0.2.1").status_code == 429
