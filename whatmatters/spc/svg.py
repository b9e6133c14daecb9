"""One deterministic function that draws a result as an accessible SVG chart.

- `role="img"` with a `<title>` and a `<desc>` holding the narrative, so a screen reader gets the story.
- Making Data Count colours, darkened where needed so every colour reaches 4.5:1 against white (WCAG AA
  for text; charts only need 3:1 for graphics, so this is a margin).
- Point shapes differ by meaning (circle, large circle, square, diamond) and icons carry letters and
  words, so colour is never the only signal.
- No script, no external fonts or CSS: it looks the same in a browser and in a PDF.
- The same input always gives byte-identical output (golden-file tests rely on it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from html import escape

import numpy as np

from .dates import format_date, format_period
from .narrative import enough_data_sentences, narrate
from .numbers import shown
from .results import SeriesResult

# Making Data Count colours (NHSRplotthedots R/ptd_spc_colours.R) and the darker shades we draw with.
MDC_COLOURS = {
    "common": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "neutral": "#490092",
    "target": "#de1b1b",
}
COLOURS = {
    "common": "#6b6b6b",
    "improvement": "#006f99",
    "concern": "#a34a00",
    "neutral": "#490092",
    "target": "#b31515",
    "target_2": "#330072",
    "target_3": "#005a4e",
    "target_4": "#7c2855",
    "centre": "#212b32",
    "limit": "#4c6272",
    "text": "#212b32",
    "grid": "#e8edee",
}

POINT_TONE = {
    "common_cause": "common",
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral",
    "special_cause_neutral_low": "neutral",
}
POINT_WORDS = {
    "common_cause": "No significant change",
    "special_cause_improvement": "Improving: a change unlikely to be chance",
    "special_cause_concern": "Concern: a change unlikely to be chance",
    "special_cause_neutral_high": "Higher than usual",
    "special_cause_neutral_low": "Lower than usual",
}

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 196, 44, 64
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def relative_luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def _f(x: float) -> str:
    """Coordinates to 2 decimals, so output is stable across platforms."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if math.isfinite(x) else "0"


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi == lo:
        hi, lo = hi + 1, lo - 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


class _Scale:
    def __init__(self, result: SeriesResult) -> None:
        days = result.dates.astype(np.int64)
        self.d0, self.d1 = (int(days[0]), int(days[-1])) if days.size else (0, 1)
        series = [result.values, result.upper, result.lower, result.centre, result.target]
        finite = np.concatenate([s[np.isfinite(s)] for s in series]) if days.size else np.zeros(0)
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
        self.ticks = _nice_ticks(lo - pad, hi + pad)
        self.y0 = min([lo - pad, *self.ticks]) if self.ticks else lo - pad
        self.y1 = max([hi + pad, *self.ticks]) if self.ticks else hi + pad

    def x(self, day: np.datetime64) -> float:
        span = max(self.d1 - self.d0, 1)
        return LEFT + (int(day.astype(np.int64)) - self.d0) / span * PLOT_W

    def y(self, value: float) -> float:
        return TOP + (self.y1 - value) / (self.y1 - self.y0) * PLOT_H


@dataclass(frozen=True)
class Highlight:
    """A stretch of points to mark on the chart (positions in the result, inclusive), with what it means."""

    first: int
    last: int
    words: str


def render_svg(
    result: SeriesResult,
    *,
    title: str | None = None,
    id_prefix: str = "spc",
    level: str = "committee",
    highlight: Highlight | None = None,
) -> str:
    """Draw one series. `id_prefix` keeps element ids unique when a page holds several charts; `highlight`
    marks a stretch of points (the run behind a suggestion to start new limits) behind the data."""
    story = narrate(result)
    heading = title if title is not None else (result.name or "Chart")
    desc = " ".join([story.text(level), *(w.message for w in result.warnings)])
    scale = _Scale(result)
    pid = escape(id_prefix, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="{pid}-title {pid}-desc" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="12">',
        f'<title id="{pid}-title">{escape(heading)}: {escape(result.chart_name)}</title>',
        f'<desc id="{pid}-desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="24" font-size="16" font-weight="bold" fill="{COLOURS["text"]}">'
        f"{escape(heading)}</text>",
    ]
    parts += _axes(result, scale)
    parts += _highlight(result, scale, highlight)
    parts += _lines(result, scale)
    parts += _target(result, scale)
    parts += _recalculations(result, scale)
    parts += _annotations(result, scale)
    parts += _points(result, scale)
    parts += _icons(result, level)
    parts += _key(result)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _axes(result: SeriesResult, scale: _Scale) -> list[str]:
    out = ['<g aria-hidden="true">']
    for t in scale.ticks:
        y = _f(scale.y(t))
        out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y}" y2="{y}" stroke="{COLOURS["grid"]}"/>')
        out.append(
            f'<text x="{LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'fill="{COLOURS["text"]}">{escape(shown(t))}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H}" '
        f'stroke="{COLOURS["text"]}"/>'
    )
    for day, label in _date_ticks(result):
        x = _f(scale.x(day))
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H + 5}" '
            f'stroke="{COLOURS["text"]}"/>'
        )
        out.append(
            f'<text x="{x}" y="{TOP + PLOT_H + 18}" text-anchor="middle" fill="{COLOURS["text"]}">'
            f"{escape(label)}</text>"
        )
    out.append("</g>")
    return out


def _highlight(result: SeriesResult, scale: _Scale, mark: Highlight | None) -> list[str]:
    """A pale band behind the marked points, labelled in words at its top (colour is not the only signal)."""
    if mark is None or not 0 <= mark.first <= mark.last < result.dates.size:
        return []
    days = result.dates
    half = (scale.x(days[1]) - scale.x(days[0])) / 2 if days.size > 1 else 8.0
    x0 = max(LEFT, scale.x(days[mark.first]) - half)
    x1 = min(LEFT + PLOT_W, scale.x(days[mark.last]) + half)
    return [
        f"<g><title>{escape(mark.words)}</title>",
        f'<rect x="{_f(x0)}" y="{TOP}" width="{_f(x1 - x0)}" height="{PLOT_H}" fill="#fff4cc" '
        f'stroke="{COLOURS["limit"]}" stroke-dasharray="2 2"/>',
        f'<text x="{_f(x0 + 3)}" y="{TOP + 12}" font-size="11" fill="{COLOURS["text"]}">'
        "Lasting change</text>",
        "</g>",
    ]


def _date_ticks(result: SeriesResult) -> list[tuple[np.datetime64, str]]:
    """At most 8 ticks: months as 'Jan 2024', weeks and days as '3 Mar'."""
    days = result.dates
    if days.size == 0:
        return []
    step = max(1, math.ceil(days.size / 8))
    out = []
    for day in days[::step]:
        d: dt.date = day.astype(dt.date)
        label = f"{d:%b %Y}" if result.period in ("month", "quarter", "year") else f"{d.day} {d:%b}"
        out.append((day, label))
    return out


def _polyline(points: list[tuple[float, float]], stroke: str, extra: str = "") -> str:
    coords = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{stroke}" {extra}/>'.replace(" />", "/>")


def _lines(result: SeriesResult, scale: _Scale) -> list[str]:
    out = ['<g aria-hidden="true">']
    for g in result.groups:
        idx = np.flatnonzero(result.group == g.number)
        xs = [scale.x(result.dates[i]) for i in idx]
        for values, colour, style in (
            (result.centre, COLOURS["centre"], 'stroke-width="1.5"'),
            (result.upper, COLOURS["limit"], 'stroke-dasharray="6 4"'),
            (result.lower, COLOURS["limit"], 'stroke-dasharray="6 4"'),
        ):
            pts = [(x, scale.y(values[i])) for x, i in zip(xs, idx, strict=True) if np.isfinite(values[i])]
            if len(pts) >= 2 or (len(pts) == 1 and colour == COLOURS["centre"]):
                if len(pts) == 1:
                    pts = [(pts[0][0] - 4, pts[0][1]), (pts[0][0] + 4, pts[0][1])]
                out.append(_polyline(pts, colour, style))
    # The data line breaks at missing values, so a gap is visible.
    run: list[tuple[float, float]] = []
    for day, v in zip(result.dates, result.values, strict=True):
        if np.isfinite(v):
            run.append((scale.x(day), scale.y(v)))
        else:
            if len(run) >= 2:
                out.append(_polyline(run, COLOURS["common"], 'stroke-width="1.5"'))
            run = []
    if len(run) >= 2:
        out.append(_polyline(run, COLOURS["common"], 'stroke-width="1.5"'))
    out.append("</g>")
    return out


# Each target line has its own dash pattern and colour and its name in words, on the line and in the key,
# so lines are told apart without colour. The first is the judged target.
TARGET_STYLES = (
    ("target", "2 3"),
    ("target_2", "8 3 2 3"),
    ("target_3", "10 4"),
    ("target_4", "1 4"),
)


def _target(result: SeriesResult, scale: _Scale) -> list[str]:
    out: list[str] = []
    for k, (label, t) in enumerate(result.target_lines[: len(TARGET_STYLES)]):
        colour, dash = TARGET_STYLES[k]
        pts = [(scale.x(d), scale.y(v)) for d, v in zip(result.dates, t, strict=True) if np.isfinite(v)]
        if len(pts) == 1:
            pts = [(LEFT, pts[0][1]), (LEFT + PLOT_W, pts[0][1])]
        last = float(t[np.isfinite(t)][-1])
        words = f"{label} {shown(last)}"
        # A target that never changes is labelled at the left; a line that changes, and every further line,
        # at the right end, beside the value the label gives. All inside the plot, clear of the icons.
        changes = bool(np.nanmax(t) != np.nanmin(t))
        if k == 0 and not changes:
            place = f'x="{_f(LEFT + 4)}" y="{_f(pts[0][1] - 5)}"'
        else:
            place = f'x="{_f(LEFT + PLOT_W - 4)}" y="{_f(pts[-1][1] - 5)}" text-anchor="end"'
        out += [
            '<g aria-hidden="true">',
            _polyline(pts, COLOURS[colour], f'stroke-dasharray="{dash}" stroke-width="2"'),
            f'<text {place} fill="{COLOURS[colour]}">{escape(words)}</text>',
            "</g>",
        ]
    return out


def _recalculations(result: SeriesResult, scale: _Scale) -> list[str]:
    out = []
    for g in result.groups:
        if g.number == 0:
            continue
        x = _f(scale.x(np.datetime64(g.start, "D")))
        why = f"Limits recalculated from {format_date(g.start)}" + (
            f" because {g.reason}" if g.reason else ""
        )
        out.append(
            f"<g><title>{escape(why)}</title>"
            f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{TOP + PLOT_H}" stroke="{COLOURS["text"]}" '
            f'stroke-dasharray="1 3"/>'
            f'<text x="{x}" y="{TOP - 4}" text-anchor="middle" font-size="11" fill="{COLOURS["text"]}">'
            f"New limits</text></g>"
        )
    return out


def _annotations(result: SeriesResult, scale: _Scale) -> list[str]:
    out = []
    for n, note in enumerate(sorted(result.options.annotations, key=lambda a: str(a.date)), start=1):
        day = np.datetime64(note.date, "D")
        if result.dates.size == 0 or day < result.dates[0] or day > result.dates[-1]:
            continue
        x = scale.x(day)
        y = TOP + PLOT_H - 2
        label = f"Note {n}, {format_date(note.date)}: {note.text}"
        out.append(
            f"<g><title>{escape(label)}</title>"
            f'<path d="M{_f(x)},{_f(y - 12)} L{_f(x - 7)},{_f(y)} L{_f(x + 7)},{_f(y)} Z" '
            f'fill="#ffffff" stroke="{COLOURS["text"]}"/>'
            f'<text x="{_f(x)}" y="{_f(y - 2)}" text-anchor="middle" font-size="9" '
            f'fill="{COLOURS["text"]}">{n}</text></g>'
        )
    return out


def _marker(point_type: str, x: float, y: float, colour: str) -> str:
    if point_type == "special_cause_improvement":
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="5.5" fill="{colour}" stroke="#ffffff"/>'
    if point_type == "special_cause_concern":
        return (
            f'<rect x="{_f(x - 5)}" y="{_f(y - 5)}" width="10" height="10" fill="{colour}" stroke="#ffffff"/>'
        )
    if point_type.startswith("special_cause_neutral"):
        return (
            f'<path d="M{_f(x)},{_f(y - 6)} L{_f(x + 6)},{_f(y)} '
            f'L{_f(x)},{_f(y + 6)} L{_f(x - 6)},{_f(y)} Z" '
            f'fill="{colour}" stroke="#ffffff"/>'
        )
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{colour}"/>'


def _points(result: SeriesResult, scale: _Scale) -> list[str]:
    out = ["<g>"]
    period = result.period if result.period != "irregular" else "day"
    for day, v, ptype, excluded in zip(
        result.dates, result.values, result.point_types, result.excluded, strict=True
    ):
        if not np.isfinite(v):
            continue
        x, y = scale.x(day), scale.y(float(v))
        when = format_period(day, period)
        words = "Left out of the limits" if excluded else POINT_WORDS[ptype]
        tip = f"{when}: {shown(float(v), result.unit)}. {words}."
        if excluded:
            shape = (
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="#ffffff" stroke="{COLOURS["common"]}"/>'
                f'<path d="M{_f(x - 3)},{_f(y - 3)} L{_f(x + 3)},{_f(y + 3)} M{_f(x - 3)},{_f(y + 3)} '
                f'L{_f(x + 3)},{_f(y - 3)}" stroke="{COLOURS["common"]}"/>'
            )
        else:
            shape = _marker(ptype, x, y, COLOURS[POINT_TONE[ptype]])
        out.append(f"<g><title>{escape(tip)}</title>{shape}</g>")
    out.append("</g>")
    return out


def _wrap(text: str, width: int = 24) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def _icon(kind: str, letter: str, tone: str, words: str, top: float) -> list[str]:
    cx, cy, r = WIDTH - RIGHT + 44, top + 26, 22
    colour = COLOURS[tone]
    out = [
        f"<g><title>{escape(kind)}: {escape(words)}</title>",
        f'<circle cx="{cx}" cy="{_f(cy)}" r="{r}" fill="#ffffff" stroke="{colour}" stroke-width="4"/>',
    ]
    if letter:
        out.append(
            f'<text x="{cx}" y="{_f(cy)}" text-anchor="middle" dominant-baseline="central" font-size="20" '
            f'font-weight="bold" fill="{colour}">{escape(letter)}</text>'
        )
    else:
        # Common cause: a flat wavy line, as on the MDC icon.
        out.append(
            f'<path d="M{cx - 12},{_f(cy)} q6,-8 12,0 t12,0" fill="none" stroke="{colour}" stroke-width="3"/>'
        )
    for k, line in enumerate(_wrap(words)):
        out.append(
            f'<text x="{cx - r}" y="{_f(cy + r + 16 + 14 * k)}" fill="{COLOURS["text"]}">'
            f"{escape(line)}</text>"
        )
    out.append("</g>")
    return out


def _icons(result: SeriesResult, level: str) -> list[str]:
    out: list[str] = []
    top = TOP
    v = result.variation
    if v is not None:
        words = v.committee if level == "committee" else v.easy_read
        out += _icon("Variation", v.letter, v.tone, words, top)
        top += 120
    a = result.assurance
    if a is not None:
        words = a.committee if level == "committee" else a.easy_read
        out += _icon("Target", a.letter, a.tone, words, top)
    elif result.trial_limits:
        out += _early_days(result, level, top)
    return out


def _early_days(result: SeriesResult, level: str, top: float) -> list[str]:
    """Where the target icon would be: no icon in early days, and words saying from when there will be."""
    committee, easy = enough_data_sentences(result)
    when = committee if level == "committee" else easy
    x = WIDTH - RIGHT + 22
    out = [f"<g><title>{escape(when)}</title>"]
    for k, line in enumerate(_wrap(when)):
        out.append(
            f'<text x="{x}" y="{_f(top + 16 + 14 * k)}" fill="{COLOURS["text"]}">{escape(line)}</text>'
        )
    out.append("</g>")
    return out


def _key(result: SeriesResult) -> list[str]:
    y = HEIGHT - 14
    out = ['<g aria-hidden="true" font-size="11">']
    x = LEFT
    items = [("centre", "", "Average" if result.chart != "run" else "Median")]
    if result.chart != "run":
        items.append(("limit", "6 4", "Expected range"))
    for k, (label, _) in enumerate(result.target_lines[: len(TARGET_STYLES)]):
        items.append((*TARGET_STYLES[k], label))
    for colour, dash, label in items:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y - 4}" y2="{y - 4}" stroke="{COLOURS[colour]}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        out.append(f'<text x="{x + 27}" y="{y}" fill="{COLOURS["text"]}">{escape(label)}</text>')
        x += 40 + 7 * len(label)
    if result.trial_limits:
        out.append(
            f'<text x="{x}" y="{y}" fill="{COLOURS["text"]}">'
            f"{escape('Early days: limits will change as more data arrive')}</text>"
        )
    out.append("</g>")
    return out
