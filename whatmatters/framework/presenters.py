"""Display logic: the driver diagram (nested list and SVG), measure summaries and plan warnings."""

from __future__ import annotations

import functools
import operator
import textwrap
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markupsafe import Markup

from whatmatters.framework.measures import kept
from whatmatters.framework.measures.results import read
from whatmatters.framework.models import Aim, ChangeIdea, Driver, MeasureType


@dataclass
class Node:
    obj: Any
    text: str
    children: list[Node] = field(default_factory=list)
    ideas: list[ChangeIdea] = field(default_factory=list)


def driver_tree(aim: Aim) -> list[Node]:
    """Primary drivers, each with its secondary drivers; every driver with its change ideas. Two queries."""
    drivers = list(Driver.objects.filter(aim=aim))
    ideas: dict[int, list[ChangeIdea]] = {}
    for idea in ChangeIdea.objects.filter(driver__aim=aim):
        ideas.setdefault(idea.driver_id, []).append(idea)
    nodes = {d.pk: Node(d, d.text, ideas=ideas.get(d.pk, [])) for d in drivers}
    roots = []
    for d in drivers:
        if d.parent_id is None:
            roots.append(nodes[d.pk])
        elif d.parent_id in nodes:
            nodes[d.parent_id].children.append(nodes[d.pk])
    return roots


def balancing_warning(aim: Aim, measures: list[Any]) -> str:
    """A plain-English warning when an aim has measures but none of them is a balancing measure."""
    if any(m.measure_type == MeasureType.BALANCING for m in measures):
        return ""
    return (
        "This aim has no balancing measure. A balancing measure shows whether improving one thing "
        "makes something else worse, for example staff wellbeing or waits elsewhere."
    )


# --- The driver diagram as SVG ------------------------------------------------------------------

COLUMN_X = (10, 230, 450, 670)
BOX_W = 200
LINE_H = 15
ROW_H = 70
HEADINGS = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
FILL = ("#005eb8", "#e8edee", "#ffffff", "#fff9c4")
TEXT = ("#ffffff", "#212b32", "#212b32", "#212b32")


def _box(x: float, y: float, h: float, text: str, column: int) -> list[str]:
    lines = textwrap.wrap(text, 28)[: max(int((h - 10) // LINE_H), 1)]
    top = y + (h - len(lines) * LINE_H) / 2 + 11
    out = [
        f'<rect x="{x}" y="{y:.1f}" width="{BOX_W}" height="{h:.1f}" rx="4" fill="{FILL[column]}" '
        f'stroke="#425563"/>'
    ]
    for i, line in enumerate(lines):
        out.append(
            f'<text x="{x + 8}" y="{top + i * LINE_H:.1f}" fill="{TEXT[column]}">{escape(line)}</text>'
        )
    return out


def _link(x1: float, y1: float, x2: float, y2: float) -> str:
    mid = (x1 + x2) / 2
    return (
        f'<path d="M{x1:.1f} {y1:.1f} C{mid:.1f} {y1:.1f} {mid:.1f} {y2:.1f} {x2:.1f} {y2:.1f}" '
        f'fill="none" stroke="#425563" stroke-width="1.5"/>'
    )


def driver_svg(aim: Aim, tree: list[Node], id_prefix: str = "drivers") -> str:
    """The diagram left to right: aim, primary drivers, secondary drivers, change ideas. Deterministic."""
    # Each leaf (a change idea, or a driver with none) takes one row; parents are centred on their rows.
    rows: list[tuple[int, str, Any]] = []  # (column, text, key)
    spans: dict[Any, tuple[int, int]] = {}

    def place(node: Node, column: int) -> tuple[int, int]:
        start = len(rows)
        for idea in node.ideas:
            rows.append((3, idea.text, ("idea", idea.pk)))
            spans[("idea", idea.pk)] = (len(rows) - 1, len(rows))
        for child in node.children:
            place(child, 2)
        if len(rows) == start:
            rows.append((column, "", None))
        spans[("driver", node.obj.pk)] = (start, len(rows))
        return spans[("driver", node.obj.pk)]

    for node in tree:
        place(node, 1)
    n = max(len(rows), 1)
    top = 40
    height = top + n * ROW_H + 10
    width = COLUMN_X[3] + BOX_W + 10
    pid = escape(id_prefix, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{pid}-title {pid}-desc" '
        f'font-family="Arial, Helvetica, sans-serif" font-size="12">',
        f'<title id="{pid}-title">Driver diagram: {escape(aim.what)}</title>',
        f'<desc id="{pid}-desc">The aim, its primary and secondary drivers and the change ideas. '
        "The same diagram is written out as a list on this page.</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for column, heading in enumerate(HEADINGS):
        parts.append(
            f'<text x="{COLUMN_X[column]}" y="24" font-size="14" font-weight="bold" fill="#212b32">'
            f"{heading}</text>"
        )

    def centre(span: tuple[int, int]) -> float:
        return top + (span[0] + span[1]) / 2 * ROW_H

    def box_for(span: tuple[int, int], column: int, text: str) -> list[str]:
        y0 = top + span[0] * ROW_H + 5
        h = (span[1] - span[0]) * ROW_H - 10
        return _box(COLUMN_X[column], y0, h, text, column)

    parts += box_for((0, n), 0, aim.what)

    def draw(node: Node, column: int) -> None:
        span = spans[("driver", node.obj.pk)]
        parts.extend(box_for(span, column, node.text))
        parent_x = COLUMN_X[column] + BOX_W
        for idea in node.ideas:
            idea_span = spans[("idea", idea.pk)]
            parts.extend(box_for(idea_span, 3, idea.text))
            parts.append(_link(parent_x, centre(span), COLUMN_X[3], centre(idea_span)))
        for child in node.children:
            parts.append(_link(parent_x, centre(span), COLUMN_X[2], centre(spans[("driver", child.obj.pk)])))
            draw(child, 2)

    for node in tree:
        parts.append(
            _link(COLUMN_X[0] + BOX_W, centre((0, n)), COLUMN_X[1], centre(spans[("driver", node.obj.pk)]))
        )
        draw(node, 1)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


@dataclass
class Behind:
    """What people said behind one quality domain, as a measure page shows it."""

    domain: Any
    themes: list[Any]
    statements: list[Any]  # approved statements only, a few of them
    count: int  # how many approved statements there are in all


def themes_behind(domains: list[Any], team: Any = None, shown: int = 5) -> list[Behind]:
    """The themes promoted to each domain (this team's, or the programme's) and the statements in them.

    Statement words come only through `Statement.objects.approved()`: the one path for words outside
    moderation. The engagement app's domain page lists them all. Engagement sits above framework (its themes
    point at domains), so this goes through the relations it defines (`domain.themes`, `theme.statements`)
    rather than importing its models.
    """
    out = []
    for domain in domains:
        themes = domain.themes.all()
        themes = list(themes.filter(team=team) if team is not None else themes.filter(team__isnull=True))
        if not themes:
            continue
        approved = functools.reduce(operator.or_, (theme.statements.approved() for theme in themes))
        approved = approved.distinct().order_by("created_at", "pk")
        out.append(Behind(domain, themes, list(approved[:shown]), approved.count()))
    return out


# The code that draws a kept measure list row: a change to any of it draws every row again.
ROW_SOURCES = ("whatmatters.framework.presenters", "framework/_measure_row.jinja")


def measure_list_rows(team: Any, measures: list[Any]) -> list[Markup]:
    """Each measure's row on the measure list, in the measures' order, from the cache when its inputs are
    unchanged (`framework.measures.kept`). Nothing in a row depends on who reads it."""
    items = read(team, measures)
    macro = kept.jinja().get_template("framework/_measure_row.jinja").module.row
    rows = kept.kept(
        "measure list row", team, items, lambda item: str(macro(item, team)), sources=ROW_SOURCES
    )
    return [Markup(rows[item.measure.pk]) for item in items]  # noqa: S704 - drawn by our own template
