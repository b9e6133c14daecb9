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
