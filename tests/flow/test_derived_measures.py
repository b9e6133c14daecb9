"""Weekly and monthly measures per team, from hand-made extracts whose answers are worked out by hand."""

from datetime import date

from whatmatters.flow.clocks import compute_waits
from whatmatters.flow.measures import MeasureValue, waiting_list_measures, ward_measures

from .cases import Extract, contact, referral

CENSUS = date(2024, 1, 28)  # a Sunday: the weeks of 1, 8, 15 and 22 January are complete


def by_week(values: list[MeasureValue], measure: str, team: str = "T1") -> dict[date, float | None]:
    return {v.period_start: v.value for v in values if v.measure == measure and v.team_id == team}


def weekly(extract: Extract, referrals, contacts) -> list[MeasureValue]:
    result = extract(referrals, contacts)
    rule = compute_waits(result.con, "first-contact", CENSUS, standard_days=7)
    return waiting_list_measures(result.con, CENSUS, "week", rule.standard_days)


def test_weeks_start_on_monday_and_only_complete_weeks_are_reported(extract: Extract) -> None:
    values = weekly(extract, [referral("R1", "2024-01-03"), referral("R2", "2024-01-17")], [])
    assert by_week(values, "referrals") == {
        date(2024, 1, 1): 1,
        date(2024, 1, 8): 0,
        date(2024, 1, 15): 1,
        date(2024, 1, 22): 0,
    }


def test_the_waiting_list_and_over_standard_counts_are_taken_on_the_last_day(extract: Extract) -> None:
    values = weekly(
        extract,
        [referral("R1", "2024-01-01"), referral("R2", "2024-01-06"), referral("R3", "2024-01-10")],
        [contact("C1", "R1", "2024-01-14"), contact("C2", "R3", "2024-01-12", "3")],
    )
    # Sun 7 Jan: R1 (6 days) and R2 (1 day) wait. Sun 14 Jan: R1 stopped that day; R2 (8 days) and R3 wait.
    assert by_week(values, "waiting_list") == {
        date(2024, 1, 1): 2,
        date(2024, 1, 8): 2,
        date(2024, 1, 15): 2,
        date(2024, 1, 22): 2,
    }
    # Over 7 days: on 14 Jan only R2 (8 days); on 21 Jan R2 (15) and R3 (11); on 28 Jan both.
    assert by_week(values, "waiting_over_standard") == {
        date(2024, 1, 1): 0,
        date(2024, 1, 8): 1,
        date(2024, 1, 15): 2,
        date(2024, 1, 22): 2,
    }
    assert by_week(values, "waiting_within_standard")[date(2024, 1, 8)] == 50.0
    assert by_week(values, "waiting_within_standard")[date(2024, 1, 1)] == 100.0


def test_completed_waits_give_the_median_and_share_within_standard(extract: Extract) -> None:
    values = weekly(
        extract,
        [referral("R1", "2024-01-01"), referral("R2", "2024-01-01"), referral("R3", "2024-01-05")],
        [
            contact("C1", "R1", "2024-01-08"),
            contact("C2", "R2", "2024-01-10"),
            contact("C3", "R3", "2024-01-09"),
        ],
    )
    assert by_week(values, "median_completed_wait")[date(2024, 1, 8)] == 7.0
    done = [
        v for v in values if v.measure == "completed_within_standard" and v.period_start == date(2024, 1, 8)
    ]
    assert (done[0].numerator, done[0].denominator) == (2, 3)
    assert by_week(values, "median_completed_wait")[date(2024, 1, 1)] is None
    assert by_week(values, "completed_within_standard")[date(2024, 1, 1)] is None


def test_the_missed_appointment_rate_leaves_out_cancellations(extract: Extract) -> None:
    values = weekly(
        extract,
        [referral("R1", "2024-01-01")],
        [
            contact("C1", "R1", "2024-01-02", "3"),
            contact("C2", "R1", "2024-01-03", "5"),
            contact("C3", "R1", "2024-01-04", "2"),
            contact("C4", "R1", "2024-01-05", "4"),
            contact("C5", "R1", "2024-01-05", "7"),
            contact("C6", "R1", "2024-01-06", "3"),
        ],
    )
    [dna] = [v for v in values if v.measure == "dna_rate" and v.period_start == date(2024, 1, 1)]
    assert (dna.numerator, dna.denominator, dna.value) == (2, 4, 50.0)


def test_monthly_measures_use_calendar_months(extract: Extract) -> None:
    result = extract([referral("R1", "2024-01-31"), referral("R2", "2024-02-01")], [])
    rule = compute_waits(result.con, "first-contact", date(2024, 3, 31))
    values = waiting_list_measures(result.con, date(2024, 3, 31), "month", rule.standard_days)
    assert by_week(values, "referrals") == {date(2024, 1, 1): 1, date(2024, 2, 1): 1, date(2024, 3, 1): 0}
    assert by_week(values, "waiting_list") == {date(2024, 1, 1): 1, date(2024, 2, 1): 2, date(2024, 3, 1): 2}


def test_ward_measures_count_admissions_discharges_bed_nights_and_stays(extract: Extract) -> None:
    stay = {"ward_id": "W1"}
    result = extract(
        [],
        [],
        ward_stays=[
            {
                "spell_id": "S1",
                "person_id": "P1",
                "admission_date": "2024-01-02",
                "discharge_date": "2024-01-05",
                **stay,
            },
            {
                "spell_id": "S2",
                "person_id": "P2",
                "admission_date": "2024-01-06",
                "discharge_date": "2024-01-13",
                **stay,
            },
            {"spell_id": "S3", "person_id": "P3", "admission_date": "2024-01-10", **stay},
        ],
    )
    values = ward_measures(result.con, date(2024, 1, 14), "week", beds={"W1": 2})
    week1, week2 = date(2024, 1, 1), date(2024, 1, 8)
    assert by_week(values, "admissions", "W1") == {week1: 2, week2: 1}
    assert by_week(values, "discharges", "W1") == {week1: 1, week2: 1}
    assert by_week(values, "length_of_stay", "W1") == {week1: 3.0, week2: 7.0}
    occupancy = {v.period_start: (v.numerator, v.denominator) for v in values if v.measure == "occupancy"}
    # Week 1: S1 nights 2,3,4 Jan and S2 nights 6,7 Jan = 5. Week 2: S2 8-12 Jan (5) and S3 10-14 Jan (5).
    assert occupancy == {week1: (5, 14), week2: (10, 14)}
