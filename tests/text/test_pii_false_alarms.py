"""Fewer false alarms from the personal-data check (issue 18): place, ward and service names are not people,
names are flagged from context, and UK phone numbers are found however they are written.

The before/after tests score main's recogniser as it was (``pii_before``) and today's on the same corpus in
the same run: ``fixtures/pii_false_alarms.jsonl``, built by ``make_false_alarm_corpus``.
"""

import pytest

from whatmatters.text import pii
from whatmatters.text.pii import find_personal_data

from . import pii_before
from .pii_scoring import load, score, table

CORPUS = "pii_false_alarms.jsonl"
HELD_OUT = "pii_false_alarms_heldout.jsonl"


def _found(text: str, kind: str) -> list[str]:
    return [f.text for f in find_personal_data(text) if f.kind == kind]


# --- The lists ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename", ["organisation_words.txt", "service_names.txt", "place_names.txt", "word_names.txt"]
)
def test_each_list_says_where_it_came_from_and_has_no_repeats(filename):
    lines = pii._data_lines(filename)
    raw = (pii.resources.files("whatmatters.text") / "data" / filename).read_text(encoding="utf-8")
    assert "Written by hand for the What Matters project" in raw
    assert len(lines) > 20
    assert len({line.lower() for line in lines}) == len(lines)


def test_the_organisation_words_include_hospitals_wards_courses_and_cottages():
    assert {"hospital", "ward", "unit", "course", "programme", "cottage", "house", "lodge"} <= (
        pii.organisation_words()
    )


def test_the_service_names_include_the_hospitals_and_courses_people_mistook_for_names():
    assert {"james cook", "desmond", "st mary's", "mary seacole", "queen elizabeth"} <= set(
        pii.service_names()
    )


def test_places_that_are_also_names_are_listed():
    assert {"bradford", "preston", "chester", "jamaica", "shirley"} <= pii.place_names()


def test_common_words_that_are_names_are_listed_strict_or_soft():
    levels = pii.word_names()
    assert set(levels.values()) == {"strict", "soft"}
    assert {levels[w] for w in ("hope", "may", "faith", "joy")} == {"strict"}
    assert {levels[w] for w in ("amber", "rose", "grace", "will", "mark", "bill")} == {"soft"}


# --- Names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The staff at James Cook Hospital were kind.",
        "The James Cook has a new liaison team.",
        "I was on Amber ward for three weeks.",
        "We moved from Holly ward to Ivy Ward.",
        "The Desmond course helped me with my diabetes.",
        "I did the Desmond programme last year.",
        "Rose Cottage is where the carers group meets.",
        "St Mary's was better than the last hospital.",
        "the st james's team were good",
        "The Mary Seacole House day service closed.",
        "Florence Nightingale Ward had good activities.",
        "i have ben waiting for a call back",
        "ive ben on the ward since march",
        "every tim i ring nobody picks up",
        "it takes a long tim to get through",
        "Mark my words, it will get worse.",
        "Will someone please ring me back.",
        "Hope you can sort the parking out.",
        "May was a hard month.",
        "The Rose Garden is a nice place to sit.",
        "The Grace Lodge beds were a lifeline.",
        "the bus from Bradford takes an hour",
        "Victoria Park is where the walking group meets.",
        "The Crystal Palace ground is where football therapy runs.",
    ],
)
def test_places_services_courses_and_typos_are_not_flagged_as_names(text):
    assert _found(text, "name") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dr Patel at James Cook Hospital explained my scan.", "Patel"),
        ("Nurse Amber on Willow Unit sat with me.", "Amber"),
        ("My worker Grace got me on the Desmond course.", "Grace"),
        ("My care coordinator is called Rose.", "Rose"),
        ("Her name is Holly and she runs the group.", "Holly"),
        ("My son Will has been on Ruby ward since June.", "Will"),
        ("Thanks to Mark for ringing back.", "Mark"),
        ("I spoke to ben on the phone.", "ben"),
        ("thanks to tim on reception", "tim"),
        ("My uncle Desmond did the course.", "Desmond"),
        ("Call Desmond on Friday about the group.", "Desmond"),
        ("Mrs Okafor on Amber ward was kind.", "Okafor"),
        ("Sarah on Amber ward was so patient.", "Sarah"),
        ("Grace Okafor on the Desmond course was kind.", "Grace Okafor"),
        ("ben was lovely to my mum", "ben"),
        ("I'm Lucy Hall and I'd like to join the group.", "Lucy Hall"),
    ],
)
def test_names_with_context_are_still_flagged_next_to_ward_and_course_names(text, name):
    assert _found(text, "name") == [name]


def test_a_capitalised_name_mid_sentence_is_still_flagged_without_a_title():
    assert _found("Staff like Priya make this place bearable.", "name") == ["Priya"]


# --- Phone numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700 900 123",
        "07 700 900 123",
        "07700900123",
        "07700.900.123",
        "07700-900-123",
        "(07700) 900123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "+44 (0) 7700 900 123",
        "+44(0)7700 900123",
        "0044 7700 900123",
        "0044 (0)7700 900123",
        "0113 496 0123",
        "(0113) 496 0123",
        "0113-496-0123",
        "0161.496.0123",
        "020 7946 0123",
        "(020) 7946 0123",
        "+44 20 7946 0123",
        "+44 113 496 0123",
        "01632 960123",
    ],
)
@pytest.mark.parametrize(
    "words", ["ring me on {}", "call me on {} after 6", "my number is {}", "text {} please"]
)
def test_uk_phone_numbers_are_found_however_they_are_written(number, words):
    text = words.format(number)
    assert _found(text, "phone") == [number]
    assert _found(text, "nhs_number") == []


@pytest.mark.parametrize("text", ["Ring me on 0800 123 4567 at work.", "my number is 0808 157 0123"])
def test_a_freephone_number_the_writer_says_is_theirs_is_found(text):
    assert len(_found(text, "phone")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "The freephone line 0800 123 4567 is never answered.",
        "The infoline on 0300 123 3393 helped.",
        "My appointment is on 12/03/2025 at 10:30.",
        "We waited 4 hours 30 minutes on 14.02.2025.",
        "Parking cost £12.50 every visit, £1,200 over the year.",
        "There were 23 people on the ward and 4 staff.",
        "The figures were from 2019-2023.",
        "My reference is 2024/1187.",
        "Booked for 14:30 on 2 April.",
        "I take 20mg in the morning and 10mg at night.",
        "Call 999, NHS 111 option 2, or Samaritans on 116 123.",
    ],
)
def test_dates_times_money_counts_and_helplines_are_not_phone_numbers(text):
    assert _found(text, "phone") == []


def test_an_nhs_number_is_an_nhs_number_not_a_phone_number():
    findings = find_personal_data("My NHS number is 943 476 5919.")
    assert [f.kind for f in findings] == ["nhs_number"]


# --- The corpus, before and after --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records():
    return load(CORPUS)


@pytest.fixture(scope="module", params=[CORPUS, HELD_OUT])
def before_and_after(request):
    records = load(request.param)
    before, after = score(records, pii_before.find_personal_data), score(records)
    print(f"\n{request.param}: {len(records)} statements\nbefore\n{table(before)}\nafter\n{table(after)}")
    return before, after


def test_the_corpus_has_500_statements_with_hospital_ward_and_service_names(records):
    assert len(records) >= 500
    texts = " ".join(r["text"] for r in records)
    for place in ("James Cook Hospital", "Amber ward", "Desmond course", "Rose Cottage", "St Mary's"):
        assert place in texts
    assert sum(not r["spans"] for r in records) >= 100
    assert {s["kind"] for r in records for s in r["spans"]} >= {"name", "phone", "email", "nhs_number"}


def test_the_corpus_labels_match_the_text(records):
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]


@pytest.mark.parametrize("kind", [*pii.KINDS, "all"])
def test_recall_is_no_lower_than_before_for_every_kind(before_and_after, kind):
    before, after = before_and_after
    assert after[kind].recall >= before[kind].recall, after[kind].misses


def test_name_precision_is_higher_than_before(before_and_after):
    before, after = before_and_after
    assert after["name"].precision > before["name"].precision
    # The held-out split has hospital and hospice names the lists do not know ("Marie Curie"): 80% there.
    assert after["name"].precision >= 0.8, after["name"].false_alarms
