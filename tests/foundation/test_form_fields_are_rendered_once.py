"""Form fields nobody has typed into are rendered once and reused (whatmatters.rendered_fields): the same HTML
as rendering afresh, a new rendering when anything the field shows changes, and nothing a person typed, nor
any field with an error, ever kept."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.template import engines

from whatmatters import rendered_fields


class Form(forms.Form):
    how = forms.ChoiceField(
        label="How are things?",
        help_text="Choose one",
        choices=[("better", "Better"), ("same", "The same"), ("worse", "Worse")],
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label="Your email address", required=False)
    agree = forms.BooleanField(label="I agree", required=False)


@pytest.fixture(autouse=True)
def empty_store() -> Any:
    rendered_fields.forget()
    yield
    rendered_fields.forget()


def render(field: Any, fresh: bool = False) -> str:
    """The field through forms.jinja's `field` macro; `fresh`: with the store emptied first, so it renders."""
    if fresh:
        rendered_fields.forget()
    template = engines["jinja2"].env.from_string('{% import "forms.jinja" as forms %}{{ forms.field(f) }}')
    return template.render(f=field)


def kept() -> list[tuple]:
    return list(rendered_fields._kept)


def test_a_field_nobody_typed_into_is_kept_and_shows_the_same_html_as_rendering_afresh() -> None:
    form = Form()
    first = render(form["how"], fresh=True)
    assert len(kept()) == 1
    assert render(form["how"]) == first  # from the store
    assert 'value="worse"' in first and "How are things?" in first and "Choose one" in first


def test_a_chosen_answer_is_its_own_rendering_with_that_answer_checked() -> None:
    nothing = render(Form()["how"])
    chosen = render(Form({"how": "worse"})["how"])
    assert len(kept()) == 2
    assert chosen != nothing and 'value="worse" checked' in chosen and 'value="worse" checked' not in nothing
    assert chosen == render(Form({"how": "worse"})["how"], fresh=True)


def test_a_changed_label_or_choice_renders_afresh() -> None:
    render(Form()["how"])
    form = Form()
    form.fields["how"].label = "How have things been this week?"
    form.fields["how"].choices = [("better", "Better"), ("worse", "Worse")]
    page = render(form["how"])
    assert "How have things been this week?" in page and "The same" not in page


def test_words_a_person_typed_are_never_kept() -> None:
    page = render(Form({"email": "someone@example.com"})["email"])
    assert 'value="someone@example.com"' in page
    assert kept() == []
    render(Form()["email"])  # the empty box is kept
    assert len(kept()) == 1 and not any("someone@example.com" in str(part) for part in kept()[0])


def test_a_field_with_an_error_is_never_kept() -> None:
    form = Form({"how": "not-a-choice", "email": "not an address"})
    assert not form.is_valid()
    page = render(form["how"]) + render(form["email"])
    assert "Select a valid choice" in page and "Enter a valid email address" in page
    assert kept() == []


def test_the_store_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendered_fields, "LIMIT", 2)
    for label in ("One", "Two", "Three"):
        form = Form()
        form.fields["agree"].label = label
        render(form["agree"])
    assert [entry[4] for entry in kept()] == ["Two", "Three"]
