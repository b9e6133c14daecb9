"""A team's flow page: age profile, cumulative flow, time to first help, Little's law and ward flow, each
as a server-side SVG with a title, a description, a sentence and a data table."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db


class Charts(HTMLParser):
    """Collects each <svg>'s attributes, title and desc, and each table's caption and header cells."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict[str, Any]] = []
        self.tables: list[dict[str, Any]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "svg" and "wm-flow-chart" in (a.get("class") or ""):
            self.svgs.append({"attrs": a, "title": "", "desc": ""})
        elif tag in ("title", "desc") and self.svgs and not self.svgs[-1][tag]:
            self._in = tag
        elif tag == "table":
            self.tables.append({"caption": "", "th": []})
        elif tag == "caption":
            self._in = "caption"
        elif tag == "th" and self.tables:
            self.tables[-1]["th"].append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "desc", "caption"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in in ("title", "desc"):
            self.svgs[-1][self._in] += data
        elif self._in == "caption":
            self.tables[-1]["caption"] += data


def parse(page: str) -> Charts:
    charts = Charts()
    charts.feed(page)
    return charts


@pytest.fixture
def community_page(imported: dict[str, Any], make_user: Any, client_for: Any) -> str:
    return client_for(make_user(Role.STAFF, imported["CERT"])).get("/teams/team-a/flow/").content.decode()


def test_the_community_team_sees_each_chart_with_its_heading_and_sentence(community_page: str) -> None:
    for heading in (
        "How long people have been waiting",
        "People joining and leaving the list",
        "How soon people get help",
        "A check on the data (Little&#39;s law)",
    ):
        assert f">{heading}</h2>" in community_page
    assert "people were waiting" in community_page and "The standard is 28 days" in community_page
    assert "Community mental health 4-week wait" in community_page


def test_every_chart_is_an_accessible_image_with_a_title_and_description(community_page: str) -> None:
    charts = parse(community_page)
    assert len(charts.svgs) == 4
    for svg in charts.svgs:
        assert svg["attrs"]["role"] == "img"
        ids = svg["attrs"]["aria-labelledby"].split()
        assert len(ids) == 2 and all(f'id="{i}"' in community_page for i in ids)
        assert svg["title"].strip() and len(svg["desc"].strip()) > 40
    assert "<script" not in community_page.split("<main", 1)[1].split("</main>")[0]
    assert "style=" not in community_page


def test_every_chart_has_a_data_table_with_a_caption_and_column_headers(community_page: str) -> None:
    charts = parse(community_page)
    captions = [t["caption"] for t in charts.tables]
    for caption in (
        "People waiting by weeks waited",
        "Running totals each week",
        "Share helped and share who left without help, by weeks since referral",
        "Little's law check by month",
    ):
        assert caption in captions
    for table in charts.tables:
        assert table["th"] and all(th.get("scope") == "col" for th in table["th"])


def test_time_to_help_treats_removals_as_a_competing_event(community_page: str) -> None:
    assert "Left the list without help (%)" in community_page
    assert "not as if they might still get help" in community_page


def test_littles_law_says_whether_the_data_add_up(community_page: str) -> None:
    assert "so the data add up" in community_page
    assert "Days on the list, counted day by day" in community_page


def test_the_ward_sees_occupancy_against_beds_admissions_and_lengths_of_stay(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    page = client_for(make_user(Role.STAFF, imported["OAWARD"])).get("/teams/team-b/flow/").content.decode()
    assert "Ward flow: people on the ward against beds" in page and "20 beds" in page
    assert "Admissions and discharges each week" in page and "How long people stayed" in page
    assert re.search(r"On average \d+% of the 20 beds were in use", page)
    charts = parse(page)
    assert len(charts.svgs) >= 3 and all(s["attrs"]["role"] == "img" for s in charts.svgs)


def test_the_flow_page_takes_a_census_date_and_refuses_a_bad_one(
    imported: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.STAFF, imported["CERT"]))
    assert "On 1 August 2023" in client.get("/teams/team-a/flow/?census=2023-08-01").content.decode()
    bad = client.get("/teams/team-a/flow/?census=01/08/2023").content.decode()
    assert "Write the date as YYYY-MM-DD" in bad and "<title>Error:" in bad
    late = client.get("/teams/team-a/flow/?census=2030-01-01").content.decode()
    assert "Choose a date on or before" in late


def test_a_team_without_data_is_told_so(teams: Any, make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.STAFF, teams["CERT"]))
    assert "no waiting-list data" in client.get("/teams/team-a/flow/").content.decode()


def test_the_page_query_count_does_not_grow_with_the_extract(
    imported: dict[str, Any], make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(make_user(Role.STAFF, imported["CERT"]))
    with django_assert_max_num_queries(25):
        client.get("/teams/team-a/flow/")
