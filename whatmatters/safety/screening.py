"""The one check every public answer gets on arrival: personal data, and words that may mean risk.

Every public form (statements, surveys and check-ins, excellence reports) and every other way words arrive
(quick entry, CSV import) calls `screen()`. The rule for holding an answer lives here and nowhere else:

- personal data found, words that may mean risk or a wish to be contacted, or words a spreadsheet would run
  as a formula: **held** for a moderator;
- otherwise **pending** when the session (or setting) holds every answer, else **approved**.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whatmatters.imports.cells import runs_as_formula, strip_controls
from whatmatters.text import pii
from whatmatters.text import risk as risk_words
from whatmatters.text.pii import find_personal_data
from whatmatters.text.risk import RiskFinding

# The kind of finding for words a spreadsheet would run as a formula (= + - @ at the start).
FORMULA = "formula"

# What a moderator reads for each kind of finding.
KIND_WORDS = {**pii.KIND_WORDS, FORMULA: "a spreadsheet formula (it starts with = + - or @)"}


def clean_words(text: str) -> str:
    """Words as they are kept: without control or invisible characters (which can hide an NHS number from
    the check), trimmed. Screen and store the same cleaned words, so findings point at the right place."""
    return strip_controls(text, keep_newlines=True).strip()


class Decision:
    HELD = "held"
    PENDING = "pending"
    APPROVED = "approved"


@dataclass(frozen=True)
class Screening:
    spans: list[dict[str, Any]] = field(default_factory=list)  # personal data: kinds and offsets, no text
    risk: tuple[RiskFinding, ...] = ()

    @property
    def at_risk(self) -> bool:
        """Words that may mean the person, or someone else, is at risk."""
        return any(f.kind != "contact_request" for f in self.risk)

    @property
    def wants_contact(self) -> bool:
        return any(f.kind == "contact_request" for f in self.risk)

    @property
    def flagged(self) -> bool:
        return bool(self.spans) or bool(self.risk)

    @property
    def reasons(self) -> list[str]:
        """Plain words for staff (never the person's own words), in a stable order, once each."""
        seen: list[str] = []
        for finding in self.risk:
            words = risk_words.LABELS[finding.kind]
            if words not in seen:
                seen.append(words)
        return seen

    def decision(self, hold_every_answer: bool) -> str:
        if self.flagged:
            return Decision.HELD
        return Decision.PENDING if hold_every_answer else Decision.APPROVED


def screen(*texts: str) -> Screening:
    """Screen one answer (several texts are joined with newlines, as moderators see them), after
    `clean_words`: the caller stores the cleaned words."""
    cleaned = [clean_words(t) for t in texts if t]
    text = "\n".join(t for t in cleaned if t)
    spans = [{"kind": f.kind, "start": f.start, "end": f.end} for f in find_personal_data(text)]
    if any(runs_as_formula(t) for t in cleaned):
        spans.append({"kind": FORMULA, "start": 0, "end": 1})
    return Screening(spans, tuple(risk_words.find_risk(text)))
