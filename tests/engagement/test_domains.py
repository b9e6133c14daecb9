"""Themes become quality domains in people's words; each domain traces back to its statements and votes;
popular themes with no domain are flagged as gaps; "You said, we did" shows approved, shared words only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.engagement.conftest import NHS_NUMBER, url
from whatmatters.disclosure import suppress
from whatmatters.engagement import actions
from whatmatters.engagement.models import Vote
from whatmatters.framework.models import Domain
from whatmatters.teams.roles import Role


def test_themes_are_promoted_to_a_domain_that_traces_back_to_what_people_said(
    say: Any, session: Any, programme: Any, people: dict, client_for: Any
) -> None:
    a = actions.create_theme(programme.team_a, "Knowing the wait", [say("How long will I wait?")])
    b = actions.create_theme(programme.team_a, "Updates", [say("A call while I wait", relationship="carer")])
    Vote.objects.create(session=session, theme=a, relationship="service_user", dots=4)
    client = client_for(people[Role.EXPERT_BY_EXPERIENCE])
    response = client.post(
        url("domain_promote"),
        {
            "i_statement": "I know what is happening while I wait",
            "description": "Waiting well",
            "themes": [a.pk, b.pk],
        },
    )
    domain = Domain.objects.get()
    assert response["Location"] == url("domain_trace", pk=domain.pk)
    assert domain.team == programme.team_a
    assert set(domain.themes.all()) == {a, b}
    text = client.get(url("domain_trace", pk=domain.pk)).content.decode()
    assert "How long will I wait?" in text and "A call while I wait" in text
    assert "2 statements in 2 themes" in text
    assert "Measures" in text


def test_gaps_are_popular_themes_with_no_domain(
    say: Any, session: Any, programme: Any, people: dict, client_for: Any, settings: Any
) -> None:
    settings.ENGAGEMENT_GAP_DOTS = 5
    popular = actions.create_theme(programme.team_a, "Parking at the clinic")
    quiet = actions.create_theme(programme.team_a, "Quiet theme")
    Vote.objects.create(session=session, theme=popular, relationship="carer", dots=6)
    Vote.objects.create(session=session, theme=quiet, relationship="carer", dots=1)
    text = client_for(people[Role.VIEWER]).get(url("domain_list")).content.decode()
    assert "Gaps: popular themes with no domain" in text
    assert "Parking at the clinic" in text and "Quiet theme" not in text


def test_you_said_we_did_is_public_and_shows_only_approved_shared_words(
    say: Any, programme: Any, people: dict, client: Any, client_for: Any
) -> None:
    shared = say("Someone rang me every month", consent_to_share=True)
    private = say("Private words about the wait")
    held = say(f"Ring about {NHS_NUMBER}", consent_to_share=True)
    theme = actions.create_theme(programme.team_a, "Updates", [shared, private, held])
    domain = actions.promote([theme], programme.team_a, "I know what is happening while I wait", "")
    client_for(people[Role.TEAM_LEAD]).post(
        reverse("domain_update_add", kwargs={"team": "team-a", "pk": domain.pk}),
        {"text": "We now ring monthly."},
    )
    response = client.get(reverse("you_said_we_did", kwargs={"team_slug": "team-a"}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "I know what is happening while I wait" in text
    assert "Someone rang me every month" in text
    assert "Private words" not in text and NHS_NUMBER not in text
    assert "We now ring monthly." in text
    assert suppress(2) == "*"  # 2 approved statements: a small number, not given
    assert "Fewer than 8 statements are about this." in text and "*" not in text


def test_another_teams_domain_is_not_found(programme: Any, people: dict, client_for: Any) -> None:
    theirs = Domain.objects.create(team=programme.team_b, i_statement="Team B's domain")
    assert client_for(people[Role.STAFF]).get(url("domain_trace", pk=theirs.pk)).status_code == 404


def test_a_domain_lists_the_measures_of_this_team_that_cover_it_with_links(
    say: Any, programme: Any, people: dict, client_for: Any
) -> None:
    from tests.framework.factories import make_measure

    theme = actions.create_theme(programme.team_a, "Knowing the wait", [say("How long will I wait?")])
    shared = actions.promote([theme], None, "I know what is happening while I wait", "")
    theme.domains.add(shared)
    ours = make_measure(programme.team_a, shared, "wait-days", name="Days waited for first help")
    make_measure(programme.team_b, shared, "wait-days", name="Team B's own wait measure")
    text = client_for(people[Role.TEAM_LEAD]).get(url("domain_trace", pk=shared.pk)).content.decode()
    assert "Days waited for first help" in text
    assert reverse("measure_detail", kwargs={"team": "team-a", "pk": ours.pk}) in text
    assert "Team B" not in text
    assert "1 statement in 1 theme." in text
