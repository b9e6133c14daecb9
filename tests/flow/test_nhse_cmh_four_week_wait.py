"""NHS England's community mental health 4-week wait (cmh4), worked by hand.

Source: NHSDigital/mental-health-monthly-statistics@cc69a8f menh_bbrb/.../02_4w_waits/4w_waits_prep.py (read
3 December 2026). A spell of referrals (joined when 5 days or less apart) stops only when there has been a
first attended contact, a baseline outcome measure, an agreed care plan or an intervention, and, when the
first contact was on or after 1 April 2024, a meaningful assessment.
"""

from datetime import date

from whatmatters.flow.clocks import Wait, compute_waits, fetch_waits

from .cases import Extract, contact, event, referral

CENSUS = date(2024, 6, 30)


def waits(result, rule: str = "cmh4") -> dict[str, Wait]:
    used = compute_waits(result.con, rule, CENSUS)
    assert used.name == rule and used.standard_days == 28
    return {w.referral_id: w for w in fetch_waits(result.con)}


def adult(referral_id: str, referral_date: str, person: str = "P1", **fields: str) -> dict[str, str]:
    return referral(
        referral_id, referral_date, person_id=person, team_type="A06", age_at_referral="40", **fields
    )


def helped(person: str, day: str, *, prefix: str = "E", **fields: str) -> list[dict[str, str]]:
    """An outcome measure, a meaningful assessment and an agreed care plan, all on `day`."""
    return [
        event(f"{prefix}1", person, "outcome_measure", day, **fields),
        event(f"{prefix}2", person, "meaningful_assessment", day, **fields),
        event(f"{prefix}3", person, "care_plan_agreed", day),
    ]


def test_the_clock_stops_when_the_last_of_the_four_has_happened(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01")],
        [contact("C1", "R1", "2024-05-03")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-10", referral_id="R1"),
            event("E2", "P1", "meaningful_assessment", "2024-05-08", contact_id="C1"),
            event("E3", "P1", "care_plan_agreed", "2024-05-20"),
        ],
    )
    wait = waits(result)["R1"]
    assert (wait.status, wait.clock_stop, wait.wait_days, wait.within_standard) == (
        "stopped",
        date(2024, 5, 20),
        19,
        True,
    )


def test_without_a_meaningful_assessment_a_spell_seen_from_april_2024_keeps_waiting(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01"), adult("R2", "2024-01-02", person="P2")],
        [contact("C1", "R1", "2024-05-03"), contact("C2", "R2", "2024-01-05")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-04"),
            event("E2", "P1", "intervention", "2024-05-05", referral_id="R1"),
            event("E3", "P2", "outcome_measure", "2024-01-06"),
            event("E4", "P2", "intervention", "2024-01-09", referral_id="R2"),
        ],
    )
    found = waits(result)
    assert (found["R1"].status, found["R1"].wait_days) == ("waiting", 60)
    # First seen before April 2024: no meaningful assessment is needed.
    assert (found["R2"].status, found["R2"].clock_stop) == ("stopped", date(2024, 1, 9))


def test_ties_on_the_same_day_stop_the_clock_once(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01")],
        [contact("C1", "R1", "2024-05-07"), contact("C2", "R1", "2024-05-07", contact_kind="assessment")],
        events=helped("P1", "2024-05-07"),
    )
    assert [(w.referral_id, w.clock_stop, w.wait_days) for w in waits(result).values()] == [
        ("R1", date(2024, 5, 7), 6)
    ]


def test_overlapping_referrals_5_days_apart_are_one_spell_and_6_days_apart_are_two(extract: Extract) -> None:
    result = extract(
        [
            adult("A", "2024-05-01", closed_date="2024-05-10", team_id="TA"),
            adult("B", "2024-05-15", team_id="TB"),  # 5 days after A closed: the same spell
            adult("C", "2024-05-01", person="P2", closed_date="2024-05-10", team_id="TA"),
            adult("D", "2024-05-16", person="P2", team_id="TB"),  # 6 days: a new spell
        ],
        [contact("C1", "B", "2024-05-20"), contact("C2", "D", "2024-05-20")],
        events=helped("P1", "2024-05-20") + helped("P2", "2024-05-20", prefix="F"),
    )
    found = waits(result)
    assert set(found) == {"B", "C", "D"}
    assert (found["B"].team_id, found["B"].clock_start, found["B"].wait_days) == ("TB", date(2024, 5, 1), 19)
    assert (found["C"].status, found["C"].clock_stop) == ("removed", date(2024, 5, 10))
    assert (found["D"].clock_start, found["D"].wait_days) == (date(2024, 5, 16), 4)


def test_several_team_types_for_one_person_make_one_spell_and_other_teams_do_not_count(
    extract: Extract,
) -> None:
    result = extract(
        [
            adult("A", "2024-05-01", team_id="CMHT"),
            referral(
                "B", "2024-05-03", person_id="P1", team_id="OLDER", team_type="A07", age_at_referral="40"
            ),
            referral("X", "2024-05-02", person_id="P1", team_id="EIP", team_type="A14", age_at_referral="40"),
        ],
        [contact("C1", "X", "2024-05-04"), contact("C2", "B", "2024-05-09")],
        events=helped("P1", "2024-05-05"),
    )
    found = waits(result)
    # A07 and A14 are not core community teams: only A is counted, and X's contact does not stop its clock.
    assert list(found) == ["A"]
    assert found["A"].status == "waiting"


def test_indirect_activity_with_no_contact_row_is_an_intervention(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01")],
        [contact("C1", "R1", "2024-05-06")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-06", referral_id="R1"),
            event("E2", "P1", "meaningful_assessment", "2024-05-06", referral_id="R1"),
            event("E3", "P1", "intervention", "2024-05-12", referral_id="R1", source="MHS204"),
        ],
    )
    assert waits(result)["R1"].clock_stop == date(2024, 5, 12)


def test_a_referral_with_a_hospital_spell_is_left_out_by_referral(extract: Extract) -> None:
    result = extract(
        [
            adult("R1", "2024-05-01"),
            adult("R2", "2024-05-02", person="P2"),  # the same person's other referral: kept
            adult("R3", "2024-05-01", person="P3"),
        ],
        [contact("C1", "R2", "2024-05-04")],
        ward_stays=[
            {
                "spell_id": "S1",
                "person_id": "P1",
                "ward_id": "W",
                "admission_date": "2024-06-01",
                "referral_id": "R1",
            },
            {
                "spell_id": "S2",
                "person_id": "P2",
                "ward_id": "W",
                "admission_date": "2024-06-01",
                "referral_id": "RX",
            },
            # No referral given: left out by person and date, as before.
            {"spell_id": "S3", "person_id": "P3", "ward_id": "W", "admission_date": "2024-06-01"},
        ],
        events=helped("P2", "2024-05-04"),
    )
    assert sorted(waits(result)) == ["R2"]


def test_under_18s_are_left_out_and_a_blank_age_is_kept(extract: Extract) -> None:
    result = extract(
        [
            referral("R1", "2024-05-01", person_id="P1", team_type="A06", age_at_referral="17"),
            referral("R2", "2024-05-01", person_id="P2", team_type="A06", age_at_referral="18"),
            referral("R3", "2024-05-01", person_id="P3", team_type="A06"),
        ],
        events=helped("P1", "2024-05-04"),
    )
    assert sorted(waits(result)) == ["R2", "R3"]


def test_a_care_plan_before_the_first_contact_counts_but_not_one_before_the_spell(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01"), adult("R2", "2024-05-10", person="P2")],
        [contact("C1", "R1", "2024-05-09"), contact("C2", "R2", "2024-05-12")],
        events=[
            event("E1", "P1", "care_plan_agreed", "2024-05-02"),
            event("E2", "P1", "outcome_measure", "2024-05-05"),
            event("E3", "P1", "meaningful_assessment", "2024-05-06"),
            event("E4", "P2", "care_plan_agreed", "2024-05-08"),  # before P2's spell started
            event("E5", "P2", "outcome_measure", "2024-05-12"),
            event("E6", "P2", "meaningful_assessment", "2024-05-12"),
        ],
    )
    found = waits(result)
    assert (found["R1"].clock_stop, found["R1"].wait_days) == (date(2024, 5, 9), 8)
    assert found["R2"].status == "waiting"


def test_an_outcome_measure_after_the_census_is_ignored(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-06-01"), adult("R2", "2024-06-01", person="P2")],
        [contact("C1", "R1", "2024-06-03"), contact("C2", "R2", "2024-06-03")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-07-05"),
            event("E2", "P1", "meaningful_assessment", "2024-06-03"),
            event("E3", "P1", "intervention", "2024-06-03", referral_id="R1"),
        ]
        + helped("P2", "2024-06-10", prefix="F"),
    )
    found = waits(result)
    assert (found["R1"].status, found["R1"].clock_stop, found["R1"].wait_days) == ("waiting", None, 29)
    assert found["R2"].clock_stop == date(2024, 6, 10)


def test_consultation_or_signposting_alone_is_not_help_for_adults(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01"), adult("R2", "2024-05-01", person="P2")],
        [contact("C1", "R1", "2024-05-03"), contact("C2", "R2", "2024-05-03")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-03"),
            event("E2", "P1", "meaningful_assessment", "2024-05-03"),
            event("E3", "P1", "consultation", "2024-05-03", referral_id="R1"),
            event("E4", "P2", "outcome_measure", "2024-05-03"),
            event("E5", "P2", "meaningful_assessment", "2024-05-03"),
            event("E6", "P2", "signposting", "2024-05-03", referral_id="R2"),
            event("E7", "P2", "care_plan", "2024-05-03"),  # a care plan nobody agreed does not count either
        ],
    )
    assert {w.referral_id: w.status for w in waits(result).values()} == {"R1": "waiting", "R2": "waiting"}


def test_the_simple_route_says_the_same_with_contact_kinds_and_the_treatment_start_date(
    extract: Extract,
) -> None:
    result = extract(
        [
            adult("R1", "2024-05-01", treatment_start_date="2024-05-15"),
            adult("R2", "2024-05-01", person="P2"),
        ],
        [
            contact("C1", "R1", "2024-05-03", contact_kind="assessment"),
            contact("C2", "R2", "2024-05-03", "3", contact_kind="assessment"),  # missed: no assessment
            contact("C3", "R2", "2024-05-04", contact_kind="intervention"),
        ],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-06"),
            event("E2", "P2", "outcome_measure", "2024-05-06"),
        ],
    )
    found = waits(result)
    assert (found["R1"].clock_stop, found["R1"].wait_days) == (date(2024, 5, 15), 14)
    assert found["R2"].status == "waiting"


def test_an_activity_on_a_contact_is_dated_by_the_contact(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01")],
        [contact("C1", "R1", "2024-05-03"), contact("C2", "R1", "2024-05-21", "3")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-03", contact_id="C1"),
            event("E2", "P1", "meaningful_assessment", "2024-05-03", contact_id="C1"),
            # NHS England dates MHS202 activity by its contact, and does not ask whether it was attended.
            event("E3", "P1", "intervention", "2024-05-04", contact_id="C2"),
        ],
    )
    assert waits(result)["R1"].clock_stop == date(2024, 5, 21)


def test_an_event_on_a_referral_the_rule_does_not_count_is_ignored(extract: Extract) -> None:
    result = extract(
        [adult("R1", "2024-05-01"), referral("X", "2024-05-01", person_id="P1", team_type="A14")],
        [contact("C1", "R1", "2024-05-03")],
        events=[
            event("E1", "P1", "outcome_measure", "2024-05-03", referral_id="X"),
            event("E2", "P1", "meaningful_assessment", "2024-05-03"),
            event("E3", "P1", "care_plan_agreed", "2024-05-03"),
        ],
    )
    assert waits(result)["R1"].status == "waiting"


def test_an_extract_with_no_outcome_measures_at_all_shows_the_earlier_local_rule_under_its_label(
    extract: Extract,
) -> None:
    result = extract(
        [adult("R1", "2024-05-01")], [contact("C1", "R1", "2024-05-03", contact_kind="assessment")]
    )
    used = compute_waits(result.con, "cmh4", CENSUS)
    assert used.name == "cmh4-first-help"
    assert used.label == "Community mental health 4-week wait (earlier local rule)"
    assert "needs baseline outcome measures" in used.description
    assert fetch_waits(result.con)[0].clock_stop == date(2024, 5, 3)
