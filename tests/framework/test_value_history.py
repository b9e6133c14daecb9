"""Every saved change of a value keeps who, when, how and the numbers before and after, on every route."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from whatmatters.framework.measures.values import Row, Source, history, write_values
from whatmatters.framework.models import ValueChange
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db
MARCH = dt.date(2024, 3, 1)


def test_a_typed_value_then_an_import_leave_two_changes_with_old_and_new(
    plan: dict[str, Any], people: dict[str, Any]
) -> None:
    staff = people[Role.STAFF]
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.TYPED, by=staff)
    write_values([Row(plan["wait"], MARCH, value=66)], source=Source.IMPORT, by=staff, import_ref="upload 7")
    changes = list(ValueChange.objects.filter(measure=plan["wait"]).order_by("at", "pk"))
    assert [(c.action, c.source, c.old_value, c.new_value) for c in changes] == [
        ("create", "typed", None, 68),
        ("replace", "import", 68, 66),
    ]
    assert changes[1].import_ref == "upload 7" and changes[1].by == staff


def test_saving_the_same_number_again_adds_no_history(plan: dict[str, Any]) -> None:
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.TYPED)
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.IMPORT)
    assert ValueChange.objects.count() == 1


def test_a_dry_run_adds_no_history(plan: dict[str, Any]) -> None:
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.IMPORT, dry_run=True)
    assert ValueChange.objects.count() == 0


def test_the_history_in_words_says_how_and_old_and_new(plan: dict[str, Any], people: dict[str, Any]) -> None:
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.GRID, by=people[Role.STAFF])
    write_values([Row(plan["wait"], MARCH, value=66)], source=Source.IMPORT, import_ref="upload 7")
    newest, oldest = history(plan["wait"])[MARCH]
    assert (newest.how, newest.action, newest.old, newest.new) == ("Upload 7", "Replaced", "68", "66")
    assert oldest.how.startswith("Typed in the data grid") and oldest.action == "Added"


def test_the_measure_page_shows_a_history_for_each_value(
    plan: dict[str, Any], people: dict[str, Any], client_for: Any
) -> None:
    write_values([Row(plan["wait"], MARCH, value=68)], source=Source.TYPED, by=people[Role.STAFF])
    write_values([Row(plan["wait"], MARCH, value=66)], source=Source.IMPORT, import_ref="upload 7")
    page = client_for(people[Role.STAFF]).get(
        reverse("measure_detail", kwargs={"team": "team-a", "pk": plan["wait"].pk})
    )
    text = page.content.decode()
    assert "<details" in text and "History" in text
    assert "Upload 7. Replaced: 68 → 66" in text
    assert "Typed on the form" in text
