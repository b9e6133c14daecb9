"""Write ``fixtures/theme_eval.json``: the labelled set for measuring Suggest themes (``bench.themes``).

Written for the tests: short core sentences per theme in the voices of service users, carers and staff of
mental-health services, each said in a few ways (an opening, an ending), plus statements that are about two
themes and empty answers ("nothing", "n/a", "all good"). Deterministic: run it again and the file is the same.

    .venv/bin/python tests/text/make_theme_set.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CORE = {
    "waiting": [
        "The wait for my first appointment was far too long",
        "I waited nine months for therapy and got worse while waiting",
        "Nobody told me where I was on the waiting list",
        "Knowing how long the wait will be",
        "Waiting months to see a psychiatrist",
        "The waiting list for talking therapy is over a year",
        "Shorter waiting times for an assessment",
        "We waited weeks for a referral to be looked at",
        "Long waits in A&E before anyone from the mental health team came",
        "My son has been on the waiting list since last spring",
        "Being seen quicker after the GP referral",
        "Our waiting list keeps growing and we cannot see people fast enough",
        "A call while I am waiting so I do not feel forgotten",
        "Waited two hours past my appointment time in the clinic",
    ],
    "listened": [
        "Being listened to and believed",
        "The doctor did not listen to what I was saying",
        "Feeling heard when I talk about how I am",
        "Staff took the time to listen to me properly",
        "Nobody listens to patients on the ward",
        "I want to be listened to, not talked over",
        "My psychiatrist actually listened for once",
        "Being taken seriously when I say I am not coping",
        "They listened to my worries and did not rush me",
        "Feeling that my views are heard in meetings",
        "When I speak up nobody seems to listen",
        "Listen to what people with lived experience are telling you",
        "Being believed when I say the medication is not working for me",
        "My worker really listens and remembers what I said",
    ],
    "communication": [
        "Letters arrive after the appointment has already happened",
        "Nobody rang me back when I left a message",
        "Clear information about what happens next",
        "Phone calls are never returned by the team",
        "Emails and texts to remind me of appointments",
        "Different teams do not talk to each other",
        "I had to repeat my story to every new person",
        "Keep me updated by phone or text",
        "Explain things in plain English without jargon",
        "The duty line rings and rings and nobody answers",
        "Information in other languages and easy read",
        "Better communication between the ward and the community team",
        "Tell us when appointments are cancelled",
        "Nobody explained what the letter meant",
    ],
    "staff_attitude": [
        "Staff were kind and caring",
        "The nurses were rude and dismissive",
        "Being treated with respect and dignity",
        "The receptionist was friendly and welcoming",
        "Some staff made me feel like a nuisance",
        "Staff are patient and compassionate even when busy",
        "The support worker was warm and never judged me",
        "Being spoken to like a person, not a diagnosis",
        "One nurse was very patronising towards me",
        "Friendly staff who smile and say hello",
        "The care coordinator was lovely and really kind",
        "Staff who treat you with kindness make all the difference",
        "Staff laughed at me when I was upset",
        "Everyone on the team was respectful and polite",
    ],
    "access": [
        "Appointments in the evening so I can keep working",
        "The clinic is two buses away and hard to get to",
        "Being able to refer myself without going through the GP",
        "Parking at the hospital is impossible",
        "Video appointments when I cannot travel",
        "Somewhere to go at weekends when services are closed",
        "Step free access for wheelchair users",
        "Help with travel costs to get to appointments",
        "Being able to get through on the phone to book",
        "Seeing someone locally instead of across the county",
        "Home visits when I cannot leave the house",
        "Open access drop in sessions without an appointment",
        "The building is hard to find and there is no sign",
        "A clinic closer to where we live",
    ],
    "environment": [
        "The ward was clean and calm",
        "The waiting room is cramped and noisy",
        "Bedrooms on the ward are cold at night",
        "A quiet space to sit when the ward gets loud",
        "Broken furniture and dirty toilets on the ward",
        "Somewhere private to talk that is not a corridor",
        "The garden on the ward is lovely",
        "The building feels like a prison with bare walls",
        "Better lighting and fresh paint in the corridors",
        "My room had a window that would not close",
        "Single rooms with an ensuite bathroom",
        "The lounge is too small for everyone on the ward",
        "A clean and welcoming reception area",
        "The heating on the ward never works",
    ],
    "activities": [
        "More activities on the ward at weekends",
        "Nothing to do all day on the ward but watch television",
        "Art groups and music sessions",
        "Going for walks and gym sessions",
        "Cooking groups and gardening",
        "Bored on the ward with no activities in the evening",
        "Activities coordinator ran great games and quizzes",
        "Yoga and relaxation classes",
        "Access to the gym and exercise every day",
        "Groups to meet other people and build confidence",
        "A pool table and board games in the lounge",
        "Trips out into the community",
        "Creative writing and craft groups",
        "Activities stopped when the coordinator left",
    ],
    "care_planning": [
        "Being involved in writing my care plan",
        "I have never seen a copy of my care plan",
        "A care plan that says what I want, not just risk",
        "My care plan was written without me",
        "Reviewing the care plan together every few months",
        "Goals in my care plan that I chose myself",
        "Nobody looked at my care plan after it was written",
        "A say in decisions about my care and treatment",
        "Shared decisions about my treatment plan",
        "My recovery plan was made with me and I agreed it",
        "Care plan reviews that actually happen",
        "Being part of the planning of my own care",
        "The care plan meeting was rushed and I was not asked",
        "A crisis plan written with me so people know what helps",
    ],
    "medication": [
        "Side effects of my medication explained to me",
        "Nobody told me what the tablets were for",
        "Medication reviews more often",
        "The new medication made me gain weight",
        "Being able to talk about coming off medication",
        "My prescription was late again from the pharmacy",
        "A choice about which medication I take",
        "Information about medication side effects in writing",
        "Medication changed without asking me",
        "My depot injection was missed for two weeks",
        "Help to manage my tablets at home",
        "The doctor increased the dose without a review",
        "Medication that works without making me feel like a zombie",
        "Talking about the medication options before starting",
    ],
    "family_carers": [
        "My family being included in my care",
        "As a carer I was never told anything",
        "Support for carers who are struggling",
        "Involving my mum in meetings when I ask",
        "Carers need a break and some respite",
        "Nobody asked my husband how he was coping",
        "A carers group to meet other families",
        "Families should be treated as partners in care",
        "Information for parents about what to expect",
        "My daughter's carer was left out of decisions",
        "A carer's assessment that actually led to help",
        "Visiting times that work for families",
        "The team shut me out as her carer because of confidentiality",
        "Support for young carers looking after a parent",
    ],
    "discharge": [
        "Discharged with no follow-up at all",
        "A follow-up call in the week after I left hospital",
        "Being discharged too soon before I was ready",
        "A plan for what happens after discharge",
        "Support after being discharged from the team",
        "I was discharged by letter with no warning",
        "Help to settle back home after leaving the ward",
        "A check-in a month after discharge",
        "Nobody followed up after my discharge from hospital",
        "Discharge planning started on day one",
        "Being able to come back to the service after discharge",
        "Follow-up appointments once I leave the ward",
        "My discharge letter went to the wrong GP",
        "Left to cope alone once discharged from the crisis team",
    ],
    "crisis": [
        "Someone to talk to in a crisis at night",
        "The crisis line did not answer when I needed it",
        "Help in a crisis without going to A&E",
        "The crisis team came out quickly and helped",
        "A safe place to go when I am in crisis",
        "Nobody to call out of hours when things get bad",
        "The crisis service turned me away",
        "Crisis support that is there at weekends",
        "Being seen the same day when I am suicidal",
        "A crisis cafe in the evenings",
        "The home treatment team kept me out of hospital",
        "Police were called instead of the crisis team",
        "A 24 hour number that actually gets answered",
        "Quick help when I am having a panic attack",
    ],
    "food": [
        "Better food on the ward",
        "More choice of meals at the weekend",
        "Healthy food and fresh fruit on the ward",
        "The food is cold by the time it arrives",
        "Snacks and drinks available at night",
        "Meals that suit my religion and culture",
        "The same meals every week get boring",
        "Being able to make toast and a hot drink",
        "Vegetarian options that are not just pasta",
        "The dinners were tasty and filling",
        "Food portions are too small",
        "Being able to cook my own meals on the ward",
        "Halal food that is properly labelled",
        "Tea and coffee whenever you want it",
    ],
}

OPENINGS = [
    "For me, ",
    "Honestly, ",
    "As a carer, ",
    "Speaking as staff, ",
    "What matters is this: ",
    "I think ",
]
ENDINGS = [
    " That would make a big difference.",
    " Please sort this out.",
    " It really matters to me.",
    " Thanks.",
]

# Statements that are about two themes, first theme first.
TWO_THEMES = [
    ("waiting", "staff_attitude", "The wait was long but the staff were kind while I waited"),
    ("waiting", "communication", "Nobody rang to tell me how long the wait for my appointment would be"),
    ("medication", "listened", "The doctor did not listen when I said the medication side effects were bad"),
    ("family_carers", "communication", "As a carer nobody phoned me back or told me anything"),
    ("discharge", "medication", "Discharged from the ward with no follow-up and no medication review"),
    ("environment", "activities", "The ward was dirty and there were no activities at weekends"),
    ("food", "environment", "Cold food and a cold ward at night"),
    ("crisis", "waiting", "Waiting hours in A&E for the crisis team to come"),
    ("care_planning", "family_carers", "My family should be part of writing my care plan"),
    ("access", "waiting", "Evening appointments and a shorter waiting list"),
    ("staff_attitude", "listened", "Kind staff who listen to me properly"),
    ("discharge", "family_carers", "My mum was not told I was being discharged from the ward"),
    ("activities", "food", "Cooking groups so we can make our own meals on the ward"),
    ("medication", "communication", "Letters about my medication arrive after the dose has changed"),
    ("crisis", "communication", "The crisis line never rang me back"),
    ("care_planning", "listened", "My care plan was written without listening to what I wanted"),
    ("access", "communication", "Getting through on the phone to book an appointment is impossible"),
    ("waiting", "listened", "After a year on the waiting list the doctor did not listen to me"),
    ("environment", "staff_attitude", "A clean quiet ward and kind nurses"),
    ("discharge", "crisis", "Discharged from the crisis team too soon and left to cope alone"),
    ("staff_attitude", "family_carers", "Staff were rude to my husband when he visited"),
    ("medication", "care_planning", "A say in my medication as part of my care plan"),
    ("activities", "staff_attitude", "The activities coordinator was kind and the art group was great"),
    ("waiting", "access", "The waiting list is long and the clinic is too far away"),
    ("family_carers", "crisis", "As a carer I had nobody to call in a crisis at night"),
    ("food", "staff_attitude", "The kitchen staff were friendly and the food was tasty"),
    ("communication", "discharge", "Nobody told me about the follow-up appointment after discharge"),
    ("listened", "family_carers", "Listen to families, we know our loved ones best"),
    ("environment", "access", "The clinic is hard to get to and the waiting room is cramped"),
    ("medication", "waiting", "Waiting weeks for a medication review while the side effects got worse"),
]

EMPTY = [
    "nothing",
    "Nothing",
    "nothing.",
    "no",
    "No",
    "n/a",
    "N/A",
    "NA",
    "none",
    "None",
    "all good",
    "All good",
    "nothing to add",
    "Nothing to add really",
    "no comment",
    "No comments",
    "not sure",
    "dont know",
    "-",
    "...",
    "fine",
    "ok",
    "Nothing at the moment",
    "no thanks",
    "All fine",
    "nothing else",
    "Nope",
    "n/a thanks",
    "Can't think of anything",
    "Nothing I can think of",
    "nothing really",
    "No, nothing",
    "all good thanks",
    "None at all",
    "Not really",
    "Nil",
    "nothing to say",
    "Everything is fine",
    "no nothing",
    "N/a",
]

PER_THEME = 42


def _say(core: str, way: str, rng: random.Random) -> str:
    """One way of saying a core sentence: as written, typed quickly, with an opening or an ending."""
    if way == "quick":  # lower case, no full stop, as typed on a phone
        return core.lower()
    if way == "opening":
        return f"{rng.choice(OPENINGS)}{core[0].lower()}{core[1:]}."
    if way == "ending":
        return f"{core}.{rng.choice(ENDINGS)}"
    return f"{core}."


def build() -> list[dict]:
    rng = random.Random(18)
    rows: list[dict] = []
    for theme, cores in CORE.items():
        seen: set[str] = set()
        chosen = [(c, "plain") for c in cores]  # every core sentence once, as written
        others = [(c, w) for c in cores for w in ("quick", "opening", "ending")]
        rng.shuffle(others)
        chosen += others[: PER_THEME - len(cores)]
        for core, way in chosen:
            text = _say(core, way, rng)
            if text not in seen:
                seen.add(text)
                rows.append({"text": text, "themes": [theme]})
    for first, second, text in TWO_THEMES:
        rows.append({"text": text + ".", "themes": [first, second]})
    for text in EMPTY:
        rows.append({"text": text, "themes": ["empty"]})
    rng.shuffle(rows)
    return rows


def main() -> None:
    rows = build()
    data = {
        "description": (
            "Labelled 'What matters to you?' statements from service users, carers and staff of "
            "mental-health services, written for the tests by tests/text/make_theme_set.py. 'themes' lists "
            "one or two themes, the main one first; 'empty' marks answers that say nothing (nothing, n/a)."
        ),
        "themes": sorted({*CORE, "empty"}),
        "statements": rows,
    }
    path = Path(__file__).parent / "fixtures" / "theme_eval.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(rows)} statements, {len(data['themes'])} themes -> {path}")


if __name__ == "__main__":
    main()
