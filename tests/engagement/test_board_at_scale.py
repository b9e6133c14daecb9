"""The theming board holds 5,000 cards: one page of 50 cards at a time, every page under 300 KB; themes
shown as counts that link to their cards; filters by theme, session, who said it, journey stage and words
kept in every link and across card moves; the same few queries however many cards there are."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.engagement import many_cards
from tests.engagement.conftest import url
from whatmatters.engagement import actions
from whatmatters.engagement.models import Placement, Theme
from whatmatters.teams.roles import Role

MAX_PAGE_BYTES = 300 * 1024
CARD_ID = re.compile(r'<li class="wm-card" id="card-(\d+)')


@pytest.fixture
def board(session: Any) -> dict[str, Any]:
    cards, themes = many_cards.make_cards(session, 5000)
    return {"cards": cards, "themes": themes, "n": {card.pk: n for n, card in enumerate(cards)}}


@pytest.fixture
def facilitator(people: dict, client_for: Any) -> Any:
    return client_for(people[Role.STAFF])


def get(client: Any, query: str = "") -> str:
    response = client.get(url("theme_board") + query)
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str) -> list[int]:
    return [int(pk) for pk in CARD_ID.findall(html)]


def every_card(client: Any, query: str) -> list[int]:
    """The cards of every page of a view, following the "Next" links as a person would."""
    found: list[int] = []
    html = get(client, query)
    for _ in range(200):
        found += shown(html)
        following = re.search(r'href="([^"]+)" rel="next"', html)
        if not following:
            return found
        html = get(client, "?" + urlsplit(following.group(1).replace("&amp;", "&")).query)
    raise AssertionError("the pages never end")


def test_every_page_of_a_board_of_5000_cards_is_under_300_kb(board: dict, facilitator: Any) -> None:
    views = ["", "all", "parked", *[str(t.pk) for t in board["themes"]]]
    sizes = {}
    for view in views:
        first = facilitator.get(url("theme_board"), {"theme": view})
        last = facilitator.get(url("theme_board"), {"theme": view, "page": "last"})
        sizes[view or "unsorted"] = max(len(first.content), len(last.content))
        assert len(shown(first.content.decode())) == 50
    filtered = facilitator.get(url("theme_board"), {"theme": "all", "stage": "waiting", "q": "ward"})
    sizes["filtered"] = len(filtered.content)
    print(f"largest board page: {max(sizes.values()):,} bytes; by view: {sizes}")
    assert max(sizes.values()) < MAX_PAGE_BYTES


def test_the_board_keeps_the_same_query_count_with_5_or_50_cards_on_a_page(
    board: dict, facilitator: Any, django_assert_max_num_queries: Any
) -> None:
    with CaptureQueriesContext(connection) as full:
        assert len(shown(get(facilitator, "?theme=all"))) == 50
    with CaptureQueriesContext(connection) as few:
        assert len(shown(get(facilitator, "?theme=all&q=Card+4999"))) == 1
    assert len(full.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(20):
        get(facilitator, "?theme=all&page=7")


def test_the_first_view_is_the_cards_not_in_a_theme_yet_with_every_theme_as_a_count(
    board: dict, facilitator: Any
) -> None:
    html = get(facilitator)
    n = board["n"]
    unsorted = [c.pk for c in board["cards"] if many_cards.theme_index_of(n[c.pk]) is None]
    unsorted = [pk for pk in unsorted if not many_cards.is_parked(n[pk])]
    assert f"Not in a theme yet ({len(unsorted):,})" in html
    assert shown(html) == unsorted[:50]
    assert len(unsorted) == 1875
    assert "Page 1 of 38: cards 1 to 50 of 1,875." in html
    for index, theme in enumerate(board["themes"]):
        expected = Placement.objects.filter(theme=theme).count()
        assert expected == sum(1 for c in board["cards"] if many_cards.theme_index_of(n[c.pk]) == index)
        link = f'<a href="/teams/team-a/what-matters/board/?theme={theme.pk}">{expected:,} cards'
        assert link in html
    assert "Parked to discuss: 125" in html and "All cards: 5,000" in html


def test_filters_find_the_right_cards_across_pages(board: dict, facilitator: Any) -> None:
    n = board["n"]
    waiting = board["themes"][0]
    query = f"?theme={waiting.pk}&relationship=carer&stage=treatment&q=ringing+WAIT"
    found = every_card(facilitator, query)
    expected = [
        c.pk
        for c in board["cards"]
        if many_cards.theme_index_of(n[c.pk]) == 0
        and many_cards.relationship_of(n[c.pk]) == "carer"
        and many_cards.stage_of(n[c.pk]) == "treatment"
    ]
    assert expected and found == expected
    # Every card of the theme's first phrase has the words; none of the others does.
    words = every_card(facilitator, "?theme=all&q=quiet+evenings&relationship=staff")
    assert words == [
        c.pk
        for c in board["cards"]
        if "quiet place" in many_cards.text_of(n[c.pk]) and many_cards.relationship_of(n[c.pk]) == "staff"
    ]
    assert len(words) > 50  # over more than one page


def test_theme_counts_follow_the_filters(board: dict, facilitator: Any) -> None:
    n = board["n"]
    html = get(facilitator, "?stage=leaving&relationship=service_user")
    for index, theme in enumerate(board["themes"]):
        expected = sum(
            1
            for c in board["cards"]
            if many_cards.theme_index_of(n[c.pk]) == index
            and many_cards.stage_of(n[c.pk]) == "leaving"
            and many_cards.relationship_of(n[c.pk]) == "service_user"
        )
        assert f"?theme={theme.pk}&amp;relationship=service_user&amp;stage=leaving" in html
        assert f">{expected:,} card{'s' if expected != 1 else ''}<" in html


def test_paging_links_keep_the_filters_and_wrong_page_numbers_are_safe(board: dict, facilitator: Any) -> None:
    html = get(facilitator, "?theme=all&stage=waiting")
    assert "Page 1 of 20: cards 1 to 50 of 1,000 that match the filters." in html
    assert (
        'href="/teams/team-a/what-matters/board/?theme=all&amp;stage=waiting&amp;page=2" rel="next"' in html
    )
    assert 'rel="prev"' not in html
    second = get(facilitator, "?theme=all&stage=waiting&page=2")
    assert 'href="/teams/team-a/what-matters/board/?theme=all&amp;stage=waiting" rel="prev"' in second
    assert set(shown(second)).isdisjoint(shown(html))
    assert "Page 20 of 20" in get(facilitator, "?theme=all&stage=waiting&page=999")
    assert "Page 1 of 20" in get(facilitator, "?theme=all&stage=waiting&page=abc")


def test_moving_a_card_comes_back_to_the_same_page_and_filters(board: dict, facilitator: Any) -> None:
    listened = board["themes"][1]
    html = get(facilitator, "?relationship=other&q=letters&page=2")
    card = shown(html)[0]
    assert '<input type="hidden" name="page" value="2">' in html
    form = {"statement": card, "to_theme": listened.pk, "action": "move"}
    kept = {"relationship": "other", "q": "letters", "page": "2"}
    response = facilitator.post(url("card_move"), {**form, **kept})
    assert response.status_code == 302
    where = urlsplit(response.url)
    assert where.path == url("theme_board")
    assert parse_qs(where.query) == {"relationship": ["other"], "q": ["letters"], "page": ["2"]}
    assert where.fragment == "cards"  # the card left this view: back to the list
    assert Placement.objects.filter(statement_id=card, theme=listened).exists()
    # In "All cards" the card is still shown after a move: the board comes back to it.
    again = facilitator.post(
        url("card_move"), {**form, "to_theme": board["themes"][2].pk, "action": "copy", "theme": "all"}
    )
    assert again.url.endswith(f"?theme=all#card-{card}")
    # A failed move keeps them too.
    wrong = facilitator.post(url("card_move"), {"statement": card, "action": "move", **kept})
    assert urlsplit(wrong.url).query == "relationship=other&q=letters&page=2"


def test_the_cards_of_a_theme_can_be_taken_out_and_the_board_comes_back_to_the_theme(
    board: dict, facilitator: Any
) -> None:
    theme = board["themes"][3]
    html = get(facilitator, f"?theme={theme.pk}&page=3")
    card = shown(html)[0]
    assert f'id="card-{card}-{theme.pk}"' in html and 'value="remove"' in html
    response = facilitator.post(
        url("card_move"),
        {"statement": card, "from_theme": theme.pk, "action": "remove", "theme": theme.pk, "page": "3"},
    )
    assert response.url.endswith(f"?theme={theme.pk}&page=3#cards")
    assert not Placement.objects.filter(statement_id=card, theme=theme).exists()


def test_a_wrong_filter_is_explained_and_the_other_filters_still_apply(
    board: dict, programme: Any, facilitator: Any
) -> None:
    theirs = actions.create_theme(programme.team_b, "Team B theme")
    html = get(facilitator, f"?theme={theirs.pk}&relationship=nobody&stage=leaving")
    assert "There is a problem" in html
    assert "Choose a theme from the list" in html and "Choose who said it from the list" in html
    assert "Team B theme" not in html
    assert "Not in a theme yet (" in html and "that match the filters" in html
    long = get(facilitator, "?q=" + "a" * 201)
    assert "Enter 200 characters or fewer to find words on the cards" in long


def test_viewers_page_through_the_board_without_the_move_forms(
    board: dict, people: dict, client_for: Any
) -> None:
    html = get(client_for(people[Role.VIEWER]), "?theme=all&page=3")
    assert len(shown(html)) == 50 and 'name="to_theme"' not in html


def test_a_theme_of_5000_cards_shows_its_first_50_and_links_to_its_pages_on_the_board(
    board: dict, programme: Any, facilitator: Any
) -> None:
    everything = actions.create_theme(programme.team_a, "Everything people said")
    Placement.objects.bulk_create(Placement(theme=everything, statement=card) for card in board["cards"])
    response = facilitator.get(url("theme_detail", pk=everything.pk))
    html = response.content.decode()
    assert len(response.content) < MAX_PAGE_BYTES
    assert "Cards (5,000)" in html and html.count('<li class="wm-card">') == 50
    assert f'href="/teams/team-a/what-matters/board/?theme={everything.pk}">See all 5,000 cards' in html
    on_the_board = facilitator.get(url("theme_board"), {"theme": everything.pk, "page": "100"})
    assert len(on_the_board.content) < MAX_PAGE_BYTES
    assert "Page 100 of 100: cards 4,951 to 5,000 of 5,000." in on_the_board.content.decode()


def test_made_up_board_fields_on_a_move_are_harmless(board: dict, facilitator: Any) -> None:
    card = board["cards"][3]
    response = facilitator.post(
        url("card_move"),
        {"statement": card.pk, "action": "park", "theme": "9" * 200, "page": "9" * 50, "q": "<script>"},
    )
    assert response.status_code == 302
    assert urlsplit(response.url).fragment == "cards"
    again = facilitator.get(response.url)
    assert again.status_code == 200 and "<script>" not in again.content.decode().split("</head>")[1]


def test_a_theme_of_5000_cards_is_split_by_finding_cards_by_their_words(
    board: dict, programme: Any, facilitator: Any
) -> None:
    n = board["n"]
    everything = actions.create_theme(programme.team_a, "Everything people said")
    Placement.objects.bulk_create(Placement(theme=everything, statement=card) for card in board["cards"])
    split = url("theme_split", pk=everything.pk)
    first = facilitator.get(split)
    assert len(first.content) < MAX_PAGE_BYTES
    assert "This theme has 5,000 cards. The list shows the first 200." in first.content.decode()
    assert first.content.decode().count('name="statements"') == 200
    found = facilitator.get(split, {"q": "quiet evenings"}).content.decode()
    quiet = [c.pk for c in board["cards"] if "quiet place" in many_cards.text_of(n[c.pk])]
    assert found.count('name="statements"') == 200 < len(quiet)
    assert "The list shows the cards with the words “quiet evenings”, the first 200 of them." in found
    moving = quiet[:3]
    response = facilitator.post(split, {"name": "A quiet place", "q": "quiet evenings", "statements": moving})
    assert response.status_code == 302
    new = Theme.objects.get(name="A quiet place")
    assert sorted(new.statements.values_list("pk", flat=True)) == moving
    assert everything.statements.count() == 5000 - 3
    # A card that is not in the theme is refused, and nothing is split.
    outside = facilitator.post(split, {"name": "Wrong", "statements": [new.statements.first().pk]})
    assert "Choose cards from this theme" in outside.content.decode()
    assert not Theme.objects.filter(name="Wrong").exists()
