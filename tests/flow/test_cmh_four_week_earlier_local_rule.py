"""The earlier local CMH 4-week rule (cmh4-first-help), kept as a labelled variant of NHS England's cmh4:
spells join referrals across gaps of 5 days or less; stop at the later of first attended contact and first
assessment, care plan or intervention."""

from datetime import date

from whatmatters.flow.clocks import Wait, compute_waits, fetch_waits

from .cases import Extract, contact, referral

CENSUS = date(2024, 6, 30)


def cmh_waits(result) -> list[Wait]:
    rule = compute_waits(result.con, "cmh4-first-help", CENSUS)
    assert rule.standard_days == 28 and rule.label.endswith("(earlier local rule)")
    return fetch_waits(result.con)


def test_the_clock_stops_at_the_later_of_first_contact_and_first_care_plan(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", treatment_start_date="2024-01-25")],
        [contact("C1", "R1", "2024-01-05", contact_kind="review")],
    )
    [wait] = cmh_waits(result)
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 1, 25), 24, True)


def test_an_attended_assessment_is_both_events_at_once(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01")], [contact("C1", "R1", "2024-02-05", contact_kind="assessment")]
    )
    [wait] = cmh_waits(result)
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 2, 5), 35, False)


def test_a_missed_assessment_does_not_stop_the_clock(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01")],
        [
            contact("C1", "R1", "2024-01-08", "3", contact_kind="assessment"),
            contact("C2", "R1", "2024-01-22", "5", contact_kind="assessment"),
        ],
    )
    [wait] = cmh_waits(result)
    assert wait.clock_stop == date(2024, 1, 22)


def test_a_transfer_inside_a_spell_does_not_restart_the_clock(extract: Extract) -> None:
    person = {"person_id": "P-1"}
    result = extract(
        [
            referral("A", "2024-01-01", team_id="TA", closed_date="2024-01-10", **person),
            referral("B", "2024-01-15", team_id="TB", **person),
        ],
        [contact("C1", "B", "2024-01-20", contact_kind="assessment")],
    )
    [wait] = cmh_waits(result)
    assert (wait.referral_id, wait.team_id, wait.clock_start, wait.clock_stop, wait.wait_days) == (
        "B",
        "TB",
        date(2024, 1, 1),
        date(2024, 1, 20),
        19,
    )


def test_a_gap_of_more_than_5_days_starts_a_new_spell(extract: Extract) -> None:
    person = {"person_id": "P-1"}
    result = extract(
        [
            referral("A", "2024-01-01", team_id="TA", closed_date="2024-01-10", **person),
            referral("B", "2024-01-16", team_id="TB", **person),
        ],
        [contact("C1", "B", "2024-01-20", contact_kind="assessment")],
    )
    waits = {w.referral_id: w for w in cmh_waits(result)}
    assert (waits["A"].status, waits["A"].clock_stop) == ("removed", date(2024, 1, 10))
    assert (waits["B"].clock_start, waits["B"].wait_days) == (date(2024, 1, 16), 4)


def test_a_referral_rejected_before_any_contact_is_a_removal(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", rejected_date="2024-01-03")],
        [contact("C1", "R1", "2024-01-10", contact_kind="assessment")],
    )
    [wait] = cmh_waits(result)
    assert (wait.status, wait.wait_days, wait.within_standard) == ("removed", 2, None)


def test_a_spell_with_a_hospital_stay_is_left_out(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", person_id="P-9"), referral("R2", "2024-01-01")],
        ward_stays=[{"spell_id": "S1", "person_id": "P-9", "ward_id": "W1", "admission_date": "2024-01-12"}],
    )
    assert [w.referral_id for w in cmh_waits(result)] == ["R2"]


def test_ties_on_the_same_day_stop_the_clock_once(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", treatment_start_date="2024-01-09")],
        [
            contact("C1", "R1", "2024-01-09", contact_kind="care_plan"),
            contact("C2", "R1", "2024-01-09", contact_kind="assessment"),
        ],
    )
    [wait] = cmh_waits(result)
    assert (wait.clock_stop, wait.wait_days) == (date(2024, 1, 9), 8)
