"""Clock rules: when a wait starts and stops (flow.md §2.2, §2.4; docs/flow.md, "Waiting-time definitions").

Each rule reads the typed tables made by `validate_extract` (`referrals`, `contacts`, and for some rules
`events`, `ward_stays` and `clock_pauses`) and writes a table of waits with the same columns as the
`flow waits` CLI output: one row per referral; per spell of referrals for `cmh4`, `cmh4-first-help` and
`cyp4`; per discharge from hospital for `followup72` (its referral_id holds the hospital spell's id, its
team_id the spell's last ward).

Shared definitions:
- The waiting interval is [clock_start, clock_stop). The clock stops at the rule's clock-stop event, or at a
  removal (rejected, closed or discharged) if that comes first. A stop on the same day as a removal counts as
  a stop: the person was seen.
- Nothing after the census date is used. Still waiting at the census: wait_days = census - clock_start.
- Headline waits are never paused (NHS England publishes none). `paused=True` subtracts clock_pauses.csv
  and the rule's label says so.
- A rule with no standard (`hidden-wait`) leaves within_standard blank: it shows a distribution, not a target.

NHS England's rules follow its published code (NHSDigital/mental-health-monthly-statistics; the sources and
every known difference are in docs/flow.md). Both routes of the contract are read: the simple one
(contacts.contact_kind, referrals.treatment_start_date and care_coord_date) and events.csv.
"""

# SQL in this module is assembled only from the contract's own column names, fixed codes and Python dates;
# values read from files never become SQL text (file paths are bound parameters).
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import duckdb

from whatmatters.flow import nhse_codes
from whatmatters.flow.contract import TEAM_TYPE_CODES
from whatmatters.flow.database import fingerprint, object_type, sql_codes
from whatmatters.flow.links import contacts_with_referrals, flag

STOPPED, WAITING, REMOVED = "stopped", "waiting", "removed"
# An open-ended date that is still far from DuckDB's limits when days are added to it.
_OPEN = "DATE '2999-12-31'"
# Referrals closer than this many days apart (gap from one's end to the next's start) form one spell.
SPELL_GAP_DAYS = 5

EIP_TEAM_TYPES = frozenset({"A14"})
EIP_PRIMARY_REASON = "01"  # suspected first episode psychosis
# Core community mental-health team types in NHS England's 4-week wait (C03 became C10 in MHSDS v6).
CMH_TEAM_TYPES = frozenset({"A05", "A06", "A08", "A09", "A12", "A13", "A16", "C03", "C10"})
ADULT_AGE = 18
# Spells whose first contact is on or after this day also need a meaningful assessment to stop the clock.
MEANINGFUL_ASSESSMENT_FROM = date(2024, 4, 1)
# Children and young people's 4-week wait: referrals it leaves out (4w_waits_prep.py, cyp_4ww_referrals).
CYP_CRISIS_TEAM_TYPES = frozenset({"A02", "A03", "A04", "A11", "A19", "A20", "A21", "A22", "A23", "A24"})
SPA_TEAM_TYPE = "A18"  # single point of access
SPA_URGENT_PRIORITIES = frozenset({"1", "2", "4"})  # emergency, urgent or serious, very urgent
EATING_DISORDER_REASON = "12"
EATING_DISORDER_TEAM_TYPES = frozenset({"A18", "F01"})
# Follow-up after discharge (72HOURS PrepViews.py): MHAdmittedPatientClass (v6) or HospitalBedTypeMH (before).
ADULT_ACUTE_BED_TYPES = frozenset(
    {"10", "11", "12", "16", "17", "18", "200", "201", "202", "205", "212", "213"}
)
# DestOfDischHospProvSpell codes left out: prison or court, other hospitals and care, died (validcodes).
FOLLOWUP_EXCLUDED_DESTINATIONS = frozenset(
    {"30", "37", "38", "40", "42", "48", "49", "50", "53", "79", "84", "87", "89"}
)
FOLLOWUP_DAYS = 3

assert CMH_TEAM_TYPES | CYP_CRISIS_TEAM_TYPES | EIP_TEAM_TYPES <= TEAM_TYPE_CODES


@dataclass(frozen=True)
class ClockRule:
    name: str
    standard_days: int | None  # None: the rule has no standard, so within_standard is blank
    label: str
    description: str


_CMH4 = (
    "For adults and older adults (18 or over, or age not given) referred to core community mental health "
    "teams. From the start of a spell of referrals (referrals 5 days or less apart are joined, so a transfer "
    "does not restart the clock) until all of these have happened: a first attended contact, a baseline "
    "outcome measure, an agreed care plan or an intervention (consultation and signposting do not count) "
    "and, when the first contact was on or after 1 April 2024, a meaningful assessment. Referrals with a "
    "hospital stay are left out. The standard is 28 days. This is NHS England's published method."
)
_CYP4 = (
    "For children and young people (under 18). From the start of a spell of referrals (referrals 5 days or "
    "less apart are joined) until all of these have happened: a first contact (attended, or indirect "
    "activity), a baseline outcome measure, and an agreed care plan or an intervention. Referrals to crisis "
    "teams, urgent referrals to a single point of access, eating disorder referrals to other teams, "
    "suspected first episode psychosis referred to early intervention, and referrals with a hospital stay "
    "are left out. The standard is 28 days. This is NHS England's published method."
)

RULES: dict[str, ClockRule] = {
    "eip": ClockRule(
        "eip",
        14,
        "Early Intervention in Psychosis (EIP) wait",
        "From referral to the later of the first attended contact and an early intervention care coordinator "
        "being allocated. The standard is 14 days.",
    ),
    "cmh4": ClockRule("cmh4", 28, "Community mental health 4-week wait (NHS England)", _CMH4),
    "cmh4-first-help": ClockRule(
        "cmh4-first-help",
        28,
        "Community mental health 4-week wait (earlier local rule)",
        "From the start of a spell of referrals (gaps of 5 days or less are joined, so a transfer does not "
        "restart the clock) to the later of the first attended contact and the first assessment, care plan "
        "or intervention. The standard is 28 days. This was this service's rule before NHS England's "
        "method; it stops the clock sooner.",
    ),
    "cyp4": ClockRule("cyp4", 28, "Children and young people's 4-week wait (NHS England)", _CYP4),
    "followup72": ClockRule(
        "followup72",
        FOLLOWUP_DAYS,
        "Follow-up within 72 hours of leaving an adult acute ward",
        "From discharge from an adult acute bed to the first attended contact, or a new admission, after the "
        "day of discharge. Discharges to prison, court, another hospital or care home, and deaths, are left "
        "out. The standard is 3 days.",
    ),
    "first-contact": ClockRule(
        "first-contact",
        28,
        "Wait for a first appointment",
        "From referral to the first attended contact. The standard used here is 28 days.",
    ),
    "hidden-wait": ClockRule(
        "hidden-wait",
        None,
        "Wait between first and second appointment (the hidden wait)",
        "From the first attended contact (the assessment) to the second attended contact, on a later day. "
        "There is no standard: this shows how long the wait is, not whether it meets a target.",
    ),
}


@dataclass(frozen=True)
class Wait:
    referral_id: str
    team_id: str
    clock_start: date
    clock_stop: date | None
    wait_days: int
    status: str
    within_standard: bool | None


WAIT_COLUMNS = (
    "referral_id",
    "team_id",
    "clock_start",
    "clock_stop",
    "wait_days",
    "status",
    "within_standard",
)


_WAIT_ORDER = "team_id, clock_start, referral_id"


def rule_label(rule: ClockRule, paused: bool) -> str:
    """The label people see. A paused wait is never shown as if it were the headline wait."""
    return f"{rule.label} (adjusted for clock pauses)" if paused else rule.label


def get_rule(name: str) -> ClockRule:
    try:
        return RULES[name]
    except KeyError:
        raise ValueError(
            f"There is no clock rule called {name!r}. Choose one of: {', '.join(RULES)}."
        ) from None


def _day(d: date) -> str:
    return f"DATE '{d.isoformat()}'"


def _attended(census: date) -> str:
    """SQL condition: linked contact c (see links) is attended, by a mechanism that counts, on or after
    its referral's date and by the census."""
    return f"{flag('attended')} AND c.contact_date >= c.referral_date AND c.contact_date <= {_day(census)}"


def _prepare(con: duckdb.DuckDBPyConnection, census: date, attended: bool = True) -> None:
    """Referrals and (unless `attended` is False) attended contacts as they stood on the census date.

    clk_referrals is a view: copying ten million referrals into a table costs more than working the few
    CASEs out again where they are read. Its rid is the referral's row, which is unique in each table
    (the file's row for validated extracts; a running number where the tables are loaded otherwise)."""
    c = _day(census)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW clk_referrals AS
        SELECT row AS rid, referral_id, person_id, team_id, team_type, primary_reason, priority,
            TRY_CAST(age_at_referral AS INTEGER) AS age, referral_date,
            -- The earliest removal known by the census (DuckDB's least() skips blanks).
            CASE WHEN least(rejected_date, closed_date, discharge_date) <= {c}
                 THEN least(rejected_date, closed_date, discharge_date) END AS removal_date,
            CASE WHEN care_coord_date BETWEEN referral_date AND {c} THEN care_coord_date END
                AS care_coord_date,
            CASE WHEN treatment_start_date BETWEEN referral_date AND {c} THEN treatment_start_date END
                AS treatment_start_date
        FROM referrals WHERE referral_date <= {c}"""
    )
    if attended:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE clk_attended AS
            SELECT r.referral_id, c.contact_date
            FROM {contacts_with_referrals(con)} c JOIN clk_referrals r ON r.rid = c.referral_row
            WHERE {_attended(census)}"""
        )


def _events(con: duckdb.DuckDBPyConnection, census: date) -> None:
    """clk_events: the events known by the census, each with its date (a contact's date when it is linked to
    one, as NHS England dates MHS202 and MHS607 rows by their contact), its referral (its own, else its
    contact's), its SNOMED CT focus concept, and whether it is indirect activity (MHS204)."""
    columns = "person_id, referral_id, kind, d, code, team_type, indirect"
    if object_type(con, "events") is None:  # tables made before events.csv existed
        con.execute(
            "CREATE OR REPLACE TEMP TABLE clk_events (person_id VARCHAR, referral_id VARCHAR, kind VARCHAR, "
            "d DATE, code VARCHAR, team_type VARCHAR, indirect BOOLEAN)"
        )
        return
    # Only events naming a contact are joined to contacts (most, care plans and care coordinators, do not).
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clk_events AS
        SELECT {columns} FROM (
            SELECT e.person_id, coalesce(e.referral_id, k.referral_id) AS referral_id, e.event_kind AS kind,
                   coalesce(k.contact_date, e.event_date) AS d, trim(split_part(e.code, ':', 1)) AS code,
                   e.team_type, upper(coalesce(e.source, '')) = 'MHS204' AS indirect
            FROM (SELECT * FROM events WHERE contact_id IS NOT NULL) e
            LEFT JOIN contacts k ON k.contact_id = e.contact_id
            UNION ALL
            SELECT person_id, referral_id, event_kind, event_date, trim(split_part(code, ':', 1)),
                   team_type, upper(coalesce(source, '')) = 'MHS204'
            FROM events WHERE contact_id IS NULL)
        WHERE d <= {_day(census)}"""
    )


def _per_referral_stops(con: duckdb.DuckDBPyConnection, rule: str) -> str:
    """SQL giving (referral_id, team_id, person_id, clock_start, stop_date, removal_date) per referral."""
    first = """(SELECT referral_id, min(contact_date) AS first_attended,
                  -- the second attended contact: the next distinct day after the first
                  min(contact_date) FILTER (WHERE rank_ > 1) AS second_attended
                FROM (SELECT referral_id, contact_date,
                        dense_rank() OVER (PARTITION BY referral_id ORDER BY contact_date) AS rank_
                      FROM clk_attended) GROUP BY referral_id) f"""
    if rule == "first-contact":
        return f"""SELECT r.referral_id, r.team_id, r.person_id, r.referral_date AS clock_start,
                       f.first_attended AS stop_date, r.removal_date
                   FROM clk_referrals r LEFT JOIN {first} USING (referral_id)"""
    if rule == "eip":
        return _eip_stops(first)
    if rule == "hidden-wait":
        # Only people who have had a first appointment are in this wait.
        return f"""SELECT r.referral_id, r.team_id, r.person_id, f.first_attended AS clock_start,
                       f.second_attended AS stop_date, r.removal_date
                   FROM clk_referrals r JOIN {first} USING (referral_id)
                   WHERE r.removal_date IS NULL OR r.removal_date >= f.first_attended"""
    raise ValueError(rule)


def _eip_stops(first: str) -> str:
    """EIP (07_EIP/01_EIP_prep.py): the later of the first attended contact with the EIP team and the first
    EIP care coordinator (MHS006 joined by person, starting on or after the referral), from either route."""
    # Blank team type or primary reason do not exclude a referral: local extracts often lack them.
    cohort = f"""coalesce(r.team_type IN ({sql_codes(EIP_TEAM_TYPES)}), true)
                 AND coalesce(r.primary_reason = '{EIP_PRIMARY_REASON}', true)"""
    return f"""SELECT r.referral_id, r.team_id, r.person_id, r.referral_date AS clock_start,
                   CASE WHEN f.first_attended IS NOT NULL AND least(r.care_coord_date, cc.coord) IS NOT NULL
                        THEN greatest(f.first_attended, least(r.care_coord_date, cc.coord)) END AS stop_date,
                   r.removal_date
               FROM clk_referrals r LEFT JOIN {first} USING (referral_id)
               LEFT JOIN (SELECT r.rid, min(e.d) AS coord
                          FROM clk_referrals r JOIN clk_events e ON e.person_id = r.person_id
                          WHERE {cohort} AND e.kind = 'care_coordinator'
                            AND e.team_type IN ({sql_codes(EIP_TEAM_TYPES)}) AND e.d >= r.referral_date
                          GROUP BY r.rid) cc ON cc.rid = r.rid
               WHERE {cohort}"""


# --------------------------------------------------------------------------------------------------
# Spells of referrals: cmh4, cmh4-first-help and cyp4


@dataclass(frozen=True)
class _SpellRule:
    """How one spell rule reads the shared spell machinery."""

    cohort: str  # SQL condition on clk_referrals r: the referrals the rule counts
    # True: leave out referrals a hospital spell is linked to (ward_stays.referral_id), and spells with an
    # unlinked hospital stay starting inside them; False: spells with any hospital stay inside them.
    by_referral: bool
    stop: str  # SQL on a spell's columns (first_*, ev_*): its clock stop, or NULL
    events: dict[str, str] = field(default_factory=dict)  # ev_<name> -> SQL condition on clk_events e


_FROM_APRIL_2024 = _day(MEANINGFUL_ASSESSMENT_FROM)
_KNOWN_TEAM = "coalesce(r.team_type, '')"


def _all_of(*dates: str) -> str:
    """SQL: the latest of the dates when every one is known, else NULL (greatest() alone skips blanks)."""
    known = " AND ".join(f"{d} IS NOT NULL" for d in dates)
    return f"CASE WHEN {known} THEN greatest({', '.join(dates)}) END"


_NHSE_ADULT = _SpellRule(
    cohort=f"""coalesce(r.team_type IN ({sql_codes(CMH_TEAM_TYPES)}), true)
               AND coalesce(r.age >= {ADULT_AGE}, true)""",
    by_referral=True,
    # A meaningful assessment is needed when the first contact was on or after 1 April 2024 (4w_waits_prep.py
    # asks for it when the spell or its first contact starts then; the contact never comes before the spell).
    stop=f"""CASE WHEN first_contact < {_FROM_APRIL_2024}
                  THEN {_all_of("first_contact", "ev_outcome", "least(first_treat, ev_help)")}
                  ELSE {
        _all_of(
            "first_contact", "ev_outcome", "least(first_treat, ev_help)", "least(first_assess, ev_assess)"
        )
    } END""",
    events={
        "ev_outcome": f"e.kind = '{nhse_codes.OUTCOME_MEASURE}'",
        "ev_assess": f"e.kind = '{nhse_codes.MEANINGFUL_ASSESSMENT}'",
        # Consultation and signposting do not count for adults; nor does a care plan nobody agreed.
        "ev_help": f"e.kind IN ('care_plan_agreed', '{nhse_codes.INTERVENTION}')",
    },
)

_NHSE_CYP = _SpellRule(
    cohort=f"""r.age < {ADULT_AGE}
        AND {_KNOWN_TEAM} NOT IN ({sql_codes(CYP_CRISIS_TEAM_TYPES)})
        AND NOT ({_KNOWN_TEAM} = '{SPA_TEAM_TYPE}'
                 AND coalesce(r.priority, '') IN ({sql_codes(SPA_URGENT_PRIORITIES)}))
        AND NOT (coalesce(r.primary_reason, '') = '{EATING_DISORDER_REASON}'
                 AND {_KNOWN_TEAM} NOT IN ({sql_codes(EATING_DISORDER_TEAM_TYPES)}))
        AND NOT (coalesce(r.primary_reason, '') = '{EIP_PRIMARY_REASON}'
                 AND {_KNOWN_TEAM} IN ({sql_codes(EIP_TEAM_TYPES)}))""",
    by_referral=True,
    stop=_all_of("least(first_contact, ev_contact)", "ev_outcome", "least(first_treat, ev_help)"),
    events={
        "ev_contact": "e.indirect",
        "ev_outcome": f"e.kind = '{nhse_codes.OUTCOME_MEASURE}'",
        # For children consultation and signposting count, and autism and ADHD assessments.
        "ev_help": f"""e.kind IN ('care_plan_agreed', '{nhse_codes.INTERVENTION}',
                                  '{nhse_codes.CONSULTATION}', '{nhse_codes.SIGNPOSTING}')
                       OR (e.kind = '{nhse_codes.MEANINGFUL_ASSESSMENT}'
                           AND e.code IN ({sql_codes(nhse_codes.CYP_ASSESSMENTS_THAT_HELP)}))""",
    },
)

_LOCAL_FIRST_HELP = _SpellRule(
    cohort=f"coalesce(r.team_type IN ({sql_codes(CMH_TEAM_TYPES)}), true)",
    by_referral=False,
    stop=_all_of("first_contact", "first_help"),
)

_SPELL_RULES = {"cmh4": _NHSE_ADULT, "cyp4": _NHSE_CYP, "cmh4-first-help": _LOCAL_FIRST_HELP}


def _spell_cohort(con: duckdb.DuckDBPyConnection, census: date, rule: _SpellRule) -> None:
    """clk_cmh: the rule's referrals with the first dates of their own attended contacts.

    The first contacts of each referral are grouped by the referral's row (an integer, cheaper to group and
    join on than referral_id; referral IDs are unique), from the contacts already linked to their referrals
    (contacts_with_referrals). People with more than one referral are found by grouping a fingerprint of
    person_id (cheaper than the text); should two people share one, both simply take the spell path, where a
    spell of one referral is that referral, so the answer is the same."""
    c = _day(census)
    linked = ""
    if rule.by_referral:
        # NHS England leaves out a referral with a hospital spell (MHS501 joined by UniqServReqID).
        linked = f"""ANTI JOIN (SELECT DISTINCT referral_id FROM ward_stays
                               WHERE referral_id IS NOT NULL AND admission_date <= {c}) h
                     ON h.referral_id = r.referral_id"""
    first = "min(c.contact_date) FILTER"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clk_cmh AS
        SELECT r.referral_id, r.person_id, {fingerprint("r.person_id")} AS ph, r.team_id,
               r.referral_date AS s, coalesce(r.removal_date, {_OPEN}) AS e, r.removal_date,
               a.first_contact, a.first_assess,
               -- a care plan or intervention: a contact or the treatment start date (least() skips blanks)
               least(a.first_treat, r.treatment_start_date) AS first_treat,
               least(a.first_help, r.treatment_start_date) AS first_help
        FROM clk_referrals r
        LEFT JOIN (SELECT c.referral_row AS rid, min(c.contact_date) AS first_contact,
                          {first} (WHERE {flag("helps")}) AS first_help,
                          {first} (WHERE {flag("assesses")}) AS first_assess,
                          {first} (WHERE {flag("treats")}) AS first_treat
                   FROM {contacts_with_referrals(con)} c
                   WHERE {_attended(census)}
                   GROUP BY c.referral_row) a ON a.rid = r.rid
        {linked}
        WHERE {rule.cohort}"""
    )


def _spell_groups(con: duckdb.DuckDBPyConnection) -> None:
    """clk_spells: one row per spell with its start, removal and first dates (per person and spell_no).

    Referrals of one person whose intervals overlap or are at most 5 days apart form a spell, so a transfer
    between teams does not restart the clock. Most people have one referral: their spell is that referral,
    so spells are only built (with window functions) for people with more than one, and a single referral's
    spell carries its referral_id and team_id at once (blank for the others: see _spell_carriers)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE clk_multi AS SELECT ph FROM clk_cmh GROUP BY ph HAVING count(*) > 1"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clk_spell_members AS
        WITH w AS (SELECT *, max(e) OVER (PARTITION BY person_id ORDER BY s, referral_id
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
                   FROM clk_cmh SEMI JOIN clk_multi USING (ph))
        SELECT *, sum(CASE WHEN prev_end IS NULL OR s > prev_end + {SPELL_GAP_DAYS} THEN 1 ELSE 0 END)
                  OVER (PARTITION BY person_id ORDER BY s, referral_id) AS spell_no
        FROM w"""
    )
    firsts = "first_contact, first_assess, first_treat, first_help"
    # Views, not tables: copying ten million single-referral spells costs more than reading them twice.
    con.execute("DROP VIEW IF EXISTS clk_stops; DROP VIEW IF EXISTS clk_spells")
    con.execute(
        f"""CREATE TEMP VIEW clk_spells AS
        SELECT referral_id, team_id, person_id, 1::BIGINT AS spell_no, s AS clock_start, removal_date,
               {firsts}
        FROM clk_cmh ANTI JOIN clk_multi USING (ph)
        UNION ALL
        SELECT NULL, NULL, person_id, spell_no, min(s), CASE WHEN max(e) < {_OPEN} THEN max(e) END,
               min(first_contact), min(first_assess), min(first_treat), min(first_help)
        FROM clk_spell_members GROUP BY person_id, spell_no"""
    )


def _spell_events(con: duckdb.DuckDBPyConnection, census: date, rule: _SpellRule) -> str:
    """SQL for clk_spells with the rule's ev_* columns: the first event of each kind inside the spell.

    An event belongs to a spell when it is the person's, dated from the spell's start to its end (its last
    removal, or the census), and either has no referral or has one the rule counts (as NHS England joins
    MHS202, MHS204, MHS606 and MHS607 rows to in-scope referrals, and MHS008/MHS009 care plans by person)."""
    if not rule.events:
        return "clk_spells"
    either = " OR ".join(f"({condition})" for condition in rule.events.values())
    columns = ", ".join(
        f"min(e.d) FILTER (WHERE {condition}) AS {name}" for name, condition in rule.events.items()
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clk_spell_events AS
        SELECT sp.person_id, sp.spell_no, {columns}
        FROM clk_spells sp
        JOIN (SELECT * FROM clk_events e
              WHERE ({either})
                AND (e.referral_id IS NULL OR e.referral_id IN (SELECT referral_id FROM clk_cmh))) e
          ON e.person_id = sp.person_id
         AND e.d BETWEEN sp.clock_start AND coalesce(sp.removal_date, {_day(census)})
        GROUP BY sp.person_id, sp.spell_no"""
    )
    return "(SELECT * FROM clk_spells LEFT JOIN clk_spell_events USING (person_id, spell_no))"


def _spell_waits(con: duckdb.DuckDBPyConnection, census: date, name: str) -> str:
    """SQL for a spell rule: one row per spell, carried by the referral open when the clock stopped (or the
    spell's latest referral), so each person's wait is counted once."""
    rule = _SPELL_RULES[name]
    _spell_cohort(con, census, rule)
    _spell_groups(con)
    spells = _spell_events(con, census, rule)
    con.execute(f"CREATE TEMP VIEW clk_stops AS SELECT *, {rule.stop} AS stop_date FROM {spells}")
    carried = """SELECT referral_id, team_id, person_id, clock_start, stop_date, removal_date
                 FROM clk_stops WHERE referral_id IS NOT NULL
                 UNION ALL
                 SELECT referral_id, team_id, person_id, clock_start, stop_date, removal_date FROM (
                     SELECT m.referral_id, m.team_id, sp.person_id, sp.clock_start, sp.stop_date,
                            sp.removal_date,
                            -- the referral open on the stop date; otherwise the latest one
                            row_number() OVER (PARTITION BY sp.person_id, sp.spell_no
                                ORDER BY (sp.stop_date IS NOT NULL AND sp.stop_date BETWEEN m.s AND m.e) DESC,
                                         m.s DESC, m.referral_id DESC) AS pick
                     FROM clk_stops sp JOIN clk_spell_members m USING (person_id, spell_no)
                     WHERE sp.referral_id IS NULL)
                 WHERE pick = 1"""
    # A spell with a hospital stay starting inside it is left out: for NHS England only the stays no referral
    # is linked to (the linked ones took their referral out already). An anti join rather than NOT EXISTS:
    # DuckDB would first group every spell by its correlated columns.
    unlinked = "WHERE referral_id IS NULL" if rule.by_referral else ""
    return f"""SELECT sp.* FROM ({carried}) sp
               ANTI JOIN (SELECT person_id, admission_date FROM ward_stays {unlinked}) h
                    ON h.person_id = sp.person_id
                   AND h.admission_date BETWEEN sp.clock_start
                                            AND coalesce(sp.removal_date, {_day(census)})"""


# --------------------------------------------------------------------------------------------------
# Follow-up after discharge


def _followup_waits(con: duckdb.DuckDBPyConnection, census: date) -> str:
    """SQL for followup72 (menh_publications 02_72HOURS PrepViews.py, MHS78 and MHS79): one row per hospital
    spell discharged from an adult acute bed (its last ward stay's bed type) by the census, to a destination
    that counts; the clock stops at the person's first attended contact, with any team, or their next
    admission, after the day of discharge."""
    c = _day(census)
    order = "coalesce(ward_start_date, admission_date)"
    return f"""WITH stays AS (
            SELECT spell_id, any_value(person_id) AS person_id, max(discharge_date) AS discharge_date,
                   arg_max(ward_id, {order}) AS ward_id, arg_max(bed_type, {order}) AS bed_type,
                   arg_max(discharge_destination, {order}) AS destination
            FROM ward_stays WHERE admission_date <= {c} GROUP BY spell_id),
        follow AS (
            SELECT r.person_id, c.contact_date AS d
            FROM {contacts_with_referrals(con)} c JOIN clk_referrals r ON r.rid = c.referral_row
            WHERE {_attended(census)}
            UNION ALL
            SELECT person_id, admission_date FROM ward_stays WHERE admission_date <= {c})
        SELECT s.spell_id AS referral_id, s.ward_id AS team_id, s.person_id, s.discharge_date AS clock_start,
               min(f.d) AS stop_date, NULL::DATE AS removal_date
        FROM stays s LEFT JOIN follow f ON f.person_id = s.person_id AND f.d > s.discharge_date
        WHERE s.discharge_date <= {c} AND s.bed_type IN ({sql_codes(ADULT_ACUTE_BED_TYPES)})
          AND coalesce(s.destination NOT IN ({sql_codes(FOLLOWUP_EXCLUDED_DESTINATIONS)}), true)
        GROUP BY ALL"""


# NHS England's adult rule cannot stop a clock in an extract with no outcome measures at all (a simple-route
# extract without events.csv, or a team whose saved rows have none): the earlier local rule is shown
# instead, under its own label, rather than a list on which nobody is ever seen.
FALLBACKS = {"cmh4": "cmh4-first-help"}


def _any_outcome_measure(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM clk_events WHERE kind = '{nhse_codes.OUTCOME_MEASURE}' LIMIT 1)"
    ).fetchone()
    return bool(found and found[0])


def _fallback(wanted: ClockRule, used: ClockRule) -> ClockRule:
    return replace(
        used,
        description=f"{used.description} It is shown instead of the {wanted.label}, which needs baseline "
        "outcome measures (events.csv), because this extract has none.",
    )


def compute_waits(
    con: duckdb.DuckDBPyConnection,
    rule: str,
    census: date,
    *,
    paused: bool = False,
    standard_days: int | None = None,
    into: str = "waits",
) -> ClockRule:
    """Write the table `into` with one wait per referral (per spell, or per discharge: see the module's
    notes) and return the rule used. `standard_days` replaces the rule's standard."""
    spec = get_rule(rule)
    _prepare(con, census, attended=rule in ("eip", "first-contact", "hidden-wait"))
    if rule in ("eip", "cmh4", "cyp4"):
        _events(con, census)
    if rule in FALLBACKS and not _any_outcome_measure(con):
        rule, spec = FALLBACKS[rule], _fallback(spec, RULES[FALLBACKS[rule]])
    standard = spec.standard_days if standard_days is None else standard_days
    if standard != spec.standard_days:
        spec = replace(spec, standard_days=standard)
    if rule in _SPELL_RULES:
        source = _spell_waits(con, census, rule)
    elif rule == "followup72":
        source = _followup_waits(con, census)
    else:
        source = _per_referral_stops(con, rule)
    c = _day(census)
    base = f"""SELECT referral_id, team_id, clock_start,
            CASE WHEN stop_date IS NOT NULL AND (removal_date IS NULL OR stop_date <= removal_date)
                 THEN 'stopped' WHEN removal_date IS NOT NULL THEN 'removed' ELSE 'waiting' END AS status,
            CASE WHEN stop_date IS NOT NULL AND (removal_date IS NULL OR stop_date <= removal_date)
                 THEN stop_date ELSE removal_date END AS clock_stop
        FROM ({source}) WHERE clock_start <= {c}"""
    days = "(coalesce(b.clock_stop, " + c + ") - b.clock_start)"
    if paused:
        days = f"({days} - coalesce(p.paused_days, 0))"
        pauses = f"""LEFT JOIN (
            SELECT b2.referral_id, sum(greatest(0,
                least(coalesce(q.pause_end, {c}), coalesce(b2.clock_stop, {c}))
                - greatest(q.pause_start, b2.clock_start)))::BIGINT AS paused_days
            FROM clk_base b2 JOIN clock_pauses q USING (referral_id) GROUP BY 1) p USING (referral_id)"""
    else:
        pauses = ""
    within = "NULL::BOOLEAN" if standard is None else f"{days} <= {standard}"
    # Unordered: readers that need an order (fetch_waits, write_waits_csv) sort as they read.
    con.execute(
        f"""CREATE OR REPLACE TABLE {into} AS
        WITH clk_base AS ({base})
        SELECT b.referral_id, b.team_id, b.clock_start, b.clock_stop, {days}::BIGINT AS wait_days, b.status,
               CASE WHEN b.status = 'removed' THEN NULL ELSE {within} END AS within_standard
        FROM clk_base b {pauses}"""
    )
    return spec


def fetch_waits(con: duckdb.DuckDBPyConnection, table: str = "waits") -> list[Wait]:
    rows = con.execute(f"SELECT {', '.join(WAIT_COLUMNS)} FROM {table} ORDER BY {_WAIT_ORDER}").fetchall()
    return [Wait(*row) for row in rows]


def write_waits_csv(con: duckdb.DuckDBPyConnection, path: str, table: str = "waits") -> int:
    """Write the CLI's waits.csv; within_standard is blank for removals."""
    con.execute(
        f"COPY (SELECT {', '.join(WAIT_COLUMNS)} FROM {table} ORDER BY {_WAIT_ORDER}) "
        "TO ? (HEADER, DELIMITER ',')",
        [str(path)],
    )
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --------------------------------------------------------------------------------------------------
# Ward length of stay


def compute_lengths_of_stay(
    con: duckdb.DuckDBPyConnection, census: date, *, inclusive: bool = False, into: str = "stays"
) -> None:
    """One row per hospital spell: length of stay in days, or days so far for people still in hospital.

    The default counts bed-nights (discharge - admission). `inclusive=True` adds 1, as NHS England's
    acute dashboard does; say which one a chart uses.
    """
    c = f"DATE '{census.isoformat()}'"
    extra = " + 1" if inclusive else ""
    con.execute(
        f"""CREATE OR REPLACE TABLE {into} AS
        SELECT spell_id, any_value(person_id) AS person_id,
               arg_min(ward_id, coalesce(ward_start_date, admission_date))
                   AS first_ward_id,
               arg_max(ward_id, coalesce(ward_start_date, admission_date)) AS last_ward_id,
               min(admission_date) AS admission_date,
               CASE WHEN max(discharge_date) <= {c} THEN max(discharge_date) END AS discharge_date,
               (coalesce(CASE WHEN max(discharge_date) <= {c} THEN max(discharge_date) END, {c})
                 - min(admission_date)){extra} AS los_days,
               NOT coalesce(max(discharge_date) <= {c}, false) AS still_in
        FROM ward_stays WHERE admission_date <= {c}
        GROUP BY spell_id"""
    )
