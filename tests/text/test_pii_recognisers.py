"""Edge cases for each personal-data recogniser, and for ``redact``."""

import ast
from pathlib import Path

import nhs_number
import pytest

from whatmatters.text import pii
from whatmatters.text.pii import Finding, find_personal_data, redact


def kinds_and_text(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text)]


# --- NHS numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["943 476 5919", "9434765919", "943-476-5919"])
def test_a_valid_nhs_number_is_found_spaced_dashed_or_plain(written):
    assert kinds_and_text(f"My NHS number is {written}.") == [("nhs_number", written)]


def test_an_nhs_number_that_fails_modulus_11_is_not_flagged():
    assert not nhs_number.is_valid("9434765918")
    assert kinds_and_text("My reference is 943 476 5918.") == []


def test_a_ten_digit_number_that_is_not_an_nhs_number_is_not_flagged():
    for digits in ["1234567890", "5555555556", "9991234567"]:
        assert not nhs_number.is_valid(digits)
        assert find_personal_data(f"Account {digits} was closed.") == []


def test_an_nhs_number_inside_a_longer_number_is_not_flagged():
    assert find_personal_data("Order 99434765919 and 9434765919123") == []


def test_a_finding_reports_its_offsets_in_the_original_text():
    text = "NHS no 999 000 0018 thanks"
    [finding] = find_personal_data(text)
    assert nhs_number.is_valid("9990000018")
    assert finding == Finding("nhs_number", 7, 19, "999 000 0018")
    assert text[finding.start : finding.end] == finding.text


# --- Phones ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0113 496 0123",
    ],
)
def test_uk_phone_numbers_are_found_in_the_forms_people_write(written):
    assert kinds_and_text(f"Ring me on {written} please") == [("phone", written)]


def test_helpline_numbers_are_not_personal_data():
    text = "Call 999, NHS 111 option 2, Samaritans on 116 123 or the freephone line 0800 123 4567."
    assert find_personal_data(text) == []


def test_years_scores_and_counts_are_not_phone_numbers():
    assert find_personal_data("In 2023 I scored 10 out of 10 after 1500 days and 12 weeks.") == []


# --- Emails ----------------------------------------------------------------------------------------------


def test_an_email_address_is_found_whole_and_its_name_is_not_found_again():
    assert kinds_and_text("Write to sarah.jones@example.com today") == [("email", "sarah.jones@example.com")]


def test_an_at_sign_alone_is_not_an_email():
    assert find_personal_data("Meet @ the hub, 10 @ 2 pounds") == []


# --- Postcodes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["SW1A 1AA", "LS6 2AB", "M1 1AE", "EC1A 1BB", "DN55 1PT", "ls6 2ab", "BD71AA"]
)
def test_full_uk_postcodes_are_found_in_any_case(written):
    assert kinds_and_text(f"I live near {written} now") == [("postcode", written)]


def test_outward_codes_ward_numbers_and_lowercase_runs_are_not_postcodes():
    assert find_personal_data("I live in LS6, stayed on Ward 3 and had 2nd and 3rd thoughts") == []


# --- Dates of birth --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, date",
    [
        ("I was born on 12/03/1985.", "12/03/1985"),
        ("DOB 1/2/90", "1/2/90"),
        ("D.O.B. 08/01/1952", "08/01/1952"),
        ("My date of birth is 4th June 1990", "4th June 1990"),
        ("my birthday is 21st of August", "21st of August"),
        ("Date of birth: 1988-11-02.", "1988-11-02"),
        ("14/02/1999 (dob)", "14/02/1999"),
        ("Sam Jones (12/03/1985) would like a call", "12/03/1985"),
    ],
)
def test_a_date_of_birth_is_found_near_a_birth_word_or_straight_after_a_name(text, date):
    assert ("date_of_birth", date) in kinds_and_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "My appointment on 12/03/2024 was cancelled.",
        "I waited from 3rd May to 20th August.",
        "I was born in Leeds. On 12/03/2020 I was admitted.",
        "The review on 2024-01-05 was rushed.",
    ],
)
def test_dates_that_are_not_dates_of_birth_are_not_flagged(text):
    assert [k for k, _ in kinds_and_text(text)] == []


# --- Names -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("Dr Patel on Ward 3 was brilliant", "Patel"),
        ("Nurse Okonkwo-Adeyemi sat with me", "Okonkwo-Adeyemi"),
        ("My name is Sarah Jones and I care for my son", "Sarah Jones"),
        ("Sarah helped me so much", "Sarah"),
        ("Thanks to Mrs O'Brien for everything", "O'Brien"),
        ("my care coordinator Michelle rings me", "Michelle"),
        ("my key worker tom is the reason I'm here", "tom"),
        ("priya on reception is always kind", "priya"),
        ("Will was great on nights", "Will"),
        ("I'm Grace's mum", "Grace"),
        ("my name is zxqv and I like the group", "zxqv"),
    ],
)
def test_names_are_found_with_titles_cues_at_sentence_start_and_lower_case(text, name):
    assert ("name", name) in kinds_and_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Early Intervention team helped me back to college.",
        "Ward 3 and Florence Ward need more staff on Sunday in May.",
        "The NHS, the GP and the Samaritans all helped over Christmas.",
        "Hope is what keeps me going.",
        "Will you ring me back on Monday?",
        "The bus from Bradford to Leeds takes an hour.",
        "I was seen at St James's and then the Royal Infirmary.",
        "My wife is my carer and my son will visit.",
        "Mind and Age UK helped with my Universal Credit.",
    ],
)
def test_service_words_places_days_and_months_are_not_names(text):
    assert [f for f in find_personal_data(text) if f.kind == "name"] == []


def test_a_possessive_is_left_out_of_the_name_span():
    text = "I'm Aisha's carer"
    [finding] = find_personal_data(text)
    assert finding.text == "Aisha"
    assert text[finding.end :] == "'s carer"


# --- Overlaps and redaction ------------------------------------------------------------------------------


def test_findings_never_overlap_and_come_in_text_order():
    text = "Sarah Jones, DOB 12/03/1985, sarah.jones@example.com, 07700 900123, NHS 943 476 5919, LS6 2AB"
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == ["name", "date_of_birth", "email", "phone", "nhs_number", "postcode"]
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_redact_replaces_each_span_with_a_plain_label():
    text = "Dr Patel rang 07700 900123 about NHS 943 476 5919."
    assert redact(text, find_personal_data(text)) == (
        "Dr [name removed] rang [phone number removed] about NHS [NHS number removed]."
    )


def test_redact_with_no_findings_returns_the_text_unchanged():
    assert redact("Kindness. Just kindness.", []) == "Kindness. Just kindness."


def test_redact_copes_with_overlapping_findings_given_by_a_caller():
    text = "call 07700 900123"
    findings = [Finding("phone", 5, 17, "07700 900123"), Finding("name", 5, 10, "07700")]
    assert redact(text, findings) == "call [phone number removed]"


def test_the_text_package_never_imports_django_or_an_app():
    package = Path(pii.__file__).parent
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert not module.startswith("django"), path
                assert not module.startswith("whatmatters.") or module.startswith("whatmatters.text"), path
