"""Suggest themes benchmark: agreement with a labelled set, and time and memory at scale, old against new.

    .venv/bin/python -m bench.themes [--sizes 1000 5000 10000] [--old-up-to 5000] [--repeat N]

Quality: on ``tests/text/fixtures/theme_eval.json`` (616 statements written for the tests, 13 themes plus
empty answers, 30 statements about two themes; the main theme is the label) it prints the adjusted Rand index
(ARI: 0 chance, 1 the same grouping), normalised mutual information (NMI) and the largest group's share for
(a) today's method (``suggest_themes_agglomerative``), (b) random assignment into as many groups as the new
method makes (mean of 20 draws), (c) the new method ``suggest_themes`` and (d) the new method seeded with the
library of starting themes. For the new methods it also counts the two-theme statements given both themes
(each group stands for the label most of its statements carry).

Scale: statements made by recombining the set's sentences (one statement, sometimes joined to a part of
another, and about one in fifteen an empty answer), 1,000 / 5,000 / 10,000 by default. Each run is its own
process, so its peak resident memory (VmHWM, the whole process: Python, NumPy and scikit-learn included) is
its own; the seconds are wall clock and CPU of the call alone. Today's method runs only up to
--old-up-to (its memory grows with the square of the statements).
With --repeat N each run is done N times and the fastest kept.
Targets: 10,000 statements in under 5 s and 300 MB.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

SET = Path(__file__).resolve().parents[2] / "tests" / "text" / "fixtures" / "theme_eval.json"
TARGET_SECONDS, TARGET_MB = 5.0, 300.0
JOINS = [" Also ", " And ", " But ", ". "]


def load() -> list[dict]:
    return json.loads(SET.read_text(encoding="utf-8"))["statements"]


def recombined(n: int, seed: int = 18) -> list[str]:
    """``n`` statements made from the labelled set's sentences, the same every time for the same ``n``."""
    rows = load()
    empty = [r["text"] for r in rows if r["themes"] == ["empty"]]
    said = [r["text"].rstrip(".") for r in rows if r["themes"] != ["empty"]]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 1 / 15:
            out.append(rng.choice(empty))
        elif roll < 0.4:
            first, second = rng.choice(said), rng.choice(said)
            out.append(f"{first}{rng.choice(JOINS)}{second[0].lower()}{second[1:]}.")
        else:
            out.append(rng.choice(said) + ".")
    return out


def _vmhwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one(method: str, n: int) -> dict:
    """Run one method on ``n`` recombined statements in this process and report its cost."""
    from whatmatters.text.themes import suggest_themes, suggest_themes_agglomerative

    texts = recombined(n)
    fn = suggest_themes if method == "new" else suggest_themes_agglomerative
    fn(texts[:50])  # imports and first-call set-up are not the method's cost
    before = _vmhwm_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    themes = fn(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    largest = max(len(t.statements) for t in themes) / n
    return {
        "method": method,
        "n": n,
        "seconds": wall,
        "cpu": cpu,
        "peak_mb": _vmhwm_mb(),
        "before_mb": before,
        "groups": len(themes),
        "largest": largest,
    }


def measured(method: str, n: int, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-m", "bench.themes", "--one", method, str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return min(runs, key=lambda r: r["seconds"])


def quality() -> list[dict]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from whatmatters.text.themes import suggest_themes, suggest_themes_agglomerative, theme_labels

    rows = load()
    texts = [r["text"] for r in rows]
    truth = [r["themes"][0] for r in rows]
    two = [i for i, r in enumerate(rows) if len(r["themes"]) == 2]

    def scored(name: str, labels: list[int], themes=None) -> dict:
        share = max(collections.Counter(labels).values()) / len(labels)
        result = {
            "method": name,
            "groups": len(set(labels)),
            "ari": adjusted_rand_score(truth, labels),
            "nmi": normalized_mutual_info_score(truth, labels),
            "largest": share,
        }
        if themes is not None:
            major = [collections.Counter(truth[i] for i in t.statements).most_common(1)[0][0] for t in themes]
            carried = collections.defaultdict(set)
            for j, t in enumerate(themes):
                for i in (*t.statements, *t.also):
                    carried[i].add(major[j])
            result["both"] = f"{sum(set(rows[i]['themes']) <= carried[i] for i in two)}/{len(two)}"
        return result

    results = []
    old = suggest_themes_agglomerative(texts)
    results.append(scored("(a) today's method (agglomerative)", theme_labels(old, len(texts))))
    new = suggest_themes(texts)
    rng = random.Random(0)
    draws = [scored("", [rng.randrange(len(new)) for _ in texts]) for _ in range(20)]
    results.append(
        {
            "method": "(b) random assignment (mean of 20)",
            "groups": len(new),
            **{k: sum(d[k] for d in draws) / len(draws) for k in ("ari", "nmi", "largest")},
        }
    )
    results.append(scored("(c) new method (SVD + k-means)", theme_labels(new, len(texts)), new))
    seeded = suggest_themes(texts, seeds=True)
    results.append(
        scored("(d) new method, seeded with the library", theme_labels(seeded, len(texts)), seeded)
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--old-up-to", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
        return

    print(f"python -m bench.themes {' '.join(sys.argv[1:])}".strip() + f"  ({date.today().isoformat()})")
    print(f"\nAgreement with {SET.name} ({len(load())} statements)")
    print(f"{'method':<42} {'groups':>6} {'ARI':>6} {'NMI':>6} {'largest':>8} {'two themes':>11}")
    for r in quality():
        print(
            f"{r['method']:<42} {r['groups']:>6} {r['ari']:>6.3f} {r['nmi']:>6.3f} {r['largest']:>8.1%}"
            f" {r.get('both', ''):>11}"
        )

    print(f"\nScale (targets: {TARGET_SECONDS:g} s and {TARGET_MB:g} MB at 10,000)")
    heads = ("statements", 10), ("seconds", 8), ("cpu s", 7), ("peak MB", 8), ("groups", 6), ("largest", 8)
    print(f"{'method':<8} " + " ".join(f"{h:>{w}}" for h, w in heads))
    for n in args.sizes:
        for method in ("old", "new"):
            if method == "old" and n > args.old_up_to:
                continue
            r = measured(method, n, args.repeat)
            print(
                f"{method:<8} {n:>10,} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['peak_mb']:>8.0f}"
                f" {r['groups']:>6} {r['largest']:>8.1%}"
            )


if __name__ == "__main__":
    main()
