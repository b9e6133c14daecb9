"""A report's SVG chart as a PNG picture, with the chart's own text alternative, for PowerPoint.

The SVG is drawn by `spc.svg.render_svg` (its `<title>` and `<desc>` are the chart's text alternative: the
measure, the chart type and the sentences under it), so the picture's alt text says what the page says.
CairoSVG draws it; the SVG uses no fonts or files from outside, so drawing it reads nothing else.
"""

from __future__ import annotations

import re
from html import unescape

import cairosvg

# Twice the SVG's own width, so the picture stays sharp on a projector.
PIXELS_WIDE = 1520
# A small multiple is drawn a third as wide on its slide, so it needs fewer pixels (and is drawn faster).
SMALL_PIXELS_WIDE = 760

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)


def png_from_svg(svg: str, width: int = PIXELS_WIDE) -> bytes:
    """The chart as a PNG on a white background, `width` pixels wide."""
    png = cairosvg.svg2png(
        bytestring=svg.encode("utf-8"),
        output_width=width,
        background_color="white",
        unsafe=False,
    )
    assert png is not None
    return bytes(png)


def alt_text(svg: str) -> str:
    """The chart's text alternative: its title, then its description (what a screen reader reads on the
    page)."""
    parts = []
    for pattern in (_TITLE, _DESC):
        if match := pattern.search(svg):
            parts.append(" ".join(unescape(match.group(1)).split()))
    return ". ".join(p.rstrip(".") for p in parts if p) + "." if parts else ""
