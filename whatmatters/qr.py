"""QR codes for public links (statements, surveys, excellence reports), for print."""

from __future__ import annotations

import io

import segno


def qr_svg(link: str) -> str:
    """A stand-alone SVG file of the link's QR code for print: dark modules on white, with a quiet zone.

    It has its XML declaration and namespace: without them a browser will not show it as an image, and
    print and design programs will not open it.
    """
    qr = segno.make(link, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(
        buffer,
        kind="svg",
        scale=8,
        dark="#000000",
        light="#ffffff",
        title=f"QR code for {link}",
        xmldecl=True,
        svgns=True,
        nl=True,
    )
    return buffer.getvalue().decode()


def qr_svg_inline(text: str, title: str) -> str:
    """An SVG element of the text's QR code to put straight into a page (no script, no separate request).

    The title is what a screen reader announces; the text itself may be secret, so it is never the title.
    """
    qr = segno.make(text, error="m", micro=False)
    svg = qr.svg_inline(scale=5, dark="#000000", light="#ffffff", title=title, svgclass="wm-qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)
