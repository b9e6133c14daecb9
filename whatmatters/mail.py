"""Sending one email with a plain-text part and an HTML part (the same words), for every email the app sends
about what needs someone: alerts, the weekly digest.

`html_from_text` turns the plain text into simple HTML: paragraphs at blank lines, a list for lines that
start with "- ", and each address on this site as a link. The plain text stays the one source of the words.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape

_ADDRESS = re.compile(r"(https?://[^\s<>\"]+)")

HTML_PAGE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #212b32">'
    "{body}</body></html>"
)


def _inline(line: str) -> str:
    parts = _ADDRESS.split(line)
    return "".join(
        f'<a href="{escape(part)}">{escape(part)}</a>' if index % 2 else escape(part)
        for index, part in enumerate(parts)
    )


def html_from_text(text: str, title: str = "What Matters") -> str:
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        heading = [line for line in lines if not line.startswith("- ")]
        bullets = [line[2:] for line in lines if line.startswith("- ")]
        if heading:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in heading) + "</p>")
        if bullets:
            blocks.append("<ul>" + "".join(f"<li>{_inline(line)}</li>" for line in bullets) + "</ul>")
    return HTML_PAGE.format(title=escape(title), body="".join(blocks))


def send(to: str, subject: str, text: str) -> int:
    """Send one email to one address; returns 1 when it went. The caller catches and logs failures."""
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html_from_text(text, subject), "text/html")
    return message.send()


def site_link(path: str) -> str:
    """A full address for a path on this site, for an email."""
    return settings.WHATMATTERS_BASE_URL.rstrip("/") + path
