"""The import contract -> MHSDS tables: how the synthetic generator writes an MHSDS-shaped extract
(`whatmatters flow generate --format mhsds`), and the other direction of the mapping in docs/flow.md.

From a folder of contract files (referrals.csv, contacts.csv, ward_stays.csv) it writes MHS001MPI,
MHS101Referral, MHS102ServiceTypeReferredTo, MHS201CareContact, MHS202CareActivity, MHS006MHCareCoord,
MHS008CarePlanType, MHS009CarePlanAgreement and, when there are ward stays, MHS501HospProvSpell and
MHS502WardStay, with their v6 column names:

- a referral is one MHS101 row and one MHS102 row (ServiceRequestId = referral_id, CareProfTeamLocalId =
  team_id), so the mapper gives it back the referral_id referral_id/team_id;
- a contact of kind intervention or assessment gets an MHS202 activity with a SNOMED CT procedure code
  (SYNTHETIC_CODES), one of kind care_plan a care plan created and agreed that day (MHS008 + MHS009);
- care_coord_date is an MHS006 care-coordinator assignment with the referral's team type, and
  treatment_start_date (the generator's clock-stop event for the 4-week wait, a care plan) a care plan
  agreed that day.

The synthetic intervention code is in NHS England's psychological therapies reference set only through
SYNTHETIC_REFERENCE_SETS, which the tests give to the mapper (the real set's members are not public).
"""

# SQL here is built from fixed column names; values are never SQL text (paths are bound parameters).
# ruff: noqa: S608

from __future__ import annotations

from pathlib import Path

from whatmatters.flow.database import connect

# Made-up SNOMED CT-shaped ids (the 1000000 namespace is not a real one): what a synthetic contact records.
SYNTHETIC_CODES = {"intervention": "9990000100", "assessment": "9990000200"}
# The intervention code as a member of the MHSDS psychological therapies reference set, for the tests.
SYNTHETIC_REFERENCE_SETS = {SYNTHETIC_CODES["intervention"]: "1853461000000105"}

_TABLES = {
    "MHS001MPI": "SELECT DISTINCT person_id AS LocalPatientId FROM r ORDER BY 1",
    "MHS101Referral": """SELECT referral_id AS ServiceRequestId, person_id AS LocalPatientId,
        referral_date AS ReferralRequestReceivedDate, priority AS ClinRespPriorityType,
        primary_reason AS PrimReasonReferralMH, source_of_referral AS SourceOfReferralMH,
        {age} AS AgeServReferRecDate, discharge_date AS ServDischDate FROM r ORDER BY row""",
    "MHS102ServiceTypeReferredTo": """SELECT referral_id AS ServiceRequestId, team_id AS CareProfTeamLocalId,
        team_type AS ServTeamTypeRefToMH, closed_date AS ReferClosureDate,
        CASE WHEN rejected_date IS NULL THEN closure_reason END AS ReferClosReason,
        rejected_date AS ReferRejectionDate, CASE WHEN rejected_date IS NOT NULL THEN closure_reason END
        AS ReferRejectReason FROM r ORDER BY row""",
    "MHS201CareContact": """SELECT c.contact_id AS CareContactId, c.referral_id AS ServiceRequestId,
        r.team_id AS CareProfTeamLocalId, c.contact_date AS CareContDate, c.attend_status AS AttendStatus,
        c.consultation_mechanism AS ConsMechanismMH, c.cancelled_date AS CareContCancelDate,
        c.earliest_reasonable_offer_date AS EarliestReasonOfferDate
        FROM c LEFT JOIN r USING (referral_id) ORDER BY c.row""",
    "MHS202CareActivity": """SELECT contact_id || '-A' AS CareActId, contact_id AS CareContactId,
        CASE contact_kind WHEN 'intervention' THEN '{intervention}' ELSE '{assessment}' END AS Procedure
        FROM c WHERE contact_kind IN ('intervention', 'assessment') ORDER BY row""",
    "MHS006MHCareCoord": """SELECT person_id AS LocalPatientId, care_coord_date AS StartDateAssCareCoord,
        NULL AS EndDateAssCareCoord, team_type AS CareProfServOrTeamTypeAssoc,
            team_id || '-CC' AS CareProfLocalId
        FROM r WHERE care_coord_date IS NOT NULL ORDER BY row""",
    "MHS008CarePlanType": """SELECT id AS CarePlanID, person_id AS LocalPatientId, day AS CarePlanCreatDate,
        '10' AS CarePlanTypeMH FROM plans ORDER BY id""",
    "MHS009CarePlanAgreement": """SELECT id AS CarePlanID, day AS CarePlanContentAgreedDate
        FROM plans ORDER BY id""",
}
_PLANS = """CREATE TEMP TABLE plans AS
    SELECT 'CP-' || c.contact_id AS id, r.person_id, c.contact_date AS day FROM c JOIN r USING (referral_id)
    WHERE c.contact_kind = 'care_plan' AND c.attend_status IN ('5', '6')
    UNION ALL SELECT 'TS-' || referral_id, person_id, treatment_start_date FROM r
    WHERE treatment_start_date IS NOT NULL"""
_WARDS = {
    "MHS501HospProvSpell": """SELECT spell_id AS HospProvSpellID, any_value(referral_id) AS ServiceRequestId,
        any_value(person_id) AS LocalPatientId, min(admission_date) AS StartDateHospProvSpell,
        max(discharge_date) AS DischDateHospProvSpell, any_value(admission_method) AS MethAdmMHHospProvSpell,
        any_value(discharge_destination) AS DestOfDischHospProvSpell FROM w GROUP BY 1 ORDER BY min(row)""",
    "MHS502WardStay": """SELECT spell_id || '-W' || row_number() OVER (PARTITION BY spell_id ORDER BY row)
        AS WardStayId, spell_id AS HospProvSpellID, ward_id AS WardCode, bed_type AS HospitalBedTypeMH,
        coalesce(ward_start_date, admission_date) AS StartDateWardStay,
        coalesce(ward_end_date, discharge_date) AS EndDateWardStay FROM w ORDER BY row""",
}


def write_mhsds(contract_folder: str | Path, out: str | Path) -> dict[str, int]:
    """Write the MHSDS tables for the contract files in `contract_folder` into `out`; rows per table."""
    src, out = Path(contract_folder), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = connect()
    read = "SELECT row_number() OVER () AS row, * FROM read_csv(?, header = true, all_varchar = true)"
    con.execute(f"CREATE TEMP TABLE r AS {read}", [str(src / "referrals.csv")])
    con.execute(f"CREATE TEMP TABLE c AS {read}", [str(src / "contacts.csv")])
    columns = {row[0] for row in con.execute("DESCRIBE r").fetchall()}
    con.execute(_PLANS)
    queries = dict(_TABLES)
    if (src / "ward_stays.csv").is_file():
        con.execute(f"CREATE TEMP TABLE w AS {read}", [str(src / "ward_stays.csv")])
        queries.update(_WARDS)
    rows: dict[str, int] = {}
    for name, sql in queries.items():
        sql = sql.format(
            age="age_at_referral" if "age_at_referral" in columns else "NULL",
            **SYNTHETIC_CODES,
        )
        con.execute(f"COPY ({sql}) TO ? (HEADER, DELIMITER ',')", [str(out / f"{name}.csv")])
        rows[name] = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    con.close()
    return rows
