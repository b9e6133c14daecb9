"""The template library: blocks of questions a team composes its surveys from.

Wording: the Friends and Family Test (NHS England, since April 2020) and CollaboRATE (5-point version,
0 to 4; free to use) are used word for word; see reference/landscape.md section (b). The check-in is the
"waiting well" check-in of issue 8. Each option is [value, label, easy read label].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whatmatters.surveys.models import Kind

FFT_OPTIONS = [
    ["very_good", "Very good", "Very good"],
    ["good", "Good", "Good"],
    ["neither", "Neither good nor poor", "OK"],
    ["poor", "Poor", "Bad"],
    ["very_poor", "Very poor", "Very bad"],
    ["dont_know", "Don't know", "I don't know"],
]
FFT_POSITIVE = frozenset({"very_good", "good"})

COLLABORATE_OPTIONS = [
    ["0", "0: No effort was made", "No effort"],
    ["1", "1", "A little effort"],
    ["2", "2", "Some effort"],
    ["3", "3", "A lot of effort"],
    ["4", "4: Every effort was made", "Every effort"],
]
COLLABORATE_TOP = 4
COLLABORATE_ITEMS = [
    (
        "How much effort was made to help you understand your health issues?",
        "Did we help you understand your health?",
    ),
    (
        "How much effort was made to listen to the things that matter most to you about your health issues?",
        "Did we listen to what matters to you?",
    ),
    (
        "How much effort was made to include what matters most to you in choosing what to do next?",
        "Did we use what matters to you when we chose what to do next?",
    ),
]

RATING_OPTIONS = [
    ["5", "Very well", "Very well"],
    ["4", "Well", "Well"],
    ["3", "OK", "OK"],
    ["2", "Badly", "Badly"],
    ["1", "Very badly", "Very badly"],
]

FEELING_OPTIONS = [
    ["better", "Better than before", "Better"],
    ["same", "About the same", "The same"],
    ["worse", "Worse than before", "Worse"],
]
CHANGED_OPTIONS = [
    ["no", "No", "No"],
    ["better", "Yes, things are better", "Yes, better"],
    ["worse", "Yes, things are worse", "Yes, worse"],
]
SOONER_OPTIONS = [
    ["yes", "Yes", "Yes"],
    ["no", "No", "No"],
    ["not_sure", "I'm not sure", "I don't know"],
]
CONTACT_OPTIONS = [
    ["none", "Do not contact me", "Do not contact me"],
    ["phone", "Phone call", "Phone me"],
    ["text", "Text message", "Text me"],
    ["email", "Email", "Email me"],
]
# Answers that say things are worse or help is needed: crisis contacts first, and an alert if a contact
# route was left. (question kind, value) -> the words the clinician sees.
CONCERNS = {
    (Kind.CHECKIN_FEELING, "worse"): "Feels worse than before",
    (Kind.CHECKIN_CHANGED, "worse"): "Things have changed for the worse",
    (Kind.CHECKIN_SOONER, "yes"): "Needs to talk to someone sooner",
    (Kind.CHECKIN_SOONER, "not_sure"): "Not sure if they need to talk to someone sooner",
}

WHO_OPTIONS = [
    ["service_user", "I use the service", "I use the service"],
    ["carer", "I care for someone who uses the service", "I care for someone who uses it"],
]
WAIT_HELP_OPTIONS = [
    ["call", "A phone call now and then", "A phone call"],
    ["information", "Information about how long the wait is", "How long I will wait"],
    ["groups", "Details of groups and support near me", "Groups near me"],
    ["money_housing", "Help with money or housing", "Help with money or a home"],
    ["nothing", "Nothing at the moment", "Nothing now"],
]


def q(
    kind: str, text: str, easy: str = "", hint: str = "", options: Any = (), **extra: Any
) -> dict[str, Any]:
    return {"kind": kind, "text": text, "easy_text": easy, "hint": hint, "options": list(options), **extra}


@dataclass(frozen=True)
class Block:
    key: str
    name: str
    description: str
    questions: tuple[dict[str, Any], ...]


BLOCKS: dict[str, Block] = {
    block.key: block
    for block in [
        Block(
            "fft",
            "Friends and Family Test",
            "The national question and its 6 answers, then the main reason. Feeds the % positive measure.",
            (
                q(
                    Kind.FFT,
                    "Overall, how was your experience of our service?",
                    "How was our service?",
                    options=FFT_OPTIONS,
                    required=True,
                ),
                q(
                    Kind.FFT_REASON,
                    "Please can you tell us why you gave your answer?",
                    "Why did you say that?",
                    "Do not write names or other details that could identify someone.",
                ),
            ),
        ),
        Block(
            "collaborate",
            "CollaboRATE: did we listen to what matters to you",
            "3 questions about shared decisions, each 0 to 4. Feeds the CollaboRATE top-box measure.",
            tuple(
                q(
                    Kind.COLLABORATE,
                    text,
                    easy,
                    "Thinking about the appointment you have just had.",
                    COLLABORATE_OPTIONS,
                    item=n,
                )
                for n, (text, easy) in enumerate(COLLABORATE_ITEMS, start=1)
            ),
        ),
        Block(
            "domains",
            "How well did we do: one rating for each quality domain",
            "Uses the team's own domains, in the words people chose. Each feeds a rating measure.",
            (),  # one question per domain chosen, made by `questions_for`
        ),
        Block(
            "what_matters",
            "What matters to you now?",
            "Free text. A person checks it, then it can be themed with other statements.",
            (
                q(
                    Kind.FREE_TEXT,
                    "What matters to you now?",
                    "What is important to you now?",
                    "Do not write names or other details that could identify someone.",
                ),
            ),
        ),
        Block(
            "checkin",
            "Waiting well check-in",
            "How are you doing, has anything changed, do you need to talk to someone sooner, and how to "
            "contact you. Worse answers show crisis contacts and raise an alert for a clinician.",
            (
                q(
                    Kind.CHECKIN_FEELING,
                    "How are you doing at the moment?",
                    "How are you now?",
                    options=FEELING_OPTIONS,
                    required=True,
                ),
                q(
                    Kind.CHECKIN_CHANGED,
                    "Has anything changed since you were referred to us?",
                    "Has anything changed?",
                    "For example your health, your home, or the support you have.",
                    CHANGED_OPTIONS,
                    required=True,
                ),
                q(
                    Kind.CHECKIN_SOONER,
                    "Do you need to talk to someone sooner than your appointment?",
                    "Do you need to talk to us soon?",
                    options=SOONER_OPTIONS,
                    required=True,
                ),
                q(
                    Kind.CONTACT,
                    "Would you like us to contact you?",
                    "Can we contact you?",
                    "Only the team's clinicians see your contact details.",
                    CONTACT_OPTIONS,
                ),
            ),
        ),
        Block(
            "who",
            "Who is answering (choose one)",
            "Service user or carer. Free-text answers are filed with this.",
            (q(Kind.SINGLE, "Who is answering?", "Who are you?", options=WHO_OPTIONS, template_key="who"),),
        ),
        Block(
            "wait_help",
            "What would help while you wait (choose any)",
            "A multiple-choice question for people on the waiting list.",
            (
                q(
                    Kind.MULTIPLE,
                    "What would help you while you wait?",
                    "What would help you now?",
                    "Choose all that apply.",
                    WAIT_HELP_OPTIONS,
                ),
            ),
        ),
    ]
}


def domain_question(domain: Any) -> dict[str, Any]:
    words = domain.i_statement.rstrip(".")
    return q(
        Kind.DOMAIN_RATING,
        f"How well did we do at: {words}?",
        f"Did we do well at: {words}?",
        options=RATING_OPTIONS,
        domain=domain,
    )


def questions_for(block_key: str, domains: list[Any] = ()) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """The questions a block adds, as dicts of Question fields (without survey and position)."""
    block = BLOCKS[block_key]
    made = (
        [dict(spec) for spec in block.questions]
        if block_key != "domains"
        else [domain_question(d) for d in domains]
    )
    for spec in made:
        spec.pop("template_key", None)
        spec["template"] = block_key
    return made


TARGET_MINUTES = 2  # people should finish a survey in under 2 minutes
SECONDS = {Kind.FREE_TEXT: 30, Kind.FFT_REASON: 30, Kind.CONTACT: 20}


def minutes_to_answer(kinds: list[str]) -> int:
    """A generous estimate, in whole minutes (at least 1): 8 seconds a choice, more for writing."""
    seconds = sum(SECONDS.get(kind, 8) for kind in kinds)
    return max(1, -(-seconds // 60))
