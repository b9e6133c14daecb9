"""Write ``fixtures/pii_false_alarms.jsonl``: the labelled corpus for issue 18 (fewer false alarms).

Run ``.venv/bin/python -m tests.text.make_false_alarm_corpus`` to rebuild (deterministic: fixed seed). The
fixture is committed; the tests read it and never call this module.

Also writes ``fixtures/pii_false_alarms_heldout.jsonl`` (120 statements from ``HELD_OUT_CLEAN`` and
``HELD_OUT_TEMPLATES``, written after the rules and never used to tune them).

It mixes the hand-written clean statements in ``false_alarm_statements`` (hospital, ward, service and course
names, places, typos, dates, times, money, counts, helplines) with templates that hold real personal data:
names introduced by context ("Dr", "my worker", "called", "thanks to"), names next to hospital and ward
names ("Sarah on Amber ward"), names that are also words ("Grace", "Will") and UK phone numbers written
every way people write them. Slots and labelling rules are those of ``make_corpus`` (names cover the name
words only; helplines are not personal data), plus ``{phone:FORM}`` forms below.
"""

import json
import random
import re
from pathlib import Path

from .false_alarm_statements import CLEAN, HELD_OUT_CLEAN, HELD_OUT_TEMPLATES
from .make_corpus import _fill

FIXTURES = Path(__file__).resolve().parent / "fixtures"

FIRST = [
    "Sarah",
    "Grace",
    "Amber",
    "Will",
    "Rose",
    "Mark",
    "Ruby",
    "Holly",
    "Bill",
    "Desmond",
    "Ben",
    "Tim",
    "Priya",
    "Kofi",
    "Siobhan",
    "Yusuf",
    "Megan",
    "Callum",
    "Agnieszka",
    "Dev",
    "Shona",
    "Tariq",
    "Lauren",
    "Jamal",
    "Eilidh",
    "Nadia",
    "Gareth",
    "Mei",
    "Rhys",
    "Bukola",
]
LAST = [
    "Okafor",
    "Brennan",
    "Hughes",
    "Kowalski",
    "Patel",
    "McLeod",
    "Ahmed",
    "Thornton",
    "Evans",
    "Osei",
    "Fraser",
    "Khan",
    "Whitfield",
    "Nwosu",
    "Gallagher",
    "Chaudhry",
    "Pritchard",
    "Lindqvist",
]
PLACES = [
    "Amber ward",
    "James Cook Hospital",
    "the Desmond course",
    "Rose Cottage",
    "St Mary's",
    "Willow Unit",
    "Holly ward",
    "Jasmine Ward",
    "the Mary Seacole House",
    "the Florence Nightingale Ward",
    "Ruby ward",
]

TEMPLATES = [
    "{name:first} on Amber ward was so patient with my dad.",
    "Dr {name:last} at James Cook Hospital explained my scan.",
    "Nurse {name:first} on Willow Unit sat with me all night.",
    "My worker {name:first} got me a place on the Desmond course.",
    "My care coordinator is called {name:first} and she rings me every week.",
    "Thanks to {name:first} {name:last} on Holly ward I feel ready to go home.",
    "I spoke to {name:first} at St Mary's and she sorted my transport.",
    "Her name is {name:first} and she runs the group at Rose Cottage.",
    "My son {name:first} has been on Ruby ward since the summer.",
    "Mrs {name:last} was the best nurse on Jasmine Ward.",
    "Mr {name:last} the psychiatrist listened to my wife too.",
    "Ms {name:last} from the Early Intervention team never gave up on me.",
    "A nurse named {name:first} found me a quiet room.",
    "thanks to {name:first_lower} on reception for the cup of tea",
    "i spoke to {name:first_lower} on the phone and she was lovely",
    "my key worker {name:first_lower} helped me with my forms",
    "{name:first} was lovely when I was on the Mary Seacole House unit.",
    "My daughter {name:first} did the Freedom Programme and it changed her life.",
    "Please pass on my thanks to {name:full} on the Florence Nightingale Ward.",
    "Ring me on {phone:mobile_spaced} if there's a space in the group.",
    "Call me on {phone:mobile_dots} after 6pm.",
    "My number is {phone:mobile_dashes}, text is best.",
    "Text me on {phone:mobile_plain} please, I don't answer unknown calls.",
    "You can reach me on {phone:mobile_brackets}.",
    "My mobile: {phone:intl_zero}",
    "Contact me on {phone:intl_plain} as I'm often abroad for work.",
    "my number is {phone:intl_0044} if you want to talk about the survey",
    "Ring my mum on {phone:landline_spaced}, she is my carer.",
    "Our home number is {phone:landline_brackets}.",
    "Call us on {phone:landline_dashes} about the carers group.",
    "Home phone {phone:landline_dots}",
    "Best number is {phone:london}, or email me.",
    "My work number is {phone:london_brackets} if the mobile is off.",
    "Text {phone:mobile_spaced} to tell me if the group is off.",
    "If you want to follow up, ring me on {phone:intl_landline}.",
    "My number's {phone:mobile_plain}, I'm {name:first}.",
    "Please ring me back on {phone:freephone}, it's my work line and they'll put you through.",
    "I'm on {phone:small_town} most afternoons.",
    "Call {name:first} on {phone:mobile_spaced} about the walking group.",
    "Contact: {phone:intl_compact}",
    "Ring me on {phone:mobile_spaced} or email {email:plain}.",
    "My NHS number is {nhs_number:spaced} and my mobile is {phone:mobile_dots}.",
    "Email me at {email:dotted} about the next Amber ward meeting.",
    "I live near {postcode:upper} and James Cook Hospital is two buses away.",
    "I was born on {date_of_birth:numeric} and have been on Holly ward twice.",
    "NHS no {nhs_number:plain}, I'm on Willow Unit.",
    "My appointment on {x:date} at 10:30 was cancelled, ring me on {phone:mobile_spaced}.",
    "Grace {name:last} on the Desmond course was so kind.",
    "Will {name:last} from the crisis team came out at 2am.",
    "My nurse Rose was brilliant on Amber ward.",
    "Thanks to Amber and the team at St Mary's.",
    "Dr Will listened to me properly for the first time.",
    "My uncle Desmond did the Desmond course and loved it.",
    "I spoke to Mark on the phone and he rang back the same day.",
    "Sorry I missed the group, it's {name:first} from Tuesdays, call me on {phone:mobile_spaced}.",
    "{name:first} {name:last}, {phone:landline_spaced}, {email:plain}",
    "My sister {name:first} visits me on Ruby ward every Sunday.",
    "My advocate {name:full} should be at my ward round on Jasmine Ward.",
    "Staff like {name:first} on Willow Unit make this place bearable.",
    "{name:first} from the Rose Cottage team rang every day when I was unwell.",
]

# Labels: a name span is the name words only; these "fixed" templates carry literal names to label.
FIXED_NAMES = {
    "My nurse Rose was brilliant on Amber ward.": ["Rose"],
    "Thanks to Amber and the team at St Mary's.": ["Amber"],
    "Dr Will listened to me properly for the first time.": ["Will"],
    "My uncle Desmond did the Desmond course and loved it.": ["Desmond"],
    "I spoke to Mark on the phone and he rang back the same day.": ["Mark"],
}


def _phone(form: str, rng: random.Random) -> str:
    d = f"{rng.randrange(1000):03d}"
    t = f"{rng.randrange(10000):04d}"
    return {
        "mobile_spaced": rng.choice([f"07700 900{d}", f"07700 900 {d}", f"07 700 900 {d}"]),
        "mobile_dots": f"07700.900.{d}",
        "mobile_dashes": rng.choice([f"07700-900-{d}", f"07700-900{d}"]),
        "mobile_plain": f"07700900{d}",
        "mobile_brackets": f"(07700) 900{d}",
        "intl_zero": rng.choice([f"+44 (0)7700 900{d}", f"+44 (0) 7700 900 {d}", f"+44(0)7700 900{d}"]),
        "intl_plain": f"+44 7700 900{d}",
        "intl_compact": f"+447700900{d}",
        "intl_0044": rng.choice([f"0044 7700 900{d}", f"0044 (0)7700 900{d}"]),
        "intl_landline": rng.choice([f"+44 113 496 0{d}", f"+44 (0)161 496 0{d}"]),
        "landline_spaced": rng.choice([f"0113 496 0{d}", f"0161 496 0{d}", f"0117 496 0{d}"]),
        "landline_brackets": rng.choice([f"(0113) 496 0{d}", f"(0161) 4960{d}"]),
        "landline_dashes": f"0113-496-0{d}",
        "landline_dots": f"0161.496.0{d}",
        "london": f"020 7946 0{d}",
        "london_brackets": f"(020) 7946 0{d}",
        "small_town": f"01632 960{d}",
        "freephone": rng.choice([f"0800 123 {t}", f"0808 157 {t}"]),
    }[form]


_SLOT_RE = re.compile(r"\{(\w+):(\w+)\}")


def _render(template: str, rng: random.Random) -> tuple[str, list[dict]]:
    out, spans, pos = "", [], 0
    for m in _SLOT_RE.finditer(template):
        out += template[pos : m.start()]
        kind, form = m.groups()
        value = _phone(form, rng) if kind == "phone" else _fill(kind, form, rng, FIRST, LAST)
        if kind != "x":
            spans.append({"kind": kind, "start": len(out), "end": len(out) + len(value), "text": value})
        out += value
        pos = m.end()
    out += template[pos:]
    for name in FIXED_NAMES.get(template, []):
        start = out.index(name)
        spans.append({"kind": "name", "start": start, "end": start + len(name), "text": name})
    return out, sorted(spans, key=lambda s: s["start"])


def build(
    seed: int = 20261204, n_pii: int = 360, clean=CLEAN, templates=TEMPLATES, prefix_id: str = "alarms"
) -> list[dict]:
    rng = random.Random(seed)
    records = [{"text": s, "spans": []} for s in clean]
    for i in range(n_pii):
        text, spans = _render(templates[i % len(templates)], rng)
        if rng.random() < 0.3:  # a clean statement first, then the personal data
            prefix = rng.choice(clean) + " "
            text = prefix + text
            spans = [{**s, "start": s["start"] + len(prefix), "end": s["end"] + len(prefix)} for s in spans]
        records.append({"text": text, "spans": spans})
    rng.shuffle(records)
    out = []
    for i, record in enumerate(records):
        for s in record["spans"]:
            assert record["text"][s["start"] : s["end"]] == s["text"], record
        out.append({"id": f"{prefix_id}-{i:03d}", "text": record["text"], "spans": record["spans"]})
    return out


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    held_out = build(20261205, 80, HELD_OUT_CLEAN, HELD_OUT_TEMPLATES, "alarms-heldout")
    for name, records in (("pii_false_alarms.jsonl", build()), ("pii_false_alarms_heldout.jsonl", held_out)):
        with (FIXTURES / name).open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
