"""The statement CSV import holds against bad input.

A file that cannot be read as statements is refused whole: nothing is saved, and every message names the
file, the row (the header is row 1) and the column where there is one. What can be read is cleaned
(control and invisible characters removed) and every statement then arrives like any other: personal data,
words that may mean risk, or words a spreadsheet would run as a formula hold it for a moderator.
"""

from __future__ import annotations

import html
import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from whatmatters.engagement import actions
from whatmatters.engagement.models import EngagementSession, Statement
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

HEADER = "statement,relationship,stage,consent\n"
NHS_NUMBER = "943 476 5919"  # passes the modulus-11 check


@pytest.fixture
def session(programme: Any) -> EngagementSession:
    return EngagementSession.objects.create(
        team=programme.team_a, title="What matters day", held_on=date(2025, 6, 3), hold_every_answer=False
    )


@pytest.fixture
def send(session: EngagementSession, people: dict, client_for: Any) -> Any:
    """send(bytes, name) -> (status code, the page's words with HTML entities read back)."""
    client = client_for(people[Role.STAFF])

    def post(data: bytes, name: str = "statements.csv") -> tuple[int, str]:
        response = client.post(
            f"/teams/team-a/what-matters/sessions/{session.pk}/import/",
            {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        )
        return response.status_code, html.unescape(response.content.decode())

    return post


def refused(send: Any, data: bytes, *wheres: str, name: str = "statements.csv") -> str:
    """Post the file; it must be refused, with each `where` (and reason) on the page and nothing saved."""
    before = Statement.objects.count()
    status, page = send(data, name)
    assert status == 400, page[:2000]
    assert "Nothing was imported" in page
    for where in wheres:
        assert where in page, f"{where!r} is not on the page"
    assert Statement.objects.count() == before
    return page


def imported(send: Any, data: bytes, name: str = "statements.csv") -> list[Statement]:
    before = set(Statement.objects.values_list("pk", flat=True))
    status, page = send(data, name)
    assert status == 302, page[:3000]
    return list(Statement.objects.exclude(pk__in=before).order_by("pk"))


def rows(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


# --- The faults the probe found -------------------------------------------------------------------------


def test_an_unmatched_quote_that_swallows_the_next_line_is_refused_with_its_row(send: Any) -> None:
    data = rows('"Being believed,carer,waiting,yes', 'Knowing the plan",staff,waiting,no')
    page = refused(send, data, "statements.csv row 2, column 'statement': This cell runs over more than one")
    assert 'a quote (") is not closed' in page


def test_an_unmatched_quote_that_runs_to_the_end_of_the_file_is_refused_with_its_row(send: Any) -> None:
    data = rows("Fine,carer,waiting,yes", '"Never closed,carer,waiting,yes', "Next,staff,waiting,no")
    refused(send, data, 'statements.csv row 3: A quote (") opened on this row is never closed.')


def test_a_nul_byte_is_removed_and_never_stored(send: Any) -> None:
    (statement,) = imported(send, rows("Being\x00 believed,carer,waiting,yes"))
    assert statement.text == "Being believed"
    assert "\x00" not in statement.text


@pytest.mark.parametrize(
    "payload",
    ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x")', "+1+1", "-1+1", "@SUM(A1)", "|calc", "%0A=1"],
)
def test_a_statement_a_spreadsheet_would_run_as_a_formula_is_stored_but_held(send: Any, payload: str) -> None:
    quoted = '"' + payload.replace('"', '""') + '"'
    (statement,) = imported(send, rows(f"{quoted},carer,waiting,yes"))
    assert statement.text == payload
    assert statement.status == Statement.Status.HELD
    assert {"kind": "formula", "start": 0, "end": 1} in statement.findings


def test_a_tab_before_a_formula_does_not_hide_it(send: Any) -> None:
    (statement,) = imported(send, rows('"\t=1+1",carer,waiting,yes'))
    assert statement.text == "=1+1"
    assert statement.status == Statement.Status.HELD


# --- Every imported statement gets the arrival check ---------------------------------------------------


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        (f"My NHS number is {NHS_NUMBER}", "nhs_number"),
        ("My NHS number is 943-476-5919", "nhs_number"),
        ("Email me at jo.bloggs@example.com", "email"),
        ("Ring me on 07700 900123", "phone"),
        ("My name is John Smith", "name"),
        ("I live at SW1A 1AA", "postcode"),
    ],
)
def test_an_imported_statement_with_personal_data_is_held_never_approved(
    send: Any, words: str, kind: str
) -> None:
    (statement,) = imported(send, rows(f'"{words}",service_user,waiting,yes'))
    assert statement.status == Statement.Status.HELD
    assert kind in statement.finding_kinds
    assert statement.source == Statement.Source.IMPORT


def test_an_nhs_number_split_by_zero_width_spaces_is_still_found(send: Any) -> None:
    hidden = "\u200b".join(NHS_NUMBER.replace(" ", ""))
    (statement,) = imported(send, rows(f"My number is {hidden},carer,waiting,yes"))
    assert statement.text == "My number is 9434765919"
    assert statement.status == Statement.Status.HELD


def test_an_email_with_a_soft_hyphen_inside_is_still_found(send: Any) -> None:
    (statement,) = imported(send, rows("Write to jo@exa\u00admple.com,carer,waiting,yes"))
    assert statement.status == Statement.Status.HELD and "email" in statement.finding_kinds


def test_words_that_may_mean_risk_hold_an_imported_statement_and_raise_an_alert(send: Any) -> None:
    from whatmatters.safety.models import Alert

    (statement,) = imported(send, rows("I want to end my life,service_user,waiting,no"))
    assert statement.status == Statement.Status.HELD
    assert Alert.objects.filter(statement=statement).exists()


def test_when_the_session_holds_every_answer_clean_imported_statements_wait_for_a_person(
    send: Any, session: EngagementSession
) -> None:
    session.hold_every_answer = True
    session.save()
    (statement,) = imported(send, rows("Being believed,carer,waiting,yes"))
    assert statement.status == Statement.Status.PENDING


def test_a_clean_statement_is_approved_when_the_session_does_not_hold_every_answer(send: Any) -> None:
    (statement,) = imported(send, rows("Being believed,carer,waiting,yes"))
    assert statement.status == Statement.Status.APPROVED


def test_the_moderator_sees_why_a_formula_was_held_and_a_suggestion_without_it(
    send: Any, people: dict, client_for: Any
) -> None:
    imported(send, rows('"=SUM(1,2) is how I feel",carer,waiting,yes'))
    page = html.unescape(
        client_for(people[Role.EXPERT_BY_EXPERIENCE])
        .get("/teams/team-a/what-matters/moderation/")
        .content.decode()
    )
    assert "may contain: a spreadsheet formula (it starts with = + - or @)" in page
    assert ">SUM(1,2) is how I feel</textarea>" in page


def test_the_success_message_says_how_many_wait_for_a_moderator(
    session: EngagementSession, people: dict, client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])
    response = client.post(
        f"/teams/team-a/what-matters/sessions/{session.pk}/import/",
        {"file": SimpleUploadedFile("s.csv", rows("Fine,carer,waiting,yes", f"{NHS_NUMBER},carer,,"))},
        follow=True,
    )
    assert "2 statements imported. 1 wait for a moderator to read them." in response.content.decode()


# --- Encodings and what is not a CSV file ------------------------------------------------------------


def test_an_empty_file_is_refused(send: Any) -> None:
    refused(send, b"", "statements.csv: The file is empty.")


def test_a_file_of_blank_lines_is_refused_as_empty(send: Any) -> None:
    refused(send, b"\n\n \n,,,\n", "statements.csv: The file is empty.")


def test_a_header_with_no_statements_is_refused(send: Any) -> None:
    refused(send, HEADER.encode(), "statements.csv row 2: The file has no statements in it.")


def test_a_utf16_file_is_refused_with_how_to_save_it(send: Any) -> None:
    data = (HEADER + "Being believed,carer,waiting,yes\n").encode("utf-16")
    refused(send, data, "statements.csv: The file is saved as UTF-16. Save it as 'CSV UTF-8'")


def test_a_utf16_big_endian_file_is_refused(send: Any) -> None:
    data = b"\xfe\xff" + (HEADER + "Being believed,carer,waiting,yes\n").encode("utf-16-be")
    refused(send, data, "statements.csv: The file is saved as UTF-16.")


def test_a_windows_1252_file_is_refused_at_the_row_with_the_first_odd_character(send: Any) -> None:
    data = rows("Fine,carer,waiting,yes", "Caf\u00e9 on site,carer,waiting,yes").decode().encode("cp1252")
    refused(send, data, "statements.csv row 3: This row has characters that are not UTF-8 text")


def test_binary_data_is_refused(send: Any) -> None:
    refused(
        send, b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\x00" * 500, "statements.csv: This is not a CSV text file."
    )


def test_an_excel_workbook_named_csv_is_refused(send: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    refused(send, buffer.getvalue(), "statements.csv: This is an Excel workbook or a zip file, not a CSV")


def test_an_xlsx_file_is_refused_as_not_a_csv(send: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    refused(send, buffer.getvalue(), "statements.xlsx: This is an Excel workbook", name="statements.xlsx")


def test_an_old_excel_file_is_refused(send: Any) -> None:
    refused(send, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "statements.csv: This is an old Excel")


def test_a_pdf_is_refused(send: Any) -> None:
    refused(send, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "statements.csv: This is a PDF, not a CSV file.")


def test_a_utf8_byte_order_mark_as_excel_writes_it_is_fine(send: Any) -> None:
    (statement,) = imported(send, b"\xef\xbb\xbf" + rows("Being believed,carer,waiting,yes"))
    assert (statement.text, statement.relationship) == ("Being believed", "carer")


def test_windows_line_endings_are_fine(send: Any) -> None:
    data = rows("Being believed,carer,waiting,yes", "Knowing the plan,staff,leaving,no").replace(
        b"\n", b"\r\n"
    )
    assert [s.text for s in imported(send, data)] == ["Being believed", "Knowing the plan"]


def test_old_mac_line_endings_are_fine(send: Any) -> None:
    data = rows("Being believed,carer,waiting,yes", "Knowing the plan,staff,leaving,no").replace(b"\n", b"\r")
    assert [s.text for s in imported(send, data)] == ["Being believed", "Knowing the plan"]


def test_a_file_name_with_a_path_and_control_characters_is_shown_plainly(send: Any) -> None:
    page = refused(send, b"", "passwd.csv: The file is empty.", name="../../etc/pass\x1bwd.csv")
    assert "../" not in page.split("Nothing was imported")[1][:500]


def test_a_file_name_with_markup_is_shown_as_text(session: Any, people: dict, client_for: Any) -> None:
    response = client_for(people[Role.STAFF]).post(
        f"/teams/team-a/what-matters/sessions/{session.pk}/import/",
        {"file": SimpleUploadedFile("<script>alert(1)<", b"")},
    )
    page = response.content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


# --- The header ------------------------------------------------------------------------------------------


def test_an_unknown_column_is_refused_by_name(send: Any) -> None:
    data = b"statement,relationship,notes\nBeing believed,carer,hello\n"
    refused(send, data, "statements.csv row 1, column 'notes': Unknown column. Use only: statement,")


def test_a_column_that_appears_twice_is_refused(send: Any) -> None:
    data = b"statement,stage,statement\nBeing believed,waiting,again\n"
    refused(send, data, "statements.csv row 1, column 'statement': This column appears twice.")


def test_a_file_without_the_statement_column_is_refused(send: Any) -> None:
    data = b"relationship,stage\ncarer,waiting\n"
    refused(send, data, "statements.csv row 1, column 'statement': This column is missing from the header")


def test_a_header_cell_with_no_name_is_refused(send: Any) -> None:
    data = b"statement,,stage\nBeing believed,x,waiting\n"
    refused(send, data, "statements.csv row 1: A column has no name in the header row.")


def test_a_semicolon_separated_file_is_refused_with_the_column_it_read(send: Any) -> None:
    data = b"statement;relationship;stage;consent\nBeing believed;carer;waiting;yes\n"
    refused(send, data, "statements.csv row 1, column 'statement': This column is missing")


def test_a_header_of_a_million_commas_is_refused_at_once(send: Any) -> None:
    data = b"statement" + b"," * 1_000_000 + b"x\nBeing believed\n"
    refused(
        send, data, "statements.csv row 1: The header row has 1,000,001 columns; this file has at most 20."
    )


def test_header_names_in_any_case_with_spaces_and_in_any_order_are_fine(send: Any) -> None:
    data = b" Consent , STAGE,Statement ,Relationship\nyes,treatment,Being believed,staff\n"
    (statement,) = imported(send, data)
    assert (statement.text, statement.stage, statement.relationship, statement.consent_to_share) == (
        "Being believed",
        "treatment",
        "staff",
        True,
    )


def test_a_file_with_only_the_statement_column_takes_the_defaults(send: Any) -> None:
    (statement,) = imported(send, b"statement\nBeing believed\n")
    assert (statement.relationship, statement.stage, statement.consent_to_share) == ("other", "other", False)


def test_blank_lines_before_the_header_and_between_rows_are_skipped_and_rows_keep_their_numbers(
    send: Any,
) -> None:
    data = b"\n\n" + rows("Fine,carer,waiting,yes", "", "", "Bad,cousin,waiting,yes")
    refused(send, data, "statements.csv row 7, column 'relationship': Relationship must be one of")


# --- Rows and cells -----------------------------------------------------------------------------------


def test_a_row_with_more_cells_than_the_header_is_refused(send: Any) -> None:
    refused(
        send,
        rows("Fine,carer,waiting,yes", "Extra,carer,waiting,yes,oops"),
        "statements.csv row 3: This row has 5 cells but the header has 4.",
    )


def test_a_row_with_fewer_cells_than_the_header_is_refused(send: Any) -> None:
    refused(send, rows("Short,carer"), "statements.csv row 2: This row has 2 cells but the header has 4.")


def test_a_row_of_a_million_commas_is_refused(send: Any) -> None:
    data = rows("Fine,carer,waiting,yes", "Wide" + "," * 1_000_000 + "x")
    refused(send, data, "statements.csv row 3: This row has 1,000,001 cells but the header has 4.")


def test_empty_cells_a_spreadsheet_leaves_after_the_last_column_are_fine(send: Any) -> None:
    (statement,) = imported(send, b"statement,relationship,,,\nBeing believed,carer,,,\n")
    assert statement.relationship == "carer"


def test_an_empty_statement_is_refused_with_its_row_and_column(send: Any) -> None:
    refused(send, rows(",carer,waiting,yes"), "statements.csv row 2, column 'statement': Enter the statement")


def test_a_statement_of_spaces_is_refused(send: Any) -> None:
    refused(
        send, rows("   ,carer,waiting,yes"), "statements.csv row 2, column 'statement': Enter the statement"
    )


def test_a_statement_of_only_control_and_invisible_characters_is_refused_as_empty(send: Any) -> None:
    refused(
        send,
        rows("\x00\x1b\u200b\u202e,carer,waiting,yes"),
        "statements.csv row 2, column 'statement': Enter the statement",
    )


def test_a_statement_over_2000_characters_is_refused(send: Any) -> None:
    refused(
        send,
        rows("x" * 2001 + ",carer,waiting,yes"),
        "statements.csv row 2, column 'statement': This cell has 2,001 characters; the most is 2,000.",
    )


def test_a_statement_of_exactly_2000_characters_is_fine(send: Any) -> None:
    (statement,) = imported(send, rows("x" * 2000 + ",carer,waiting,yes"))
    assert len(statement.text) == 2000


def test_a_cell_past_the_csv_field_limit_is_refused(send: Any) -> None:
    refused(
        send, rows('"' + "x" * 200_000 + '",carer,waiting,yes'), "statements.csv row 2: A cell here is longer"
    )


def test_a_10_mb_cell_is_refused_and_nothing_is_saved(session: EngagementSession, send: Any) -> None:
    data = rows("x" * 10_000_000 + ",carer,waiting,yes")
    with pytest.raises(actions.ImportRefused) as caught:
        actions.import_csv(session, data, "big.csv")
    assert [str(p) for p in caught.value.errors] == [
        "big.csv: The file is larger than 2 MB. Split it into parts."
    ]
    status, _page = send(data)
    assert status == 413  # the upload is stopped as it arrives
    assert Statement.objects.count() == 0


def test_20000_rows_are_refused_with_the_limit(send: Any) -> None:
    data = rows(*(f"Statement {i},carer,waiting,yes" for i in range(20_000)))
    refused(send, data, "statements.csv: The file has more than 5,000 rows. Split it into parts.")


def test_5000_rows_are_read(session: EngagementSession) -> None:
    data = rows(*(f"Statement {i},carer,waiting,yes" for i in range(5_000)))
    assert len(actions.parse_csv(data)) == 5_000


def test_a_quote_in_the_middle_of_a_quoted_cell_is_refused(send: Any) -> None:
    refused(
        send,
        rows('"He said "wait" then",carer,waiting,yes'),
        'statements.csv row 2: A quote (") in the middle',
    )


def test_doubled_quotes_and_commas_inside_a_quoted_cell_are_kept(send: Any) -> None:
    (statement,) = imported(send, rows('"He said ""wait"", then, nothing",carer,waiting,yes'))
    assert statement.text == 'He said "wait", then, nothing'


def test_a_lone_carriage_return_splits_the_row_and_is_refused(send: Any) -> None:
    refused(
        send, rows("Half\rway,carer,waiting,yes"), "statements.csv row 2: This row has 1 cell but the header"
    )


def test_escape_backspace_and_right_to_left_override_characters_are_removed(send: Any) -> None:
    (statement,) = imported(send, rows("Be\x1b[31ming\x08 \u202eheard\u202c,carer,waiting,yes"))
    assert statement.text == "Be[31ming heard"


def test_a_tab_inside_a_statement_becomes_a_space(send: Any) -> None:
    (statement,) = imported(send, rows('"Being\tbelieved",carer,waiting,yes'))
    assert statement.text == "Being believed"


def test_emoji_are_kept_including_joined_ones_and_the_welsh_flag(send: Any) -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # joined by zero-width joiners
    wales = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"  # tag characters
    words = f"Feeling safe \U0001f60a {family} {wales}"
    (statement,) = imported(send, rows(f"{words},carer,waiting,yes"))
    assert statement.text == words


def test_welsh_text_is_kept(send: Any) -> None:
    words = "Mae'n bwysig i mi gael fy nghlywed – ŵ ŷ â"
    (statement,) = imported(send, rows(f'"{words}",carer,waiting,yes'))
    assert statement.text == words


def test_urdu_text_with_its_zero_width_non_joiner_is_kept(send: Any) -> None:
    words = "مجھے سنا جانا ضروری ہے\u200c اور عزت"
    (statement,) = imported(send, rows(f"{words},carer,waiting,yes"))
    assert statement.text == words


def test_a_script_tag_is_stored_as_text_and_shown_escaped(send: Any, people: dict, client_for: Any) -> None:
    (statement,) = imported(send, rows('"<script>alert(1)</script> being heard",carer,waiting,yes'))
    assert statement.text == "<script>alert(1)</script> being heard"
    assert statement.status == Statement.Status.APPROVED
    page = client_for(people[Role.STAFF]).get("/teams/team-a/what-matters/board/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; being heard" in page
    assert "<script>alert(1)" not in page


# --- Relationship, stage and consent ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relationship", "stage", "consent", "stored"),
    [
        ("Service User", "Waiting", "YES", ("service_user", "waiting", True)),
        ("  carer  ", " first appointment ", " y ", ("carer", "first_appointment", True)),
        ("service-user", "First_Appointment", "True", ("service_user", "first_appointment", True)),
        ("STAFF", "LEAVING", "No", ("staff", "leaving", False)),
        ("", "", "", ("other", "other", False)),
        ("manager", "treatment", "0", ("manager", "treatment", False)),
    ],
)
def test_relationship_stage_and_consent_in_odd_case_and_spacing_are_understood(
    send: Any, relationship: str, stage: str, consent: str, stored: tuple[str, str, bool]
) -> None:
    (statement,) = imported(send, rows(f"Being believed,{relationship},{stage},{consent}"))
    assert (statement.relationship, statement.stage, statement.consent_to_share) == stored


def test_consent_maybe_is_refused_with_its_row_and_column(send: Any) -> None:
    refused(
        send,
        rows("Being believed,carer,waiting,maybe"),
        "statements.csv row 2, column 'consent': Consent must be yes or no (or left empty for no). "
        "'maybe' is not one of them.",
    )


def test_an_unknown_relationship_is_refused_and_quoted_back(send: Any) -> None:
    refused(
        send,
        rows("Being believed,cousin,waiting,yes"),
        "statements.csv row 2, column 'relationship': Relationship must be one of: carer, manager, other, "
        "service_user, staff. 'cousin' is not one of them.",
    )


def test_an_unknown_stage_is_refused(send: Any) -> None:
    refused(
        send,
        rows("Being believed,carer,later,yes"),
        "statements.csv row 2, column 'stage': Stage must be one of",
    )


def test_three_wrong_columns_on_one_row_are_each_named(send: Any) -> None:
    refused(
        send,
        rows("Being believed,cousin,later,maybe"),
        "row 2, column 'relationship'",
        "row 2, column 'stage'",
        "row 2, column 'consent'",
    )


@pytest.mark.parametrize("column", ["relationship", "stage", "consent"])
def test_a_formula_in_any_other_column_is_refused_there(send: Any, column: str) -> None:
    cells = {"statement": "Being believed", "relationship": "carer", "stage": "waiting", "consent": "yes"}
    cells[column] = "=cmd|' /C calc'!A0"
    refused(send, rows(",".join(cells.values())), f"statements.csv row 2, column '{column}': ")


def test_an_nhs_number_in_the_relationship_column_is_refused_without_being_repeated(send: Any) -> None:
    page = refused(send, rows(f"Being believed,{NHS_NUMBER},waiting,yes"), "row 2, column 'relationship'")
    assert NHS_NUMBER not in page


def test_a_long_wrong_value_is_quoted_back_cut_short(send: Any) -> None:
    page = refused(send, rows("Being believed,carer," + "w" * 500 + ",yes"), "row 2, column 'stage'")
    assert "'" + "w" * 30 + "…' is not one of them." in page
    assert "w" * 31 not in page


def test_after_200_problems_the_check_stops_and_says_so(send: Any) -> None:
    data = rows(*(f"Statement {i},cousin,waiting,yes" for i in range(300)))
    page = refused(
        send, data, "statements.csv: We stopped checking after 200 problems. Fix these and try again."
    )
    assert "row 201, column 'relationship'" in page
    assert "row 202, column 'relationship'" not in page


def test_one_bad_row_among_good_ones_saves_none_of_them(send: Any) -> None:
    refused(
        send,
        rows("First,carer,waiting,yes", "Second,staff,leaving,no", "Third,cousin,waiting,yes"),
        "statements.csv row 4, column 'relationship'",
    )
