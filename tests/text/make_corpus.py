"""Write the labelled personal-data corpus: ``fixtures/pii_tuning.jsonl`` and ``fixtures/pii_heldout.jsonl``.

Run ``.venv/bin/python -m tests.text.make_corpus`` to rebuild (deterministic: fixed seeds). The fixtures are
committed; the tests read them and never call this module.

Each statement is a hand-written statement from ``corpus_statements``, a hand-written template with personal
data slots, or both joined. Slots are ``{kind:form}``: the filler is recorded as a labelled span of ``kind``
(``nhs_number``, ``phone``, ``email``, ``postcode``, ``date_of_birth``, ``name``) or, for kind ``x``, put in
the text unlabelled (a distractor: a date that is not a birth date, a 10-digit number that fails modulus 11).

Labelling rules (the detector is scored against these):
- a name span covers the name words only, not a title ("Dr [Patel]") nor a possessive "'s";
- a date-of-birth span covers the date only ("born on [12/03/1985]");
- helpline numbers (116 123, 111, 999) are not personal data.

The held-out split has its own templates, statement bank and name pools, and was not looked at while the
recognisers were tuned.
"""

import json
import random
import re
from pathlib import Path

import nhs_number

from .corpus_statements import HELD_OUT, HELD_OUT_HARD, TUNING, TUNING_HARD

FIXTURES = Path(__file__).resolve().parent / "fixtures"

TUNING_FIRST = [
    "Sarah",
    "James",
    "Priya",
    "Mohammed",
    "Emma",
    "Tom",
    "Aisha",
    "Daniel",
    "Olivia",
    "Jack",
    "Fatima",
    "Chloe",
    "Ryan",
    "Grace",
    "Liam",
    "Niamh",
    "Kwame",
    "Zofia",
    "Gemma",
    "Raj",
    "Hannah",
    "Will",
    "Jo",
    "Leanne",
    "Michelle",
    "Darren",
    "Sophie",
    "Imran",
    "Bethan",
    "Callum",
    "Ruth",
    "Joanne",
    "Kelly",
]
TUNING_LAST = [
    "Jones",
    "Patel",
    "Smith",
    "Khan",
    "Okafor",
    "Williams",
    "Brown",
    "O'Brien",
    "Kowalski",
    "Taylor",
    "Begum",
    "Evans",
    "Mensah",
    "Hughes",
    "Ahmed",
    "Walker",
    "Murphy",
    "Thompson",
    "Ali",
    "Singh",
]
HELD_OUT_FIRST = [
    "Rebecca",
    "Gary",
    "Nkechi",
    "Tariq",
    "Lucy",
    "Marcus",
    "Anjali",
    "Shauna",
    "Pete",
    "Yusuf",
    "Karen",
    "Dominic",
    "Agnieszka",
    "Sian",
    "Ibrahim",
    "Natalie",
    "Connor",
    "Mei",
    "Abdul",
    "Jodie",
    "Carl",
    "Deborah",
    "Theo",
    "Farah",
    "Kofi",
    "Eilidh",
    "Wayne",
    "Ruby",
    "Stacey",
    "Hamza",
    "Tasha",
    "Bernadette",
]
HELD_OUT_LAST = [
    "Robinson",
    "Chaudhry",
    "Adeyemi",
    "McLaughlin",
    "Nowak",
    "Wright",
    "Hussain",
    "Green",
    "Osei",
    "Clarke",
    "Davies",
    "Fitzgerald",
    "Rahman",
    "Baker",
    "Lewandowska",
    "Hall",
    "Mahmood",
    "Campbell",
    "Wood",
    "Shah",
]
TITLES = ["Dr", "Dr", "Nurse", "Mr", "Mrs", "Ms", "Miss"]

# Postcode parts in the valid format; the places are real areas but the full codes are made up.
OUTWARD = [
    "LS6",
    "M1",
    "B33",
    "CR2",
    "DN55",
    "W1A",
    "EC1A",
    "SW1A",
    "NE1",
    "BD7",
    "S10",
    "L8",
    "NG7",
    "BS3",
    "CF10",
    "G12",
    "EH6",
    "PL4",
    "SE15",
    "N17",
    "E1W",
    "HU5",
    "WF1",
    "OL11",
    "BN2",
    "TS1",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

TUNING_TEMPLATES = [
    "My name is {name:full} and I have been waiting since March.",
    "{name:first} on the ward always made time for a chat.",
    "Dr {name:last} explained everything clearly.",
    "Nurse {name:first} stayed with me when I was scared.",
    "My care coordinator {name:first} rings me every Friday.",
    "Please pass on my thanks to {name:full} in the crisis team.",
    "{name:first} and {name:first} in the kitchen made the food feel like home.",
    "My NHS number is {nhs_number:spaced} if you need to check my records.",
    "NHS no. {nhs_number:plain}",
    "They kept asking for my NHS number ({nhs_number:dashed}) at every appointment.",
    "Call me on {phone:mobile} if you want to hear more.",
    "You can text me on {phone:mobile_plain} any time after 5.",
    "My mum's number is {phone:landline}, she is my carer.",
    "Contact me: {phone:intl}",
    "Email me at {email:dotted} and I'll come to the next session.",
    "I'd like to be involved, my email is {email:plain}.",
    "I live at {postcode:upper} and the bus to the clinic takes an hour.",
    "Our address is 14 Park Street, {postcode:upper}.",
    "The hub near {postcode:nospace} is too far for me to get to.",
    "I was born on {date_of_birth:numeric} and have used the service since I was 17.",
    "DOB {date_of_birth:numeric_short}, please update my records.",
    "My date of birth is {date_of_birth:long} but the letter had it wrong.",
    "my birthday is {date_of_birth:day_month} and I spent it on the ward",
    "Date of birth: {date_of_birth:iso}.",
    "{name:first} from the home treatment team was amazing.",
    "I want to thank {name:first} {name:last} for never giving up on me.",
    "my key worker {name:first_lower} is the reason I'm still here",
    "{name:first_lower} on reception is always kind",
    "Mrs {name:last} on Ward 3 treated my dad with dignity.",
    "My son {name:first} was admitted on {x:date} and we heard nothing for days.",
    "I had an appointment on {x:date} that was cancelled on the day.",
    "The reference on my letter was {x:badnhs} but nobody could find it.",
    "The Samaritans on 116 123 got me through that night.",
    "When I rang 111 option 2 they sent the crisis team.",
    "I waited from {x:date} to {x:date} for my first appointment.",
    "I have been with the Early Intervention service since 2021.",
    "It's me, {name:full}, DOB {date_of_birth:numeric}, NHS {nhs_number:spaced}.",
    "Name: {name:full}. Phone: {phone:mobile}. Postcode: {postcode:upper}.",
    "Ask for {name:first}, she knows my history.",
    "Dr {name:last} and Dr {name:last} listened to my wife as well as to me.",
    "I'm {name:first}'s mum and I care for her at home.",
    "Thanks to {name:first} I finally got my benefits sorted.",
    "On Monday {name:first} came with me to the housing office.",
    "Staff like {name:first} make this job worth doing.",
    "My manager {name:first} {name:last} lets us finish on time when it's quiet.",
    "The OT, {name:first}, helped me get back to cooking.",
    "{name:full} is my advocate and should be at my tribunal.",
    "Write to me at {email:plain} not my home address {postcode:upper}.",
    "I'm on {phone:mobile} or {phone:landline}.",
    "Born {date_of_birth:long}, lived in this area all my life.",
    "Score out of 10 for the ward: 8. The staff were great in May.",
    "We need more staff on Florence Ward at weekends.",
    "Ward 3 and Ward 4 need more activities in the evening.",
    "The team at the Recovery College on Tuesday were lovely.",
    "I've been on sertraline for 3 years and nobody has reviewed it.",
    "My grandson {name:first} visits every Sunday with his dad.",
    "I first got ill in {x:year} and was born in {x:year} if that helps.",
    "Please call back on {phone:mobile}, ask for {name:first}.",
    "My daughter {name:first} turns 18 on {x:date} and we're scared she'll lose her team.",
    "{name:first} {name:last}, {phone:mobile}, {email:dotted}",
]

HELD_OUT_TEMPLATES = [
    "Hi I'm {name:first} and what matters to me is being listened to.",
    "The consultant, Dr {name:last}, took my worries seriously.",
    "{name:first} the student nurse was so patient with me.",
    "I just want to say {name:full} saved my life last winter.",
    "My NHS number: {nhs_number:plain}. I have lost my letter.",
    "nhs number {nhs_number:spaced}",
    "Please can someone ring {phone:mobile} about my appointment.",
    "Text {phone:mobile_plain} if the group is cancelled.",
    "Our home number is {phone:landline} but I'm often out.",
    "email {email:plain} for my feedback",
    "{email:dotted} is the best way to reach me.",
    "We moved to {postcode:upper} and now we're under a different team.",
    "postcode {postcode:lower}",
    "D.O.B. {date_of_birth:numeric}",
    "I was born {date_of_birth:long} so I'm nearly 70 now.",
    "Her date of birth is {date_of_birth:numeric_short} and she is my sister.",
    "On my birthday, {date_of_birth:day_month}, nobody from the team called.",
    "My partner {name:first} comes to every appointment with me.",
    "{name:first_lower} and {name:first_lower} on nights were brilliant",
    "Big thanks to Nurse {name:last} for the night she sat with me.",
    "Mr {name:last} the psychologist helped me understand my anxiety.",
    "I was referred on {x:date} and I'm still waiting.",
    "Ring me back on the number I gave, or the Samaritans are on 116 123.",
    "My account number is {x:badnhs} for the direct payment.",
    "The review on {x:date} was rushed and only lasted 15 minutes.",
    "We were on Ward 7 for six weeks over Christmas.",
    "Talking Therapies said the wait was 18 weeks in January.",
    "Our team lead {name:first} {name:last} makes sure we get our breaks.",
    "Contact {name:first} on {phone:intl} about carers' support.",
    "My brother {name:first} has been in hospital since {x:date}.",
    "I'm {name:full}, {postcode:upper}, and I'd like to join the service user group.",
    "dob {date_of_birth:iso}",
    "The Crisis Resolution team visited on Monday and Wednesday.",
    "What matters is that {name:first} keeps her job while she recovers.",
    "I'd love to thank {name:first} and the rest of the Early Intervention team.",
    "{name:full} ({date_of_birth:numeric}) would like a call back please.",
    "My support worker {name:first} helped me find a flat near {postcode:upper}.",
    "Please stop sending letters to my old address at {postcode:nospace}.",
    "I called the team on {phone:landline} four times and nobody answered.",
    "We need a bigger room than Room 2 for the carers group.",
    "Sorry I can't make it, email me on {email:plain}, thanks, {name:first}.",
    "The waiting list letter said 12 to 18 weeks back in {x:year}.",
    "Ms {name:last} at the GP surgery referred me.",
    "I am {name:first_lower}'s dad and i just want her home",
    "{name:first} is the only nurse who explains my depot injection.",
]


def _nhs(rng: random.Random) -> str:
    while True:
        body = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_number.calculate_checksum(body)
        if check < 10:
            digits = body + str(check)
            assert nhs_number.is_valid(digits)
            return digits


def _bad_nhs(rng: random.Random) -> str:
    while True:
        digits = "".join(str(rng.randrange(10)) for _ in range(10))
        if digits[0] != "0" and not nhs_number.is_valid(digits):
            return digits


def _postcode(rng: random.Random) -> str:
    return (
        f"{rng.choice(OUTWARD)} {rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    )


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _fill(kind: str, form: str, rng: random.Random, first: list[str], last: list[str]) -> str:
    if kind == "name":
        return {
            "first": lambda: rng.choice(first),
            "last": lambda: rng.choice(last),
            "full": lambda: f"{rng.choice(first)} {rng.choice(last)}",
            "first_lower": lambda: rng.choice(first).lower(),
        }[form]()
    if kind == "nhs_number":
        d = _nhs(rng)
        return {"plain": d, "spaced": f"{d[:3]} {d[3:6]} {d[6:]}", "dashed": f"{d[:3]}-{d[3:6]}-{d[6:]}"}[
            form
        ]
    if kind == "phone":
        tail = f"{rng.randrange(1000):03d}"
        area = rng.choice(["0113 496 0", "0161 496 0", "020 7946 0", "0117 496 0"])
        return {
            "mobile": f"07700 900{tail}",
            "mobile_plain": f"07700900{tail}",
            "intl": rng.choice([f"+44 7700 900{tail}", f"+44 (0)7700 900 {tail}"]),
            "landline": f"{area}{tail}",
        }[form]
    if kind == "email":
        f, la = rng.choice(first).lower(), rng.choice(last).lower().replace("'", "")
        return {
            "plain": rng.choice([f"{f}{rng.randrange(10, 99)}@example.com", f"{f}@example.com"]),
            "dotted": rng.choice(
                [f"{f}.{la}@example.com", f"{f[0]}.{la}@example.com", f"{f}_{la}@example.com"]
            ),
        }[form]
    if kind == "postcode":
        pc = _postcode(rng)
        return {"upper": pc, "lower": pc.lower(), "nospace": pc.replace(" ", "")}[form]
    if kind == "date_of_birth":
        y, m, d = rng.randrange(1940, 2007), rng.randrange(1, 13), rng.randrange(1, 29)
        return {
            "numeric": f"{d:02d}/{m:02d}/{y}",
            "numeric_short": rng.choice([f"{d}/{m}/{y % 100:02d}", f"{d:02d}.{m:02d}.{y}"]),
            "long": rng.choice(
                [
                    f"{_ordinal(d)} {MONTHS[m - 1]} {y}",
                    f"{d} {MONTHS[m - 1][:3]} {y}",
                    f"{_ordinal(d)} of {MONTHS[m - 1]} {y}",
                ]
            ),
            "day_month": rng.choice([f"{_ordinal(d)} {MONTHS[m - 1]}", f"{MONTHS[m - 1]} {d}"]),
            "iso": f"{y}-{m:02d}-{d:02d}",
        }[form]
    if kind == "x":
        y, m, d = rng.randrange(2019, 2026), rng.randrange(1, 13), rng.randrange(1, 29)
        return {
            "date": rng.choice(
                [f"{d:02d}/{m:02d}/{y}", f"{_ordinal(d)} {MONTHS[m - 1]}", f"{d} {MONTHS[m - 1]} {y}"]
            ),
            "year": str(rng.randrange(1950, 2025)),
            "badnhs": _bad_nhs(rng),
        }[form]
    raise ValueError(kind)


_SLOT_RE = re.compile(r"\{(\w+):(\w+)\}")


def render(template: str, rng: random.Random, first: list[str], last: list[str]) -> tuple[str, list[dict]]:
    out, spans, pos = "", [], 0
    for m in _SLOT_RE.finditer(template):
        out += template[pos : m.start()]
        kind, form = m.groups()
        value = _fill(kind, form, rng, first, last)
        if kind != "x":
            spans.append({"kind": kind, "start": len(out), "end": len(out) + len(value), "text": value})
        out += value
        pos = m.end()
    out += template[pos:]
    return out, spans


def build(split: str, seed: int, statements: list[str], templates: list[str], first, last, n_pii: int):
    rng = random.Random(seed)
    records = [{"text": s, "spans": []} for s in statements]
    for i in range(n_pii):
        template = templates[i % len(templates)]
        text, spans = render(template, rng, first, last)
        joined = rng.random()
        if joined < 0.25:  # clean sentence first, then the personal data
            prefix = rng.choice(statements) + " "
            text = prefix + text
            spans = [{**s, "start": s["start"] + len(prefix), "end": s["end"] + len(prefix)} for s in spans]
        elif joined < 0.5:
            text = text + " " + rng.choice(statements)
        records.append({"text": text, "spans": spans})
    rng.shuffle(records)
    for i, record in enumerate(records):
        record["id"] = f"{split}-{i:03d}"
        for s in record["spans"]:
            assert record["text"][s["start"] : s["end"]] == s["text"], record
    return [{"id": r["id"], "text": r["text"], "spans": r["spans"]} for r in records]


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    tuning = build(
        "tuning", 20240401, TUNING + TUNING_HARD, TUNING_TEMPLATES, TUNING_FIRST, TUNING_LAST, n_pii=220
    )
    held_out = build(
        "heldout",
        20240402,
        HELD_OUT + HELD_OUT_HARD,
        HELD_OUT_TEMPLATES,
        HELD_OUT_FIRST,
        HELD_OUT_LAST,
        n_pii=150,
    )
    for name, records in (("pii_tuning.jsonl", tuning), ("pii_heldout.jsonl", held_out)):
        with (FIXTURES / name).open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(name, len(records), "statements,", sum(len(r["spans"]) for r in records), "spans")


if __name__ == "__main__":
    main()
