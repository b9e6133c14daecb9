"""Facilitators type in statements from paper quickly (one per line, who said them per batch) or import a
CSV file (all or nothing, with row-numbered errors). Both go through the personal-data check."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.engagement.conftest import NHS_NUMBER, url
from whatmatters.engagement.models import Statement
from whatmatters.teams.roles import Role


def test_quick_entry_adds_one_statement_per_line_with_the_batch_details(
    session: Any, people: dict, client_for: Any
) -> None:
    lines = f"Being believed\n\n  Knowing the plan  \nCall me on 07700 900123 or {NHS_NUMBER}\n"
    response = client_for(people[Role.STAFF]).post(
        url("statement_quick_entry", pk=session.pk),
        {"lines": lines, "relationship": "carer", "stage": "treatment", "consent": "on"},
    )
    assert response.status_code == 302
    assert "relationship=carer" in response["Location"]  # the next batch starts with the same choice
    statements = list(Statement.objects.order_by("pk"))
    assert [s.text for s in statements][:2] == ["Being believed", "Knowing the plan"]
    assert {(s.relationship, s.stage, s.consent_to_share, s.source) for s in statements} == {
        ("carer", "treatment", True, "facilitator")
    }
    assert [s.status for s in statements] == ["approved", "approved", "held"]


def test_quick_entry_needs_at_least_one_line(session: Any, people: dict, client_for: Any) -> None:
    response = client_for(people[Role.STAFF]).post(
        url("statement_quick_entry", pk=session.pk),
        {"lines": "\n \n", "relationship": "carer", "stage": "other"},
    )
    assert "Enter at least 1 statement" in response.content.decode()
    assert Statement.objects.count() == 0


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("statements.csv", text.encode(), content_type="text/csv")


def test_a_good_csv_imports_every_row(session: Any, people: dict, client_for: Any) -> None:
    csv = (
        "statement,relationship,stage,consent\n"
        "Someone to talk to at night,service_user,waiting,yes\n"
        '"Time, not rushing",staff,treatment,no\n'
        f"My NHS number is {NHS_NUMBER},carer,leaving,yes\n"
    )
    response = client_for(people[Role.EXPERT_BY_EXPERIENCE]).post(
        url("statement_import", pk=session.pk), {"file": upload(csv)}
    )
    assert response.status_code == 302
    rows = list(
        Statement.objects.order_by("pk").values_list("text", "relationship", "consent_to_share", "status")
    )
    assert rows[1] == ("Time, not rushing", "staff", False, "approved")
    assert rows[2][3] == "held"
    assert Statement.objects.filter(source="import").count() == 3


def test_a_csv_with_any_bad_row_imports_nothing_and_names_each_row(
    session: Any, people: dict, client_for: Any
) -> None:
    csv = (
        "statement,relationship,stage,consent\n"
        "Fine row,service_user,waiting,yes\n"
        ",carer,waiting,yes\n"
        "Bad relationship,cousin,waiting,maybe\n"
    )
    response = client_for(people[Role.STAFF]).post(
        url("statement_import", pk=session.pk), {"file": upload(csv)}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in text
    assert "statements.csv row 3, column &#39;statement&#39;: Enter the statement" in text
    assert "statements.csv row 4, column &#39;relationship&#39;: Relationship must be one of" in text
    assert "statements.csv row 4, column &#39;consent&#39;: Consent must be yes or no" in text
    assert Statement.objects.count() == 0


def test_a_csv_without_the_header_is_refused(session: Any, people: dict, client_for: Any) -> None:
    response = client_for(people[Role.STAFF]).post(
        url("statement_import", pk=session.pk), {"file": upload("hello,carer\n")}
    )
    text = response.content.decode()
    assert "statements.csv row 1, column &#39;statement&#39;: This column is missing" in text
    assert Statement.objects.count() == 0


def test_viewers_cannot_add_statements(session: Any, people: dict, client_for: Any) -> None:
    response = client_for(people[Role.VIEWER]).post(
        url("statement_quick_entry", pk=session.pk), {"lines": "x", "relationship": "carer", "stage": "other"}
    )
    assert response.status_code == 403
    assert Statement.objects.count() == 0
