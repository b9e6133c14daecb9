"""MHSDS tables -> the import contract, case by case (docs/flow.md, "MHSDS tables"). No Django."""

from __future__ import annotations

import csv
import hashlib
import hmac
from datetime import date
from pathlib import Path

import pytest

from whatmatters.flow import mhsds
from whatmatters.flow.validate import ImportResult

KEY = b"a test secret of more than sixteen characters"
EXTRACT_DATE = date(2024, 12, 31)


def write_tables(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    """One CSV per table, named as given (so a test can use other spellings), header from the first row."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        filename = name if name.lower().endswith(".csv") else f"{name}.csv"
        columns = list(dict.fromkeys(k for row in rows for k in row))
        with (folder / filename).open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder


def referral(req: str = "SR1", person: str = "LP1", day: str = "2024-04-01", **more: str) -> dict[str, str]:
    return {"ServiceRequestId": req, "LocalPatientId": person, "ReferralRequestReceivedDate": day, **more}


def team(req: str = "SR1", team_id: str = "T1", team_type: str = "A06", **more: str) -> dict[str, str]:
    return {"ServiceRequestId": req, "CareProfTeamLocalId": team_id, "ServTeamTypeRefToMH": team_type, **more}


def contact(cid: str, day: str, req: str = "SR1", team_id: str = "T1", status: str = "5", **more: str):
    return {
        "CareContactId": cid,
        "ServiceRequestId": req,
        "CareProfTeamLocalId": team_id,
        "CareContDate": day,
        "AttendStatus": status,
        "ConsMechanismMH": "01",
        **more,
    }


BASE = {
    "MHS101Referral": [referral(AgeServReferRecDate="34")],
    "MHS102ServiceTypeReferredTo": [team()],
    "MHS201CareContact": [contact("C1", "2024-04-10")],
}


def run(tmp_path: Path, tables: dict[str, list[dict[str, str]]], **options: object) -> ImportResult:
    folder = write_tables(tmp_path / "tables", tables)
    options.setdefault("key", KEY)
    return mhsds.validate_mhsds(folder, extract_date=EXTRACT_DATE, **options)  # type: ignore[arg-type]


def rows(result: ImportResult, table: str, columns: str) -> list[tuple]:
    return result.con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()  # noqa: S608


def test_a_referral_to_two_teams_becomes_two_referrals_and_each_contact_joins_its_own_team(
    tmp_path: Path,
) -> None:
    result = run(
        tmp_path,
        {
            "MHS101Referral": [referral()],
            "MHS102ServiceTypeReferredTo": [team(), team(team_id="T2", team_type="A14")],
            "MHS201CareContact": [contact("C1", "2024-04-10"), contact("C2", "2024-04-12", team_id="T2")],
        },
    )
    assert result.can_save, result.problems
    assert rows(result, "referrals", "referral_id, team_id, team_type") == [
        ("SR1/T1", "T1", "A06"),
        ("SR1/T2", "T2", "A14"),
    ]
    assert rows(result, "contacts", "contact_id, referral_id") == [("C1", "SR1/T1"), ("C2", "SR1/T2")]


def test_a_contact_with_no_team_goes_to_the_team_still_open_that_day(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        {
            "MHS101Referral": [referral()],
            "MHS102ServiceTypeReferredTo": [
                team(ReferClosureDate="2024-04-05"),
                team(team_id="T2", team_type="A14"),
            ],
            "MHS201CareContact": [
                contact("C1", "2024-04-03", team_id=""),  # both open: the first team row
                contact("C2", "2024-04-12", team_id=""),  # T1 closed on the 5th
            ],
        },
    )
    assert rows(result, "contacts", "contact_id, referral_id") == [("C1", "SR1/T1"), ("C2", "SR1/T2")]


def test_the_referral_keeps_its_dates_codes_and_age_from_mhs101_and_mhs102(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        {
            "MHS101Referral": [
                referral(
                    ClinRespPriorityType="2",
                    PrimReasonReferralMH="01",
                    SourceOfReferralMH="A1",
                    AgeServReferRecDate="17",
                    ServDischDate="2024-09-01",
                )
            ],
            "MHS102ServiceTypeReferredTo": [team(ReferRejectionDate="2024-04-03", ReferRejectReason="02")],
            "MHS201CareContact": [contact("C1", "2024-04-02")],
        },
    )
    assert rows(
        result,
        "referrals",
        "referral_date, priority, primary_reason, source_of_referral, age_at_referral, rejected_date, "
        "discharge_date, closure_reason",
    ) == [(date(2024, 4, 1), "2", "01", "A1", 17, date(2024, 4, 3), date(2024, 9, 1), "02")]


def test_older_names_lower_case_files_and_warehouse_datetimes_are_read(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        {
            "mhs101referral.CSV": [
                {
                    "uniqservreqid": "SR1",
                    "LOCALPATIENTID": "LP1",
                    "ReferralRequestReceivedDate": "2024-04-01 00:00:00.000",
                }
            ],
            "MHS102ServiceTypeReferredTo": [
                {"UniqServReqID": "SR1", "UniqCareProfTeamID": "T1", "ServTeamTypeRefToMH": "A06"}
            ],
            "MHS201CareContact": [
                {
                    "UniqCareContID": "C1",
                    "UniqServReqID": "SR1",
                    "CareContDate": "2024-04-10T09:30:00",
                    "AttendOrDNACode": "6",
                }
            ],
        },
    )
    assert result.can_save, result.problems
    assert rows(result, "referrals", "referral_id, referral_date") == [("SR1/T1", date(2024, 4, 1))]
    assert rows(result, "contacts", "referral_id, contact_date, attend_status") == [
        ("SR1/T1", date(2024, 4, 10), "6")
    ]


def test_a_date_that_is_not_iso_is_rejected_naming_the_mhsds_table_row_and_column(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables["MHS101Referral"] = [referral(), referral(req="SR2", day="01/04/2024")]
    tables["MHS102ServiceTypeReferredTo"] = [team(), team(req="SR2")]
    result = run(tmp_path, tables, threshold=0.5)
    bad = [r for r in result.rejects() if r.rule_code == "BAD_DATE"]
    assert [(r.file, r.row, r.column) for r in bad] == [
        ("MHS101Referral.csv", 3, "ReferralRequestReceivedDate")
    ]
    assert bad[0].message.startswith(
        "MHS101Referral.csv row 3, ReferralRequestReceivedDate (referrals.csv row 3, referral_date): "
        "'01/04/2024'"
    )


def test_events_come_from_every_activity_score_care_plan_and_care_coordinator_table(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables.update(
        {
            "MHS202CareActivity": [{"CareActId": "A1", "CareContactId": "C1", "Procedure": "11429006"}],
            "MHS204IndirectActivity": [  # no contact row: it belongs to the referral
                {
                    "ServiceRequestId": "SR1",
                    "CareProfTeamLocalId": "T1",
                    "IndirectActDate": "2024-04-20",
                    "IndActProcedure": "1853461000000105:408731000=1",
                }
            ],
            "MHS606CodedScoreAssessmentRefer": [
                {
                    "ServiceRequestId": "SR1",
                    "CodedAssToolType": "445455005",  # GAD-7: an outcome measure
                    "AssToolCompTimestamp": "2024-04-15T10:00:00+01:00",
                    "PersScore": "12",
                }
            ],
            "MHS607CodedScoreAssessmentAct": [{"CareActId": "A1", "CodedAssToolType": "445455005"}],
            "MHS008CarePlanType": [
                {"CarePlanID": "P1", "LocalPatientId": "LP1", "CarePlanCreatDate": "2024-04-08"}
            ],
            "MHS009CarePlanAgreement": [{"CarePlanID": "P1", "CarePlanContentAgreedDate": "2024-04-09"}],
            "MHS006MHCareCoord": [
                {
                    "LocalPatientId": "LP1",
                    "StartDateAssCareCoord": "2024-04-05",
                    "EndDateAssCareCoord": "2024-06-30",
                    "CareProfServOrTeamTypeAssoc": "A14",
                }
            ],
        }
    )
    result = run(tmp_path, tables)
    assert result.can_save, result.problems
    person = mhsds.pseudonym(KEY, "LP1")
    got = rows(
        result,
        "events",
        "source, event_kind, referral_id, contact_id, event_date, end_date, team_type, person_id",
    )
    assert got == [
        ("MHS006", "care_coordinator", None, None, date(2024, 4, 5), date(2024, 6, 30), "A14", person),
        ("MHS008", "care_plan", None, None, date(2024, 4, 8), None, None, person),
        ("MHS009", "care_plan_agreed", None, None, date(2024, 4, 9), None, None, person),
        ("MHS202", "consultation", "SR1/T1", "C1", date(2024, 4, 10), None, None, person),
        ("MHS204", "assessment", "SR1/T1", None, date(2024, 4, 20), None, None, person),
        ("MHS606", "outcome_measure", "SR1/T1", None, date(2024, 4, 15), None, None, person),
        ("MHS607", "outcome_measure", "SR1/T1", "C1", date(2024, 4, 10), None, None, person),
    ]


def test_the_reference_sets_decide_which_procedures_are_interventions(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables["MHS202CareActivity"] = [{"CareActId": "A1", "CareContactId": "C1", "Procedure": "12345678"}]
    result = run(tmp_path, tables, reference_sets={"12345678": "1853461000000105"})
    assert rows(result, "events", "event_kind, code") == [("intervention", "12345678")]
    assert rows(result, "contacts", "contact_kind") == [("intervention",)]


def test_ward_stays_join_their_hospital_spell_and_referral(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables["MHS501HospProvSpell"] = [
        {
            "HospProvSpellID": "H1",
            "ServiceRequestId": "SR1",
            "StartDateHospProvSpell": "2024-05-01",
            "DischDateHospProvSpell": "2024-05-20",
            "MethAdmMHHospProvSpell": "21",
        }
    ]
    tables["MHS502WardStay"] = [
        {
            "HospProvSpellID": "H1",
            "WardStayId": "W1",
            "WardCode": "OAWARD",
            "HospitalBedTypeMH": "13",
            "StartDateWardStay": "2024-05-01",
            "EndDateWardStay": "2024-05-20",
        }
    ]
    result = run(tmp_path, tables)
    assert rows(
        result,
        "ward_stays",
        "spell_id, ward_id, bed_type, admission_date, discharge_date, referral_id, person_id",
    ) == [("H1", "OAWARD", "13", date(2024, 5, 1), date(2024, 5, 20), "SR1/T1", mhsds.pseudonym(KEY, "LP1"))]


def test_person_identifiers_are_replaced_by_the_keyed_hash_python_gives(tmp_path: Path) -> None:
    result = run(tmp_path, BASE)
    expected = "p" + hmac.new(KEY, b"LP1", hashlib.sha256).hexdigest()[:32]
    assert rows(result, "referrals", "person_id") == [(expected,)]


def test_identifiers_said_to_be_pseudonyms_already_are_kept(tmp_path: Path) -> None:
    result = run(tmp_path, BASE, pseudonymised=True)
    assert rows(result, "referrals", "person_id") == [("LP1",)]


def test_without_a_key_nothing_is_imported_and_the_message_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(mhsds.KEY_SETTING, raising=False)
    result = run(tmp_path, BASE, key=None)
    assert not result.can_save
    assert "WHATMATTERS_PSEUDONYM_KEY" in " ".join(result.problems)
    assert rows(result, "referrals", "count(*)") == [(0,)]


@pytest.mark.parametrize("where", ["MHS001MPI", "MHS201CareContact"])
def test_an_nhs_number_in_any_column_of_any_table_refuses_everything(tmp_path: Path, where: str) -> None:
    tables = dict(BASE)
    tables["MHS001MPI"] = [{"LocalPatientId": "LP1", "NHSNumber": ""}]
    row = dict(tables[where][0])
    row["NHSNumber"] = "9434765919"
    tables[where] = [row]
    result = run(tmp_path, tables)
    assert not result.can_save
    [reject] = result.rejects()
    assert (reject.file, reject.row, reject.column, reject.rule_code) == (
        f"{where}.csv",
        2,
        "NHSNumber",
        "IDENTIFIER_DETECTED",
    )
    assert "9434765919" not in reject.message
    assert rows(result, "referrals", "count(*)") == [(0,)]


def test_a_missing_required_table_or_column_is_named(tmp_path: Path) -> None:
    tables = {k: v for k, v in BASE.items() if k != "MHS201CareContact"}
    result = run(tmp_path / "a", tables)
    assert result.problems == [
        "MHS201CareContact.csv was refused: MHS201CareContact.csv was not supplied. The MHSDS route needs "
        "MHS101Referral, MHS102ServiceTypeReferredTo, MHS201CareContact at least."
    ]
    tables = dict(BASE)
    tables["MHS201CareContact"] = [
        {k: v for k, v in BASE["MHS201CareContact"][0].items() if k != "AttendStatus"}
    ]
    [reject] = run(tmp_path / "b", tables).rejects()
    assert (reject.file, reject.column, reject.rule_code) == (
        "MHS201CareContact.csv",
        "AttendStatus",
        "MISSING_COLUMN",
    )
    assert "(or AttendOrDNACode)" in reject.message


def test_a_table_that_is_not_csv_is_refused_by_name(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "tables", BASE)
    (folder / "MHS201CareContact.csv").write_bytes(b'CareContactId,"unclosed\n\x00\x01\x02')
    result = mhsds.validate_mhsds(folder, extract_date=EXTRACT_DATE, key=KEY)
    assert not result.can_save
    assert result.rejects()[0].file == "MHS201CareContact.csv"


def test_a_table_given_without_the_one_it_needs_is_refused(tmp_path: Path) -> None:
    tables = dict(BASE)
    tables["MHS009CarePlanAgreement"] = [{"CarePlanID": "P1", "CarePlanContentAgreedDate": "2024-04-09"}]
    result = run(tmp_path, tables)
    assert "MHS009CarePlanAgreement.csv was given without MHS008CarePlanType.csv" in " ".join(result.problems)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            "ServiceRequestId,LocalPatientId,ReferralRequestReceivedDate\nSR1,Zoë,2024-04-01\n".encode(
                "cp1252"
            ),
            "MHS101Referral.csv row 2 is not UTF-8 text",
        ),
        (
            b"ServiceRequestId,LocalPatientId,ReferralRequestReceivedDate\nSR1,LP1,2024-04-01,extra\n",
            "Every row needs the header's 3 columns",
        ),
        (b"", "MHS101Referral.csv has no header row"),
    ],
)
def test_a_table_that_cannot_be_read_says_why(tmp_path: Path, content: bytes, said: str) -> None:
    folder = write_tables(tmp_path / "tables", BASE)
    (folder / "MHS101Referral.csv").write_bytes(content)
    result = mhsds.validate_mhsds(folder, extract_date=EXTRACT_DATE, key=KEY)
    assert said in " ".join(result.problems)


def test_a_byte_order_mark_and_windows_line_endings_are_read(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "tables", BASE)
    path = folder / "MHS101Referral.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    result = mhsds.validate_mhsds(folder, extract_date=EXTRACT_DATE, key=KEY)
    assert result.can_save, result.problems
    assert rows(result, "referrals", "referral_id") == [("SR1/T1",)]
