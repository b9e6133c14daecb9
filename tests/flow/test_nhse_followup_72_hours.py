"""Follow-up within 72 hours of discharge from an adult acute ward (followup72), worked by hand.

Source: NHSDigital/mental-health-monthly-statistics@39dd0d8 menh_publications/notebooks/02_72HOURS/
01_Prepare/PrepViews.py and 02_Aggregate/72hours_Aggregate.py (MHS78-MHS80), read 3 December 2026: discharges
from an adult acute bed (the spell's last ward stay), leaving out some destinations; followed up when the
first attended contact, or a new admission, after the day of discharge is at most 3 days after it.
"""

from datetime import date

from whatmatters.flow.clocks import Wait, compute_waits, fetch_waits

from .cases import Extract, contact, referral

CENSUS = date(2024, 6, 30)


def stay(spell: str, person: str, admitted: str, discharged: str = "", **fields: str) -> dict[str, str]:
    row = {
        "spell_id": spell,
        "person_id": person,
        "ward_id": "ACUTE",
        "admission_date": admitted,
        "discharge_date": discharged,
        "bed_type": "10",
    }
    row.update(fields)
    return row


def followups(result, census: date = CENSUS) -> dict[str, Wait]:
    rule = compute_waits(result.con, "followup72", census)
    assert rule.standard_days == 3
    return {w.referral_id: w for w in fetch_waits(result.con)}


def community(*people: str) -> list[dict[str, str]]:
    return [referral(f"R-{p}", "2024-01-02", person_id=p, team_id="CMHT") for p in people]


def test_a_contact_3_days_after_discharge_is_in_time_and_4_days_is_not(extract: Extract) -> None:
    result = extract(
        community("P1", "P2"),
        [contact("C1", "R-P1", "2024-03-04"), contact("C2", "R-P2", "2024-03-05")],
        ward_stays=[
            stay("S1", "P1", "2024-02-01", "2024-03-01"),
            stay("S2", "P2", "2024-02-01", "2024-03-01"),
        ],
    )
    found = followups(result)
    assert (
        found["S1"].team_id,
        found["S1"].clock_stop,
        found["S1"].wait_days,
        found["S1"].within_standard,
    ) == (
        "ACUTE",
        date(2024, 3, 4),
        3,
        True,
    )
    assert (found["S2"].wait_days, found["S2"].within_standard) == (4, False)


def test_a_contact_on_the_day_of_discharge_or_a_missed_one_does_not_count(extract: Extract) -> None:
    result = extract(
        community("P1"),
        [
            contact("C1", "R-P1", "2024-03-01"),
            contact("C2", "R-P1", "2024-03-02", "3"),
            contact("C3", "R-P1", "2024-03-06"),
        ],
        ward_stays=[stay("S1", "P1", "2024-02-01", "2024-03-01")],
    )
    assert followups(result)["S1"].clock_stop == date(2024, 3, 6)


def test_a_new_admission_counts_as_follow_up(extract: Extract) -> None:
    result = extract(
        community("P1"),
        ward_stays=[stay("S1", "P1", "2024-02-01", "2024-03-01"), stay("S2", "P1", "2024-03-03")],
    )
    found = followups(result)
    assert (found["S1"].clock_stop, found["S1"].within_standard) == (date(2024, 3, 3), True)
    assert "S2" not in found  # still in hospital


def test_only_adult_acute_beds_and_destinations_that_count_are_in_the_measure(extract: Extract) -> None:
    result = extract(
        community("P1", "P2", "P3", "P4"),
        ward_stays=[
            stay("ACUTE-HOME", "P1", "2024-02-01", "2024-03-01", discharge_destination="19"),
            stay("REHAB", "P2", "2024-02-01", "2024-03-01", bed_type="13"),
            stay("DIED", "P3", "2024-02-01", "2024-03-01", discharge_destination="79"),
            stay("PRISON", "P4", "2024-02-01", "2024-03-01", discharge_destination="40"),
        ],
    )
    assert list(followups(result)) == ["ACUTE-HOME"]


def test_the_last_ward_of_the_spell_decides_the_bed_type_and_the_team(extract: Extract) -> None:
    result = extract(
        community("P1", "P2"),
        ward_stays=[
            stay(
                "S1",
                "P1",
                "2024-02-01",
                "2024-03-01",
                ward_id="PICU",
                bed_type="11",
                ward_start_date="2024-02-01",
            ),
            stay(
                "S1",
                "P1",
                "2024-02-01",
                "2024-03-01",
                ward_id="ACUTE",
                bed_type="10",
                ward_start_date="2024-02-10",
            ),
            stay(
                "S2",
                "P2",
                "2024-02-01",
                "2024-03-01",
                ward_id="ACUTE",
                bed_type="10",
                ward_start_date="2024-02-01",
            ),
            stay(
                "S2",
                "P2",
                "2024-02-01",
                "2024-03-01",
                ward_id="REHAB",
                bed_type="13",
                ward_start_date="2024-02-10",
            ),
        ],
    )
    found = followups(result)
    assert [(w.referral_id, w.team_id) for w in found.values()] == [("S1", "ACUTE")]


def test_a_discharge_days_before_the_census_is_still_in_time(extract: Extract) -> None:
    result = extract(community("P1"), ward_stays=[stay("S1", "P1", "2024-06-01", "2024-06-28")])
    wait = followups(result)["S1"]
    assert (wait.status, wait.wait_days, wait.within_standard) == ("waiting", 2, True)
    assert followups(result, date(2024, 6, 27)) == {}  # not yet discharged then


def test_a_contact_with_any_of_the_persons_teams_counts(extract: Extract) -> None:
    result = extract(
        community("P1") + [referral("R-OTHER", "2024-01-02", person_id="P1", team_id="CRISIS")],
        [contact("C1", "R-OTHER", "2024-03-02")],
        ward_stays=[stay("S1", "P1", "2024-02-01", "2024-03-01")],
    )
    assert followups(result)["S1"].wait_days == 1
