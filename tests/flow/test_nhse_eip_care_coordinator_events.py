"""EIP: a care coordinator from events.csv (MHS006) stops the clock as referrals.care_coord_date does.

Source: NHSDigital/mental-health-monthly-statistics@39dd0d8 menh_publications/notebooks/07_EIP/01_Prepare/
01_EIP_prep.py (read 3 December 2026): the later of the first attended contact with the EIP team and the
first care coordinator of team type A14, joined by person, starting on or after the referral.
"""

from datetime import date

from whatmatters.flow.clocks import Wait, compute_waits, fetch_waits

from .cases import Extract, contact, event, referral

CENSUS = date(2024, 3, 31)


def eip_waits(result) -> dict[str, Wait]:
    compute_waits(result.con, "eip", CENSUS)
    return {w.referral_id: w for w in fetch_waits(result.con)}


def fep(referral_id: str, person: str, referral_date: str = "2024-01-01", **fields: str) -> dict[str, str]:
    return referral(
        referral_id, referral_date, person_id=person, team_type="A14", primary_reason="01", **fields
    )


def test_an_eip_care_coordinator_event_joined_by_person_stops_the_clock(extract: Extract) -> None:
    result = extract(
        [fep("R1", "P1")],
        [contact("C1", "R1", "2024-01-05")],
        events=[event("E1", "P1", "care_coordinator", "2024-01-12", team_type="A14", source="MHS006")],
    )
    wait = eip_waits(result)["R1"]
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 1, 12), 11, True)


def test_a_care_coordinator_from_another_team_type_or_before_the_referral_does_not_count(
    extract: Extract,
) -> None:
    result = extract(
        [fep("R1", "P1"), fep("R2", "P2", "2024-01-10")],
        [contact("C1", "R1", "2024-01-05"), contact("C2", "R2", "2024-01-12")],
        events=[
            event("E1", "P1", "care_coordinator", "2024-01-03", team_type="A06"),
            event("E2", "P2", "care_coordinator", "2023-12-01", end_date="2024-06-01", team_type="A14"),
        ],
    )
    found = eip_waits(result)
    assert (found["R1"].status, found["R2"].status) == ("waiting", "waiting")


def test_the_earlier_of_the_two_routes_gives_the_care_coordinator(extract: Extract) -> None:
    result = extract(
        [fep("R1", "P1", care_coord_date="2024-01-20")],
        [contact("C1", "R1", "2024-01-05")],
        events=[event("E1", "P1", "care_coordinator", "2024-01-09", team_type="A14")],
    )
    assert eip_waits(result)["R1"].clock_stop == date(2024, 1, 9)


def test_the_later_of_contact_and_care_coordinator_still_stops_the_clock(extract: Extract) -> None:
    result = extract(
        [fep("R1", "P1")],
        [contact("C1", "R1", "2024-01-25", "3"), contact("C2", "R1", "2024-01-29")],
        events=[event("E1", "P1", "care_coordinator", "2024-01-02", team_type="A14")],
    )
    wait = eip_waits(result)["R1"]
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 1, 29), 28, False)
