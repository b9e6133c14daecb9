"""Targets over time: a trajectory (the target changes from a period on) and further named lines (a national
standard beside a local ambition), stored as rows, edited on a page that works without JavaScript, and
judged as Making Data Count judges a target: the process limits against the target in force for the latest
point.

Hand-worked case (also `tests/spc/vectors_wm/wm_t01_trajectory.json`): 14 months alternating 10 and 12 from
January 2023. Mean 11; the 13 moving ranges are all 2, so the limits are 11 ± 2.66 × 2 = 5.68 to 16.32.
Lower is better. A target of 20 (above the upper limit) will be met; 8 (inside the limits) is hit and miss;
4 (below the lower limit) will not be met without change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.framework.factories import add_values, make_domain, make_measure
from whatmatters.audit.models import AuditEvent
from whatmatters.framework.forms import MeasureForm
from whatmatters.framework.measures.results import results_for
from whatmatters.framework.measures.shown import shown_for
from whatmatters.framework.models import MeasureTarget
from whatmatters.teams.roles import Role

pytestmark = pytest.mark.django_db

ALTERNATING = [10.0, 12.0] * 7  # January 2023 to February 2024
AS_OF = dt.date(2024, 2, 29)


@pytest.fixture
def measure(programme: Any) -> Any:
    made = make_measure(programme.team_a, make_domain(programme.team_a), target=20.0)
    add_values(made, ALTERNATING)
    return made


def result_of(measure: Any) -> Any:
    (item,) = results_for(measure.team, [measure], as_of=AS_OF)
    return item


def row(measure: Any, starts: dt.date, value: float, label: str = "") -> MeasureTarget:
    return MeasureTarget.objects.create(measure=measure, starts=starts, value=value, label=label)


def test_the_single_target_is_still_the_simple_case(measure: Any) -> None:
    item = result_of(measure)
    assert item.result.upper[-1] == pytest.approx(16.32) and item.result.lower[-1] == pytest.approx(5.68)
    assert item.result.options.target == 20.0  # one number, exactly as before rows existed
    assert item.result.assurance.name == "consistent_pass"


@pytest.mark.parametrize(
    ("latest_target", "assurance"),
    [(20.0, "consistent_pass"), (8.0, "inconsistent"), (4.0, "consistent_fail")],
)
def test_assurance_is_judged_against_the_target_in_force_for_the_latest_month(
    measure: Any, latest_target: float, assurance: str
) -> None:
    # A planned reduction: 20 until December 2023, 12 in January 2024, then the latest target.
    row(measure, dt.date(2024, 1, 1), 12.0)
    row(measure, dt.date(2024, 2, 1), latest_target)
    result = result_of(measure).result
    assert result.target[0] == 20.0 and result.target[12] == 12.0 and result.target[13] == latest_target
    assert result.assurance.name == assurance


def test_the_measures_target_holds_until_the_first_row_of_its_line(measure: Any) -> None:
    row(measure, dt.date(2023, 7, 1), 15.0)
    target = result_of(measure).result.target
    assert list(target[:6]) == [20.0] * 6 and list(target[6:]) == [15.0] * 8


def test_a_row_named_like_the_target_changes_the_target(measure: Any) -> None:
    measure.target_label = "Local ambition"
    measure.save()
    row(measure, dt.date(2024, 2, 1), 4.0, label="local ambition")
    result = result_of(measure).result
    assert result.target_label == "Local ambition"
    assert result.assurance.name == "consistent_fail"


def test_a_further_line_is_drawn_and_named_but_not_judged(measure: Any) -> None:
    row(measure, dt.date(2023, 1, 1), 4.0, label="National standard")
    item = result_of(measure)
    result = item.result
    assert [label for label, _ in result.target_lines] == ["Target", "National standard"]
    assert result.assurance.name == "consistent_pass"  # against the target of 20, not the standard of 4
    shown = shown_for(item, outside_team=False)
    # Each line is named on the chart and in its key, so colour is not the only way to tell them apart.
    assert ">Target 20</text>" in shown.svg and ">National standard 4</text>" in shown.svg
    assert ">National standard</text>" in shown.svg  # the key
    assert "The national standard is 4 days." in shown.committee
    assert "The target is 20 days. Will consistently meet the target." in shown.committee


def test_a_changing_target_is_named_with_its_month(measure: Any) -> None:
    row(measure, dt.date(2024, 1, 1), 8.0)
    committee = shown_for(result_of(measure), outside_team=False).committee
    assert "The target for February 2024 is 8 days. Will sometimes meet and sometimes miss the target." in (
        committee
    )


def test_the_measure_form_names_the_target() -> None:
    assert "target_label" in MeasureForm.base_fields
    assert MeasureForm.base_fields["target_label"].label == "What the target is called"


# --- The page ---------------------------------------------------------------------------------------


def url_of(measure: Any) -> str:
    return reverse("measure_targets", kwargs={"team": measure.team.slug, "pk": measure.pk})


def post_rows(rows: list[tuple[str, str, str]], remove: tuple[int, ...] = (), initial: int = 0) -> dict:
    data = {"row-TOTAL_FORMS": str(len(rows)), "row-INITIAL_FORMS": str(initial)}
    for n, (starts, value, label) in enumerate(rows):
        data |= {f"row-{n}-starts": starts, f"row-{n}-value": value, f"row-{n}-label": label}
        if n in remove:
            data[f"row-{n}-remove"] = "on"
    return data


def test_a_team_lead_saves_a_trajectory_without_javascript(
    measure: Any, people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    page = client.get(url_of(measure)).content.decode()
    assert "Targets over time for Median wait in days" in page and 'name="row-0-starts"' in page
    rows = [("2024-01-15", "12", ""), ("2024-02-01", "8", "Target"), ("2023-01-01", "4", "National standard")]
    response = client.post(url_of(measure), post_rows(rows))
    assert response.status_code == 302
    saved = sorted((r.label, r.starts, r.value) for r in measure.targets.all())
    # A date inside a month means that month; a row named "Target" is the measure's own target line.
    assert saved == [
        ("", dt.date(2024, 1, 1), 12.0),
        ("", dt.date(2024, 2, 1), 8.0),
        ("National standard", dt.date(2023, 1, 1), 4.0),
    ]
    detail = client.get(reverse("measure_detail", kwargs={"team": measure.team.slug, "pk": measure.pk}))
    assert "Targets over time" in detail.content.decode() and "National standard" in detail.content.decode()


def test_bad_rows_get_messages_naming_the_row_and_nothing_is_saved(
    measure: Any, people: dict[str, Any], client_for: Any
) -> None:
    row(measure, dt.date(2023, 6, 1), 15.0)
    client = client_for(people[Role.TEAM_LEAD])
    rows = [
        ("2024-01-01", "12", ""),
        ("2024-02-01", "eight", ""),
        ("", "6", ""),
        ("2024-01-20", "11", ""),
        ("2024-03-01", "", "National standard"),
    ]
    page = client.post(url_of(measure), post_rows(rows)).content.decode()
    assert "There is a problem" in page
    assert "Row 2: Enter the value as a number" in page
    assert "Row 3: Enter the date this value starts from" in page
    assert "Row 4: The target already has a value from January 2024 in row 1. Keep one of them" in page
    assert "Row 5: Enter the value as a number" in page
    assert "Row 1:" not in page
    assert [(r.starts, r.value) for r in measure.targets.all()] == [(dt.date(2023, 6, 1), 15.0)]
    assert 'value="eight"' in page  # what was typed is kept


def test_two_rows_for_the_same_line_and_month_are_refused_by_row(
    measure: Any, people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.TEAM_LEAD])
    page = client.post(url_of(measure), post_rows([("2024-01-01", "12", ""), ("2024-01-20", "11", "")]))
    text = page.content.decode()
    assert "Row 2: The target already has a value from January 2024 in row 1. Keep one of them" in text
    assert not measure.targets.exists()


def test_removing_a_row_deletes_only_that_row_and_the_audit_log_says_so(
    measure: Any, people: dict[str, Any], client_for: Any
) -> None:
    keep = row(measure, dt.date(2024, 1, 1), 12.0)
    gone = row(measure, dt.date(2024, 2, 1), 8.0)
    client = client_for(people[Role.TEAM_LEAD])
    rows = [("2024-01-01", "12", ""), ("2024-02-01", "8", "")]
    assert client.post(url_of(measure), post_rows(rows, remove=(1,), initial=2)).status_code == 302
    assert list(measure.targets.values_list("pk", flat=True)) == [keep.pk]
    assert AuditEvent.objects.filter(action="delete", object_id=str(gone.pk)).exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER, Role.EXPERT_BY_EXPERIENCE])
def test_people_who_cannot_change_the_plan_cannot_change_targets(
    measure: Any, people: dict[str, Any], client_for: Any, role: str
) -> None:
    client = client_for(people[role])
    assert client.post(url_of(measure), post_rows([("2024-01-01", "1", "")])).status_code in (403, 404)
    assert not measure.targets.exists()


def test_a_measure_with_3_values_says_it_is_too_early_to_judge_its_target(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    early = make_measure(programme.team_a, make_domain(programme.team_a), "early", target=4.0)
    add_values(early, [10.0, 12.0, 11.0], start=dt.date(2024, 1, 1))
    (item,) = results_for(early.team, [early], as_of=dt.date(2024, 3, 31))
    assert item.result.assurance is None
    committee = " ".join(shown_for(item, outside_team=False).committee)
    words = "From January 2025, with 13 points, this chart can say whether the target will be met."
    assert words in committee
    page = client_for(people[Role.VIEWER]).get(
        reverse("measure_detail", kwargs={"team": early.team.slug, "pk": early.pk})
    )
    text = page.content.decode()
    assert "Will not meet the target" not in text
    assert "this chart can say whether the target will be met" in text
