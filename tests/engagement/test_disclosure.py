"""Disclosure control (reliability.md §1a, the HES rule): 0 stays 0, 1-7 become *, the rest round to 5s."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whatmatters.disclosure import suppress, suppress_all


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),
        (1, "*"),
        (5, "*"),
        (7, "*"),
        (8, 10),
        (9, 10),
        (10, 10),
        (12, 10),
        (13, 15),
        (22, 20),
        (23, 25),
    ],
)
def test_it_applies_the_hes_rule(count: int, shown: int | str) -> None:
    assert suppress(count) == shown


@given(st.integers(min_value=8, max_value=10**9))
def test_counts_of_8_or_more_round_to_the_nearest_5_and_move_at_most_2(count: int) -> None:
    shown = suppress(count)
    assert isinstance(shown, int)
    assert shown % 5 == 0
    assert abs(shown - count) <= 2
    assert shown >= 10


@given(st.integers(min_value=1, max_value=7))
def test_small_counts_are_always_hidden(count: int) -> None:
    assert suppress(count) == "*"


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_it_never_reverses_the_order_of_two_shown_counts(a: int, b: int) -> None:
    sa, sb = suppress(a), suppress(b)
    if isinstance(sa, int) and isinstance(sb, int) and a <= b:
        assert sa <= sb


@given(st.lists(st.integers(min_value=0, max_value=1000)))
def test_suppress_all_is_suppress_on_each(counts: list[int]) -> None:
    assert suppress_all(counts) == [suppress(c) for c in counts]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_it_refuses_what_is_not_a_count(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        suppress(bad)  # type: ignore[arg-type]


def test_the_module_is_pure() -> None:
    import ast
    from pathlib import Path

    import whatmatters.disclosure as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert "django" not in imported
