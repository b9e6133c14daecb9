"""The team dashboard: measures by domain, icons with words, needs-attention first, filters, panels."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.dashboards.conftest import IMPROVING, STEADY, WORSE
from tests.framework.factories import make_domain, make_measure
from whatmatters.teams.roles import Role


def url(team: Any) -> str:
    return f"/teams/{team.slug}/dashboard/"


def test_it_groups_measures_under_the_domain_in_contributors_words(
    programme, people, client_for, measures_in
):
    domain = make_domain(programme.team_a, "I know what is happening while I wait")
    measures_in(programme.team_a, [("wait-days", STEADY, {})], domain=domain)
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a)).content.decode()
    assert "“I know what is happening while I wait”" in page
    assert "Wait days" in page


def test_each_measure_is_a_row_with_latest_value_target_both_icons_with_words_and_its_chart_a_click_away(
    programme, people, client_for, measures_in
):
    [measure] = measures_in(programme.team_a, [("wait-days", IMPROVING, {"target": 12})])
    client = client_for(people[Role.STAFF])
    page = client.get(url(programme.team_a)).content.decode()
    row = page.split(f'id="measure-{measure.pk}"')[1].split("</tr>")[0]
    link = f'href="/teams/{programme.team_a.slug}/measures/{measure.pk}/"'
    assert link in row and "Wait days</a>" in row
    assert "8 days" in row and "12 days" in row  # the latest value and the target
    # The variation's head word is shown, the rest is for screen readers; the letter is decoration.
    assert 'aria-hidden="true">L</span> <span>Improving<span class="nhsuk-u-visually-hidden">:' in row
    assert "Will not meet the target without change" in row  # limits 12.4 to 19.4, target 12
    assert (
        "wm-chart" not in page and "<svg" not in page.split("<main")[1]
    )  # the chart is on the measure's own page, one click away
    measure_page = client.get(f"/teams/{programme.team_a.slug}/measures/{measure.pk}/").content.decode()
    assert "<svg" in measure_page and "The latest value is 8 days" in measure_page


def test_a_measure_without_an_assurance_icon_says_too_early_to_judge_or_no_target(
    programme, people, client_for, measures_in
):
    early, untargeted = measures_in(
        programme.team_a, [("early", STEADY[:5], {"target": 30}), ("untargeted", STEADY, {})]
    )
    page = client_for(people[Role.STAFF]).get(url(programme.team_a)).content.decode()
    assert "Too early to judge" in page.split(f'id="measure-{early.pk}"')[1].split("</tr>")[0]
    assert "No target" in page.split(f'id="measure-{untargeted.pk}"')[1].split("</tr>")[0]


def test_what_needs_attention_is_one_line_per_reason_with_the_measures_it_applies_to(
    programme, people, client_for, measures_in
):
    measures_in(programme.team_a, [("a-worse", WORSE, {}), ("b-worse", WORSE, {})])
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a)).content.decode()
    panel = page.split('id="needs-attention"')[1].split("</section>")[0]
    assert panel.count("Concern: a change unlikely to be chance") == 1
    line = panel.split("Concern: a change unlikely to be chance")[1].split("</li>")[0]
    assert "A worse</a>; " in line and "B worse</a>." in line


def test_needs_attention_comes_first_and_fills_the_attention_panel(
    programme, people, client_for, measures_in
):
    measures_in(programme.team_a, [("a-steady", STEADY, {}), ("b-worse", WORSE, {})])
    page = client_for(people[Role.TEAM_LEAD]).get(url(programme.team_a)).content.decode()
    cards = page.split('id="dashboard-results"')[1]
    assert cards.index("B worse") < cards.index("A steady")
    panel = page.split('id="needs-attention"')[1].split("</section>")[0]
    assert "B worse" in panel and "Concern: a change unlikely to be chance" in panel
    assert "A steady" not in panel


def test_improvement_and_targets_met_go_in_the_going_well_panel(programme, people, client_for, measures_in):
    measures_in(programme.team_a, [("better", IMPROVING, {})])
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a)).content.decode()
    panel = page.split('id="going-well"')[1].split("</section>")[0]
    assert "Better" in panel and "Improving: a change unlikely to be chance" in panel


def test_a_measure_with_no_data_is_a_gap_that_needs_attention(programme, people, client_for, measures_in):
    measures_in(programme.team_a, [("empty", [], {})])
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a)).content.decode()
    panel = page.split('id="needs-attention"')[1].split("</section>")[0]
    assert "Empty" in panel and "No data yet" in panel


def test_filters_by_domain_and_type_with_a_plain_get_form(programme, people, client_for, measures_in):
    one = make_domain(programme.team_a, "I feel safe")
    two = make_domain(programme.team_a, "I am listened to")
    measures_in(programme.team_a, [("safe-outcome", STEADY, {"measure_type": "outcome"})], domain=one)
    measures_in(programme.team_a, [("heard-process", STEADY, {"measure_type": "process"})], domain=two)
    client = client_for(people[Role.VIEWER])
    page = client.get(url(programme.team_a), {"domain": one.pk}).content.decode()
    assert "Safe outcome" in page and "Heard process" not in page
    page = client.get(url(programme.team_a), {"type": "process"}).content.decode()
    assert "Heard process" in page and "Safe outcome" not in page
    assert '<form method="get"' in page
    # Nonsense filters are ignored, not errors.
    assert client.get(url(programme.team_a), {"domain": "x", "type": "nope"}).status_code == 200


def test_another_teams_domain_cannot_be_used_as_a_filter(programme, people, client_for, measures_in):
    theirs = make_domain(programme.team_b, "Their domain")
    measures_in(programme.team_a, [("ours", STEADY, {})])
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a), {"domain": theirs.pk}).content.decode()
    assert "Ours" in page and "Their domain" not in page


def test_people_outside_the_team_get_404(programme, people, client_for):
    assert client_for(people["team_b_lead"]).get(url(programme.team_a)).status_code == 404


def test_it_loads_with_a_fixed_number_of_queries_however_many_measures(
    programme, people, client_for, measures_in, django_assert_max_num_queries
):
    client = client_for(people[Role.TEAM_LEAD])
    domain = make_domain(programme.team_a, "I am listened to")
    measures_in(programme.team_a, [("m-0", STEADY, {})], domain=domain)
    client.get(url(programme.team_a))  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url(programme.team_a)).status_code == 200
    for i in range(1, 12):
        other = make_domain(programme.team_a, f"Domain {i}")
        m = make_measure(programme.team_a, other, code=f"m-{i}", name=f"Measure {i}")
        from tests.dashboards.conftest import recent_start
        from tests.framework.factories import add_values

        add_values(m, WORSE if i % 2 else IMPROVING, start=recent_start(20))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url(programme.team_a)).content.decode()
    assert "Measure 11" in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EXPERT_BY_EXPERIENCE])
def test_every_member_can_read_it(programme, people, client_for, role):
    assert client_for(people[role]).get(url(programme.team_a)).status_code == 200


def test_a_measure_whose_data_stopped_says_since_when(programme, people, client_for):
    import datetime as dt

    from tests.dashboards.conftest import recent_start
    from tests.framework.factories import add_values

    m = make_measure(programme.team_a, make_domain(programme.team_a), code="stale", name="Stale")
    start = recent_start(len(STEADY) + 3)
    add_values(m, STEADY, start=start)
    last = dt.date(
        start.year + (start.month + len(STEADY) - 2) // 12, (start.month + len(STEADY) - 2) % 12 + 1, 1
    )
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a)).content.decode()
    panel = page.split('id="needs-attention"')[1].split("</section>")[0]
    assert f"No new data since {last:%B %Y}" in panel


def test_a_gap_in_the_middle_says_how_many_periods_have_no_data(programme, people, client_for):
    from tests.dashboards.conftest import recent_start
    from whatmatters.framework.models import Value

    m = make_measure(programme.team_a, make_domain(programme.team_a), code="holey", name="Holey")
    from tests.framework.factories import months

    for i, period in enumerate(months(recent_start(12), 12)):
        if i not in (4, 5):
            Value.objects.create(measure=m, period=period, value=STEADY[i])
    page = client_for(people[Role.VIEWER]).get(url(programme.team_a)).content.decode()
    panel = page.split('id="needs-attention"')[1].split("</section>")[0]
    assert "<strong>2 periods have no data:</strong>" in panel and "Holey</a>" in panel


def test_the_team_page_the_programme_page_and_the_navigation_link_to_the_dashboards(
    programme, people, client_for
):
    client = client_for(people[Role.VIEWER])
    team_page = client.get("/teams/team-a/").content.decode()
    assert 'href="/teams/team-a/dashboard/"' in team_page and 'href="/teams/team-a/learning/"' in team_page
    assert 'href="/programme/dashboard/"' in client.get("/programme/").content.decode()
    page = client.get(url(programme.team_a)).content.decode()
    current = re.search(r'navigation-item--current"[^>]*>\s*<a[^>]*href="([^"]+)"', page)
    assert current and current.group(1) == "/programme/dashboard/"
