"""Suggest themes: group similar statements as a proposal that people accept, change or ignore.

Pure and deterministic. Each statement becomes a TF-IDF vector of its words (and word pairs) joined with a
TF-IDF vector of character n-grams inside words, so "wait", "waiting" and "waited" land close together.

``suggest_themes`` (the method the app uses) sets empty answers apart, clusters each distinct statement
once, reduces the vectors with TruncatedSVD and groups them with k-means (many small groups merged down);
groups over a quarter of the statements are split unless tight; a statement close to two groups carries
both; each group is named by a phrase its statements say and shows its three most typical statements. No
step's memory grows with the square of the statements. Starting themes for mental-health services
(``data/theme_library.json``) can seed it. ``suggest_themes_agglomerative`` is the first method (a dense
n x n similarity matrix), kept for ``python -m bench.themes``.
See ``docs/text.md`` for the agreement and cost measured.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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
    """A proposed group.

    ``label`` is its name (a phrase from its statements), ``top_terms`` the phrase and the words that set it
    apart, ``statements`` the positions of the statements whose main theme it is (each statement is in exactly
    one), ``also`` the positions of statements whose second theme it is, ``typical`` its three most typical
    statements (closest to its centre), ``duplicates`` the sets of its statements that say the same thing,
    ``kind`` is "theme" or "empty" (answers such as "nothing", "n/a", "all good") and ``seed`` the name of the
    starting theme it grew from, if seeds were used.
    """

    label: str
    top_terms: tuple[str, ...]
    statements: tuple[int, ...]
    also: tuple[int, ...] = ()
    typical: tuple[int, ...] = ()
    duplicates: tuple[tuple[int, ...], ...] = ()
    kind: str = "theme"
    seed: str = ""


def suggest_themes_agglomerative(
    statements: Sequence[str],
    n_themes: int | None = None,
    *,
    char_weight: float = 1.0,
    label_terms: int = 3,
) -> list[SuggestedTheme]:
    """The first method, kept for comparison (``python -m bench.themes``): agglomerative clustering on a
    dense n x n similarity matrix, so memory grows with the square of the statements. Groups ``statements``
    into ``n_themes`` proposed themes (default: about sqrt(n / 2)).

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


def _sentence_case(phrase: str) -> str:
    """First letter up and the word "I" as a capital ("appointments i don't answer" reads "Appointments I
    don't answer"); every other word stays as the statements wrote it, lower-cased."""
    return re.sub(r"\bi\b(?=$|[\s'’])", "I", phrase.capitalize())


def _label(terms: Sequence[str]) -> str:
    return _sentence_case(", ".join(terms)) if terms else "Other"


def theme_labels(themes: Sequence[SuggestedTheme], n_statements: int) -> list[int]:
    """The theme number of each statement, in statement order (handy for agreement measures)."""
    labels = [-1] * n_statements
    for number, theme in enumerate(themes):
        for index in theme.statements:
            labels[index] = number
    return labels


# --- Suggest themes at scale ---------------------------------------------------------------------------
#
# TF-IDF of words and word pairs joined with TF-IDF of character 3-5-grams, reduced by TruncatedSVD to at most
# 100 dimensions and normalised, then k-means (fixed random_state). Every step is linear in the number of
# statements: no n x n matrix. Empty answers are set apart first, statements that say the same thing are
# clustered once (weighted by how often they were said), groups over a quarter of the statements are split
# unless they are tight, and a statement close to two centres carries both themes.

LIBRARY_PATH = Path(__file__).parent / "data" / "theme_library.json"
MAX_SHARE = 0.25  # no theme over a quarter of the statements unless it is really one thing
TIGHT = 0.8  # mean cosine to the centre above which a big group is one thing and is not split
SECOND_RATIO = 0.85  # a second theme when the statement is this close to a second centre as to its first
SECOND_FLOOR = 0.35  # ...and at least this close in absolute terms
_DIMENSIONS = 100
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_EMPTY_WORDS = frozenset(
    (
        "nothing no none nil nope na n a all good fine ok okay everything is it s thanks thank you really "
        "at the moment else to add say comment comments not sure dont don t know can cant think of anything "
        "i that s about it well great can't don't i'm it's that's cannot"
    ).split()
)
_PHRASE_EDGE_STOP = frozenset(ENGLISH_STOP_WORDS | {"s", "t", "ll", "ve", "d", "m", "honestly", "really"})
EMPTY_LABEL = "Nothing to add"
NAME_EXPONENT = 1  # how much a name should be said by many of its statements rather than be rare elsewhere
NAME_COVERAGE = 0.1  # a phrase names a group only if at least this share of its distinct statements say it


def load_library(path: Path = LIBRARY_PATH) -> list[dict]:
    """The starting themes for mental-health services: ``[{"name": ..., "seeds": [phrase, ...]}, ...]``."""
    return json.loads(path.read_text(encoding="utf-8"))["themes"]


def is_empty_answer(text: str) -> bool:
    """True for answers that say nothing: "nothing", "no", "n/a", "all good", "-", "not sure"..."""
    words = _TOKEN.findall(text.lower().replace("n/a", "na"))
    return len(words) <= 8 and all(w in _EMPTY_WORDS for w in words)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def _duplicate_key(text: str) -> str:
    """Statements with the same content words in the same order say the same thing."""
    words = [w for w in _tokens(text) if w not in ENGLISH_STOP_WORDS]
    return " ".join(words) or text.strip().lower()


def suggest_themes(
    statements: Sequence[str],
    n_themes: int | None = None,
    *,
    char_weight: float = 1.0,
    label_terms: int = 3,
    seeds: bool | Sequence[dict] = False,
    max_share: float = MAX_SHARE,
    random_state: int = 0,
) -> list[SuggestedTheme]:
    """Group ``statements`` into proposed themes, largest first, empty answers last in a group of their own.

    ``n_themes`` is the number of themes to start from (default about sqrt(n / 2), at most 60; with seeds at
    least the number of seeds); groups over ``max_share`` of the statements are split unless tight, and seeds
    nothing came near are dropped, so the result may have a few more or fewer. ``seeds=True`` starts from the
    library of mental-health themes (``load_library()``); a list of ``{"name", "seeds"}`` starts from those.
    Every statement is the main statement of exactly one theme; some are also the second statement of another.
    The same input always gives the same output.
    """
    texts = [s.strip() for s in statements]
    if not texts:
        return []
    empty = [i for i, t in enumerate(texts) if is_empty_answer(t)]
    empty_set = set(empty)
    rest = [i for i in range(len(texts)) if i not in empty_set]
    themes: list[SuggestedTheme] = []
    if rest:
        from threadpoolctl import threadpool_limits

        # One BLAS thread: on a shared 2-core machine more threads make the SVD several times slower.
        with threadpool_limits(limits=1):
            themes = _cluster(
                texts, rest, n_themes, char_weight, label_terms, seeds, max_share, random_state, len(texts)
            )
    themes.sort(key=lambda t: (-len(t.statements), t.statements[0]))
    if empty:
        themes.append(
            SuggestedTheme(
                label=EMPTY_LABEL,
                top_terms=(),
                statements=tuple(empty),
                typical=tuple(empty[:3]),
                duplicates=_duplicates(texts, empty, key=lambda t: " ".join(_tokens(t)) or t.lower()),
                kind="empty",
            )
        )
    return themes


def _duplicates(
    texts: Sequence[str], members: Sequence[int], key=_duplicate_key
) -> tuple[tuple[int, ...], ...]:
    groups: dict[str, list[int]] = {}
    for i in members:
        groups.setdefault(key(texts[i]), []).append(i)
    return tuple(tuple(g) for g in sorted(groups.values(), key=lambda g: g[0]) if len(g) > 1)


def _cluster(texts, rest, n_themes, char_weight, label_terms, seeds, max_share, random_state, n_all):
    from scipy.sparse import hstack
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD

    # Statements that say the same thing are clustered once, weighted by how often they were said.
    cleaned = _without_stock([texts[i] for i in rest])
    keys: dict[str, int] = {}
    unique_of = np.empty(len(rest), dtype=np.int64)
    representatives: list[int] = []
    for position, i in enumerate(rest):
        key = _duplicate_key(cleaned[position])
        if key not in keys:
            keys[key] = len(representatives)
            representatives.append(i)
        unique_of[position] = keys[key]
    weights = np.bincount(unique_of, minlength=len(representatives)).astype(float)
    position_of = {i: p for p, i in enumerate(rest)}
    docs = [cleaned[position_of[i]] for i in representatives]

    library = load_library() if seeds is True else list(seeds or [])
    k = n_themes if n_themes is not None else max(2, min(60, round(math.sqrt(len(rest) / 2))))
    if library and n_themes is None:
        k = max(k, len(library))
    k = max(1, min(k, len(docs)))

    words = TfidfVectorizer(
        lowercase=True,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        sublinear_tf=True,
        token_pattern=_WORD_PATTERN,
    )
    try:
        word_matrix = words.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return [_theme_of(texts, rest, [], label_terms, "", "Other", (), ())]
    blocks = [normalize(word_matrix)]
    chars = None
    if char_weight > 0 and len(docs) > 2:
        chars = TfidfVectorizer(
            lowercase=True, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2
        )
        try:
            blocks.append(char_weight * normalize(chars.fit_transform(docs)))
        except ValueError:  # no character n-gram appears twice
            chars = None
    features = normalize(hstack(blocks).tocsr())
    svd = None
    if len(docs) > 2 * _DIMENSIONS and features.shape[1] > _DIMENSIONS:
        svd = TruncatedSVD(n_components=_DIMENSIONS, random_state=random_state)
        points = normalize(svd.fit_transform(features))
    else:
        points = features.toarray()

    def embed(phrases: list[str]) -> np.ndarray:
        parts = [normalize(words.transform(phrases))]
        if chars is not None:
            parts.append(char_weight * normalize(chars.transform(phrases)))
        joined = normalize(hstack(parts).tocsr())
        return normalize(svd.transform(joined)) if svd is not None else joined.toarray()

    seed_names: list[str] = []
    if k == 1:
        labels = np.zeros(len(docs), dtype=int)
    else:
        init: np.ndarray | str = "k-means++"
        if library:
            # Only the starting themes that some statements are nearest to; the rest would be empty groups.
            centres = embed([" . ".join(t["seeds"]) for t in library])
            near = points @ centres.T
            nearest = np.where(near.max(axis=1) >= 0.2, near.argmax(axis=1), -1)
            votes = np.bincount(nearest[nearest >= 0], weights=weights[nearest >= 0], minlength=len(library))
            kept = [j for j in range(len(library)) if votes[j] >= max(2, 0.005 * len(rest))]
            library = [library[j] for j in kept]
            centres = centres[kept][:k]
            seed_names = [t["name"] for t in library][: len(centres)]
            if n_themes is None:
                k = max(k, len(centres))
            init = _farthest_first(points, centres, k) if len(centres) else "k-means++"
        if library:
            model = KMeans(n_clusters=k, init=init, n_init=1, random_state=random_state)
            labels = model.fit_predict(points, sample_weight=weights)
        else:
            labels = _over_cluster_and_merge(points, weights, k, random_state)
    labels = _split_big(points, weights, labels, max_share * n_all, random_state)

    clusters = [c for c in np.unique(labels)]
    centres = normalize(
        np.vstack([np.average(points[labels == c], axis=0, weights=weights[labels == c]) for c in clusters])
    )
    similarity = points @ centres.T  # statements x themes: linear in the statements
    cluster_index = {c: j for j, c in enumerate(clusters)}
    first = np.array([cluster_index[c] for c in labels])
    ranked = np.argsort(-similarity, axis=1, kind="stable")
    second = np.where(ranked[:, 0] == first, ranked[:, 1] if len(clusters) > 1 else first, ranked[:, 0])
    best = similarity[np.arange(len(docs)), first]
    runner = similarity[np.arange(len(docs)), second]
    has_second = (second != first) & (runner >= SECOND_FLOOR) & (runner >= SECOND_RATIO * best)
    # A statement in two parts ("the wait was long but the staff were kind") carries the theme of each part.
    parts, owners = [], []
    for u, doc in enumerate(docs):
        pieces = [p for p in _CLAUSE.split(doc) if len([w for w in _tokens(p) if w not in STOP_SET]) >= 2]
        if len(pieces) > 1:
            parts += pieces
            owners += [u] * len(pieces)
    if parts and len(clusters) > 1:
        part_similarity = embed(parts) @ centres.T
        for u, row in zip(owners, part_similarity, strict=True):
            j = int(np.argmax(row))
            if j != first[u] and row[j] >= PART_FLOOR and not has_second[u]:
                second[u], has_second[u] = j, True

    seed_of = {}
    if seed_names:
        seed_centres = embed([" . ".join(t["seeds"]) for t in library[: len(seed_names)]])
        closeness = centres @ seed_centres.T
        for s in range(len(seed_names)):  # each starting theme names the group closest to it, if close
            j = int(np.argmax(closeness[:, s]))
            if closeness[j, s] >= 0.3 and int(np.argmax(closeness[j])) == s:
                seed_of[j] = seed_names[s]

    phrase_df = _phrase_counts(docs, range(len(docs)))
    said_by: list[list[int]] = [[] for _ in docs]  # the statements that say each distinct statement
    for position, u in enumerate(unique_of):
        said_by[u].append(rest[position])
    themes = []
    for j in range(len(clusters)):
        unique_members = np.flatnonzero(first == j)
        if not len(unique_members):
            continue
        members = [i for u in unique_members for i in said_by[u]]
        also = [i for u in np.flatnonzero(has_second & (second == j)) for i in said_by[u]]
        repeats = tuple(sorted(tuple(sorted(said_by[u])) for u in unique_members if len(said_by[u]) > 1))
        order = unique_members[np.argsort(-similarity[unique_members, j], kind="stable")]
        typical = tuple(representatives[u] for u in order[:3])
        themes.append(
            _theme_of(
                texts,
                members,
                also,
                label_terms,
                seed_of.get(j, ""),
                None,
                typical,
                name_docs=[docs[u] for u in unique_members],
                duplicates=repeats,
                phrase_df=phrase_df,
                n_all=len(docs),
            )
        )
    return themes


_CLAUSE = re.compile(
    r"[.!?;]+\s*|,\s*(?:and|but)\s+|\s+(?:but|and also|also|while|whereas)\s+|\s+and\s+(?=\w+\s)"
)
STOP_SET = frozenset(STOP_WORDS)
PART_FLOOR = 0.3  # a part of a statement this close to another theme's centre gives it that second theme
_SEGMENT = re.compile(r"[^.!?,:;]+[.!?,:;]*")


def _without_stock(texts: Sequence[str]) -> list[str]:
    """Drop stock sentences and openings ("Thanks.", "That would make a big difference.", "For me,") that many
    statements share whatever they are about, so they do not pull unrelated statements together. A statement
    that is nothing but stock is kept whole."""

    def key(segment: str) -> str:
        return " ".join(_tokens(segment))

    split = [_SEGMENT.findall(t) for t in texts]
    counts: dict[str, int] = {}
    for segments in split:
        if len(segments) > 1:
            for k in {key(g) for g in segments}:
                counts[k] = counts.get(k, 0) + 1
    floor = max(3, 0.005 * len(texts))
    stock = {k for k, n in counts.items() if k and n >= floor}
    cleaned = []
    for text, segments in zip(texts, split, strict=True):
        kept = [g for g in segments if key(g) not in stock]
        cleaned.append("".join(kept).strip() if kept and len(kept) < len(segments) else text)
    return cleaned


OVER = 3  # k-means finds OVER * k small groups first; the closest are then merged down to k


def _over_cluster_and_merge(points, weights, k, random_state):
    """k-means into many small groups, then average-linkage merging of their centres (a k' x k' matrix, k' at
    most 3 x 60: its size does not grow with the statements). Small tight groups are steadier on short
    statements than k-means straight to k."""
    from sklearn.cluster import KMeans

    many = min(len(points), OVER * k)
    fine = KMeans(n_clusters=many, n_init=3, random_state=random_state).fit(points, sample_weight=weights)
    if many <= k:
        return fine.labels_
    centres = normalize(fine.cluster_centers_)
    merged = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage=LINKAGE).fit_predict(centres)
    return merged[fine.labels_]


LINKAGE = "complete"


def _farthest_first(points: np.ndarray, centres: np.ndarray, k: int) -> np.ndarray:
    """Seed centres, then the statements farthest from every centre so far, until there are k."""
    chosen = [c for c in centres]
    nearest = (points @ np.vstack(chosen).T).max(axis=1)
    while len(chosen) < k:
        far = int(np.argmin(nearest))
        chosen.append(points[far])
        nearest = np.maximum(nearest, points @ points[far])
    return np.vstack(chosen)


def _split_big(points, weights, labels, limit, random_state):
    """Split any group heavier than ``limit`` in two, unless its statements are tight around its centre."""
    from sklearn.cluster import KMeans

    labels = labels.copy()
    tight: set[int] = set()
    for _ in range(50):
        totals = np.bincount(labels, weights=weights)
        big = [c for c in np.argsort(-totals, kind="stable") if totals[c] > limit and c not in tight]
        if not big:
            break
        c = int(big[0])
        inside = np.flatnonzero(labels == c)
        centre = normalize(np.average(points[inside], axis=0, weights=weights[inside]).reshape(1, -1))[0]
        if len(inside) < 4 or float(np.average(points[inside] @ centre, weights=weights[inside])) >= TIGHT:
            tight.add(c)
            continue
        halves = KMeans(n_clusters=2, n_init=3, random_state=random_state).fit_predict(
            points[inside], sample_weight=weights[inside]
        )
        if halves.min() == halves.max():
            tight.add(c)
            continue
        labels[inside[halves == 1]] = labels.max() + 1
    return labels


def _phrases(tokens: list[str]) -> set[str]:
    """Phrases of 2 to 4 words that neither start nor end with a stop word, and single content words."""
    found = {t for t in tokens if t not in _PHRASE_EDGE_STOP and len(t) > 2}
    for size in (2, 3, 4):
        for start in range(len(tokens) - size + 1):
            gram = tokens[start : start + size]
            if gram[0] in _PHRASE_EDGE_STOP or gram[-1] in _PHRASE_EDGE_STOP:
                continue
            found.add(" ".join(gram))
    return found


def _phrase_counts(texts, members) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in members:
        for phrase in _phrases(_tokens(texts[i])):
            counts[phrase] = counts.get(phrase, 0) + 1
    return counts


def _theme_of(
    texts,
    members,
    also,
    label_terms,
    seed,
    label,
    typical,
    name_docs=(),
    phrase_df=None,
    n_all=0,
    duplicates=None,
):
    """One suggested theme. Named from ``name_docs`` (its distinct statements, stock phrases removed)
    against ``phrase_df`` (how many of all ``n_all`` distinct statements say each phrase), unless ``label``
    is given."""
    members = sorted(members)
    if label is None:
        inside = _phrase_counts(name_docs, range(len(name_docs)))
        size = len(name_docs)

        outside_size = max(1, n_all - size)

        def lift(phrase: str) -> float:
            """How much more often the phrase is said inside the group than outside it (KL-like)."""
            share = inside[phrase] / size
            outside = max(0, phrase_df.get(phrase, 0) - inside[phrase]) / outside_size
            return share**NAME_EXPONENT * math.log((share + 0.01) / (outside + 0.01))

        def score(phrase: str) -> tuple:
            return (-round(lift(phrase), 12), -phrase.count(" "), phrase)

        needed = 2 if size >= 4 else 1
        candidates = sorted((p for p, n in inside.items() if n >= needed), key=score)
        phrases = [p for p in candidates if " " in p]
        single = [p for p in candidates if " " not in p]
        # A phrase of 2 to 4 words reads better than one word: it names the group unless it is much rarer.
        frequent = [p for p in phrases if inside[p] >= max(needed, NAME_COVERAGE * size)]
        best = frequent[0] if frequent else None
        if best is None and single:
            best = single[0]
        terms = [best] if best else []
        for word in single:
            if len(terms) >= label_terms:
                break
            if best and word in best.split():
                continue
            terms.append(word)
        label = _sentence_case(best) if best else "Other"
        top_terms = tuple(terms)
    else:
        top_terms = ()
    if not typical:
        typical = tuple(members[:3])
    return SuggestedTheme(
        label=label,
        top_terms=top_terms,
        statements=tuple(members),
        also=tuple(sorted(set(also) - set(members))),
        typical=tuple(typical),
        duplicates=_duplicates(texts, members) if duplicates is None else duplicates,
        seed=seed,
    )
