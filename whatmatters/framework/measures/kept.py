"""What a page shows of each measure, kept in the cache under the digest of that measure's inputs.

The team dashboard keeps each measure's card (its facts and its rendered row) and the measure list each
measure's row. A page reads every measure's inputs as plain rows (`results.read`, which also gives the
digest of everything stored that the measure's results can read: the measure's own fields, every value,
event and target row, and the last period of its grid), then asks the cache for what it showed last time
under that digest. Only the measures it has not kept are analysed and drawn (`make`); the rest cost a
cache read.

The key is the digest, plus what else the kept thing shows and the code that makes it:
- the page kind ("dashboard card", "measure list row") and the team's id and address (its links), so team
  A's card is never shown for team B and a renamed team's links follow it;
- a fingerprint of the source of the modules and templates that make it (`sources`), so a new release that
  draws a card differently never shows one drawn by the old code, whatever cache is configured.

So nothing has to be invalidated: a new or changed value, an event, a recalculation, a target, a renamed
measure, written by any process in any way, gives another key. Nothing kept may depend on who is reading
(links they may follow, their role): those stay outside, in the page. Kept in the "pages" cache (settings),
one per process by default. `WHATMATTERS_PAGE_CACHE=false` turns keeping off (every page draws everything,
the baseline `bench.pages` compares with).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.template import engines

from whatmatters.framework.measures.results import MeasureSpc, analyse

CACHE = "pages"
# Keys name their inputs and the code that drew them, so a kept thing is never stale: the limit only frees
# memory.
CACHE_SECONDS = 24 * 60 * 60


def enabled() -> bool:
    return bool(getattr(settings, "WHATMATTERS_PAGE_CACHE", True))


def jinja() -> Any:
    """The pages' Jinja2 environment (whatmatters.jinja2_env)."""
    return engines["jinja2"].env  # type: ignore[attr-defined]


@functools.cache
def fingerprint(sources: tuple[str, ...]) -> str:
    """A digest of the source of these modules ("whatmatters.dashboards.presenters") and templates
    ("dashboards/_card_row.jinja"), read once per process."""
    digest = hashlib.blake2b(digest_size=12)
    for name in sources:
        if name.endswith(".jinja"):
            text = jinja().loader.get_source(jinja(), name)[0]
        else:
            text = inspect.getsource(importlib.import_module(name))
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()


def key_for(kind: str, team: Any, item: MeasureSpc, sources: tuple[str, ...]) -> str:
    if not item.inputs:
        raise ValueError("read the measure with results.read first: it has no digest of its inputs")
    what = f"{kind}\0{team.pk}\0{team.slug}\0{fingerprint(sources)}\0{item.inputs}"
    return f"page:{team.pk}:{item.measure.pk}:" + hashlib.blake2b(what.encode(), digest_size=20).hexdigest()


def kept(
    kind: str,
    team: Any,
    items: Iterable[MeasureSpc],
    make: Callable[[MeasureSpc], Any],
    *,
    sources: tuple[str, ...],
) -> dict[int, Any]:
    """What `make` gives each measure (by its id): from the cache when it was made from the same inputs by
    the same code; otherwise the measure is analysed, `make` is called and what it gives is kept.
    `make` must give something that depends only on the item, the team and the code in `sources`."""
    items = [item for item in items if item.measure.team_id == team.pk]
    if not enabled():
        return {item.measure.pk: make(item) for item in analyse(items)}
    store = caches[CACHE]
    keys = {item.measure.pk: key_for(kind, team, item, sources) for item in items}
    found = store.get_many(list(keys.values()))
    missing = [item for item in items if keys[item.measure.pk] not in found]
    made = {item.measure.pk: make(item) for item in analyse(missing)}
    if made:
        store.set_many({keys[pk]: thing for pk, thing in made.items()}, CACHE_SECONDS)
    return {pk: made[pk] if pk in made else found[key] for pk, key in keys.items()}
