"""MHSDS tables -> the import contract, in DuckDB SQL (docs/flow.md, "MHSDS tables": the mapping both ways).

`map_contract` makes the contract's referrals, contacts, events and ward_stays as tables in the same
DuckDB connection, for validate_extract to check there (no file is written and read again), and keeps, for
each contract row, the MHSDS row(s) it came from (small integer tables), so `name_sources` can
report every reject against the MHSDS file, row and column.

- referrals: one per MHS102ServiceTypeReferredTo row (a referral to several teams becomes several contract
  referrals), joined to its MHS101Referral row by ServiceRequestId. Its referral_id is
  ServiceRequestId/CareProfTeamLocalId (when that is longer than 64 characters, the first 30 characters of
  ServiceRequestId, "/" and 33 characters of the SHA-256 of the pair), so it is the same in every extract.
- contacts: one per MHS201CareContact row, joined to the referral by ServiceRequestId and
  CareProfTeamLocalId. A contact with no team goes to the referral's team that was open on the day (not
  rejected or closed before it), the first such team row when there are several.
- events: MHS202 and MHS204 activities, MHS606 and MHS607 coded scores, MHS008 care plans, MHS009 agreements
  and MHS006 care coordinators; event_kind from nhse_codes.classify_activity for the SNOMED CT codes.
- ward_stays: one per MHS502WardStay row with its MHS501HospProvSpell; referral_id as for contacts.
"""

# SQL here is built from the fixed v6 column names in mhsds.TABLES and the contract; values are never SQL.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from whatmatters.flow import contract, nhse_codes
from whatmatters.flow.database import fingerprint
from whatmatters.flow.validate import Relation

if TYPE_CHECKING:
    from whatmatters.flow.mhsds import Source, Table

# Short view names for the tables (mh_t101 ...), so the SQL below reads like the data set.
SHORT = {
    "MHS001MPI": "t001",
    "MHS101Referral": "t101",
    "MHS102ServiceTypeReferredTo": "t102",
    "MHS201CareContact": "t201",
    "MHS202CareActivity": "t202",
    "MHS204IndirectActivity": "t204",
    "MHS006MHCareCoord": "t006",
    "MHS008CarePlanType": "t008",
    "MHS009CarePlanAgreement": "t009",
    "MHS501HospProvSpell": "t501",
    "MHS502WardStay": "t502",
    "MHS606CodedScoreAssessmentRefer": "t606",
    "MHS607CodedScoreAssessmentAct": "t607",
}
SOURCE_NUMBER = {name: i for i, name in enumerate(SHORT)}
EVENT_SOURCES = (
    "MHS202CareActivity",
    "MHS204IndirectActivity",
    "MHS606CodedScoreAssessmentRefer",
    "MHS607CodedScoreAssessmentAct",
    "MHS008CarePlanType",
    "MHS009CarePlanAgreement",
    "MHS006MHCareCoord",
)

# contract file -> contract column -> (side, MHSDS table, MHSDS column). Side "a" is the row the contract row
# is numbered by; "b" the row joined to it. The docs' mapping table is this dictionary.
MAPPING: dict[str, dict[str, tuple[str, str, str]]] = {
    "referrals": {
        "referral_id": ("a", "MHS102ServiceTypeReferredTo", "ServiceRequestId + CareProfTeamLocalId"),
        "person_id": ("b", "MHS101Referral", "LocalPatientId or Person_ID (pseudonymised)"),
        "team_id": ("a", "MHS102ServiceTypeReferredTo", "CareProfTeamLocalId"),
        "team_type": ("a", "MHS102ServiceTypeReferredTo", "ServTeamTypeRefToMH"),
        "referral_date": ("b", "MHS101Referral", "ReferralRequestReceivedDate"),
        "priority": ("b", "MHS101Referral", "ClinRespPriorityType"),
        "primary_reason": ("b", "MHS101Referral", "PrimReasonReferralMH"),
        "source_of_referral": ("b", "MHS101Referral", "SourceOfReferralMH"),
        "age_at_referral": ("b", "MHS101Referral", "AgeServReferRecDate"),
        "rejected_date": ("a", "MHS102ServiceTypeReferredTo", "ReferRejectionDate"),
        "closed_date": ("a", "MHS102ServiceTypeReferredTo", "ReferClosureDate"),
        "discharge_date": ("b", "MHS101Referral", "ServDischDate"),
        "closure_reason": ("a", "MHS102ServiceTypeReferredTo", "ReferClosReason or ReferRejectReason"),
    },
    "contacts": {
        "contact_id": ("a", "MHS201CareContact", "CareContactId"),
        "referral_id": ("a", "MHS201CareContact", "ServiceRequestId + CareProfTeamLocalId"),
        "contact_date": ("a", "MHS201CareContact", "CareContDate"),
        "attend_status": ("a", "MHS201CareContact", "AttendStatus"),
        "consultation_mechanism": ("a", "MHS201CareContact", "ConsMechanismMH"),
        "contact_kind": ("a", "MHS202CareActivity", "Procedure (of the contact's activities)"),
        "cancelled_date": ("a", "MHS201CareContact", "CareContCancelDate"),
        "earliest_reasonable_offer_date": ("a", "MHS201CareContact", "EarliestReasonOfferDate"),
    },
    "ward_stays": {
        "spell_id": ("a", "MHS502WardStay", "HospProvSpellID"),
        "person_id": ("b", "MHS501HospProvSpell", "LocalPatientId or Person_ID (pseudonymised)"),
        "ward_id": ("a", "MHS502WardStay", "WardCode"),
        "bed_type": ("a", "MHS502WardStay", "HospitalBedTypeMH"),
        "admission_date": ("b", "MHS501HospProvSpell", "StartDateHospProvSpell"),
        "discharge_date": ("b", "MHS501HospProvSpell", "DischDateHospProvSpell"),
        "ward_start_date": ("a", "MHS502WardStay", "StartDateWardStay"),
        "ward_end_date": ("a", "MHS502WardStay", "EndDateWardStay"),
        "admission_method": ("b", "MHS501HospProvSpell", "MethAdmMHHospProvSpell"),
        "discharge_destination": ("b", "MHS501HospProvSpell", "DestOfDischHospProvSpell"),
        "referral_id": ("b", "MHS501HospProvSpell", "ServiceRequestId"),
    },
}
# events: per source table, contract column -> MHSDS column.
EVENT_MAPPING: dict[str, dict[str, str]] = {
    "MHS202CareActivity": {
        "event_id": "CareActId",
        "contact_id": "CareContactId",
        "event_kind": "Procedure",
        "code": "Procedure",
        "event_date": "CareContDate (of MHS201CareContact)",
    },
    "MHS204IndirectActivity": {
        "referral_id": "ServiceRequestId + CareProfTeamLocalId",
        "event_kind": "IndActProcedure",
        "code": "IndActProcedure",
        "event_date": "IndirectActDate",
    },
    "MHS606CodedScoreAssessmentRefer": {
        "referral_id": "ServiceRequestId",
        "event_kind": "CodedAssToolType",
        "code": "CodedAssToolType",
        "event_date": "AssToolCompTimestamp",
    },
    "MHS607CodedScoreAssessmentAct": {
        "contact_id": "CareActId (its MHS202 contact)",
        "event_kind": "CodedAssToolType",
        "code": "CodedAssToolType",
        "event_date": "CareContDate (of the activity's contact)",
    },
    "MHS008CarePlanType": {
        "event_id": "CarePlanID",
        "person_id": "LocalPatientId or Person_ID (pseudonymised)",
        "event_date": "CarePlanCreatDate",
        "code": "CarePlanTypeMH",
    },
    "MHS009CarePlanAgreement": {
        "event_id": "CarePlanID",
        "person_id": "CarePlanID (its MHS008 person)",
        "event_date": "CarePlanContentAgreedDate",
    },
    "MHS006MHCareCoord": {
        "person_id": "LocalPatientId or Person_ID (pseudonymised)",
        "event_date": "StartDateAssCareCoord",
        "end_date": "EndDateAssCareCoord",
        "team_type": "CareProfServOrTeamTypeAssoc",
    },
}

PSEUDONYM_HEX = 32  # 128 bits of the HMAC
# HMAC-SHA256 of the text in {col}, with the outer and inner padded keys bound as parameters (Source.pads),
# as mhsds.pseudonym computes it: the key is never SQL text.
PSEUDONYM_SQL = f"'p' || left(sha256(?::BLOB || unhex(sha256(?::BLOB || encode({{col}})))), {PSEUDONYM_HEX})"

_DATE = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)


def _macros(source: Source) -> None:
    con = source.con
    # A warehouse writes a DATE as 2024-04-01 or a DATETIME as 2024-04-01 00:00:00.000: the date is kept.
    # Anything else is passed on as it is, for the validator to reject (never re-interpreted). A value of
    # ten bytes or fewer is itself either way, so only longer ones are matched against the pattern.
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO mh_date(x) AS CASE WHEN strlen(x) <= 10 THEN x "
        f"WHEN regexp_full_match(x, '{_DATE}') THEN left(x, 10) ELSE x END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO mh_ref(req, team) AS CASE WHEN team IS NULL THEN req "
        "WHEN length(req) + length(team) < 64 THEN req || '/' || team "
        "ELSE left(req, 30) || '/' || left(sha256(req || '/' || team), 33) END"
    )
    con.execute(
        "CREATE OR REPLACE TEMP MACRO mh_key(parts, n) AS CASE WHEN length(parts) <= 48 THEN parts "
        "ELSE left(sha256(parts), 24) END || '/' || n::VARCHAR"
    )


def build_views(source: Source, tables: Mapping[str, Table]) -> None:
    """mh_tNNN: every table with its v6 columns, `row` and `person` (the pseudonym); absent tables empty.

    A table naming a person gets its pseudonym once, here; the others are views."""
    _macros(source)
    con = source.con
    for name, short in SHORT.items():
        table = tables[name]
        if not source.has(name):
            select = ", ".join(f'NULL::VARCHAR AS "{f.name}"' for f in table.fields)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW mh_{short} AS SELECT NULL::BIGINT AS row, {select}, "
                "NULL::VARCHAR AS person WHERE false"
            )
            continue
        cols = ", ".join(
            f's."{f.name}"' if source.col(name, f.name) else f'NULL::VARCHAR AS "{f.name}"'
            for f in table.fields
        )
        # MHS001MPI only lists people: nothing maps from it, so it is not joined to their pseudonyms.
        person = (
            source.col(name, source.person)
            if name != "MHS001MPI" and any(f.name == source.person for f in table.fields)
            else None
        )
        row = "s.rowid + 2 AS row"  # the table keeps the file's order (see mhsds._read)
        if person:
            # The pseudonym is a column of one scan of the table, which keeps its order (no join).
            value = f"s.{person}" if source.pads is None else PSEUDONYM_SQL.format(col=f"s.{person}")
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE mhsds_{name} AS
                SELECT {row}, s.* EXCLUDE (nhs), {value} AS person FROM mhsds_{name} s""",
                list(source.pads or ()),
            )
            row = "s.row"
        pid = "s.person" if person else "NULL::VARCHAR AS person"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW mh_{short} AS SELECT {row}, {cols}, {pid} FROM mhsds_{name} s"
        )


def _teams(source: Source) -> None:
    """mh_teams: each referral's teams, with the day each stopped being open; mh_req_person: its person."""
    source.con.execute(
        """CREATE OR REPLACE TEMP TABLE mh_teams AS
        SELECT "ServiceRequestId" AS req, "CareProfTeamLocalId" AS team, row,
               least(try_cast(mh_date("ReferRejectionDate") AS DATE),
                     try_cast(mh_date("ReferClosureDate") AS DATE)) AS open_until
        FROM mh_t102 WHERE "ServiceRequestId" IS NOT NULL AND "CareProfTeamLocalId" IS NOT NULL"""
    )
    # Only MHS204, MHS606 and MHS501 rows look up their referral's person this way.
    where = "" if source.filled(*_BY_REQUEST) else "AND false"
    source.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_req_person AS
        SELECT "ServiceRequestId" AS req, min(person) AS person FROM mh_t101
        WHERE "ServiceRequestId" IS NOT NULL {where} GROUP BY 1"""
    )


def _pick(view: str, req: str, team: str, day: str, teamless_only: bool = False) -> str:
    """SQL: (row, ref) for each row of `view`: the referral of its ServiceRequestId and team, or, without a
    team, the referral's team open on `day` (the first such team row). With `teamless_only`, only the rows
    without a team (the caller makes the others' ref itself, mh_ref(req, team), as here)."""
    only = f"WHERE v.{team} IS NULL" if teamless_only else ""
    return f"""SELECT v.row, mh_ref(v.{req}, coalesce(v.{team}, t.team)) AS ref FROM {view} v
        LEFT JOIN mh_teams t ON v.{team} IS NULL AND t.req = v.{req}
        {only}
        QUALIFY row_number() OVER (
            PARTITION BY v.row
            ORDER BY (t.open_until IS NULL OR t.open_until >= try_cast(mh_date(v.{day}) AS DATE)) DESC, t.row
        ) = 1"""


def _codes(source: Source, reference_sets: Mapping[str, str] | None) -> None:
    """mh_codes(code, kind): the event_kind of every SNOMED CT code in the extract (nhse_codes decides)."""
    con = source.con
    codes = con.execute(
        """SELECT DISTINCT c FROM (
            SELECT "Procedure" AS c FROM mh_t202 UNION ALL SELECT "IndActProcedure" FROM mh_t204
            UNION ALL SELECT "CodedAssToolType" FROM mh_t606 UNION ALL SELECT "CodedAssToolType" FROM mh_t607)
        WHERE c IS NOT NULL"""
    ).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE mh_codes (code VARCHAR, focus VARCHAR, kind VARCHAR)")
    rows = [
        (c, nhse_codes.focus_concept(c), nhse_codes.classify_activity(c, reference_sets)) for (c,) in codes
    ]
    if rows:
        con.executemany("INSERT INTO mh_codes VALUES (?, ?, ?)", rows)


def _select(spec: contract.FileSpec, given: dict[str, str]) -> str:
    """The contract's columns in its order, each from `given` or NULL."""
    return ", ".join(f"{given.get(c.name, 'NULL::VARCHAR')} AS {c.name}" for c in spec.columns)


def _referrals(source: Source) -> None:
    sql = _select(
        contract.REFERRALS,
        {
            "referral_id": (
                'mh_ref(coalesce(s."ServiceRequestId", r."ServiceRequestId"), s."CareProfTeamLocalId")'
            ),
            "person_id": "r.person",
            "team_id": 's."CareProfTeamLocalId"',
            "team_type": 's."ServTeamTypeRefToMH"',
            "referral_date": 'mh_date(r."ReferralRequestReceivedDate")',
            "priority": 'r."ClinRespPriorityType"',
            "primary_reason": 'r."PrimReasonReferralMH"',
            "source_of_referral": 'r."SourceOfReferralMH"',
            "age_at_referral": 'r."AgeServReferRecDate"',
            "rejected_date": 'mh_date(s."ReferRejectionDate")',
            "closed_date": 'mh_date(s."ReferClosureDate")',
            "discharge_date": 'mh_date(r."ServDischDate")',
            "closure_reason": 'coalesce(s."ReferClosReason", s."ReferRejectReason")',
        },
    )
    if _one_team_each_in_order(source):
        # The same rows the join below gives, in the same order, without the join or the sort.
        joined = "mh_t102 s POSITIONAL JOIN mh_t101 r"
    else:
        joined = """mh_t102 s FULL JOIN mh_t101 r ON r."ServiceRequestId" = s."ServiceRequestId"
        ORDER BY s.row NULLS LAST, r.row"""
    source.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_referrals AS
        SELECT s.row AS a_row, r.row AS b_row, {sql} FROM {joined}"""
    )


def _one_team_each_in_order(source: Source) -> bool:
    """Does MHS102 hold one row per MHS101 referral, row N of each naming the same ServiceRequestId, and
    no ServiceRequestId twice (the usual export of referrals to one team)? Then row N of MHS102 and row N
    of MHS101 are exactly what the FULL JOIN pairs, and in the order it is sorted into.

    One scan of the two side by side and one grouping of MHS101's fingerprints (database.fingerprint:
    a repeated fingerprint is taken as a repeated ID, which only sends the extract the general way)."""
    con = source.con
    if source.rows.get("MHS101Referral") != source.rows.get("MHS102ServiceTypeReferredTo"):
        return False
    (differ,) = con.execute(
        """SELECT count(*) FROM mh_t102 s POSITIONAL JOIN mh_t101 r
        WHERE NOT coalesce(s."ServiceRequestId" = r."ServiceRequestId", false)"""
    ).fetchone()
    if differ:
        return False
    (repeated,) = con.execute(
        f"""SELECT count(*) FROM (SELECT {fingerprint('"ServiceRequestId"')} AS h FROM mh_t101
        GROUP BY 1 HAVING count(*) > 1)"""
    ).fetchone()
    return repeated == 0


def _contacts(source: Source) -> None:
    con = source.con
    con.execute(
        """CREATE OR REPLACE TEMP TABLE mh_contact_kind AS
        SELECT a."CareContactId" AS contact_id,
               CASE WHEN bool_or(k.kind = 'intervention') THEN 'intervention'
                    WHEN bool_or(k.kind IN ('assessment', 'meaningful_assessment')) THEN 'assessment'
                    ELSE 'other' END AS kind
        FROM mh_t202 a JOIN mh_codes k ON k.code = a."Procedure" GROUP BY 1"""
    )
    sql = _select(
        contract.CONTACTS,
        {
            "contact_id": 'c."CareContactId"',
            "referral_id": 'coalesce(p.ref, mh_ref(c."ServiceRequestId", c."CareProfTeamLocalId"))',
            "contact_date": 'mh_date(c."CareContDate")',
            "attend_status": 'c."AttendStatus"',
            "consultation_mechanism": 'c."ConsMechanismMH"',
            "contact_kind": "k.kind",
            "cancelled_date": 'mh_date(c."CareContCancelDate")',
            "earliest_reasonable_offer_date": 'mh_date(c."EarliestReasonOfferDate")',
        },
    )
    # Nearly every contact names its team: only those that do not are matched to the referral's teams.
    pick = _pick(
        "mh_t201", '"ServiceRequestId"', '"CareProfTeamLocalId"', '"CareContDate"', teamless_only=True
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_contacts AS
        SELECT c.row AS a_row, NULL::BIGINT AS b_row, {sql}
        FROM mh_t201 c LEFT JOIN ({pick}) p ON p.row = c.row
        LEFT JOIN mh_contact_kind k ON k.contact_id = c."CareContactId"
        ORDER BY c.row"""
    )
    con.execute("DROP TABLE mh_contact_kind")


def _ward_stays(source: Source) -> None:
    sql = _select(
        contract.WARD_STAYS,
        {
            "spell_id": 'w."HospProvSpellID"',
            "person_id": "coalesce(h.person, rp.person)",
            "ward_id": 'w."WardCode"',
            "bed_type": 'w."HospitalBedTypeMH"',
            "admission_date": 'mh_date(h."StartDateHospProvSpell")',
            "discharge_date": 'mh_date(h."DischDateHospProvSpell")',
            "ward_start_date": 'mh_date(w."StartDateWardStay")',
            "ward_end_date": 'mh_date(w."EndDateWardStay")',
            "admission_method": 'h."MethAdmMHHospProvSpell"',
            "discharge_destination": 'h."DestOfDischHospProvSpell"',
            "referral_id": "p.ref",
        },
    )
    pick = _pick(
        "(SELECT *, NULL::VARCHAR AS team FROM mh_t501)",
        '"ServiceRequestId"',
        "team",
        '"StartDateHospProvSpell"',
    )
    source.con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_ward_stays AS
        SELECT w.row AS a_row, h.row AS b_row, {sql}
        FROM mh_t502 w
        LEFT JOIN (SELECT * FROM mh_t501 QUALIFY row_number() OVER (PARTITION BY "HospProvSpellID" ORDER
            BY row) = 1) h
          ON h."HospProvSpellID" = w."HospProvSpellID"
        LEFT JOIN ({pick}) p ON p.row = h.row
        LEFT JOIN mh_req_person rp ON rp.req = h."ServiceRequestId"
        ORDER BY w.row"""
    )


def _events(source: Source) -> None:
    """mh_events from every event table (mh_contact_one and mh_ref_person must exist)."""
    con = source.con
    n = SOURCE_NUMBER
    cols = (
        "src, src_row, event_id, person_id, referral_id, contact_id, event_kind, event_date, end_date, code, "
        "team_type, source"
    )
    typed = ", ".join(
        f"{c} {'INTEGER' if c == 'src' else 'BIGINT' if c == 'src_row' else 'VARCHAR'}"
        for c in cols.split(", ")
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE mh_events ({typed})")
    parts = dict(zip(_EVENT_PARTS, _activity_events(n) + _person_events(n), strict=True))
    # Ordered by src, src_row as one sort of every event would be, a table at a time: each is sorted by
    # its own rows and appended in turn (DuckDB keeps the order rows are inserted in).
    for name in sorted(parts, key=n.__getitem__):
        if source.has(name):
            con.execute(f"INSERT INTO mh_events SELECT * FROM ({parts[name]}) t({cols}) ORDER BY src_row")


# The tables whose rows find their person by ServiceRequestId (mh_req_person), and those that find their
# contact's referral and person by CareContactId (mh_contact_one, mh_ref_person).
_BY_REQUEST = ("MHS204IndirectActivity", "MHS606CodedScoreAssessmentRefer", "MHS501HospProvSpell")
_BY_CONTACT = ("MHS202CareActivity", "MHS607CodedScoreAssessmentAct")

# The tables _activity_events and _person_events read, in the order of their SQL.
_EVENT_PARTS = (
    "MHS202CareActivity",
    "MHS204IndirectActivity",
    "MHS606CodedScoreAssessmentRefer",
    "MHS607CodedScoreAssessmentAct",
    "MHS008CarePlanType",
    "MHS009CarePlanAgreement",
    "MHS006MHCareCoord",
)


def _numbered_id(prefix: str, view: str, cols: tuple[str, ...]) -> tuple[str, str]:
    """(SQL for the event_id, SQL join it needs) of a row without a natural key: its values joined with
    "|" and its running number among the rows with the same values (mh_key), 1 for a row whose values
    no other row has.

    Only rows whose values' fingerprint repeats are numbered with a window (which sorts them); the rest,
    nearly all, are 1 without one (database.fingerprint: equal values always have equal fingerprints)."""
    listed = ", ".join(cols)
    print_sql = fingerprint(*cols)
    repeats = f"""SELECT row, row_number() OVER (PARTITION BY {listed} ORDER BY row) AS n FROM {view}
        WHERE {print_sql} IN (SELECT {print_sql} FROM {view} GROUP BY 1 HAVING count(*) > 1)"""
    qualified = ", ".join(f"a.{c}" for c in cols)
    return (
        f"'{prefix}/' || mh_key(concat_ws('|', {qualified}), coalesce(nn.n, 1))",
        f"LEFT JOIN ({repeats}) nn ON nn.row = a.row",
    )


def _one_per(view: str, key: str, value: str) -> str:
    """SQL: (id, value) with one row per `key` of `view`, the least value when the key repeats.

    Keys are nearly always unique: only those whose fingerprint repeats are grouped by the text."""
    print_sql = fingerprint(key)
    repeated = f"SELECT {print_sql} FROM {view} GROUP BY 1 HAVING count(*) > 1"
    return f"""SELECT {key} AS id, {value} AS value FROM {view}
        WHERE {key} IS NOT NULL AND {print_sql} NOT IN ({repeated})
        UNION ALL
        SELECT {key}, min({value}) FROM {view} WHERE {key} IS NOT NULL AND {print_sql} IN ({repeated})
        GROUP BY 1"""


def _activity_events(n: dict[str, int]) -> list[str]:
    """SQL for the events from activities and coded scores (MHS202, MHS204, MHS606, MHS607)."""
    id204, join204 = _numbered_id(
        "MHS204",
        "mh_t204",
        ('"ServiceRequestId"', '"CareProfTeamLocalId"', '"IndirectActDate"', '"IndActProcedure"'),
    )
    id606, join606 = _numbered_id(
        "MHS606",
        "mh_t606",
        ('"ServiceRequestId"', '"CodedAssToolType"', '"AssToolCompTimestamp"', '"PersScore"'),
    )
    id607, join607 = _numbered_id("MHS607", "mh_t607", ('"CareActId"', '"CodedAssToolType"', '"PersScore"'))
    return [
        f"""SELECT {n["MHS202CareActivity"]}, a.row, 'MHS202/' || a."CareActId", rp.person_id, c.referral_id,
            a."CareContactId", k.kind, c.contact_date, NULL, a."Procedure", NULL, 'MHS202'
        FROM mh_t202 a JOIN mh_codes k ON k.code = a."Procedure"
        LEFT JOIN mh_contact_one c ON c.contact_id = a."CareContactId"
        LEFT JOIN mh_ref_person rp ON rp.referral_id = c.referral_id""",
        f"""SELECT {n["MHS204IndirectActivity"]}, a.row, {id204},
            rp.person, coalesce(p.ref, mh_ref(a."ServiceRequestId", a."CareProfTeamLocalId")), NULL,
                k.kind, mh_date(a."IndirectActDate"), NULL, a."IndActProcedure", NULL, 'MHS204'
        FROM mh_t204 a JOIN mh_codes k ON k.code = a."IndActProcedure" {join204}
        LEFT JOIN ({
            _pick(
                "mh_t204",
                '"ServiceRequestId"',
                '"CareProfTeamLocalId"',
                '"IndirectActDate"',
                teamless_only=True,
            )
        }) p
          ON p.row = a.row
        LEFT JOIN mh_req_person rp ON rp.req = a."ServiceRequestId" """,
        f"""SELECT {n["MHS606CodedScoreAssessmentRefer"]}, a.row, {id606},
            rp.person, p.ref, NULL, k.kind, mh_date(a."AssToolCompTimestamp"), NULL,
                a."CodedAssToolType", NULL,
            'MHS606'
        FROM mh_t606 a JOIN mh_codes k ON k.code = a."CodedAssToolType" {join606}
        LEFT JOIN ({
            _pick(
                "(SELECT *, NULL::VARCHAR AS team FROM mh_t606)",
                '"ServiceRequestId"',
                "team",
                '"AssToolCompTimestamp"',
            )
        }) p ON p.row = a.row
        LEFT JOIN mh_req_person rp ON rp.req = a."ServiceRequestId" """,
        f"""SELECT {n["MHS607CodedScoreAssessmentAct"]}, a.row, {id607},
            rp.person_id, c.referral_id, act.contact_id, k.kind, c.contact_date, NULL,
                a."CodedAssToolType", NULL,
            'MHS607'
        FROM mh_t607 a JOIN mh_codes k ON k.code = a."CodedAssToolType" {join607}
        LEFT JOIN (SELECT "CareActId" AS act_id,
            min("CareContactId") AS contact_id FROM mh_t202 GROUP BY 1) act
          ON act.act_id = a."CareActId"
        LEFT JOIN mh_contact_one c ON c.contact_id = act.contact_id
        LEFT JOIN mh_ref_person rp ON rp.referral_id = c.referral_id""",
    ]


def _person_events(n: dict[str, int]) -> list[str]:
    """SQL for the person-level events (MHS008 care plans, MHS009 agreements, MHS006 care coordinators)."""
    id009, join009 = _numbered_id("MHS009", "mh_t009", ('"CarePlanID"', '"CarePlanContentAgreedDate"'))
    id006, join006 = _numbered_id(
        "MHS006",
        "mh_t006",
        ("person", '"StartDateAssCareCoord"', '"CareProfLocalId"', '"CareProfServOrTeamTypeAssoc"'),
    )
    return [
        f"""SELECT {n["MHS008CarePlanType"]}, a.row, 'MHS008/' || a."CarePlanID", a.person, NULL, NULL,
            'care_plan',
            mh_date(a."CarePlanCreatDate"), NULL, a."CarePlanTypeMH", NULL, 'MHS008'
        FROM mh_t008 a""",
        f"""SELECT {n["MHS009CarePlanAgreement"]}, a.row, {id009},
            pl.value, NULL, NULL, 'care_plan_agreed', mh_date(a."CarePlanContentAgreedDate"), NULL,
                NULL, NULL,
            'MHS009'
        FROM mh_t009 a {join009}
        LEFT JOIN ({_one_per("mh_t008", '"CarePlanID"', "person")}) pl ON pl.id = a."CarePlanID" """,
        f"""SELECT {n["MHS006MHCareCoord"]}, a.row, {id006},
            a.person, NULL, NULL, 'care_coordinator', mh_date(a."StartDateAssCareCoord"),
            mh_date(a."EndDateAssCareCoord"), NULL, a."CareProfServOrTeamTypeAssoc", 'MHS006'
        FROM mh_t006 a {join006}""",
    ]


def _provenance(source: Source) -> None:
    """mh_prov: contract file, row -> the MHSDS rows it came from (contacts.csv row N is MHS201 row N),
    filled by _keep_rows as each table is made; mh_sources and mh_colmap name them."""
    con = source.con
    n = SOURCE_NUMBER
    con.execute(
        "CREATE OR REPLACE TEMP TABLE mh_prov (file VARCHAR, row BIGINT, a_src TINYINT, a_row BIGINT, "
        "b_src TINYINT, b_row BIGINT)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE mh_sources (n TINYINT, file VARCHAR)")
    con.executemany("INSERT INTO mh_sources VALUES (?, ?)", [(i, f"{name}.csv") for name, i in n.items()])
    con.execute(
        'CREATE OR REPLACE TEMP TABLE mh_colmap (file VARCHAR, src TINYINT, "column" VARCHAR, side VARCHAR, '
        "mhsds VARCHAR)"
    )
    rows = [
        (f"{file}.csv", None, col, side, mhsds)
        for file, cols in MAPPING.items()
        for col, (side, table, mhsds) in cols.items()
    ]
    rows += [
        ("events.csv", n[src], col, "a", mhsds)
        for src, cols in EVENT_MAPPING.items()
        for col, mhsds in cols.items()
    ]
    con.executemany("INSERT INTO mh_colmap VALUES (?, ?, ?, ?, ?)", rows)


# The contract files numbered by two MHSDS tables: the "a" table's row, and the "b" row joined to it.
_KEPT = {
    "referrals": ("MHS102ServiceTypeReferredTo", "MHS101Referral"),
    "ward_stays": ("MHS502WardStay", "MHS501HospProvSpell"),
}


def _keep_rows(source: Source, spec: contract.FileSpec, drop: tuple[str, ...]) -> Relation:
    """Note where the rows of one contract table came from, drop what it was made from, and hand the
    table to validation (which drops it once its rows are checked).

    The table was written in its sorted order, which DuckDB keeps (preserve_insertion_order): its row N
    (rowid N - 2) is the contract file's row N, as validation numbers it and _provenance assumes."""
    con, n = source.con, SOURCE_NUMBER
    table = f"mh_{spec.name}"
    if spec.name in _KEPT:
        a, b = _KEPT[spec.name]
        con.execute(
            f"INSERT INTO mh_prov SELECT '{spec.filename}', rowid + 2, {n[a]}, a_row, {n[b]}, b_row "
            f"FROM {table}"
        )
    elif spec.name == "events":
        con.execute(
            f"INSERT INTO mh_prov SELECT '{spec.filename}', rowid + 2, src, src_row, NULL, NULL FROM {table}"
        )
    for name in drop:
        con.execute(f"DROP VIEW IF EXISTS mh_{SHORT[name]}")
        con.execute(f"DROP TABLE IF EXISTS mhsds_{name}")
    # Every value comes from an MHSDS cell (trimmed, blank as NULL) or from fixed text, so none starts or
    # ends with a space; a control character can only have come from a cell (source.control). Every cell
    # was looked at for NHS numbers as its table was read (mhsds._read refuses the extract for one), and a
    # value made of several (an ID joined with "/" or "|", a pseudonym, a SHA-256 in hex, the date part of
    # a datetime) holds no run of ten digits that was not in one cell: it is not looked at again.
    return Relation(
        table,
        columns=tuple(c.name for c in spec.columns),
        control=source.control,
        spaces=False,
        drop=True,
        nhs_numbers=False,
    )


def map_contract(
    source: Source, tables: Mapping[str, Table], reference_sets: Mapping[str, str] | None = None
) -> dict[str, Relation]:
    """Map `source` into contract-shaped tables in its connection, for validate_extract to check where
    they are (file name -> Relation), and keep the provenance tables (see name_sources).

    The MHSDS tables each contract table was the last to need are dropped as soon as it is made, so the
    connection never holds every MHSDS table and every contract table at once."""
    con = source.con
    build_views(source, tables)
    _teams(source)
    _codes(source, reference_sets)
    _provenance(source)
    _referrals(source)
    # Only activities (MHS202) and their coded scores (MHS607) find their person and contact this way.
    by_contact = "" if source.filled(*_BY_CONTACT) else "AND false"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_ref_person AS SELECT referral_id, min(person_id) AS person_id
        FROM mh_referrals WHERE referral_id IS NOT NULL {by_contact} GROUP BY 1"""
    )
    made = {
        "referrals": _keep_rows(source, contract.REFERRALS, ("MHS101Referral", "MHS102ServiceTypeReferredTo"))
    }
    _contacts(source)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_contact_one AS
        SELECT contact_id, min(referral_id) AS referral_id, min(contact_date) AS contact_date
        FROM mh_contacts WHERE contact_id IS NOT NULL {by_contact} GROUP BY 1"""
    )
    made["contacts"] = _keep_rows(source, contract.CONTACTS, ("MHS201CareContact",))
    if any(source.has(t) for t in EVENT_SOURCES):
        _events(source)
        made["events"] = _keep_rows(source, contract.EVENTS, EVENT_SOURCES)
    if source.has("MHS502WardStay"):
        _ward_stays(source)
        made["ward_stays"] = _keep_rows(
            source, contract.WARD_STAYS, ("MHS501HospProvSpell", "MHS502WardStay")
        )
    for name in ("mh_teams", "mh_req_person", "mh_ref_person", "mh_contact_one", "mh_codes"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    for name, short in SHORT.items():
        con.execute(f"DROP VIEW IF EXISTS mh_{short}")
        con.execute(f"DROP TABLE IF EXISTS mhsds_{name}")
    return made


def drop_contract(con) -> None:  # noqa: ANN001 - a DuckDB connection
    """Drop the contract tables map_contract made that validation did not (when it stopped early)."""
    for name in ("mh_referrals", "mh_contacts", "mh_events", "mh_ward_stays"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def name_sources(con) -> None:  # noqa: ANN001 - a DuckDB connection
    """Say in each reject which MHSDS file, row and column its contract row came from."""
    n = SOURCE_NUMBER["MHS201CareContact"]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE mh_named AS
        WITH p AS (
            SELECT * FROM mh_prov
            UNION ALL SELECT 'contacts.csv', row, {n}, row, NULL, NULL FROM (
                SELECT DISTINCT row FROM rejects WHERE file = 'contacts.csv' AND row > 1)
        ), found AS (
            SELECT r.*, m.mhsds,
                   CASE WHEN (m.side = 'b'
                       AND p.b_row IS NOT NULL) OR p.a_row IS NULL THEN p.b_src ELSE p.a_src END
                       AS src,
                   CASE WHEN (m.side = 'b'
                       AND p.b_row IS NOT NULL) OR p.a_row IS NULL THEN p.b_row ELSE p.a_row END
                       AS src_row
            FROM rejects r LEFT JOIN p ON p.file = r.file AND p.row = r.row
            LEFT JOIN mh_colmap m ON m.file = r.file AND m."column" = r."column"
                AND (m.src IS NULL OR m.src = p.a_src)
        )
        SELECT coalesce(s.file, f.file) AS file, coalesce(f.src_row, f.row) AS row,
               CASE WHEN s.file IS NULL THEN f."column" ELSE coalesce(f.mhsds, f."column") END AS "column",
               f.rule_code, f.severity,
               CASE WHEN s.file IS NULL THEN f.message
                    -- "referrals.csv row 3, referral_date: ..." -> "MHS101Referral.csv row 3,
                    -- ReferralRequestReceivedDate (referrals.csv row 3, referral_date): ..."
                    WHEN starts_with(f.message, f.file || ' row ') AND position(': ' IN f.message) > 0
                    THEN s.file || ' row ' || f.src_row || coalesce(', ' || f.mhsds, '') || ' ('
                        || left(f.message, position(': ' IN f.message) - 1) || '): '
                        || substr(f.message, position(': ' IN f.message) + 2)
                    ELSE s.file || ' row ' || f.src_row || coalesce(', ' || f.mhsds, '') || ' (' || f.file
                        || ' row ' || f.row || '): ' || f.message
               END AS message,
               f.value
        FROM found f LEFT JOIN mh_sources s ON s.n = f.src"""
    )
    con.execute("CREATE OR REPLACE TABLE rejects AS SELECT * FROM mh_named")
    con.execute("DROP TABLE mh_named")
