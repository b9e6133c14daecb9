"""Score ``find_personal_data`` against the labelled corpus: recall and precision per kind.

- A labelled span is *found* when one finding of the same kind covers all of it (a half-redacted name leaks).
- A finding is *correct* when it overlaps a labelled span of the same kind.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from whatmatters.text.pii import KINDS, find_personal_data

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load(name: str) -> list[dict]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class Score:
    labelled: int = 0
    found: int = 0
    flagged: int = 0
    correct: int = 0
    misses: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 1.0


def score(records: list[dict], finder=find_personal_data) -> dict[str, Score]:
    """Score ``finder`` (``find_personal_data`` unless another version is given, e.g. the old one)."""
    scores = {kind: Score() for kind in (*KINDS, "all")}
    for record in records:
        findings = finder(record["text"])
        for span in record["spans"]:
            covered = any(
                f.kind == span["kind"] and f.start <= span["start"] and f.end >= span["end"] for f in findings
            )
            for kind in (span["kind"], "all"):
                scores[kind].labelled += 1
                scores[kind].found += covered
                if not covered:
                    scores[kind].misses.append((record["id"], span["text"], record["text"]))
        for f in findings:
            hit = any(
                s["kind"] == f.kind and f.start < s["end"] and f.end > s["start"] for s in record["spans"]
            )
            for kind in (f.kind, "all"):
                scores[kind].flagged += 1
                scores[kind].correct += hit
                if not hit:
                    scores[kind].false_alarms.append((record["id"], f.text, record["text"]))
    return scores


def table(scores: dict[str, Score]) -> str:
    rows = [f"{'kind':<14}{'labelled':>9}{'recall':>9}{'flagged':>9}{'precision':>10}"]
    for kind, s in scores.items():
        rows.append(f"{kind:<14}{s.labelled:>9}{s.recall:>9.1%}{s.flagged:>9}{s.precision:>10.1%}")
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    result = score(load(sys.argv[1] if len(sys.argv) > 1 else "pii_tuning.jsonl"))
    print(table(result))
    for kind, s in result.items():
        if kind != "all":
            for miss in s.misses:
                print("MISS", kind, miss)
            for fa in s.false_alarms:
                print("FALSE", kind, fa)
