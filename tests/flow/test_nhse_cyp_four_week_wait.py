"""NHS England's children and young people's 4-week wait (cyp4), worked by hand.

Source: NHSDigital/mental-health-monthly-statistics@cc69a8f menh_bbrb/.../02_4w_waits/4w_waits_prep.py, the
cyp_4ww_* steps (read 3 December 2026): under-18s; a first contact may be indirect activity; the clock stops
at the last of first contact, baseline outcome measure, and agreed care plan or intervention (consultation and
signposting count; of assessments only autism and ADHD assessments do).
"""

from datetime import date

from whatmatters.flow.clocks import Wait, compute_waits, fetch_waits

from .cases import Extract, contact, event, referral

CENSUS = date(2024, 6, 30)
AUTISM_ASSESSMENT = "1085671000000109"


def waits(result) -> dict[str, Wait]:
    used = compute_waits(result.con, "cyp4", CENSUS)
    assert used.standard_days == 28 and "Children and young people" in used.label
    return {w.referral_id: w for w in fetch_waits(result.con)}


def child(referral_id: str, person: str, **fields: str) -> dict[str, str]:
    row = {"person_id": person, "age_at_referral": "12", "team_type": "C05"}
    row.update(fields)
    return referral(referral_id, "2024-05-01", **row)


def test_the_clock_stops_at_the_last_of_contact_outcome_measure_and_help(extract: Extract) -> None:
    result = extract(
        [child("R1", "P1")],
        [contact("C1", "R1", "2024-05-06")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-10", referral_id="R1"),
            event("E2", "P1", "care_plan_agreed", "2024-05-08"),
        ],
    )
    wait = waits(result)["R1"]
    # No meaningful assessment is needed for children.
    assert (wait.clock_stop, wait.wait_days, wait.within_standard) == (date(2024, 5, 10), 9, True)


def test_only_under_18s_with_a_known_age_are_counted(extract: Extract) -> None:
    result = extract(
        [
            child("R1", "P1", age_at_referral="17"),
            child("R2", "P2", age_at_referral="18"),
            child("R3", "P3", age_at_referral=""),
        ],
        events=[event("E1", "P1", "outcome_measure", "2024-05-02")],
    )
    assert list(waits(result)) == ["R1"]


def test_indirect_activity_is_a_first_contact(extract: Extract) -> None:
    result = extract(
        [child("R1", "P1")],
        events=[
            event("E1", "P1", "intervention", "2024-05-04", referral_id="R1", source="MHS204"),
            event("E2", "P1", "outcome_measure", "2024-05-07", referral_id="R1"),
        ],
    )
    assert waits(result)["R1"].clock_stop == date(2024, 5, 7)


def test_consultation_and_autism_assessments_are_help_but_other_assessments_are_not(extract: Extract) -> None:
    result = extract(
        [child("R1", "P1"), child("R2", "P2"), child("R3", "P3")],
        [
            contact("C1", "R1", "2024-05-03"),
            contact("C2", "R2", "2024-05-03"),
            contact("C3", "R3", "2024-05-03"),
        ],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-03"),
            event("E2", "P1", "consultation", "2024-05-05", referral_id="R1"),
            event("E3", "P2", "outcome_measure", "2024-05-03"),
            event(
                "E4", "P2", "meaningful_assessment", "2024-05-06", referral_id="R2", code=AUTISM_ASSESSMENT
            ),
            event("E5", "P3", "outcome_measure", "2024-05-03"),
            event("E6", "P3", "meaningful_assessment", "2024-05-06", referral_id="R3", code="228557008"),
        ],
    )
    found = waits(result)
    assert found["R1"].clock_stop == date(2024, 5, 5)
    assert found["R2"].clock_stop == date(2024, 5, 6)
    assert found["R3"].status == "waiting"


def test_the_referrals_nhs_england_leaves_out_are_left_out(extract: Extract) -> None:
    result = extract(
        [
            child("CRISIS", "P1", team_type="A02"),
            child("SPA-URGENT", "P2", team_type="A18", priority="2"),
            child("SPA-ROUTINE", "P3", team_type="A18", priority="3"),
            child("ED-ELSEWHERE", "P4", team_type="C05", primary_reason="12"),
            child("ED-SPA", "P5", team_type="A18", primary_reason="12"),
            child("FEP-EIP", "P6", team_type="A14", primary_reason="01"),
            child("NO-TEAM-TYPE", "P7", team_type=""),
        ],
        events=[event("E1", "P1", "outcome_measure", "2024-05-02")],
    )
    assert sorted(waits(result)) == ["ED-SPA", "NO-TEAM-TYPE", "SPA-ROUTINE"]


def test_a_hospital_spell_linked_to_the_referral_leaves_it_out(extract: Extract) -> None:
    result = extract(
        [child("R1", "P1"), child("R2", "P2")],
        ward_stays=[
            {
                "spell_id": "S1",
                "person_id": "P1",
                "ward_id": "W",
                "admission_date": "2024-09-01",
                "referral_id": "R1",
            }
        ],
        events=[event("E1", "P1", "outcome_measure", "2024-05-02")],
    )
    # NHS England joins the hospital spell by referral, whenever it starts (by the census).
    assert sorted(waits(result)) == ["R1", "R2"]
    compute_waits(result.con, "cyp4", date(2024, 9, 30))
    assert [w.referral_id for w in fetch_waits(result.con)] == ["R2"]
