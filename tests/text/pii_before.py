"""A frozen copy of ``whatmatters/text/pii.py`` as it was before issue 18, for before/after scoring.

The tests in ``test_pii_false_alarms.py`` score this and the current module on the same corpus in the same
run. Do not change it; it reads the same ``given_names.txt``.

Original docstring: Find personal data in short free-text statements, and redact it.

Pure and offline: regular expressions, the modulus-11 NHS number check (``nhs-number``), UK phone-number
parsing (``phonenumbers``) and a rule-based name recogniser driven by a given-name list shipped in
``data/given_names.txt``. No Django, no model download, no network. See ``docs/text.md`` for how each
recogniser works and how well it does on the test corpus.

The detector leans towards flagging: a flagged statement is only *held* for a person to look at, while a
missed one could be published. Findings are spans of the original text; ``redact`` swaps them for labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import nhs_number
import phonenumbers
from phonenumbers import Leniency, PhoneNumberType

KINDS = ("nhs_number", "email", "phone", "postcode", "date_of_birth", "name")

LABELS = {
    "nhs_number": "[NHS number removed]",
    "email": "[email removed]",
    "phone": "[phone number removed]",
    "postcode": "[postcode removed]",
    "date_of_birth": "[date of birth removed]",
    "name": "[name removed]",
}

# What a person reads for each kind ("an NHS number was found" → "NHS number").
KIND_WORDS = {kind: label.strip("[]").replace(" removed", "") for kind, label in LABELS.items()}


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind, character offsets ``[start, end)`` and the matched text."""

    kind: str
    start: int
    end: int
    text: str


def find_personal_data(text: str) -> list[Finding]:
    """Return the personal data found in ``text``, ordered by position, with no overlapping spans."""
    names = _names(text)
    candidates = [
        *_nhs_numbers(text),
        *_emails(text),
        *_phones(text),
        *_postcodes(text),
        *_dates_of_birth(text, names),
        *names,
    ]
    return _without_overlaps(candidates)


def redact(text: str, findings: list[Finding]) -> str:
    """Replace each finding's span with a plain label such as ``[name removed]``."""
    out = []
    position = 0
    for finding in _without_overlaps(list(findings)):
        out.append(text[position : finding.start])
        out.append(LABELS[finding.kind])
        position = finding.end
    out.append(text[position:])
    return "".join(out)


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the highest-priority finding where spans overlap (kinds earlier in ``KINDS`` win)."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (rank[f.kind], f.start, -(f.end - f.start))):
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


# --- NHS numbers -----------------------------------------------------------------------------------------

# Ten digits, optionally split 3-3-4 (or anyhow) by single spaces or dashes; never part of a longer number.
_NHS_RE = re.compile(r"(?<![\w+-])(?:\d[ -]?){9}\d(?![\w]|[ -]?\d)")


def nhs_numbers(text: str) -> list[str]:
    """The valid NHS numbers in the text, as ten digits each (every importer refuses or holds them)."""
    return [re.sub(r"\D", "", f.text) for f in _nhs_numbers(text)]


def _nhs_numbers(text: str) -> list[Finding]:
    found = []
    for m in _NHS_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if nhs_number.is_valid(digits):
            found.append(Finding("nhs_number", m.start(), m.end(), m.group()))
    return found


# --- Emails ----------------------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")


def _emails(text: str) -> list[Finding]:
    return [Finding("email", m.start(), m.end(), m.group()) for m in _EMAIL_RE.finditer(text)]


# --- Phone numbers ---------------------------------------------------------------------------------------

# Numbers for organisations, not people: freephone, premium and shared-cost lines (helplines, NHS 111).
_SERVICE_NUMBER_TYPES = {PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST}


def _phones(text: str) -> list[Finding]:
    found = []
    # POSSIBLE rather than VALID: Ofcom's drama ranges (07700 900xxx) are "not valid" but are what people
    # (and our fixtures) write, and a mistyped digit should still be held.
    for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=Leniency.POSSIBLE):
        raw = m.raw_string
        digits = re.sub(r"\D", "", raw)
        # A UK number written by a person starts with 0 (national) or +44 / 0044 (international).
        if not (raw.startswith(("0", "+", "(0", "(+"))) or len(digits) < 10:
            continue
        number = m.number
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _SERVICE_NUMBER_TYPES:
            continue
        found.append(Finding("phone", m.start, m.end, raw))
    return found


# --- Postcodes -------------------------------------------------------------------------------------------

# Full UK postcodes (outward + inward code), after the government data standard's pattern, any case,
# with or without the space. Outward codes alone ("LS6") cover thousands of homes and are not flagged.
_POSTCODE_RE = re.compile(
    r"\b(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)


def _postcodes(text: str) -> list[Finding]:
    found = []
    for m in _POSTCODE_RE.finditer(text):
        value = m.group()
        # Lower-case only counts with the space ("ls6 2ab"); "in2day"-like tokens are not postcodes.
        if not value.isupper() and " " not in value:
            continue
        found.append(Finding("postcode", m.start(), m.end(), value))
    return found


# --- Dates of birth --------------------------------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)[0-9]{2}"
_DATE_RE = re.compile(
    r"\b(?:"
    rf"(?:[12][0-9]|3[01]|0?[1-9])[/.-](?:1[0-2]|0?[1-9])[/.-](?:{_YEAR}|[0-9]{{2}})"  # 12/03/1985, 1.3.85
    rf"|{_YEAR}-(?:1[0-2]|0[1-9])-(?:[12][0-9]|3[01]|0[1-9])"  # 1985-03-12
    rf"|{_DAY}(?: of)? (?:{_MONTHS})\.?(?:,? {_YEAR}|,? '[0-9]{{2}})?"  # 12th March 1985, 3 Jan '90
    rf"|(?:{_MONTHS})\.? {_DAY}(?:,? {_YEAR})?"  # March 12th, 1985
    r")\b",
    re.IGNORECASE,
)
_DOB_CONTEXT_RE = re.compile(
    r"\b(?:born|birth|birthday|b'day|bday|dob)\b|\bd\.o\.b\b\.?|\bdate of birth\b", re.IGNORECASE
)
_SENTENCE_BREAK_RE = re.compile(r"[.!?;\n](?:\s|$)")
# "Sam Jones (12/03/1985)" or "Sam Jones, 12/03/1985": a full date with a year straight after a name.
_AFTER_NAME_RE = re.compile(r"\s*[,(]\s*$|\s+(?:dob|d\.o\.b\.?)?\s*$", re.IGNORECASE)


def _dates_of_birth(text: str, names: list[Finding]) -> list[Finding]:
    found = []
    for m in _DATE_RE.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        after = text[m.end() : m.end() + 25]
        # A context word counts only in the same sentence as the date.
        context = list(_DOB_CONTEXT_RE.finditer(before))
        near_before = bool(context) and not _SENTENCE_BREAK_RE.search(before[context[-1].end() :])
        near_after = bool(_DOB_CONTEXT_RE.search(_SENTENCE_BREAK_RE.split(after)[0]))
        after_name = re.search(r"(?:19|20)\d\d|'\d\d|/\d\d$", m.group()) is not None and any(
            0 <= m.start() - n.end <= 3 and _AFTER_NAME_RE.fullmatch(text[n.end : m.start()]) for n in names
        )
        if near_before or near_after or after_name:
            found.append(Finding("date_of_birth", m.start(), m.end(), m.group()))
    return found


# --- Names -----------------------------------------------------------------------------------------------


@cache
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """(names that are not English words, names that are also English words), lower-cased."""
    plain, ambiguous = set(), set()
    source = resources.files("whatmatters.text").joinpath("data/given_names.txt")
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, flag = line.split("\t")
        (ambiguous if flag == "1" else plain).add(name.lower())
    return frozenset(plain), frozenset(ambiguous)


# Titles and roles that introduce a name: "Dr Patel", "Nurse Sarah".
_TITLES = frozenset(
    (
        "dr doctor mr mrs ms miss mx prof professor nurse sister matron sir dame rev reverend father "
        "auntie aunty uncle nan nana grandad"
    ).split()
)
# Words after "my ..." that introduce a person's name: "my care coordinator Michelle", "my son, Tom".
_ROLE_WORDS = frozenset(
    (
        "coordinator co-ordinator worker keyworker nurse psychiatrist doctor therapist psychologist "
        "consultant cpn ot gp counsellor mentor advocate son daughter husband wife partner mum mam "
        "mom mother dad father brother sister friend carer boyfriend girlfriend grandson "
        "granddaughter nephew niece cousin manager supervisor colleague boss buddy peer named called "
        "aunt uncle"
    ).split()
)
# Capitalised words that are never a person's name here, even after a title or in the name list:
# service and place words, days, months, festivals, languages, acronyms people use in these services.
_NOT_NAMES = frozenset(
    (
        "nhs gp gps a&e ae cmht camhs iapt cpn ot pals ward wards unit team teams service services "
        "trust early intervention crisis home treatment recovery college samaritans mind rethink "
        "talking therapies therapy hospital centre center house clinic community mental health "
        "psychosis older adults monday tuesday wednesday thursday friday saturday sunday january "
        "february march april may june july august september october november december christmas "
        "easter eid ramadan diwali hanukkah english british welsh scottish irish polish urdu punjabi "
        "bengali somali arabic god allah jesus covid zoom facebook whatsapp google the a an i im i'm "
        "my and but so we you he she they it this that when what who please thank thanks sorry hi "
        "hello dear yes no not ok okay also just dbt cbt emdr ptsd adhd ocd bpd eupd eip crht hmp dwp "
        "pip uc sertraline clozapine olanzapine lithium depot street road lane avenue court lodge "
        "suite park way close drive place square surgery practice pharmacy library council police "
        "church mosque temple gurdwara synagogue school university jobcentre citizens advice age uk "
        "carers memory ed dr mr mrs ms nurse doctor sister coordinator worker support peer duty "
        "reception"
    ).split()
)
# Words after a name that show it names a place or a service ("Florence Ward", "Rose House").
_PLACE_AFTER = frozenset(
    (
        "infirmary ward unit house centre center team hospital road street lane court lodge clinic suite "
        "building park way close avenue drive surgery practice service services college school trust "
        "project café cafe hub group"
    ).split()
)
# Places that are also in the name list: not a name after "in", "from", "near"... ("the bus from Bradford").
_PLACES_TOO = frozenset(
    (
        "ashton barry beverley bradford brent burton chelsea chester clifton dudley kendal kent "
        "lewis lincoln milton preston shelley shirley stanley florence georgia india kenya jordan "
        "trinidad china israel asia paris sydney victoria adelaide austin dallas houston orlando "
        "nevada carolina virginia savannah denver madison cheyenne sierra dakota jamaica"
    ).split()
)
_LOCATIVE = frozenset("in from near at to around outside of via towards into".split())
# Ordinary words that are also given names and need a title or a cue phrase to count ("Hope", "May").
_STRICT_AMBIGUOUS = frozenset(
    (
        "hope faith joy love trust patience peace mercy charity liberty destiny harmony chance "
        "genesis trinity karma sunshine summer winter spring autumn season star sun moon may june "
        "april august many long man see son else brain manual numbers major king queen prince "
        "princess lady miss young golden noble royal earnest precious blessing era echo page art guy "
        "dean grant hunter chase rich frank earl"
    ).split()
)
# Verbs and words that, straight after a sentence-initial word, show it is a person ("Will was lovely").
_PERSON_NEXT = frozenset(
    (
        "was is has had helped helps listened listens said says made makes always never came comes "
        "took takes explained explains rang rings called calls gave gives really sat stayed went got "
        "understood understands knew knows remembered remembers noticed treated treats spoke speaks "
        "talked talks and from on in at our my told tells goes did does would will could can should "
        "showed shows sorted checked checks visited visits walked drove picked cooked answered "
        "arranged kept keeps found finds who needs needed wants wanted loves loved likes liked felt "
        "feels worries worried cares cared isn't wasn't doesn't didn't can't won't hasn't"
    ).split()
)

_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_CUE_RE = re.compile(
    r"\b(?:my name is|my name's|name is|i'm called|i am called|called|named|known as|ask for|"
    r"speak to|spoke to|thanks to|thank you to|thank you,?|thanks,?|love from)\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int
    sentence_start: bool


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN_RE.finditer(text):
        word = m.group()
        start, end = m.start(), m.end()
        # Drop a possessive "'s" so "Sarah's" gives "Sarah".
        if word.lower().endswith(("'s", "’s")) and len(word) > 2:
            word, end = word[:-2], end - 2
        word = word.rstrip("'’-")
        end = start + len(word)
        if not word:
            continue
        gap = text[tokens[-1].end if tokens else 0 : start] if tokens else text[:start]
        sentence_start = not tokens or bool(re.search(r"[.!?:;\n\"“(]\s*$|^\s*[-*•]\s*$", gap))
        tokens.append(_Token(word, start, end, sentence_start))
    return tokens


def _is_capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _surname_like(token: _Token) -> bool:
    word = token.text
    return (
        _is_capitalised(word)
        and not token.sentence_start
        and word.lower() not in _NOT_NAMES
        and word.lower() not in _PLACE_AFTER
        and len(word) > 1
    )


def _names(text: str) -> list[Finding]:
    plain, ambiguous = _given_names()
    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word, lower = token.text, token.text.lower()
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        is_name = False
        if lower in _NOT_NAMES:
            is_name = False
        elif prev is not None and _introduces_name(text, prev, token, tokens, i):
            # "Dr Patel", "my key worker Jo", "my name is sam": the cue is the evidence. Lower-case words
            # count only after "my name is" or when they are in the name list ("my key worker jo").
            is_name = (
                _is_capitalised(word)
                or (word.islower() and (lower in plain or _lower_ambiguous_ok(lower, ambiguous)))
                or _strong_cue_before(text, token.start)
            )
        elif _is_capitalised(word) and (lower in plain or lower in ambiguous):
            if nxt is not None and nxt.text.lower() in _PLACE_AFTER and _is_capitalised(nxt.text):
                is_name = False  # "Florence Ward", "Rose House"
            elif prev is not None and prev.text.lower() in ("st", "saint"):
                is_name = False  # "St James's"
            elif lower in _PLACES_TOO and prev is not None and prev.text.lower() in _LOCATIVE:
                is_name = False  # "the bus from Bradford", "my family in Jamaica"
            elif lower in plain:
                is_name = True
            elif lower in _STRICT_AMBIGUOUS:
                is_name = nxt is not None and _surname_like(nxt) and nxt.start - token.end == 1
            elif token.sentence_start:
                is_name = nxt is not None and (
                    nxt.text.lower() in _PERSON_NEXT or (_surname_like(nxt) and nxt.start - token.end == 1)
                )
            else:
                is_name = True
        elif not _is_capitalised(word) and lower in plain and len(lower) > 2 and word.islower():
            # People type on phones without capitals: "sarah was lovely". Only names that are not words.
            is_name = True
        if not is_name:
            i += 1
            continue
        start, end = token.start, token.end
        j = i + 1
        # Take following capitalised words as the rest of the name: "Sarah Jones", "Aoife Ní Bhriain".
        while j < len(tokens) and tokens[j].start - end <= 1 and _surname_like(tokens[j]):
            if tokens[j].text.lower() in _TITLES:
                break
            end = tokens[j].end
            j += 1
        spans.append((start, end))
        i = j
    return [Finding("name", s, e, text[s:e]) for s, e in spans]


def _lower_ambiguous_ok(lower: str, ambiguous: frozenset[str]) -> bool:
    """After a cue, "my key worker tom" is a name but "my son will" is not."""
    return lower in ambiguous and lower not in _STRICT_AMBIGUOUS and lower not in _PERSON_NEXT


def _cue_before(text: str, start: int) -> bool:
    return bool(_CUE_RE.search(text[max(0, start - 30) : start]))


def _introduces_name(text: str, prev: _Token, token: _Token, tokens: list[_Token], i: int) -> bool:
    """True when the words before ``token`` announce a name: a title, "my <role>", or a cue phrase."""
    prev_lower = prev.text.lower()
    between = text[prev.end : token.start]
    if prev_lower in _TITLES and _is_capitalised(prev.text) and between in (" ", ". "):
        return True
    if prev_lower in _ROLE_WORDS and re.fullmatch(r",? ", between):
        # Only "my/our/the ... <role> Name", not "a nurse Called"; the role must follow a possessive.
        before_role = text[max(0, prev.start - 30) : prev.start].lower()
        return bool(re.search(r"\b(?:my|our|his|her|their|the)\s+(?:[a-z-]+\s+)?$", before_role))
    return _cue_before(text, token.start)


_STRONG_CUE_RE = re.compile(r"\b(?:my name is|my name's|i'm called|i am called)\s*$", re.IGNORECASE)


def _strong_cue_before(text: str, start: int) -> bool:
    return bool(_STRONG_CUE_RE.search(text[max(0, start - 30) : start]))
