"""Suggest themes: group similar statements as a proposal that people accept, change or ignore.

Pure and deterministic. Each statement becomes a TF-IDF vector of its words (and word pairs) joined with a
TF-IDF vector of character n-grams inside words, so "wait", "waiting" and "waited" land close together.
Agglomerative clustering (average linkage, cosine distance) groups them; each group is labelled with the
terms that most set it apart from the other statements. See ``docs/text.md`` for the agreement measured
against a hand-themed set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

# Words that appear in almost every statement and say nothing about what matters.
_EXTRA_STOP_WORDS = frozenset(
    (
        "matters matter want need needs like just really feel feeling able make makes getting "
        "time things thing people person lot good better don doesn isn ve ll im"
    ).split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP_WORDS)
# Words of two or more letters; numbers and single letters carry no theme.
_WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"


@dataclass(frozen=True, slots=True)
class SuggestedTheme:
    """A proposed group: a short label made of its top terms, and the positions of its statements."""

    label: str
    top_terms: tuple[str, ...]
    statements: tuple[int, ...]


def suggest_themes(
    statements: Sequence[str],
    n_themes: int | None = None,
    *,
    char_weight: float = 1.0,
    label_terms: int = 3,
) -> list[SuggestedTheme]:
    """Group ``statements`` into ``n_themes`` proposed themes (default: about sqrt(n / 2)).

    Returns themes largest first; every statement is in exactly one theme. The same input always gives the
    same output.
    """
    texts = [s.strip() for s in statements]
    if not texts:
        return []
    k = n_themes if n_themes is not None else max(2, round(math.sqrt(len(texts) / 2)))
    k = max(1, min(k, len(texts)))

    words = TfidfVectorizer(
        lowercase=True,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        token_pattern=_WORD_PATTERN,
    )
    try:
        word_matrix = words.fit_transform(texts)
    except ValueError:  # nothing but stop words: one group, nothing to label it with
        return [SuggestedTheme(label="Other", top_terms=(), statements=tuple(range(len(texts))))]
    # Cosine similarity of the joined [words, char_weight * characters] vectors, computed from the two
    # sparse Gram matrices so no dense feature matrix is built (memory grows with n squared, not features).
    word_unit = normalize(word_matrix)
    gram = (word_unit @ word_unit.T).toarray()
    if char_weight > 0 and len(texts) > 2:
        chars = TfidfVectorizer(
            lowercase=True, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2
        )
        try:
            char_unit = normalize(chars.fit_transform(texts))
            gram += char_weight**2 * (char_unit @ char_unit.T).toarray()
        except ValueError:  # no character n-gram appears twice
            pass

    if k == 1:
        labels = np.zeros(len(texts), dtype=int)
    else:
        norms = np.sqrt(np.clip(np.diag(gram), 0, None))
        norms[norms == 0] = 1.0  # a statement with no usable words is far from everything
        distance = np.clip(1.0 - gram / np.outer(norms, norms), 0.0, 2.0)
        np.fill_diagonal(distance, 0.0)
        labels = AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage="average").fit_predict(
            distance
        )

    vocabulary = words.get_feature_names_out()
    overall = np.asarray(word_matrix.mean(axis=0)).ravel()
    themes = []
    for cluster in np.unique(labels):
        members = np.flatnonzero(labels == cluster)
        inside = np.asarray(word_matrix[members].mean(axis=0)).ravel()
        # Terms frequent in this group and rarer elsewhere; ties broken alphabetically for determinism.
        distinct = inside - overall * 0.5
        order = sorted(range(len(vocabulary)), key=lambda i: (-round(float(distinct[i]), 12), vocabulary[i]))
        terms = _pick_terms([vocabulary[i] for i in order if inside[i] > 0], label_terms)
        themes.append(
            SuggestedTheme(
                label=_label(terms), top_terms=tuple(terms), statements=tuple(int(m) for m in members)
            )
        )
    themes.sort(key=lambda t: (-len(t.statements), t.statements[0]))
    return themes


def _pick_terms(candidates: list[str], n: int) -> list[str]:
    """Top terms, skipping a single word already inside a chosen pair and vice versa."""
    chosen: list[str] = []
    for term in candidates:
        if any(term in c.split() or c in term.split() for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return chosen


def _label(terms: Sequence[str]) -> str:
    return ", ".join(terms).capitalize() if terms else "Other"


def theme_labels(themes: Sequence[SuggestedTheme], n_statements: int) -> list[int]:
    """The theme number of each statement, in statement order (handy for agreement measures)."""
    labels = [-1] * n_statements
    for number, theme in enumerate(themes):
        for index in theme.statements:
            labels[index] = number
    return labels
