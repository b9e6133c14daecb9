"""Recognise words that may mean risk, or a wish to be contacted, in short free text.

Every public form (statements, surveys and check-ins, excellence reports) passes what a person wrote to
``find_risk``. When it finds risk the person sees crisis contacts at once, the text is held for a person and
the team's leads are alerted (``whatmatters.safety``). This module only recognises; it decides nothing.

Pure and offline: a word and phrase list turned into regular expressions, compiled once. No Django, no model
download, no network. Every finding can be explained by the rule that made it. See ``docs/engagement.md``
("Recognising risk in what people write") for the measured figures on the hand-written test corpus.

Recall comes first. A missed statement of risk is the worst outcome; a false alarm costs a clinician a
minute. So whenever a choice was close, the rule flags.

Kinds (``KINDS``; ``LABELS`` gives staff the plain words, never the person's own):

- ``suicide``: wanting to die or end one's life ("I want to end my life", "kill myself", "kms", "better off
  dead", "don't want to be here any more", "take my own life", "overdose", "not wake up", "wish I was
  dead", "better off without me", "suicidal", misspelt "sucidal", "suiside", algospeak "unalive").
- ``self_harm``: "cutting myself", "hurt myself", "self harm", "self-harming", "burn myself", "cut my arms",
  "started cutting again", "urge to cut".
- ``harm_to_others``: "hurt someone", "kill him", "want to hurt my …", "make them pay", "stab", "punch",
  "thoughts of harming my baby", "get revenge".
- ``hopeless``: "I can't go on", "can't cope (any more)", "no point in living", "no way out", "give up on
  everything", "at breaking point", "end of my tether", "nothing to live for", "I feel hopeless",
  "worthless", "a burden", "losing the will to live".
- ``contact_request``: "call me", "please call me back", "ring me", "can someone contact me", "I need to
  talk to someone", "get in touch with me", "phone me", "text me", "email me back", "my number is 07…",
  "I'm still waiting for a call back", "please help me".

How the text is read:

- Case does not matter. Any run of spaces, tabs or new lines counts as one space. Apostrophes may be
  straight, curly or missing ("can't", "can’t", "cant"; "don't", "dont"; "I'm", "Im"). Common spellings
  and misspellings are in the lists ("myself", "my self", "meself", "myslef"; "any more", "anymore";
  "cannot", "can not"; "wanna", "gonna"), and text-speak such as "kms" and "od".
- Offsets are into the text exactly as given (no text is rewritten before matching).
- Findings never overlap. Where two rules match the same words the earlier kind in ``KINDS`` wins (so
  "want to kill myself" is suicide, not harm to others), then the longer match.

Idioms, decided one by one (none of these is flagged):

- "dying to get seen", "dying for a cup of tea": "dying" is only flagged as "want to die" / "wish I
  could die" / "ready to die".
- "killing time", "I could kill for a coffee", "the pain killers", "kill the pain", "it wouldn't kill them
  to ring back": "kill" needs a person after it (him, her, them, someone, my dad, the receptionist), and
  "kill time/pain/mood/vibe" and "wouldn't kill them to" are left out.
- "the wait is killing me", "this form is killing me", "my back is killing me": **not flagged**. "X is
  killing me" is the commonest way people complain about a wait or a pain; on its own it says nothing about
  wanting to die. Any other risk words in the same text are still flagged.
- "drop dead gorgeous", "bored to death", "scared to death", "dead tired": "dead" is only flagged in
  "better off dead", "wish I was dead", "want to be dead".
- "cutting down on waiting", "cutting edge", "cuts to services", "been cutting back": "cut" needs
  "myself", a body part ("my arms", "my wrists") or "again"/"started cutting" not followed by "down",
  "back", "costs", "corners".
- "I hurt my back", "it hurt my feelings": "hurt my …" is harm to others only after a word of intent
  ("want to", "going to", "could", "feel like") and never before a body part or "feelings".
- "they make you pay for parking": "make … pay" is not flagged before "for parking", "for prescriptions",
  "for the car park" or an amount of money.
- "call me old-fashioned", "call me crazy", "they call me Jo", "they call me names": not contact requests.
  "They never call me back" **is**: a complaint that nobody rings back is treated as asking to be rung.
- "I can't go on the bus", "I can't go on holiday": "can't go on" counts only at the end of a clause or
  before "like this", "any more", "living", "waiting", "without".
- "5 kms away": "kms" after a number is a distance.
- "the booking line is hopeless": "hopeless" counts only about the person ("I feel hopeless", "I'm so
  hopeless", "feeling hopeless", "hopelessness").

Close calls that **are** flagged (safety first): "I'd rather die than wait another year", "I'm losing the
will to live", "kill me now", "I could kill him", "I'm killing myself working three jobs", "I can't cope
with the wait", "I don't want to die", "I don't want to be here" (without "any more"), "I haven't hurt
myself"; and, as a request for contact, "I need help".

Negations. A negated statement about oneself is left unflagged only when the negation is unambiguous and
attached: from the start of the clause (after . ! ? ; : , or a new line, or "and"/"but"/"so"/"because")
to the risk words there must be nothing but one of a short list of negations ("I have never thought of",
"I'm not going to", "I would never", "I won't", "I'm not", "I don't have any thoughts of", "no thoughts
of", "never"), and the rest of the sentence must not hedge it ("but", "until", "unless", "yet", "though",
"since", "lately", "any more", "again", "more than", "now", "at the moment", "today", "sometimes").
So "I have never thought of suicide." and "I'm not going to hurt myself, I have my kids" are not
flagged; "I can't say I've never thought of suicide", "I've never wanted to die more than now", "I'm not
going to hurt myself today", "I won't hurt myself again" and "I don't want to hurt myself" are. For contact
requests, "please don't call me", "do not contact me" and "no need to ring me" are not flagged; "don't
call me before 10" is.

What the rules miss on purpose (a person still reads every public answer): risk said without any of the
listed words ("I've written letters to my family", "I've given my things away"), irony and sarcasm, other
languages, harm done *to* the person by someone else (safeguarding: "he hits me"), and risk spread across
sentences that each look harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("suicide", "self_harm", "harm_to_others", "hopeless", "contact_request")

LABELS: dict[str, str] = {
    "suicide": "May be thinking of suicide",
    "self_harm": "May be harming themselves",
    "harm_to_others": "May harm someone else",
    "hopeless": "Sounds hopeless or unable to cope",
    "contact_request": "Asked to be contacted",
}


@dataclass(frozen=True)
class RiskFinding:
    """Words that may mean risk: their kind and character offsets ``[start, end)`` in the text as given."""

    kind: str
    start: int
    end: int


def find_risk(text: str) -> list[RiskFinding]:
    """Return the risk and contact-request findings in ``text``, ordered by position, never overlapping."""
    candidates = []
    for rule in _RULES:
        for m in rule.regex.finditer(text):
            start, end = m.span()
            if rule.not_before is not None and rule.not_before.search(text, 0, start):
                continue
            if rule.not_after is not None and rule.not_after.match(text, end):
                continue
            if _negated(text, start, end, rule.kind):
                continue
            candidates.append(RiskFinding(rule.kind, start, end))
    return _without_overlaps(candidates)


def signals_risk(text: str) -> bool:
    """True when the text has words that may mean risk (any kind except a request for contact)."""
    return any(f.kind != "contact_request" for f in find_risk(text))


def wants_contact(text: str) -> bool:
    """True when the text asks to be contacted."""
    return any(f.kind == "contact_request" for f in find_risk(text))


def _without_overlaps(findings: list[RiskFinding]) -> list[RiskFinding]:
    rank = {kind: i for i, kind in enumerate(KINDS)}
    kept: list[RiskFinding] = []
    for finding in sorted(findings, key=lambda f: (rank[f.kind], -(f.end - f.start), f.start)):
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


# --- Building the patterns -------------------------------------------------------------------------------
#
# Patterns are written as readable phrases and expanded by ``_expand``:
#   a space      one or more whitespace characters   "kill myself", "kill   myself", "kill\nmyself"
#   ~            optional space or hyphen            "self~harm": "selfharm", "self harm", "self-harm"
#   '            optional apostrophe, any style      "can't", "can’t", "cant"
#   <NAME>       a shared word list below            "<MYSELF>", "<CANT>"
# Every pattern is matched as whole words. A rule may also name words that must not come just before it
# (``before``) or just after it (``after``).

_APOSTROPHE = "['’‘`´]?"

_WORDS = {
    "I": r"(?:i|me)",
    "IM": r"(?:i'm|i~am|i~m)",
    "IVE": r"(?:i've|i~have|i~ve)",
    "ID": r"(?:i'd|i~would)",
    "ILL": r"(?:i'll|i~will)",
    "MYSELF": (
        r"(?:my~?s[ei]lf|my~?selfe|myslef|mysefl|mysel|mysef|meself|mesel|mself|myslf|"
        r"him~?self|her~?self|them~?sel(?:f|ves)|your~?self)"
    ),
    "CANT": r"(?:can't|cannot|can~not|carn't|cn't|can't~even)",
    "DONT": r"(?:don't|do~not|dnt)",
    "WONT": r"(?:won't|will~not)",
    "ANYMORE": r"(?:any~?more|any~longer|no~more|n~e~more|nemore|anymor|anymoore)",
    # Words that say a wish or an intention; a finding that starts with one is never treated as negated.
    "WANT": (
        r"(?:want(?:s|ed)?|wanna|wana|wnat|wnt|wish(?:ed)?|feel(?:ing)?~like|felt~like|going|gonna|gna|"
        r"tempted|planning|plan|ready|about|need|needed|trying|tried|urges?|thinking~of|thinking~about|"
        r"thought~of|thought~about|thoughts~of|thoughts~about|would~like|like)"
    ),
    "TO": r"(?:to|too|2|ta)",
    "INTENT": (
        r"(?:(?:want(?:s|ed)?|wanna|wana|going|gonna|gna|tempted|planning|plan|ready|about|urges?|"
        r"scared|afraid|worried|frightened)(?: to| 2)?|feel(?:ing)? like|felt like|could|will|might|"
        r"would|(?:i|he|she|we|they|you)'ll|(?:i|he|she|we|they|you)'d|thinking (?:of|about)|"
        r"thoughts (?:of|about)|thought (?:of|about)|snap and|lose it and|end up)"
    ),
    "PERSON": (
        r"(?:someone|somebody|some~one|anyone|anybody|any~one|people|others|everyone|everybody|"
        r"him|her|them|you|u|ya|staff|a~member~of~staff|a~child|a~kid|"
        r"(?:my|the|his|her|their|that|this|our|your) (?!back\b|neck\b|knees?\b|legs?\b|arms?\b|feet\b|"
        r"foot\b|hands?\b|wrists?\b|ankles?\b|shoulders?\b|hips?\b|head\b|chances\b|feelings\b|"
        r"pride\b|time\b|pain\b|mood\b|vibe\b|buzz\b|battery\b|phone\b|appetite\b|sleep\b|chest\b|"
        r"stomach\b|tummy\b|eyes?\b|ears?\b|skin\b|body\b|health\b|case\b|career\b|prospects\b|"
        r"eyesight\b|voice\b|self\b|own\b|mental\b|recovery\b|way\b|gym\b|road\b|shops\b|sack\b|hay\b|"
        r"books\b|roof\b|ceiling\b|walls?\b|brakes\b|button\b|ground\b|floor\b|target\b|deadline\b|"
        r"bottle\b|pub\b|town\b|headlines\b|spot\b|nail\b|jackpot\b|mark\b|bar\b|doors?\b|windows?\b|"
        r"screen\b|tv\b|car\b|glass\b|computer\b|keyboard\b|pillow\b|bed\b|table\b|desk\b|budget\b|"
        r"finances\b|funding\b|service\b|system\b|waiting\b|list\b|nhs\b)\w+)"
    ),
    "PILLS": (
        r"(?:pills|tablets|tabs|meds|medication|medicine|paracetamol|painkillers|pain~killers|"
        r"sleeping~pills|antidepressants)"
    ),
}


def _expand(source: str) -> str:
    for _ in range(4):  # word lists may use other word lists
        source = re.sub(r"<([A-Z]+)>", lambda m: _WORDS[m.group(1)], source)
    return source.replace("'", _APOSTROPHE).replace("~", r"[\s-]*").replace(" ", r"\s+")


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + _expand(source) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class _Rule:
    kind: str
    regex: re.Pattern[str]
    not_before: re.Pattern[str] | None  # searched in the text before the match (anchored at its start)
    not_after: re.Pattern[str] | None  # matched where the match ends


def _rule(kind: str, source: str, before: str = "", after: str = "") -> _Rule:
    not_before = re.compile(r"(?<!\w)(?:" + _expand(before) + r")\s*\Z", re.IGNORECASE) if before else None
    not_after = re.compile(r"\s*(?:" + _expand(after) + r")(?!\w)", re.IGNORECASE) if after else None
    return _Rule(kind, _compile(source), not_before, not_after)


def _rules(kind: str, sources: list[str | tuple[str, str, str]]) -> list[_Rule]:
    return [_rule(kind, s) if isinstance(s, str) else _rule(kind, *s) for s in sources]


# The end of a clause, for rules that count only when nothing follows in the same clause.
_END = r"$|[.!?,;:\n)]|x+\b|and\b|but\b|because\b|cos\b|coz\b|please\b"

# --- Suicide and ending one's life ------------------------------------------------------------------------

_SUICIDE: list[str | tuple[str, str, str]] = [
    # "suicide", "suicidal", "sucidal", "suiside", "suacide", "siucide" (a u is required: not "seaside")
    r"s[ie]{0,2}u[iae]{0,2}[csk]{1,2}[iy]{1,2}[dt]+(?:e|es|al|ally|le|ality|ial|ed|ing)?",
    r"suicd(?:e|al)|suicidial|suicidel|sewer~slide|unalive(?:d|ing)?|un~alive(?: <MYSELF>)?",
    r"(?:kill(?:s|ed|ing)?|kil(?:l?ing)?|kll|k\*ll|off|end(?:ed|ing)?|finish) <MYSELF>",
    r"(?<!\d)(?<!\d\x20)kms",
    (
        r"(?:end|ending|ended|take|taking|took|taken) (?:my|me|his|her|their) (?:own )?(?:life|lfe|lief|"
        r"lives)(?! back| from| away)"
    ),
    (r"(?:end|ending) (?:it|it all|things|everything|this) all|(?:end|ending) it all", r"the", ""),
    (
        (
            rf"(?:end|ending|ended) (?:it|things|everything)(?=\s*(?:{_END}|all|now|today|tonight|soon|"
            rf"for good))"
        ),
        r"the|the very|at the",
        "",
    ),
    (
        r"<WANT> <TO> die|wanna die|wana die|want(?:s|ed)? 2 die|<WANT> <TO> be dead|ready <TO> die|"
        r"wish i could die"
    ),
    (
        r"(?:wish|wished|wishing) (?:i|that i)(?: was| were| could be|'d| had| would) (?:dead|die|died|"
        r"never been born|not been born|not born|never born|never existed)"
    ),
    (
        r"(?:wish|wished|wishing) (?:i|that i) could (?:just )?(?:disappear|not exist|stop existing|"
        r"go to sleep (?:and|n) not wake up)"
    ),
    (
        r"(?:would|'d|i'd) (?:rather|sooner|prefer to) (?:be dead|die|not be here|not be alive|not exist|"
        r"not wake up)"
    ),
    (
        r"better off dead|better off without me|(?<!\w)i (?:could|might|will|'ll) (?:just )?die(?! of| for|"
        r" laughing| happy| waiting for| to)"
    ),
    (
        r"(?:no one|nobody|no~one) (?:would|will|'d|'ll) (?:even )?(?:miss me|notice if i(?:'m| was|"
        r" were) gone|care if i(?:'m| was| were) (?:gone|dead))"
    ),
    (
        r"(?:better|easier) (?:off )?(?:for everyone |for them |for my family )?(?:if|when) (?:i|i'm|"
        r"im) (?:(?:wasn't|weren't|was not|were not|am not|not) (?:here|around|alive)|(?:was|were|"
        r"am) (?:gone|dead|not here|not around)|gone|dead|died|disappeared)"
    ),
    (
        r"(?:everyone|everybody|they|my family|my kids|my children|people) (?:would|will|'d|"
        r"'ll) be (?:so much |much )?better (?:off )?without me"
    ),
    (
        rf"<DONT> <WANT> <TO> (?:be here|be around|be alive|live|exist|be on this earth|be in this world|"
        rf"wake up|carry on living|go on living|keep living|keep going|go on|carry on)(?=\s*(?:<ANYMORE>|"
        rf"at all|on this earth|in this world|like this|{_END}))"
    ),
    r"<DONT> <WANT> <TO> (?:be here|be around|be alive|live|exist) <ANYMORE>",
    r"(?:never|not) <WANT> <TO> (?:wake up|live|be here|be alive|exist|see another day|see tomorrow)",
    r"<WONT> be (?:here|around) (?:for )?(?:much longer|long|for long|much more)",
    (
        r"(?:not|never|won't|wont) (?:ever )?wake up(?! on time| early| in time| before| till| until| for|"
        r" when| at| in the| with| easily)"
    ),
    (
        r"(?:hope|hoping|wish|wishing|pray|praying|want) (?:that )?(?:i )?(?:<DONT>|<WONT>|wont|never|"
        r"dont) (?:ever )?wake up"
    ),
    r"go(?:ing)? to sleep (?:and|n) (?:never|not|don't|dont) wake up|sleep forever|sleep and never wake",
    (
        r"over~?dos(?:e|ed|es|ing)|overdoes(?:e|ing)|(?:take|took|taking|do|did|had|have|done) an? od|od'?d|"
        r"od'?ing|od on"
    ),
    (
        r"(?:take|took|taking|swallow|swallowed|swallowing|save|saving|saved|stockpile|stockpiling|"
        r"stockpiled|hoard|hoarding|hoarded|store|storing) (?:up )?(?:all|a load|loads|a lot|lots|a handful|"
        r"handfuls|the whole|too many|a bunch|all of|enough|a box|boxes|a packet|packets|"
        r"every one) (?:of )?(?:my |the |them |these |those )?(?:\w+ )?<PILLS>"
    ),
    r"stockpil\w*|saving up (?:my )?<PILLS>",
    (
        r"how many (?:<PILLS> )?(?:it would take|it'd take|i'd need|i would need|i need|would kill|it takes|"
        r"to take)"
    ),
    (
        r"(?:take|swallow|swallowing|taking|took) (?:them )?all (?:of them )?(?:at once|in one go)|(?:need|"
        r"needed) to take all of them"
    ),
    (
        r"(?:jump|jumping|jumped|throw <MYSELF>|throwing <MYSELF>|threw <MYSELF>) (?:off|in front of|under|"
        r"from|into) (?:a|the|that|this|my|an|some) (?:\w+ )?(?:bridge|building|roof|cliff|car~park|"
        r"multi~storey|train|bus|lorry|car|traffic|motorway|tube|sea|river|canal|tower|balcony|window|flats|"
        r"tracks|platform)"
    ),
    (
        r"(?:step|stepping|stepped|walk|walking|walked|run|running|lie|lying|lay|jump|"
        r"jumping) (?:out )?in front of (?:a|the|an|some) (?:\w+ )?(?:train|bus|lorry|car|traffic|van|truck|"
        r"tube)"
    ),
    r"walk(?:ing|ed)? into the (?:sea|river|canal)",
    (
        r"(?:hang|hanging|hung|strangle|strangling|drown|drowning|poison|poisoning|gas|gassing|shoot|"
        r"shooting|stab|stabbing|suffocate|suffocating) <MYSELF>"
    ),
    (
        r"(?:slit|slice|slash|slitting|slicing|slashing) (?:my|me) (?:wrists?|throat)|noose|suicide note|"
        r"goodbye (?:note|letter)s?"
    ),
    (
        r"(?:life|living|my life|it) (?:is|isn't|is not|ain't|aint|'s not|s not|"
        r"not) (?:not )?worth (?:living|it any~more|it anymore|carrying on|going on)"
    ),
    r"not worth living|(?:tired|sick|weary) of (?:living|life|being alive|existing|being here)",
    r"(?:thinking|thought|thoughts|think) (?:of|about) (?:ending|taking) (?:it|things|me)",
    (
        r"<WANT> <TO> (?:disappear forever|disappear for good|not exist|stop existing|cease to exist|"
        r"not be here|be gone forever)"
    ),
    (
        r"kill me now|(?:someone|somebody|god|please|pls) (?:please )?(?:just )?kill me|(?:want|wish|wishing|"
        r"wished) (?:someone|somebody|something|a car|a bus|god) (?:would|to|could|will) (?:just )?(?:kill|"
        r"end) me|(?:want|wish) (?:i|to) (?:would )?(?:get|got|be) (?:hit by a \w+|killed|run over)"
    ),
    (
        r"(?:have|got|made|making|make|with|a) (?:a )?plan (?:to|for how to|of how to) (?:end|kill|die|do it|"
        r"take)"
    ),
    (
        rf"(?:i|i'll|i will|i'm going to|im going to|i'm gonna|im gonna|gonna|"
        rf"going to) (?:just )?end it(?=\s*(?:{_END}|all|now|tonight|today|soon))"
    ),
]

# --- Self-harm -------------------------------------------------------------------------------------------

_SELF_HARM: list[str | tuple[str, str, str]] = [
    r"self~?harm\w*|self~?injur\w*|slef~?harm\w*|sef~?harm\w*|self~?ham(?:ing|ed)?|self~mutilat\w*",
    (
        r"(?:cut|cuts|cutting|cuttin|cuting|cutted|hurt|hurts|hurting|hurted|harm|harms|harming|harmed|burn|"
        r"burns|burning|burnt|burned|hit|hits|hitting|punch|punching|punched|scratch|scratching|scratched|"
        r"starve|starving|starved|bite|biting|bruise|bruising|injure|injuring|injured|punish|punishing|"
        r"mutilate|mutilating) <MYSELF>"
    ),
    (
        r"(?:cut|cutting|cuttin|cuting|slash|slashing|slice|slicing|burn|burning|scratch|scratching|carve|"
        r"carving) (?:my|me) (?:own )?(?:arms?|legs?|thighs?|wrists?|skin|stomach|body|hips?|belly|tummy)"
    ),
    (
        r"<WANT> <TO> (?:hurt|harm|cut|burn) (?:my|me) (?:own )?(?:arms?|legs?|thighs?|wrists?|skin|stomach|"
        r"body|hips?|belly|tummy|face|head)"
    ),
    (
        r"(?:started|start|starting|been|keep|kept|back to|gone back to|went back to) cutting(?! down| back|"
        r" costs?| corners| the| a| an| some| my hair| hair| grass| it| out| in| off| up| through| short|"
        r" ties| school| class| lessons| benefits| services| staff| jobs| onions| veg\w*| bread| wood| paper|"
        r" food| nails| my nails| them| things)"
    ),
    r"cutting again|(?:relapsed?|relapsing) (?:on|with|into) (?:self~?harm|cutting|sh)",
    (
        r"(?:urge|urges|need|want|wanted|wanting|wanna) <TO> (?:cut|self~harm|sh)(?! down| back| the| a| it|"
        r" my hair| costs| corners)"
    ),
    (
        r"razor blades?|blades? to (?:cut|hurt)|fresh cuts|new cuts|cuts (?:on|up) my (?:arms?|legs?|thighs?|"
        r"wrists?|body|stomach)|scars on my (?:arms?|legs?|thighs?|wrists?)"
    ),
]

# --- Harm to others --------------------------------------------------------------------------------------

_HARM_BEFORE = (
    r"(?:wouldn't|would not|won't|wont|doesn't|does not|didn't|did not|it'd|it would|that'd) (?:\w+ )?"
)
_HARM_AFTER = (
    r"to (?:\w+ )?(?:answer|ring|call|phone|reply|respond|pick up|return|write|tell|let|send|read|say|be|get|"
    r"give|text|email|open|listen|smile|check|see)\b|with kindness"
)

_HARM_TO_OTHERS: list[str | tuple[str, str, str]] = [
    (
        (
            r"(?:hurt|hurting|harm|harming|attack|attacking) (?:someone|somebody|some~one|anyone|anybody|"
            r"any~one|a~member~of~staff|a~child|a~kid)"
        ),
        _HARM_BEFORE,
        _HARM_AFTER,
    ),
    (
        (
            r"(?:kill|killing|stab|stabbing|strangle|strangling|shoot|shooting|murder|murdering|batter|"
            r"battering|throttle|throttling) (?:someone|somebody|some~one|people|everyone|everybody|"
            r"a~member~of~staff|a~child|a~kid)"
        ),
        _HARM_BEFORE,
        _HARM_AFTER,
    ),
    (
        (
            r"<INTENT> (?:(?!never |not |ever )\w+ )?(?:hurt|harm|hit|kill|stab|punch|strangle|smash|batter|"
            r"attack|shoot|murder|throttle|deck|lamp|glass|beat|thump|slap|knife|choke|run over) <PERSON>"
        ),
        "",
        _HARM_AFTER,
    ),
    (
        (
            r"(?:kill|stab|strangle|murder|throttle|batter|shoot) (?:him|her|them|you|u|the lot of (?:them|"
            r"you)|all of (?:them|you)|(?:my|his|her|that|this|the) (?!time\b|pain\b|mood\b|vibe\b|buzz\b|"
            r"boredom\b|battery\b|appetite\b|conversation\b|germs\b|bugs\b|weeds\b|grass\b|engine\b|"
            r"lights?\b|chances?\b|back\b|knees\b|feet\b|legs\b|neck\b|head\b|eyes\b)\w+)"
        ),
        _HARM_BEFORE,
        _HARM_AFTER,
    ),
    (
        r"(?:make|making|made) (?:them|him|her|you|u|someone|somebody|everyone|everybody|people|staff|"
        r"the \w+|those \w+|that \w+|this \w+|all of (?:them|you)) pay(?!\s+(?:for )?(?:the )?(?:parking|"
        r"car~?park|prescriptions?|a fee|fees|£|\d|tax|bills?|rent|charges)\b)(?!\s+£)"
    ),
    (
        r"(?:get|getting|take|taking|want|wanting|have|having) (?:my )?revenge|violent (?:thoughts|urges|"
        r"fantasies)"
    ),
    (
        r"thoughts (?:of|about) (?:hurting|harming|killing|attacking|stabbing) (?:someone|somebody|people|"
        r"others|my \w+|him|her|them|the \w+)"
    ),
    (
        r"(?:beat|batter|kick|smash) (?:the (?:hell|crap|shit|living daylights) out of|(?:his|her|their|"
        r"someone's|somebody's) (?:face|head) in)"
    ),
    r"(?:beat|beating) (?:him|her|them|someone|somebody) up",
]

# --- Hopelessness ----------------------------------------------------------------------------------------

_HOPELESS: list[str | tuple[str, str, str]] = [
    (
        rf"<CANT> (?:go on|carry on|keep going|keep on going|go on living|carry on living)(?=\s*(?:{_END}|"
        rf"like|<ANYMORE>|anymore|much|living|with(?:out)?|waiting|feeling|being|this way|the way|any longer|"
        rf"for much|i\b|im\b|i'm\b|anyway))"
    ),
    (
        r"<CANT> cope|(?:struggling|unable|failing) (?:to|2) cope|not coping|(?:am|i'm|"
        r"im) not (?:able to )?cop(?:e|ing)"
    ),
    rf"<CANT> take (?:it|this|any~more|much more)(?=\s*(?:{_END}|<ANYMORE>|anymore|much|longer|i\b))",
    r"<CANT> do (?:this|it|life|anything) (?:<ANYMORE>|anymore|much longer|for much longer)",
    r"<CANT> face (?:anything|life|another day|living|tomorrow|the future|going on|it <ANYMORE>|people)",
    (
        r"no (?:point|reason|purpose) (?:in |to |of )?(?:living|life|going on|carrying on|being alive|"
        r"being here|existing|it all|anything|me being here|getting up|keep going|keeping going|live|go on|"
        r"carry on|get up|be here)(?! the| to the| with the| a )"
    ),
    (
        r"no point <ANYMORE>|what's the point (?:of |in )?(?:living|life|anything|going on|carrying on|"
        r"it all|being alive|me|being here|existing|<ANYMORE>|trying <ANYMORE>)"
    ),
    r"what's the point(?=\s*(?:$|[.!?\n]))",
    (
        r"(?:<DONT>|can't|cant|do not) see (?:the|any) point(?=\s*(?:$|[.!?,;:\n]|<ANYMORE>|anymore|(?:in|"
        r"of) (?:living|life|anything|going on|carrying on|it all|trying|being here|being alive|me|"
        r"getting up|existing)\b))"
    ),
    r"(?:<DONT>|can't|cant|do not) see (?:a|any) (?:future|way out|way forward|light at the end)",
    (
        r"no way (?:out|forward|through)|no (?:future|hope)(?= for me| left|\s*(?:$|[.!?,;:\n]|x+\b|and\b|"
        r"but\b|at all|<ANYMORE>|anymore))"
    ),
    r"no hope (?:of|that) (?:i'll |ever )?(?:getting|get|feeling|feel|being|be) (?:better|well|normal|happy)",
    (
        r"(?:lost|losing|lose|given up|giving up|give up|gave up) (?:all )?hope(?! (?:in|with) (?:the|this|"
        r"these|them|you|your|my gp|nhs)| of (?:ever )?(?:getting|being) (?:an?|seen|any|my|the|through|"
        r"called|offered))|hopelessness"
    ),
    (
        r"(?:i|i'm|im|i am|feel|feeling|felt|makes me feel|left me feeling|leaves me feeling) (?:so |really |"
        r"very |totally |completely |just |utterly |quite )?hopeless"
    ),
    (
        r"(?:giv(?:e|ing|en)|gave) up on (?:everything|life|myself|<MYSELF>|living|it all|all of it|"
        r"the world|me|the future)"
    ),
    (
        rf"(?:i|i've|i have) (?:just |totally |completely )?(?:give|given|gave) up(?=\s*(?:{_END}|on life|"
        rf"on everything))"
    ),
    r"breaking~point|(?:end|edge) of my (?:tether|rope|teather|tither)|rock bottom|end of the road for me",
    (
        r"nothing (?:left )?(?:to|2) live for|(?:nothing|no one|nobody|no~one) (?:left )?(?:to|2) (?:live|"
        r"go on|carry on|keep going) for"
    ),
    r"no reason (?:to|2) (?:live|go on|carry on|keep going|be here|get up|wake up)",
    r"(?:losing|lost|lose|no|without|have no|no more) (?:the )?will (?:to|2) (?:live|go on|carry on)",
    (
        r"(?:i|i'm|im|i am|feel|feeling|felt|i feel like|i feel like i'm|like) (?:so |just |totally |"
        r"completely |such )?(?:worthless|a burden|a waste of space|a waste of oxygen|empty inside|"
        r"dead inside|numb inside)"
    ),
    (
        r"(?:i'm|im|i am|my life is|life is|i feel like i'm|i feel like im) (?:totally |completely |"
        r"just )?falling apart"
    ),
    (
        r"(?:life|my life|living|everything) (?:is|feels) (?:so )?(?:pointless|meaningless|hopeless|"
        r"not worth it|unbearable)"
    ),
    (
        r"(?:in a|in such a|in the|such a) (?:very |really )?dark (?:place|hole)|dark thoughts|(?:feel|"
        r"feeling|felt|i'm|im) (?:so )?trapped"
    ),
    (
        r"(?:had|have had|i've had) enough of (?:life|everything|living|it all|being alive)|"
        r"done with (?:life|living|everything|it all)"
    ),
]

# --- A wish to be contacted ------------------------------------------------------------------------------

_CONTACT_NAMING = (
    r"(?:they|people|everyone|everybody|friends|my friends|family|my family|he|she|kids|some|most|others|"
    r"folk|folks|mates|my mates|my mum|my mam|my dad|who|what|to) "
    r"(?:all |usually |sometimes |often |still |always |now |used to |tend to |like to )?"
)
_CONTACT_NOT_AFTER = (
    r"old~fashioned|crazy|mad|cynical|paranoid|picky|fussy|silly|stupid|naive|daft|lazy|sceptical|"
    r"skeptical|whatever|names|a|an|by my|by the|mr|mrs|miss|ms|dr|what you|ishmael|back when"
)

_CONTACT: list[str | tuple[str, str, str]] = [
    (
        (
            r"(?:call|ring|phone|text|txt|email|e~mail|message|msg|whatsapp|contact|bell|fone|cal|rng) (?:me|"
            r"us|my (?:mobile|mob|phone|number|landline|home number|house phone))(?: back)?"
        ),
        _CONTACT_NAMING,
        _CONTACT_NOT_AFTER,
    ),
    (
        r"(?:can|could|would|will|may|can't|please) (?:you|u|someone|somebody|some~one|anyone|anybody|"
        r"any~one|a nurse|a doctor|a clinician|a member of staff|a person|the team|they|staff|one of you|"
        r"one of the team|your team|someone from the team|somebody from the team|my (?:worker|"
        r"care~coordinator|nurse|doctor|key~worker|therapist|psychiatrist)) (?:please )?(?:call|ring|phone|"
        r"text|email|contact|get back to|get in touch with|speak to|talk to|see|visit|reach|message) (?:me|"
        r"us)"
    ),
    (
        r"(?:i'd|i would|i want|i need|i really need|i desperately need|need|want|like|i'd like|i would like|"
        r"i wish i could|can i|could i|may i|please let me|please can i|i just need|i just want|"
        r"i really want|i'd really like|i'd love|i would love|i urgently need) (?:to |2 )?(?:talk|speak|"
        r"chat) (?:to|with|2) (?:someone|somebody|some~one|anyone|anybody|any~one|a (?:person|human|"
        r"real person|nurse|doctor|clinician|professional|counsellor|therapist|member of staff|manager|"
        r"psychiatrist|psychologist|worker)|someone from|somebody from|my (?:worker|care~coordinator|nurse|"
        r"doctor|key~worker|therapist|psychiatrist|psychologist|consultant)|the (?:team|nurse|doctor|manager|"
        r"consultant|clinic)|you|u)"
    ),
    r"(?:need|want|like|love) (?:someone|somebody|a person|anyone) (?:to|2) (?:talk|speak) (?:to|with)",
    (
        r"get (?:in touch|back) (?:with|to) me|(?:please|pls|plz|can you|could you|can someone|could someone|"
        r"someone) (?:please )?get (?:in touch|back to me)"
    ),
    (
        r"(?:like|want|love|wish|need|ask|asked|asking|prefer|request|requested|hoping|"
        r"hope) (?:to )?be (?:contacted|called|rung|phoned|called back|rung back|phoned back)"
    ),
    r"(?:call|ring|phone)~?back|callback|(?:a|the|any|your|that) (?:phone )?call (?:from|back)",
    (
        r"(?:waiting|wait|waited|promised|expecting|still waiting) (?:for )?(?:a|the|my|any|"
        r"that) (?:phone )?(?:call|ring|phone call|callback)"
    ),
    (
        r"(?:my|mine|the) (?:mobile|mob|number|phone|phone number|mobile number|landline|contact number|"
        r"email|email address|e~mail) (?:is|number is|no is|:|-)(?=\s*[:\-]?\s*(?:\+|0|\d|[\w.+-]+@))"
    ),
    (
        r"(?:i|i'd|i would|i'd really|i really) (?:like|love|want|need|appreciate) (?:a|someone to|"
        r"somebody to|you to|a phone|some) (?:call|ring|phone call|contact|chat|callback|call back|visit|"
        r"get in touch|contact me)"
    ),
    r"(?:please|pls|plz) (?:contact|call|ring|phone|text|email|help|reply|respond|get in touch|get back)",
    (
        r"(?:i|i really|i desperately|i urgently|really|desperately|urgently|i just) (?:need|"
        r"want) (?:some )?help|(?:someone|somebody|anyone) (?:please )?help(?: me)?|help me (?:please|pls|"
        r"plz)|can (?:someone|anyone|somebody|you) help me"
    ),
    (
        r"(?:can|could|would|will) (?:someone|somebody|anyone|you|u) (?:please )?(?:reply|respond|write back|"
        r"answer me)|(?:reply|respond|write back) (?:to me|please)"
    ),
]

# --- Negations -------------------------------------------------------------------------------------------

# What may stand between the start of a clause and the risk words for them to count as negated.
_NEGATION_SELF = _compile(
    r"(?:(?:and|but|so|honestly|to be clear|just so you know|for the record|don't worry|dont worry|"
    r"please know|i promise|i can promise you|just to say|to be honest|tbh)[,\s]*)?"
    r"(?:(?:<I>|<IM>|<IVE>|<ID>|<ILL>) )?"
    r"(?:(?:have |had |'ve |do |did |am |'m |was |would |will |'d |'ll )?"
    r"(?:never|not|no longer)(?: ever| once)?"
    r"|<WONT>|wouldn't|would not|<DONT>|dont|didn't|did not|have no|had no|haven't got any|"
    r"have not got any|no|not any)"
    r"(?: (?:going|gonna|gna|about|planning|ever going) (?:to|on))?"
    r"(?: (?:thought|think|thinking|considered|considering|felt|feel|feeling|had|have|having|get|getting|"
    r"experienced|experience|attempted|tried|been|planned|done|do))?"
    r"(?: (?:of|about|like|to|any))?"
    r"(?: (?:any )?(?:suicidal )?(?:thoughts?|ideas?|urges?|plans?|intentions?|intent|feelings?|desire|wish)"
    r"(?: (?:of|about|to|for))?)?"
)
_NEGATION_CONTACT = _compile(
    r"(?:(?:and|but|so|honestly)[,\s]*)?(?:please |pls |plz )?(?:<I> )?"
    r"(?:<DONT>|dont|do not|never|no need to|there's no need to|you don't need to|you do not need to|"
    r"<DONT> want (?:you|anyone|anybody|someone|somebody|people|them|the team|staff) to|"
    r"dont want (?:you|anyone|anybody|someone|somebody|people|them|the team|staff) to|"
    r"would rather you didn't|'d rather you didn't|would prefer you didn't)"
    r"(?: (?:ever|need|want))?"
)
# A finding that starts with a wish ("want to die", "feel like …") is never negated: "I don't want to die"
# and "I never wanted to die more" are flagged. ("I'm not going to hurt someone" can be.)
_WISH_START = _compile(
    r"want(?:s|ed)?|wanna|wana|wnat|wnt|wish(?:ed)?|feel(?:ing)?~like|felt~like|tempted|urges?|need(?:ed)?|"
    r"ready|plan(?:ning)?|thinking|thought|thoughts|would~like|like|trying|tried"
)
# The start of a clause: the last of these before a finding.
_CLAUSE_START = re.compile(r"(?:[.!?;:,\n(]|\b(?:and|but|so|because|cos|coz)\b)\s*", re.IGNORECASE)
# Words that, later in the same sentence, make a negation doubtful.
_HEDGE_WORDS = (
    r"but|until|till|til|unless|though|although|yet|except|however|before|since|lately|recently|now|"
    r"<ANYMORE>|anymore|again|more|than|today|tonight|atm|at the moment|right now|for now|currently|"
    r"sometimes|often|these days|this week|this time|not sure|i think|maybe|might|probably|hopefully|"
    r"try|trying|honestly"
)
_HEDGE_SELF = re.compile(r"(?<!\w)(?:" + _expand(_HEDGE_WORDS) + r")(?!\w)", re.IGNORECASE)
_HEDGE_CONTACT = re.compile(
    r"(?<!\w)(?:" + _expand(_HEDGE_WORDS + r"|at|on|after|during|between|in the|instead|rather") + r")(?!\w)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n]")


def _negated(text: str, start: int, end: int, kind: str) -> bool:
    """True when a clear negation is attached to the finding and nothing later in its sentence hedges it."""
    contact = kind == "contact_request"
    if not contact and _WISH_START.match(text, start):
        return False
    clause_start = 0
    for m in _CLAUSE_START.finditer(text, 0, start):
        clause_start = m.end()
    prefix = text[clause_start:start].strip()
    if not prefix or not (_NEGATION_CONTACT if contact else _NEGATION_SELF).fullmatch(prefix):
        return False
    sentence_end = _SENTENCE_END.search(text, end)
    rest = text[end : sentence_end.start() if sentence_end else len(text)]
    return not (_HEDGE_CONTACT if contact else _HEDGE_SELF).search(rest)


_RULES: list[_Rule] = [
    *_rules("suicide", _SUICIDE),
    *_rules("self_harm", _SELF_HARM),
    *_rules("harm_to_others", _HARM_TO_OTHERS),
    *_rules("hopeless", _HOPELESS),
    *_rules("contact_request", _CONTACT),
]
