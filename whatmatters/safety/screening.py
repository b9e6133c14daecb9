"""The one check every public answer gets on arrival: personal data, and words that may mean risk.

Every public form (statements, surveys and check-ins, excellence reports) and every other way words arrive
(quick entry, CSV import) calls `screen()`. The rule for holding an answer lives here and nowhere else:

- personal data found, or words that may mean risk or a wish to be contacted: **held** for a moderator;
- otherwise **pending** when the session (or setting) holds every answer, else **approved**.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whatmatters.text import risk as risk_words
from whatmatters.text.pii import find_personal_data
from whatmatters.text.risk import RiskFinding


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
    """Screen one answer (several texts are joined with newlines, as moderators see them)."""
    text = "\n".join(t for t in texts if t)
    spans = [{"kind": f.kind, "start": f.start, "end": f.end} for f in find_personal_data(text)]
    return Screening(spans, tuple(risk_words.find_risk(text)))
