"""EIP: the clock stops at the later of the first attended contact and care-coordinator allocation."""

from datetime import date

from whatmatters.flow.clocks import Wait, compute_waits, fetch_waits

from .cases import Extract, contact, referral

CENSUS = date(2024, 3, 31)


def eip_waits(result, census: date = CENSUS) -> dict[str, Wait]:
    rule = compute_waits(result.con, "eip", census)
    assert rule.standard_days == 14
    return {w.referral_id: w for w in fetch_waits(result.con)}


def test_it_stops_at_the_care_coordinator_date_when_that_is_later(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", care_coord_date="2024-01-10")], [contact("C1", "R1", "2024-01-05")]
    )
    wait = eip_waits(result)["R1"]
    assert (wait.clock_stop, wait.wait_days, wait.status, wait.within_standard) == (
        date(2024, 1, 10),
        9,
        "stopped",
        True,
    )


def test_it_stops_at_the_first_contact_when_that_is_later(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", care_coord_date="2024-01-03")],
        [contact("C1", "R1", "2024-01-20"), contact("C2", "R1", "2024-01-25")],
    )
    wait = eip_waits(result)["R1"]
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 1, 20), 19, False)


def test_a_tie_between_contact_and_care_coordinator_stops_on_that_day(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", care_coord_date="2024-01-15")],
        [contact("C1", "R1", "2024-01-15"), contact("C2", "R1", "2024-01-15", "3")],
    )
    wait = eip_waits(result)["R1"]
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 1, 15), 14, True)


def test_a_missed_first_appointment_does_not_stop_the_clock(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", care_coord_date="2024-01-02")],
        [contact("C1", "R1", "2024-01-04", "3"), contact("C2", "R1", "2024-01-22", "6")],
    )
    assert eip_waits(result)["R1"].clock_stop == date(2024, 1, 22)


def test_a_contact_the_day_before_the_referral_is_kept_but_does_not_stop_the_clock(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-10", care_coord_date="2024-01-10")],
        [contact("C1", "R1", "2024-01-09"), contact("C2", "R1", "2024-01-30")],
    )
    warnings = [r for r in result.rejects() if r.rule_code == "CONTACT_BEFORE_REFERRAL"]
    assert [(w.row, w.severity) for w in warnings] == [(2, "warning")]
    assert eip_waits(result)["R1"].clock_stop == date(2024, 1, 30)


def test_a_contact_by_email_does_not_count(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", care_coord_date="2024-01-02")],
        [
            contact("C1", "R1", "2024-01-03", consultation_mechanism="05"),
            contact("C2", "R1", "2024-01-08", consultation_mechanism="11"),
        ],
    )
    assert eip_waits(result)["R1"].clock_stop == date(2024, 1, 8)


def test_a_referral_rejected_before_any_contact_is_a_removal(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", rejected_date="2024-01-04")], [contact("C1", "R1", "2024-01-09")]
    )
    wait = eip_waits(result)["R1"]
    assert (wait.status, wait.clock_stop, wait.wait_days, wait.within_standard) == (
        "removed",
        date(2024, 1, 4),
        3,
        None,
    )


def test_a_stop_on_the_day_of_discharge_counts_as_a_stop(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", care_coord_date="2024-01-05", discharge_date="2024-01-06")],
        [contact("C1", "R1", "2024-01-06")],
    )
    assert eip_waits(result)["R1"].status == "stopped"


def test_someone_still_waiting_is_counted_up_to_the_census(extract: Extract) -> None:
    result = extract([referral("R1", "2024-03-01")], [contact("C1", "R1", "2024-03-02")])
    wait = eip_waits(result)["R1"]
    assert (wait.status, wait.clock_stop, wait.wait_days, wait.within_standard) == (
        "waiting",
        None,
        30,
        False,
    )


def test_events_after_the_census_are_ignored(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-03-25", care_coord_date="2024-03-26")], [contact("C1", "R1", "2024-04-02")]
    )
    wait = eip_waits(result, census=date(2024, 3, 31))["R1"]
    assert (wait.status, wait.wait_days) == ("waiting", 6)


def test_referrals_to_other_team_types_are_not_in_the_eip_cohort(extract: Extract) -> None:
    result = extract(
        [
            referral("R1", "2024-01-01", team_type="A14", primary_reason="01"),
            referral("R2", "2024-01-01", team_type="A06"),
            referral("R3", "2024-01-01", team_type="A14", primary_reason="12"),
        ]
    )
    assert set(eip_waits(result)) == {"R1"}
