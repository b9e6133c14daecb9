"""Words that may mean risk or a wish to be contacted (``whatmatters.text.risk``).

The corpus ``fixtures/risk_corpus.csv`` (columns ``text,risk,contact``, ``yes``/``no``) was written by hand
for this test: made-up statements of the kind people write on a "What matters to you?" card, a waiting-list
check-in or an experience survey. Nothing in it was fetched or copied from anywhere, and no statement is a
real person's. It holds statements with risk of every kind (many phrasings, misspellings, lower case, no
punctuation, long texts with the risk in the middle), requests to be contacted, and statements without risk:
complaints about waits, praise, idioms ("the wait is killing me", "dying to get seen") and negations ("I have
never thought of suicide").

Recall must be 100%: every statement labelled ``risk=yes`` (or ``contact=yes``) must be found. False alarms
on the rest are counted and must stay at or below the bounds below, set just above what was measured when
the rules were written, so a change that makes the rules much noisier fails. Run with ``-s`` to see figures.

To add a phrase: add statements to the corpus first (with the risk, and idioms that must not alarm), watch
this test fail, then add the rule in ``whatmatters/text/risk.py``.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
from pathlib import Path

import pytest

from whatmatters.text import risk
from whatmatters.text.risk import KINDS, LABELS, RiskFinding, find_risk, signals_risk, wants_contact

CORPUS = Path(__file__).parent / "fixtures" / "risk_corpus.csv"

# Measured when the rules were written: 7 of 182 statements without risk flagged as risk, 4 of 290
# statements not asking for contact flagged as asking. The bounds leave room for two or three more.
MAX_RISK_FALSE_ALARMS = 9
MAX_CONTACT_FALSE_ALARMS = 6


def load_corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_risk(text)]


def spans(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_risk(text)]


# --- The corpus ------------------------------------------------------------------------------------------


def test_the_corpus_is_big_enough_and_labelled_yes_or_no():
    rows = load_corpus()
    assert len(rows) >= 300
    assert all(r["risk"] in ("yes", "no") and r["contact"] in ("yes", "no") for r in rows)
    assert sum(r["risk"] == "yes" for r in rows) >= 120
    assert sum(r["contact"] == "yes" for r in rows) >= 40
    assert sum(r["risk"] == "no" for r in rows) >= 140
    assert len({r["text"] for r in rows}) == len(rows), "a statement is in the corpus twice"


def test_the_corpus_has_risk_statements_of_every_kind():
    found = {f.kind for r in load_corpus() if r["risk"] == "yes" for f in find_risk(r["text"])}
    assert set(KINDS) - {"contact_request"} <= found


def test_every_risk_statement_in_the_corpus_is_found():
    missed = [r["text"] for r in load_corpus() if r["risk"] == "yes" and not signals_risk(r["text"])]
    for text in missed:
        print(f"MISSED RISK: {text!r}")
    assert missed == []


def test_every_request_for_contact_in_the_corpus_is_found():
    missed = [r["text"] for r in load_corpus() if r["contact"] == "yes" and not wants_contact(r["text"])]
    for text in missed:
        print(f"MISSED CONTACT REQUEST: {text!r}")
    assert missed == []


def test_false_alarms_on_statements_without_risk_stay_below_the_bound():
    rows = load_corpus()
    without_risk = [r["text"] for r in rows if r["risk"] == "no"]
    risk_alarms = [t for t in without_risk if signals_risk(t)]
    without_contact = [r["text"] for r in rows if r["contact"] == "no"]
    contact_alarms = [t for t in without_contact if wants_contact(t)]
    print(
        f"\nrisk corpus: {len(rows)} statements; risk false alarms {len(risk_alarms)} of {len(without_risk)}"
        f" ({len(risk_alarms) / len(without_risk):.1%}); contact false alarms {len(contact_alarms)} of"
        f" {len(without_contact)} ({len(contact_alarms) / len(without_contact):.1%})"
    )
    for text in risk_alarms + contact_alarms:
        print(f"  false alarm: {text!r} -> {spans(text)}")
    assert len(risk_alarms) <= MAX_RISK_FALSE_ALARMS
    assert len(contact_alarms) <= MAX_CONTACT_FALSE_ALARMS


# --- Each kind -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to end my life",
        "Sometimes I want to kill myself",
        "I'd be better off dead",
        "I don't want to be here any more",
        "I have thought about how to take my own life",
        "I took an overdose in March",
        "I hope I don't wake up tomorrow",
        "I'd rather not wake up",
        "i want to kms",
        "I feel suicidal",
        "feeling sucidal again",
        "everyone would be better off without me",
    ],
)
def test_words_about_suicide_are_found_as_suicide(text):
    assert "suicide" in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have been cutting myself",
        "I hurt myself when it gets bad",
        "I self harm",
        "She is self-harming again",
        "I burn myself",
        "I want to cut my arms",
        "I started cutting again",
    ],
)
def test_words_about_self_harm_are_found_as_self_harm(text):
    assert kinds(text) == ["self_harm"]


@pytest.mark.parametrize(
    "text",
    [
        "I want to hurt someone",
        "I could kill him",
        "I want to hurt my brother",
        "I'll make them pay",
        "I have thoughts of harming my baby",
        "I want to stab her",
    ],
)
def test_words_about_harming_someone_else_are_found_as_harm_to_others(text):
    assert kinds(text) == ["harm_to_others"]


@pytest.mark.parametrize(
    "text",
    [
        "I can't go on",
        "I can't cope any more",
        "There is no point in living",
        "I see no way out",
        "I feel like I want to give up on everything",
        "I am at breaking point",
        "I have nothing to live for",
        "I feel hopeless",
    ],
)
def test_words_of_hopelessness_are_found_as_hopeless(text):
    assert kinds(text) == ["hopeless"]


@pytest.mark.parametrize(
    "text",
    [
        "call me",
        "Please call me back",
        "ring me",
        "Can someone contact me?",
        "I need to talk to someone",
        "please get in touch with me",
        "phone me",
        "text me",
        "email me back",
        "My number is 07700 900123",
        "I'm still waiting for a call back",
    ],
)
def test_requests_to_be_contacted_are_found_and_are_not_risk(text):
    assert kinds(text) == ["contact_request"]
    assert wants_contact(text)
    assert not signals_risk(text)


def test_signals_risk_is_any_kind_except_a_request_for_contact():
    assert signals_risk("I want to end my life")
    assert not wants_contact("I want to end my life")
    assert signals_risk("I can't go on, please call me") and wants_contact("I can't go on, please call me")
    assert not signals_risk("The wait is too long") and not wants_contact("The wait is too long")
    assert find_risk("") == [] and not signals_risk("") and not wants_contact("")


# --- Offsets and order -----------------------------------------------------------------------------------


def test_a_finding_gives_its_offsets_in_the_text_as_given():
    text = "The staff were kind.  But I   want to   kill   myself and nobody calls."
    [finding] = find_risk(text)
    assert finding == RiskFinding("suicide", text.index("kill"), text.index(" and"))
    assert text[finding.start : finding.end] == "kill   myself"


def test_findings_are_in_text_order_and_never_overlap():
    text = "Please ring me back. I can't cope any more and I want to kill myself. I want to hurt someone."
    findings = find_risk(text)
    assert [f.kind for f in findings] == ["contact_request", "hopeless", "suicide", "harm_to_others"]
    assert findings == sorted(findings, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_where_two_rules_match_the_same_words_suicide_wins():
    # "kill my self" is also "kill my <someone>" wording (harm to others); the earlier kind in KINDS wins.
    text = "I want to kill my self"
    assert spans(text) == [("suicide", "kill my self")]


def test_risk_in_the_middle_of_a_long_statement_is_found():
    text = (
        "I have been on the list for 14 months. The receptionist is always polite and the building is clean. "
        "Some nights i think about ending my life because nothing changes. The car park is a nightmare and "
        "the letters never arrive on time, but the nurse I saw in January was brilliant."
    )
    assert spans(text) == [("suicide", "ending my life")]


# --- How the text is written -----------------------------------------------------------------------------


@pytest.mark.parametrize("apostrophe", ["'", "’", "‘", "`", ""])
def test_apostrophes_may_be_straight_curly_or_missing(apostrophe):
    assert kinds(f"I can{apostrophe}t go on") == ["hopeless"]
    assert kinds(f"I don{apostrophe}t want to be here any more") == ["suicide"]
    assert kinds(f"I{apostrophe}m not coping") == ["hopeless"]


@pytest.mark.parametrize(
    "text",
    ["I WANT TO DIE", "i want to die", "I want  to\tdie", "I want to\ndie", "i wanna die", "i want 2 die"],
)
def test_case_repeated_spaces_new_lines_and_text_speak_do_not_hide_risk(text):
    assert kinds(text) == ["suicide"]


@pytest.mark.parametrize(
    "text", ["kill my self", "kill myslef", "kill meself", "self harming", "selfharm", "slef harm", "suiside"]
)
def test_common_misspellings_are_found(text):
    assert signals_risk(text)


def test_kms_is_suicide_but_not_after_a_number():
    assert kinds("honestly kms") == ["suicide"]
    assert kinds("The clinic is 5 kms from my house") == []


# --- Idioms ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I am dying to get seen",
        "Just killing time in the waiting room",
        "The wait is killing me",
        "This form is killing me",
        "I could kill for a coffee",
        "The new nurse is drop dead gorgeous",
        "I was bored to death",
        "They are cutting down on waiting times",
        "The new clinic is cutting edge",
        "It wouldn't kill them to answer the phone",
        "I hurt my back lifting my son",
        "It hurt my feelings",
        "They make you pay for parking",
        "Call me old-fashioned, but I like letters",
        "They call me Jo on the ward",
        "I can't go on the bus on my own",
        "The booking line is hopeless",
        "We had a trip to the seaside",
        "In the end it all worked out",
        "Something to kill the pain would help",
    ],
)
def test_idioms_do_not_alarm(text):
    assert find_risk(text) == []


# --- Negations -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I have never thought of suicide.",
        "I'm not going to hurt myself, I have my kids to think of.",
        "I’m not going to hurt myself",
        "I would never hurt anyone",
        "I am not suicidal, I just want a date",
        "I have never self harmed",
        "I have no thoughts of harming myself",
        "Honestly, I would never kill myself.",
        "I don't have any thoughts of suicide",
    ],
)
def test_a_clear_negation_attached_to_the_words_is_not_flagged(text):
    assert not signals_risk(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can't say I've never thought of suicide",
        "I've never wanted to die more than now",
        "I'm not going to hurt myself today",
        "I won't hurt myself again",
        "I would never hurt anyone, but sometimes I want to",
        "I don't want to hurt myself",
        "I haven't hurt myself yet",
        "I don't want to die",
        "I'm not suicidal now",
        "No self harm since March",
        "I will never kill myself but I think about it",
        "My son would never say he wants to die",
    ],
)
def test_an_ambiguous_or_hedged_negation_is_still_flagged(text):
    assert signals_risk(text)


def test_a_clear_refusal_of_contact_is_not_a_request_but_a_hedged_one_is():
    assert not wants_contact("Please don't call me.")
    assert not wants_contact("Do not contact me")
    assert not wants_contact("There's no need to ring me")
    assert wants_contact("Please don't call me before 10")
    assert wants_contact("They never call me back")


# --- The module ------------------------------------------------------------------------------------------


def test_every_kind_has_plain_words_for_staff():
    assert set(LABELS) == set(KINDS)
    assert LABELS["contact_request"] == "Asked to be contacted"
    assert all(words and words[0].isupper() and not words.endswith(".") for words in LABELS.values())


def test_a_finding_is_frozen_and_holds_no_words():
    finding = find_risk("I want to die")[0]
    assert [f.name for f in dataclasses.fields(RiskFinding)] == ["kind", "start", "end"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = "hopeless"  # type: ignore[misc]


def test_the_risk_module_imports_no_django_and_no_app():
    tree = ast.parse(Path(risk.__file__).read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    assert imported, "the check found no imports at all"
    assert not [m for m in imported if m.startswith("django")]
    assert not [m for m in imported if m.startswith("whatmatters")]
