"""The contract's additions for NHS England's rules: referrals.age_at_referral and the optional events.csv,
checked like every other column (file, row and column named; nothing half-kept)."""

from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import contract
from whatmatters.flow.nhse_codes import (
    ASSESSMENT,
    CONSULTATION,
    INTERVENTION,
    MEANINGFUL_ASSESSMENT,
    OUTCOME_CODES,
    OUTCOME_MEASURE,
    OUTCOME_TOOLS,
    classify_activity,
    read_reference_sets,
)
from whatmatters.flow.validate import validate_extract

from .cases import EXTRACT_DATE, Extract, contact, event, referral

VALID_NHS_NUMBER = "9434765919"


def rejects_of(result, file: str) -> list[tuple[int, str, str, str]]:
    return [(r.row, r.column, r.rule_code, r.severity) for r in result.rejects() if r.file == file]


def test_an_age_at_referral_is_kept_as_a_whole_number(extract: Extract) -> None:
    result = extract([referral("R1", "2024-01-01", age_at_referral="17"), referral("R2", "2024-01-02")])
    assert result.rejects() == []
    assert result.con.execute("SELECT referral_id, age_at_referral FROM referrals ORDER BY 1").fetchall() == [
        ("R1", 17),
        ("R2", None),
    ]


@pytest.mark.parametrize("age", ["17.5", "-1", "131", "+5", "seventeen", "1e2"])
def test_an_age_that_is_not_a_whole_number_from_0_to_130_is_an_error(extract: Extract, age: str) -> None:
    result = extract([referral("R1", "2024-01-01", age_at_referral=age), referral("R2", "2024-01-02")])
    [reject] = result.rejects()
    assert (reject.file, reject.row, reject.column, reject.rule_code, reject.severity) == (
        "referrals.csv",
        2,
        "age_at_referral",
        "BAD_NUMBER",
        "error",
    )
    assert "from 0 to 130" in reject.message and reject.message.startswith(
        "referrals.csv row 2, age_at_referral"
    )
    assert result.con.execute("SELECT referral_id FROM referrals").fetchall() == [("R2",)]


def test_an_age_of_0_and_of_130_are_accepted(extract: Extract) -> None:
    result = extract(
        [
            referral("R1", "2024-01-01", age_at_referral="0"),
            referral("R2", "2024-01-02", age_at_referral="130"),
        ]
    )
    assert result.rejects() == []


def test_an_nhs_number_in_the_age_column_refuses_the_file_without_repeating_it(extract: Extract) -> None:
    result = extract([referral("R1", "2024-01-01", age_at_referral=VALID_NHS_NUMBER)])
    report = result.files["referrals.csv"]
    assert report.refused and "age_at_referral" in report.refusal
    assert all(
        VALID_NHS_NUMBER not in r.message and VALID_NHS_NUMBER not in r.value for r in result.rejects()
    )


def test_an_extract_without_events_imports_as_before(extract: Extract) -> None:
    result = extract([referral("R1", "2024-01-01")], [contact("C1", "R1", "2024-01-05")])
    assert result.rejects() == [] and "events.csv" not in result.files
    assert result.con.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_events_are_kept_with_their_dates_and_codes(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", person_id="P1")],
        [contact("C1", "R1", "2024-01-05")],
        events=[
            event(
                "E1",
                "P1",
                "outcome_measure",
                "2024-01-05",
                referral_id="R1",
                contact_id="C1",
                code="720433000",
            ),
            event(
                "E2",
                "P1",
                "care_coordinator",
                "2024-01-06",
                end_date="2024-06-30",
                team_type="A14",
                source="MHS006",
            ),
        ],
    )
    assert result.rejects() == []
    rows = result.con.execute(
        "SELECT event_id, referral_id, contact_id, event_kind, event_date, end_date, code, team_type, source "
        "FROM events ORDER BY event_id"
    ).fetchall()
    assert rows == [
        ("E1", "R1", "C1", "outcome_measure", date(2024, 1, 5), None, "720433000", None, None),
        ("E2", None, None, "care_coordinator", date(2024, 1, 6), date(2024, 6, 30), None, "A14", "MHS006"),
    ]


def test_an_event_pointing_at_an_unknown_referral_or_contact_is_an_orphan(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", person_id="P1")],
        [contact("C1", "R1", "2024-01-05")],
        events=[
            event("E1", "P1", "intervention", "2024-01-05", referral_id="R9"),
            event("E2", "P1", "intervention", "2024-01-05", contact_id="C9"),
            event("E3", "P1", "intervention", "2024-01-05", referral_id="R1", contact_id="C1"),
        ],
    )
    assert rejects_of(result, "events.csv") == [
        (2, "referral_id", "ORPHAN_REF", "error"),
        (3, "contact_id", "ORPHAN_REF", "error"),
    ]
    [orphan] = [r for r in result.rejects() if r.column == "contact_id"]
    assert orphan.message == "events.csv row 3, contact_id: C9 is not in contacts.csv."
    assert result.con.execute("SELECT event_id FROM events").fetchall() == [("E3",)]


def test_an_event_pointing_at_a_rejected_contact_says_so(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", person_id="P1")],
        [contact("C1", "R1", "2024-01-05", attend_status="9"), contact("C2", "R1", "2024-01-06")],
        events=[event("E1", "P1", "intervention", "2024-01-05", contact_id="C1")],
    )
    [orphan] = [r for r in result.rejects() if r.file == "events.csv"]
    assert (
        orphan.message == "events.csv row 2, contact_id: C1 was rejected in contacts.csv (see its row there)."
    )


def test_an_unknown_event_kind_is_an_error_and_an_unknown_team_type_a_warning(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", person_id="P1")],
        events=[
            event("E1", "P1", "triage", "2024-01-05"),
            event("E2", "P1", "care_coordinator", "2024-01-05", team_type="Q99"),
        ],
    )
    assert rejects_of(result, "events.csv") == [
        (2, "event_kind", "UNKNOWN_CODE", "error"),
        (3, "team_type", "UNKNOWN_CODE", "warning"),
    ]
    assert result.con.execute("SELECT event_id FROM events").fetchall() == [("E2",)]


def test_an_event_needs_its_id_person_kind_and_date_and_ends_after_it_starts(extract: Extract) -> None:
    result = extract(
        [referral("R1", "2024-01-01", person_id="P1")],
        events=[
            event("E1", "P1", "care_plan", ""),
            event("E2", "P1", "care_coordinator", "2024-02-01", end_date="2024-01-01"),
            event("E2", "P1", "care_plan", "2024-02-01"),
            event("E4", "P1", "care_plan", "2024-02-30"),
        ],
    )
    assert rejects_of(result, "events.csv") == [
        (2, "event_date", "MISSING_REQUIRED", "error"),
        (3, "end_date", "ORDER_VIOLATION", "error"),
        (4, "event_id", "DUP_ID", "error"),
        (5, "event_date", "BAD_DATE", "error"),
    ]


def test_an_nhs_number_in_any_column_of_events_refuses_the_file(extract: Extract) -> None:
    for column in ("event_id", "person_id", "code", "source"):
        row = event("E1", "P1", "care_plan", "2024-02-01")
        row[column] = VALID_NHS_NUMBER
        result = extract([referral("R1", "2024-01-01", person_id="P1")], events=[row])
        report = result.files["events.csv"]
        assert report.refused and column in report.refusal, column
        assert result.con.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert all(VALID_NHS_NUMBER not in r.message for r in result.rejects())


def test_a_folder_with_events_csv_is_read(tmp_path: Path) -> None:
    (tmp_path / "referrals.csv").write_text(
        "referral_id,person_id,team_id,referral_date\nR1,P1,T1,2024-01-01\n"
    )
    (tmp_path / "events.csv").write_text(
        "event_id,person_id,event_kind,event_date\nE1,P1,care_plan_agreed,2024-01-09\n"
    )
    result = validate_extract(tmp_path, extract_date=EXTRACT_DATE)
    assert result.files["events.csv"].rows_kept == 1


def test_the_events_file_is_optional_and_comes_after_the_files_it_points_at() -> None:
    names = [spec.name for spec in contract.FILES]
    assert contract.EVENTS.optional_file and names.index("events") > names.index("contacts")


# --- nhse_codes --------------------------------------------------------------------------------------


def test_nhs_englands_outcome_tools_are_outcome_measures() -> None:
    assert classify_activity("720433000") == OUTCOME_MEASURE  # PHQ-9
    assert classify_activity("979641000000103") == OUTCOME_MEASURE  # HoNOS item 1
    assert len(OUTCOME_CODES) == sum(len(codes) for codes in OUTCOME_TOOLS.values()) == 368


def test_a_post_coordinated_expression_is_classified_by_its_focus_concept() -> None:
    assert classify_activity("720433000:246112005=24484000") == OUTCOME_MEASURE


def test_consultation_and_the_named_autism_assessment_are_known_without_the_reference_sets() -> None:
    assert classify_activity("11429006") == CONSULTATION
    assert classify_activity("1085671000000109") == MEANINGFUL_ASSESSMENT


def test_an_unlisted_procedure_is_an_assessment_that_stops_no_nhs_england_clock() -> None:
    assert classify_activity("228557008") == ASSESSMENT


def test_the_reference_set_file_decides_procedures_by_their_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "der2_Refset_SimpleFull_GB1000000.txt"
    header = "id\teffectiveTime\tactive\tmoduleId\trefsetId\treferencedComponentId\n"
    path.write_text(
        header
        + "a\t20230101\t1\tm\t1853461000000105\t228557008\n"  # psychological therapy
        + "b\t20230101\t1\tm\t1853441000000109\t1000001\n"
        + "b\t20240101\t0\tm\t1853441000000109\t1000001\n"  # later made inactive
        + "c\t20230101\t1\tm\t1853441000000109\t1000002\n"  # assessment procedure
        + "d\t20230101\t1\tm\t999999999\t1000003\n"  # some other reference set
    )
    sets = read_reference_sets(path)
    assert classify_activity("228557008", sets) == INTERVENTION
    assert classify_activity("1000001", sets) == ASSESSMENT
    assert classify_activity("1000002", sets) == MEANINGFUL_ASSESSMENT
    assert classify_activity("1000003", sets) == ASSESSMENT


def test_every_kind_classify_activity_gives_is_an_event_kind() -> None:
    kinds = {ASSESSMENT, CONSULTATION, INTERVENTION, MEANINGFUL_ASSESSMENT, OUTCOME_MEASURE}
    assert kinds <= contract.EVENT_KINDS
