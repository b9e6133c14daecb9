"""Turning report data into HTML (a fragment for the page, a whole document for download) and a tagged PDF.

The PDF is made by WeasyPrint with `pdf_variant="pdf/ua-1"` (tagged, accessible) from the same HTML, with
a print stylesheet. WeasyPrint's URL fetcher is limited to our own files, so building a PDF can never
reach the network (a report holds its charts as inline SVG and needs nothing else).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from whatmatters.reports.presenters import EASY_HIDDEN, ReportData, report_title
from whatmatters.spc.numbers import shown as number

# WeasyPrint logs every page it lays out; the report's own progress steps say enough.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "print.css"


def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def render_body(data: ReportData) -> str:
    """The report as an HTML fragment (no <html>, no <h1>): shown inside the site's layout."""
    return render_to_string(
        "reports/_body.jinja", {"data": data, "number": number, "easy_hidden": EASY_HIDDEN}
    )


def render_document(data: ReportData, body: str | None = None, inline_css: bool = True) -> str:
    """A whole HTML document: the download, and what WeasyPrint lays out."""
    return render_to_string(
        "reports/document.jinja",
        {
            "data": data,
            "body": body if body is not None else render_body(data),
            "inline_css": print_css() if inline_css else "",
        },
    )


def document_from_stored(report: Any) -> str:
    """The HTML download of a built report: its stored body in a whole document with the print styles."""
    from types import SimpleNamespace

    data = SimpleNamespace(title=report_title(report.team), audience_name=report.audience_short)
    return render_to_string(
        "reports/document.jinja", {"data": data, "body": report.html, "inline_css": print_css()}
    )


def allowed_roots() -> list[Path]:
    """Folders WeasyPrint may read: this app and the project's static files. Nothing else."""
    roots = [HERE, Path(settings.BASE_DIR) / "whatmatters" / "static"]
    return [root.resolve() for root in roots]


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Reads file:// URLs inside `allowed_roots()`; refuses every other URL (http, https, ftp, data)."""

        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"})
            self.refused = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("file://"):
                self.refused.append(url)
                raise ValueError("Reports only use their own files.")
            path = Path(url[len("file://") :].split("?")[0]).resolve()
            if not any(path.is_relative_to(root) for root in allowed_roots()) or not path.is_file():
                self.refused.append(url)
                raise ValueError("Reports only use their own files.")
            return URLFetcherResponse(url, path.read_bytes())

    return StaticOnlyFetcher()


def render_pdf(document: str, fetcher: Any = None) -> bytes:
    """A tagged PDF/UA-1 file from a whole HTML document (see `render_document`). `fetcher` is for the
    tests, to see which addresses were refused."""
    from weasyprint import CSS, HTML

    fetcher = fetcher or _fetcher()
    html = HTML(string=document, base_url=HERE.as_uri() + "/", url_fetcher=fetcher)
    stylesheet = CSS(string=print_css(), url_fetcher=fetcher)
    pdf = html.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
