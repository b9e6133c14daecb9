"""Pure, deterministic SVG charts for the flow pages: bars (age profile) and lines with bands (cumulative
flow, time to first help, ward occupancy, the forecast fan).

Conventions as in `whatmatters.spc.svg`: `role="img"` with `<title>` and `<desc>` (the chart's sentence),
every text escaped, no script, no style attributes, no external fonts. Lines differ by dash pattern as well
as colour and each has a labelled legend entry, so colour is never the only signal. The page always shows
a data table next to the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from whatmatters.spc.numbers import shown

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 96
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

# NHS identity colours, each at least 4.5:1 against white.
COLOURS = ("#005eb8", "#a34a00", "#007f3b", "#330072", "#6b6b6b")
DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5")
TEXT, GRID, BAND, MARK = "#212b32", "#e8edee", "#c8dcf0", "#b31515"


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Band:
    name: str
    low: Sequence[float]
    high: Sequence[float]


def _f(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if math.isfinite(x) else "0"


def _ticks(hi: float, count: int = 5) -> list[float]:
    if hi <= 0:
        return [0.0, 1.0]
    raw = hi / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(math.ceil(hi / step)) + 1)]


def _label(x: object) -> str:
    if isinstance(x, date):
        return f"{x.day} {x:%b %Y}"
    return str(x)


def _open(title: str, desc: str, slug: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="wm-flow-chart" aria-labelledby="{slug}-title {slug}-desc" font-family="Arial, sans-serif">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        f'<desc id="{slug}-desc">{escape(desc)}</desc>',
    ]


def _axes(out: list[str], y_max: float, y_label: str, x_labels: list[tuple[float, str]]) -> None:
    for tick in _ticks(y_max):
        y = TOP + PLOT_H - PLOT_H * tick / y_max
        out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{_f(y)}" y2="{_f(y)}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end" font-size="12" fill="{TEXT}">'
            f"{escape(shown(tick))}</text>"
        )
    out.append(
        f'<text x="14" y="{TOP + PLOT_H / 2}" transform="rotate(-90 14 {TOP + PLOT_H / 2})" '
        f'text-anchor="middle" font-size="12" fill="{TEXT}">{escape(y_label)}</text>'
    )
    base = TOP + PLOT_H
    out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{base}" y2="{base}" stroke="{TEXT}"/>')
    for x, text in x_labels:
        out.append(
            f'<text x="{_f(x)}" y="{base + 16}" text-anchor="middle" font-size="12" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )


def _legend(out: list[str], entries: list[tuple[str, str, str, bool]]) -> None:
    """entries: (name, colour, dash, is_band)."""
    y = HEIGHT - 40
    x = LEFT
    for name, colour, dash, is_band in entries:
        if is_band:
            out.append(f'<rect x="{x}" y="{y - 6}" width="24" height="12" fill="{BAND}" stroke="{colour}"/>')
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="{x}" x2="{x + 24}" y1="{y}" y2="{y}" stroke="{colour}" '
                f'stroke-width="3"{dash_attr}/>'
            )
        out.append(f'<text x="{x + 30}" y="{y + 4}" font-size="12" fill="{TEXT}">{escape(name)}</text>')
        x += 40 + 7 * len(name)
        if x > WIDTH - 160:
            x, y = LEFT, y + 20


def _x_labels(xs: Sequence[object], position: object, count: int = 6) -> list[tuple[float, str]]:
    n = len(xs)
    if n == 0:
        return []
    step = max(1, math.ceil(n / count))
    return [(position(i), _label(xs[i])) for i in range(0, n, step)]  # type: ignore[operator]


def bar_chart(
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    slug: str,
    y_label: str,
    bar_name: str,
    line: Line | None = None,
    marker_at: float | None = None,
    marker_label: str = "",
) -> str:
    """Bars, an optional comparison line over them, and an optional vertical marker (in bar units)."""
    n = max(len(values), 1)
    y_max = max([*values, *(v for v in (line.values if line else []) if v is not None), 1.0]) * 1.1
    width = PLOT_W / n
    out = _open(title, desc, slug)
    _axes(out, y_max, y_label, [(LEFT + width * (i + 0.5), labels[i]) for i in range(0, n, max(1, n // 8))])
    for i, v in enumerate(values):
        h = PLOT_H * v / y_max
        out.append(
            f'<rect x="{_f(LEFT + width * i + 1)}" y="{_f(TOP + PLOT_H - h)}" '
            f'width="{_f(max(width - 2, 1))}" '
            f'height="{_f(h)}" fill="{COLOURS[0]}">'
            f"<title>{escape(labels[i])}: {escape(shown(v))}</title></rect>"
        )
    entries = [(bar_name, COLOURS[0], "", True)]
    if line is not None:
        points = " ".join(
            f"{_f(LEFT + width * (i + 0.5))},{_f(TOP + PLOT_H - PLOT_H * v / y_max)}"
            for i, v in enumerate(line.values)
            if v is not None
        )
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{COLOURS[1]}" stroke-width="3" '
            f'stroke-dasharray="{DASHES[1]}"/>'
        )
        entries.append((line.name, COLOURS[1], DASHES[1], False))
    if marker_at is not None:
        x = LEFT + width * marker_at
        out.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{TOP}" y2="{TOP + PLOT_H}" '
            f'stroke="{MARK}" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{_f(x + 4)}" y="{TOP + 12}" font-size="12" fill="{MARK}">{escape(marker_label)}</text>'
        )
    _legend(
        out,
        [
            (name, colour, dash, False) if not band else (name, colour, dash, True)
            for name, colour, dash, band in entries
        ],
    )
    out.append("</svg>")
    return "\n".join(out)


def line_chart(
    title: str,
    desc: str,
    xs: Sequence[object],
    lines: Sequence[Line],
    *,
    slug: str,
    y_label: str,
    bands: Sequence[Band] = (),
    reference: tuple[float, str] | None = None,
    y_max: float | None = None,
) -> str:
    """Lines (and shaded bands) over the same x values, with an optional horizontal reference line."""
    n = len(xs)
    top = y_max
    if top is None:
        candidates = [v for line in lines for v in line.values if v is not None]
        candidates += [v for band in bands for v in band.high]
        if reference is not None:
            candidates.append(reference[0])
        top = max([*candidates, 1.0]) * 1.1

    def px(i: int) -> float:
        return LEFT + (PLOT_W * i / (n - 1) if n > 1 else PLOT_W / 2)

    def py(v: float) -> float:
        return TOP + PLOT_H - PLOT_H * min(v, top) / top

    out = _open(title, desc, slug)
    _axes(out, top, y_label, _x_labels(xs, px))
    entries: list[tuple[str, str, str, bool]] = []
    for band in bands:
        upper = [f"{_f(px(i))},{_f(py(v))}" for i, v in enumerate(band.high)]
        lower = [f"{_f(px(i))},{_f(py(v))}" for i, v in reversed(list(enumerate(band.low)))]
        out.append(f'<polygon points="{" ".join(upper + lower)}" fill="{BAND}" stroke="none"/>')
        entries.append((band.name, COLOURS[0], "", True))
    for k, line in enumerate(lines):
        colour, dash = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(line.values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append(f"{_f(px(i))},{_f(py(v))}")
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            points = " ".join(seg)
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        entries.append((line.name, colour, dash, False))
    if reference is not None:
        y = py(reference[0])
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{_f(y)}" y2="{_f(y)}" '
            f'stroke="{MARK}" stroke-width="2" '
            f'stroke-dasharray="8 4"/>'
        )
        out.append(
            f'<text x="{LEFT + PLOT_W - 4}" y="{_f(y - 6)}" text-anchor="end" font-size="12" fill="{MARK}">'
            f"{escape(reference[1])}</text>"
        )
    _legend(out, entries)
    out.append("</svg>")
    return "\n".join(out)
