"""Suggested themes are computed once, stored, and decided one by one: accept, rename and accept, merge or
reject. Nothing moves on the theming board until a person decides, and every decision is recorded."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engagement.conftest import url
from tests.engagement.suggested_themes import EMPTY_ANSWERS, THREE_GROUPS
from whatmatters.engagement import actions
from whatmatters.engagement.models import (
    EngagementSession,
    Placement,
    SuggestedCard,
    Theme,
    ThemeSuggestion,
)
from whatmatters.teams.roles import Role

TEXTS = [*THREE_GROUPS, *EMPTY_ANSWERS]


@pytest.fixture
def cards(say: Any) -> list[Any]:
    return [say(text) for text in TEXTS]


@pytest.fixture
def staff(people: dict, client_for: Any) -> Any:
    return client_for(people[Role.STAFF])


def suggested(staff: Any) -> list[ThemeSuggestion]:
    assert staff.post(url("theme_suggest")).status_code == 302
    return list(ThemeSuggestion.objects.undecided())


def decide(staff: Any, suggestion: ThemeSuggestion, decision: str, name: str = "") -> Any:
    return staff.post(url("theme_suggestion_decide", pk=suggestion.pk), {"decision": decision, "name": name})


def test_the_page_offers_to_suggest_themes_and_moves_nothing_by_itself(cards: list, staff: Any) -> None:
    text = staff.get(url("theme_suggest")).content.decode()
    assert "11 cards are not in a theme yet." in text
    assert "Suggest themes</button>" in text
    assert ThemeSuggestion.objects.count() == 0
    assert Theme.objects.count() == 0


def test_suggestions_are_computed_once_and_read_back_on_every_view(
    cards: list, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import whatmatters.text.themes as themes

    calls = []
    real = themes.suggest_themes

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(themes, "suggest_themes", counted)
    response = staff.post(url("theme_suggest"), follow=True)
    assert "Nothing is on the board until you accept a group." in response.content.decode()
    for _ in range(3):
        text = staff.get(url("theme_suggest")).content.decode()
        assert "Group 1:" in text
        assert "The most typical cards in this group:" in text
    assert len(calls) == 1
    assert Theme.objects.count() == 0 and Placement.objects.count() == 0


def test_stored_suggestions_keep_their_cards_typical_cards_and_empty_answers_apart(
    cards: list, staff: Any
) -> None:
    stored = suggested(staff)
    assert {c.statement_id for s in stored for c in s.cards.filter(is_also=False)} == {c.pk for c in cards}
    empty = [s for s in stored if s.is_empty]
    assert len(empty) == 1
    assert set(empty[0].cards.values_list("statement__text", flat=True)) == {"nothing", "n/a"}
    assert all(s.cards.filter(is_typical=True).exists() for s in stored)
    text = staff.get(url("theme_suggest")).content.decode()
    assert "These cards say nothing to put in a theme" in text


def test_accepting_a_suggestion_makes_a_theme_with_its_cards_and_records_who_and_when(
    cards: list, staff: Any, people: dict
) -> None:
    suggestion = next(s for s in suggested(staff) if not s.is_empty)
    expected = set(suggestion.cards.values_list("statement_id", flat=True))
    response = decide(staff, suggestion, "accept")
    assert response.status_code == 302
    theme = Theme.objects.get()
    assert theme.name == suggestion.label
    assert set(theme.statements.values_list("pk", flat=True)) == expected
    suggestion.refresh_from_db()
    assert suggestion.status == ThemeSuggestion.Status.ACCEPTED
    assert suggestion.decided_by == people[Role.STAFF]
    assert suggestion.decided_at is not None
    assert suggestion.theme == theme and suggestion.decided_name == theme.name
    page = staff.get(url("theme_suggest")).content.decode()
    assert f"Theme “{theme.name}” added with {len(expected)} cards." in page
    assert f'id="suggestion-{suggestion.pk}"' not in page


def test_accepting_places_the_also_cards_too_since_a_card_can_carry_two_themes(
    cards: list, staff: Any, session: EngagementSession
) -> None:
    suggestion = suggested(staff)[0]
    also = cards[7]
    SuggestedCard.objects.filter(suggestion=suggestion, statement=also).delete()
    SuggestedCard.objects.create(suggestion=suggestion, statement=also, is_also=True, position=99)
    decide(staff, suggestion, "accept")
    theme = Theme.objects.get()
    assert also in theme.statements.all()


def test_rename_and_accept_uses_the_new_name(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    decide(staff, suggestion, "rename", "  Knowing   what is happening while I wait ")
    theme = Theme.objects.get()
    assert theme.name == "Knowing what is happening while I wait"
    suggestion.refresh_from_db()
    assert suggestion.decided_name == theme.name and suggestion.status == "accepted"


def test_accepting_into_a_theme_of_the_same_name_adds_the_cards_there_and_makes_no_duplicate(
    cards: list, staff: Any, programme: Any
) -> None:
    mine = actions.create_theme(programme.team_a, "Waiting", [cards[0]])
    suggestion = suggested(staff)[0]
    response = decide(staff, suggestion, "rename", "waiting")
    assert response.status_code == 302
    assert Theme.objects.count() == 1
    placed = set(suggestion.cards.values_list("statement_id", flat=True)) | {cards[0].pk}
    assert set(mine.statements.values_list("pk", flat=True)) == placed
    suggestion.refresh_from_db()
    assert suggestion.theme == mine
    page = staff.get(url("theme_suggest")).content.decode()
    assert "added to the theme “Waiting”, which you already had." in page


def test_the_page_says_when_a_suggested_name_is_already_a_theme(
    cards: list, staff: Any, programme: Any
) -> None:
    suggestion = suggested(staff)[0]
    actions.create_theme(programme.team_a, suggestion.label.upper())
    text = staff.get(url("theme_suggest")).content.decode()
    assert "You already have a theme called" in text


def test_rejecting_a_suggestion_removes_it_and_places_nothing(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    response = decide(staff, suggestion, "reject")
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == ThemeSuggestion.Status.REJECTED and suggestion.decided_by is not None
    assert Theme.objects.count() == 0 and Placement.objects.count() == 0
    page = staff.get(url("theme_suggest")).content.decode()
    assert f"Group “{suggestion.label}” rejected. No cards moved." in page
    assert f'id="suggestion-{suggestion.pk}"' not in page


def test_merging_two_or_more_suggestions_joins_their_cards_in_the_first_still_to_be_decided(
    cards: list, staff: Any
) -> None:
    stored = suggested(staff)
    assert len(stored) >= 3
    first, second, third = stored[:3]
    expected = {c for s in (first, second, third) for c in s.cards.values_list("statement_id", flat=True)}
    response = staff.post(url("theme_suggestion_merge"), {"suggestions": [third.pk, first.pk, second.pk]})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#suggestion-{first.pk}")
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == ThemeSuggestion.Status.UNDECIDED
    assert second.status == third.status == ThemeSuggestion.Status.MERGED
    assert second.merged_into == third.merged_into == first
    assert set(first.cards.values_list("statement_id", flat=True)) == expected
    assert Theme.objects.count() == 0  # nothing on the board yet
    decide(staff, first, "accept")
    assert set(Theme.objects.get().statements.values_list("pk", flat=True)) == expected


def test_a_rename_without_a_name_says_what_to_do_and_saves_nothing(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    response = decide(staff, suggestion, "rename", "   ")
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter a new name for the theme" in text
    assert f'href="#name-{suggestion.pk}"' in text
    suggestion.refresh_from_db()
    assert suggestion.status == ThemeSuggestion.Status.UNDECIDED and Theme.objects.count() == 0


def test_a_name_that_is_too_long_is_refused(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    response = decide(staff, suggestion, "rename", "x" * 201)
    assert response.status_code == 400
    assert "The name must be 200 characters or fewer" in response.content.decode()
    assert Theme.objects.count() == 0


def test_an_unknown_decision_is_refused_with_a_message(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    response = decide(staff, suggestion, "delete everything")
    assert response.status_code == 400
    assert "Choose to accept, rename or reject the group" in response.content.decode()


def test_merging_needs_at_least_two_groups(cards: list, staff: Any) -> None:
    stored = suggested(staff)
    response = staff.post(url("theme_suggestion_merge"), {"suggestions": [stored[0].pk]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose at least 2 groups to merge" in text
    assert (
        f'id="merge-{stored[0].pk}" name="suggestions" type="checkbox" value="{stored[0].pk}" checked' in text
    )
    assert not ThemeSuggestion.objects.filter(status="merged").exists()


def test_a_group_already_decided_is_not_decided_twice(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    decide(staff, suggestion, "reject")
    response = decide(staff, suggestion, "accept")
    assert response.status_code == 302
    assert Theme.objects.count() == 0
    text = staff.get(url("theme_suggest")).content.decode()
    assert "Someone has already decided that group, so nothing changed." in text


def test_new_cards_since_are_announced_and_suggesting_again_replaces_only_the_undecided(
    cards: list, staff: Any, say: Any
) -> None:
    stored = suggested(staff)
    decide(staff, stored[0], "reject")
    assert "arrived since" not in staff.get(url("theme_suggest")).content.decode()
    say("Parking at the clinic is hard to find")
    text = staff.get(url("theme_suggest")).content.decode()
    assert "1 card has arrived since these suggestions were made." in text
    assert "Suggest again</button>" in text
    again = suggested(staff)
    assert not ThemeSuggestion.objects.filter(pk__in=[s.pk for s in stored[1:]]).exists()
    assert ThemeSuggestion.objects.filter(pk=stored[0].pk, status="rejected").exists()
    assert again and all(s.pk not in {t.pk for t in stored} for s in again)
    assert "arrived since" not in staff.get(url("theme_suggest")).content.decode()


def test_another_teams_suggestion_is_refused(cards: list, staff: Any, programme: Any) -> None:
    theirs = ThemeSuggestion.objects.create(team=programme.team_b, label="Team B group")
    mine = suggested(staff)
    assert decide(staff, theirs, "accept").status_code == 404
    assert staff.get(url("theme_suggestion_cards", pk=theirs.pk)).status_code == 404
    response = staff.post(url("theme_suggestion_merge"), {"suggestions": [mine[0].pk, theirs.pk]})
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.status == ThemeSuggestion.Status.UNDECIDED
    assert Theme.objects.count() == 0
    assert "Team B group" not in staff.get(url("theme_suggest")).content.decode()


def test_a_viewer_may_read_the_board_but_not_decide_suggestions(
    cards: list, staff: Any, people: dict, client_for: Any
) -> None:
    suggestion = suggested(staff)[0]
    viewer = client_for(people[Role.VIEWER])
    assert decide(viewer, suggestion, "accept").status_code == 403
    assert viewer.post(url("theme_suggest")).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == ThemeSuggestion.Status.UNDECIDED


def test_programme_wide_suggestions_work_the_same_way(people: dict, client_for: Any) -> None:
    from datetime import date

    from django.urls import reverse

    session = EngagementSession.objects.create(
        team=None, title="Programme day", held_on=date(2025, 6, 3), hold_every_answer=False
    )
    for text in TEXTS:
        actions.arrive(session, text, relationship="service_user")
    admin = client_for(people[Role.ADMIN])
    assert admin.post(reverse("programme_theme_suggest")).status_code == 302
    suggestion = ThemeSuggestion.objects.filter(team__isnull=True).first()
    assert suggestion is not None
    assert "Group 1:" in admin.get(reverse("programme_theme_suggest")).content.decode()
    response = admin.post(
        reverse("programme_theme_suggestion_decide", kwargs={"pk": suggestion.pk}),
        {"decision": "rename", "name": "Waiting"},
    )
    assert response.status_code == 302
    assert Theme.objects.get(team__isnull=True).name == "Waiting"


def test_a_person_can_start_from_the_library_of_mental_health_themes(
    cards: list, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import whatmatters.text.themes as themes

    seeds = []
    real = themes.suggest_themes

    def recorded(*args: Any, **kwargs: Any) -> Any:
        seeds.append(kwargs.get("seeds"))
        return real(*args, **kwargs)

    monkeypatch.setattr(themes, "suggest_themes", recorded)
    assert (
        "Start from common themes in mental-health services"
        in staff.get(url("theme_suggest")).content.decode()
    )
    staff.post(url("theme_suggest"))
    staff.post(url("theme_suggest"), {"seeds": "yes"})
    assert seeds == [False, True]
    assert ThemeSuggestion.objects.undecided().exists()


def test_decisions_are_in_the_audit_log_without_the_words_of_the_statements(cards: list, staff: Any) -> None:
    import json

    from whatmatters.audit.models import AuditEvent

    suggestion = suggested(staff)[0]
    decide(staff, suggestion, "reject")
    events = AuditEvent.objects.filter(object_type="engagement.themesuggestion", object_id=str(suggestion.pk))
    assert set(events.values_list("action", flat=True)) >= {"create", "update"}
    assert any(e.changes.get("status") for e in events)
    for event in events:
        assert suggestion.label not in json.dumps(event.changes) + event.object_repr + event.summary


def test_a_big_group_lists_its_typical_cards_and_a_few_more_and_counts_the_rest(
    say: Any, staff: Any, programme: Any
) -> None:
    from whatmatters.engagement.views import SHOWN_CARDS

    statements = [say(f"Waiting {n} weeks for a first appointment") for n in range(SHOWN_CARDS + 13)]
    suggestion = ThemeSuggestion.objects.create(team=programme.team_a, label="Waiting weeks")
    SuggestedCard.objects.bulk_create(
        SuggestedCard(suggestion=suggestion, statement=s, position=n, is_typical=n < 3)
        for n, s in enumerate(statements)
    )
    text = staff.get(url("theme_suggest")).content.decode()
    assert f"{SHOWN_CARDS + 13} cards" in text
    assert "And 10 more." in text
    assert text.count("<li>Waiting ") == 3 + SHOWN_CARDS
    assert f"Waiting {SHOWN_CARDS + 3} weeks" not in text


def test_a_person_can_untick_cards_that_do_not_belong_before_accepting(cards: list, staff: Any) -> None:
    suggestion = next(s for s in suggested(staff) if s.cards.count() >= 2)
    ids = list(suggestion.cards.order_by("position").values_list("statement_id", flat=True))
    text = staff.get(url("theme_suggestion_cards", pk=suggestion.pk)).content.decode()
    assert f"Choose the cards for group {suggestion.position}" in text
    assert text.count('name="statements"') == len(ids) and text.count("checked") >= len(ids)
    response = staff.post(
        url("theme_suggestion_cards", pk=suggestion.pk), {"name": "Knowing the wait", "statements": ids[:1]}
    )
    assert response.status_code == 302
    theme = Theme.objects.get()
    assert theme.name == "Knowing the wait"
    assert list(theme.statements.values_list("pk", flat=True)) == ids[:1]
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"


def test_choosing_no_card_or_another_card_is_refused_with_a_message(
    cards: list, staff: Any, programme: Any
) -> None:
    suggestion = suggested(staff)[0]
    other = next(c for c in cards if not suggestion.cards.filter(statement=c).exists())
    address = url("theme_suggestion_cards", pk=suggestion.pk)
    none = staff.post(address, {"name": "Waiting"})
    assert none.status_code == 400 and "Choose at least 1 card" in none.content.decode()
    foreign = staff.post(address, {"name": "Waiting", "statements": [other.pk]})
    assert foreign.status_code == 400 and "Choose cards from the list" in foreign.content.decode()
    blank = staff.post(address, {"name": "  ", "statements": [suggestion.cards.first().statement_id]})
    assert blank.status_code == 400 and "Enter a name for the theme" in blank.content.decode()
    assert Theme.objects.count() == 0
    suggestion.refresh_from_db()
    assert suggestion.status == "undecided"


def test_the_card_chooser_of_a_decided_group_sends_the_person_back(cards: list, staff: Any) -> None:
    suggestion = suggested(staff)[0]
    decide(staff, suggestion, "reject")
    response = staff.get(url("theme_suggestion_cards", pk=suggestion.pk), follow=True)
    assert "Someone has already decided that group, so nothing changed." in response.content.decode()


def test_the_page_reads_the_same_few_queries_however_many_groups_there_are(
    say: Any, staff: Any, programme: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def groups(n: int) -> int:
        ThemeSuggestion.objects.all().delete()
        for number in range(1, n + 1):
            suggestion = ThemeSuggestion.objects.create(
                team=programme.team_a, position=number, label=f"Group about {number}"
            )
            for k in range(3):
                SuggestedCard.objects.create(
                    suggestion=suggestion, statement=say(f"Card {k} about {number}"), is_typical=k == 0
                )
        staff.get(url("theme_suggest"))  # sessions and caches warm
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url("theme_suggest")).status_code == 200
        return len(queries)

    few, many = groups(2), groups(12)
    assert few == many
    assert many <= 20
