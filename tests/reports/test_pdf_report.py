"""A report rendered as a tagged PDF (WeasyPrint, PDF/UA-1): its text, read back with pdftotext, holds the
sentences and the icons' words; charts are drawn as vectors; the PDF never reaches outside our files."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.reports.conftest import FROM, TO

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is needed to read PDFs back"
)


def render(team: Any, audience: str) -> bytes:
    from whatmatters.reports import presenters, rendering

    data = presenters.build(team, FROM, TO, audience, contents="everything")
    return rendering.render_pdf(rendering.render_document(data, inline_css=False))


def pdf_text(pdf: bytes, tmp_path: Path, *, raw: bool = False) -> str:
    """The PDF's words. `raw`: in the order they were written (the appendix sets charts side by side,
    so reading across the page would mix two measures' tables)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", *(["-raw"] if raw else []), str(path), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())  # one line: sentences may wrap anywhere in the PDF


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@pytest.fixture
def committee_pdf(report_world: dict[str, Any]) -> bytes:
    return render(report_world["team"], "committee")


def test_the_committee_pdf_holds_the_sentences_and_the_icons_words(
    committee_pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(committee_pdf, tmp_path)
    assert text.startswith("Team A: quality report")
    assert "For: Committee. From 1 January 2024 to 31 December 2024." in text
    # The narrative sentences of the wait measure, as on its measure page.
    assert "The latest value is 19 days, for December 2024." in text
    assert "Limits recalculated from 1 January 2024 because we started a new triage process." in text
    # 12 points since the new limits: early days, so no assurance icon yet.
    assert "Early days: limits will change as more data arrive." in text
    # Icons come with their words.
    assert "What changed: L Improving: a change unlikely to be chance" in text
    assert "No significant change" in text
    # Definitions for a committee.
    assert "What the words mean" in text
    assert "Operational definition: Median days from referral to first help." in text


def inflated(pdf: bytes) -> bytes:
    """Every compressed stream of the PDF, inflated and joined (object streams hold the structure tree)."""
    out = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            out.append(zlib.decompress(pdf[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(out)


def test_the_pdf_is_tagged_pdf_ua_with_a_title_and_a_language(committee_pdf: bytes, tmp_path: Path) -> None:
    info = pdf_info(committee_pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Team A: quality report"
    path = tmp_path / "meta.pdf"
    path.write_bytes(committee_pdf)
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert 'pdfuaid:part="1"' in meta  # PDF/UA-1
    tags = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True, check=True)
    kinds = {line.split()[0].rstrip(":") for line in tags.stdout.splitlines() if line.strip()}
    assert {"Document", "H1", "H2", "H3", "P", "L", "LI", "Table", "Caption", "TH", "TD", "Figure"} <= kinds
    assert re.search(rb"/Lang\s*\(en-GB\)", committee_pdf + inflated(committee_pdf))


def test_each_chart_in_the_pdf_has_a_text_alternative(committee_pdf: bytes) -> None:
    alternatives = re.findall(rb"/Alt\s*\(((?:\\.|[^\\)])*)\)", inflated(committee_pdf))
    assert any(a.startswith(b"Median wait in days: XmR chart") for a in alternatives), alternatives
    assert any(a.startswith(b"Seen within 2 weeks: p chart") for a in alternatives), alternatives


def test_charts_are_drawn_as_vectors_not_pictures(committee_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "charts.pdf"
    path.write_bytes(committee_pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    assert len(images.stdout.strip().splitlines()) == 2  # the header lines only: no pictures at all
    # The chart's own words are text in the PDF: its title, axis months and the legend.
    text = pdf_text(committee_pdf, tmp_path)
    assert "Jan 2023" in text
    assert "Expected range" in text


def test_the_pdf_shows_counts_of_people_rounded_or_hidden(committee_pdf: bytes, tmp_path: Path) -> None:
    text = pdf_text(committee_pdf, tmp_path)
    # Admissions in 2024: 17 0 12 23 4 17 0 12 9 11 13 6 -> 15 0 10 25 * 15 0 10 10 10 15 *.
    shown = ["15", "0", "10", "25", "*", "15", "0", "10", "10", "10", "15", "*"]
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
    months += ["October", "November", "December"]
    table = " ".join(f"{m} 2024 {v}" for m, v in zip(months, shown, strict=True))
    assert f"Period Value (people) {table}" in pdf_text(committee_pdf, tmp_path, raw=True)
    # Carers offered an assessment, September 2024: 3 out of 5 -> all three cells hidden.
    assert "September 2024 * * *" in text
    assert "Some results come from fewer than 8 people, so we do not show this chart or its numbers." in text


def test_the_easy_read_pdf_says_what_people_said_and_what_is_being_done(
    report_world: dict[str, Any], tmp_path: Path
) -> None:
    text = pdf_text(render(report_world["team"], "lived-experience"), tmp_path)
    assert "What you told us, and what we are doing" in text
    assert "“Nobody told me how long the wait would be”" in text
    assert "We now text you every month" in text
    assert "Getting better" in text
    assert "A star (*) means fewer than 8." in text


def test_a_programme_pdf_has_a_summary_and_every_team(
    programme: Any, report_world: dict[str, Any], tmp_path: Path
) -> None:
    from whatmatters.reports import presenters, rendering

    data = presenters.build(None, FROM, TO, "committee")
    pdf = rendering.render_pdf(rendering.render_document(data, inline_css=False))
    text = pdf_text(pdf, tmp_path)
    assert text.startswith("Test Trust: programme report")
    assert "Summary" in text
    assert "Team A" in text and "Team B" in text


def test_building_a_pdf_never_fetches_anything_outside_our_own_files(report_world: dict[str, Any]) -> None:
    from whatmatters.reports import rendering

    document = (
        "<!DOCTYPE html><html lang='en-GB'><head><title>t</title>"
        "<link rel='stylesheet' href='http://127.0.0.1:9/x.css'>"
        "<link rel='stylesheet' href='file:///etc/passwd'></head>"
        "<body><main><h1>t</h1><img src='https://example.org/x.png' alt='x'></main></body></html>"
    )
    fetcher = rendering._fetcher()
    pdf = rendering.render_pdf(document, fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.png",
    ]
