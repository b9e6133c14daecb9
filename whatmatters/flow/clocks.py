"""Clock rules: when a wait starts and stops (flow.md §2.2 and §2.4).

Each rule reads the typed tables made by `validate_extract` (`referrals`, `contacts`, and for some rules
`ward_stays` and `clock_pauses`) and writes a table of waits, one row per referral (for `cmh4`, one row per
spell; see below), with the same columns as the `flow waits` CLI output.

Shared definitions:
- The waiting interval is [clock_start, clock_stop). The clock stops at the rule's first clock-stop event,
  or at a removal (rejected, closed or discharged) if that comes first. A stop on the same day as a removal
  counts as a stop: the person was seen.
- Nothing after the census date is used. Still waiting at the census: wait_days = census - clock_start.
- Headline waits are never paused (NHS England publishes none). `paused=True` subtracts clock_pauses.csv
  and the rule's label says so.
"""

# SQL in this module is assembled only from the contract's own column names, fixed codes and Python dates;
# values read from files never become SQL text (file paths are bound parameters).
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from whatmatters.flow.database import fingerprint, sql_codes
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


@dataclass(frozen=True)
class ClockRule:
    name: str
    standard_days: int
    label: str
    description: str


RULES: dict[str, ClockRule] = {
    "eip": ClockRule(
        "eip",
        14,
        "Early Intervention in Psychosis (EIP) wait",
        "From referral to the later of the first attended contact and a care coordinator being allocated. "
        "The standard is 14 days.",
    ),
    "cmh4": ClockRule(
        "cmh4",
        28,
        "Community mental health 4-week wait",
        "From the start of a spell of referrals (gaps of 5 days or less are joined, so a transfer does not "
        "restart the clock) to the later of the first attended contact and the first assessment, care plan "
        "or intervention. The standard is 28 days.",
    ),
    "first-contact": ClockRule(
        "first-contact",
        28,
        "Wait for a first appointment",
        "From referral to the first attended contact. The standard used here is 28 days.",
    ),
    "hidden-wait": ClockRule(
        "hidden-wait",
        28,
        "Wait between first and second appointment (the hidden wait)",
        "From the first attended contact (the assessment) to the second attended contact. "
        "The standard used here is 28 days.",
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


def _attended(census: date) -> str:
    """SQL condition: linked contact c (see links) is attended, by a mechanism that counts, on or after
    its referral's date and by the census."""
    census_sql = f"DATE '{census.isoformat()}'"
    return f"{flag('attended')} AND c.contact_date >= c.referral_date AND c.contact_date <= {census_sql}"


def _prepare(con: duckdb.DuckDBPyConnection, census: date, attended: bool = True) -> None:
    """Referrals and (unless `attended` is False) attended contacts as they stood on the census date.

    clk_referrals is a view: copying ten million referrals into a table costs more than working the few
    CASEs out again where they are read. Its rid is the referral's row, which is unique in each table
    (the file's row for validated extracts; a running number where the tables are loaded otherwise)."""
    c = f"DATE '{census.isoformat()}'"
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW clk_referrals AS
        SELECT row AS rid, referral_id, person_id, team_id, team_type, primary_reason, referral_date,
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


def _per_referral_stops(rule: str) -> str:
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
        # Blank team type or primary reason do not exclude a referral: local extracts often lack them.
        return f"""SELECT r.referral_id, r.team_id, r.person_id, r.referral_date AS clock_start,
                       CASE WHEN f.first_attended IS NOT NULL AND r.care_coord_date IS NOT NULL
                            THEN greatest(f.first_attended, r.care_coord_date) END AS stop_date,
                       r.removal_date
                   FROM clk_referrals r LEFT JOIN {first} USING (referral_id)
                   WHERE coalesce(r.team_type IN ({sql_codes(EIP_TEAM_TYPES)}), true)
                     AND coalesce(r.primary_reason = '{EIP_PRIMARY_REASON}', true)"""
    if rule == "hidden-wait":
        # Only people who have had a first appointment are in this wait.
        return f"""SELECT r.referral_id, r.team_id, r.person_id, f.first_attended AS clock_start,
                       f.second_attended AS stop_date, r.removal_date
                   FROM clk_referrals r JOIN {first} USING (referral_id)
                   WHERE r.removal_date IS NULL OR r.removal_date >= f.first_attended"""
    raise ValueError(rule)


def _cmh_spells(con: duckdb.DuckDBPyConnection, census: date) -> str:
    """SQL for cmh4: one row per spell, carried by the referral open when the clock stopped.

    Referrals of one person whose intervals overlap or are at most 5 days apart form a spell, so a
    transfer between teams does not restart the clock. The spell's row carries the referral during which
    the clock stopped (or the spell's latest referral), so each person's wait is counted once. A spell
    with a hospital stay starting inside it is left out, as NHS England does.

    Most people have one referral: their spell is that referral, so spells are only built (with window
    functions) for people with more than one.
    """
    c = f"DATE '{census.isoformat()}'"
    # The first contacts of each referral, grouped by the referral's row (an integer, cheaper to group
    # and join on than referral_id; referral IDs are unique), from the contacts already linked to their
    # referrals (contacts_with_referrals). People with more than one referral are found by grouping a
    # fingerprint of person_id (cheaper than the text); should two people share one, both simply take the
    # spell path, where a spell of one referral is that referral, so the answer is the same.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clk_cmh AS
        SELECT r.referral_id, r.person_id, {fingerprint("r.person_id")} AS ph, r.team_id,
               r.referral_date AS s,
               coalesce(r.removal_date, {_OPEN}) AS e, r.removal_date,
               a.first_contact,
               -- the first assessment, care plan or intervention: a contact or the treatment start date
               least(a.first_help, r.treatment_start_date) AS first_help
        FROM clk_referrals r
        LEFT JOIN (SELECT c.referral_row AS rid, min(c.contact_date) AS first_contact,
                          min(c.contact_date) FILTER (WHERE {flag("helps")}) AS first_help
                   FROM {contacts_with_referrals(con)} c
                   WHERE {_attended(census)}
                   GROUP BY c.referral_row) a ON a.rid = r.rid
        WHERE coalesce(r.team_type IN ({sql_codes(CMH_TEAM_TYPES)}), true)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE clk_multi AS
        SELECT ph FROM clk_cmh GROUP BY ph HAVING count(*) > 1"""
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
    stop = """CASE WHEN first_contact IS NOT NULL AND first_help IS NOT NULL
                   THEN greatest(first_contact, first_help) END"""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE clk_spells AS
        WITH spells AS (
            SELECT person_id, spell_no, min(s) AS clock_start,
                   CASE WHEN max(e) < {_OPEN} THEN max(e) END AS removal_date,
                   min(first_contact) AS first_contact, min(first_help) AS first_help
            FROM clk_spell_members GROUP BY ALL),
        stopped AS (SELECT *, {stop} AS stop_date FROM spells),
        ranked AS (
            SELECT m.referral_id, m.team_id, sp.person_id, sp.clock_start, sp.stop_date, sp.removal_date,
                   -- the referral open on the stop date; otherwise the latest one
                   row_number() OVER (PARTITION BY sp.person_id, sp.spell_no
                       ORDER BY (sp.stop_date IS NOT NULL AND sp.stop_date BETWEEN m.s AND m.e) DESC,
                                m.s DESC, m.referral_id DESC) AS pick
            FROM stopped sp JOIN clk_spell_members m USING (person_id, spell_no))
        SELECT referral_id, team_id, person_id, clock_start, stop_date, removal_date
        FROM ranked WHERE pick = 1"""
    )
    spells = f"""SELECT referral_id, team_id, person_id, s AS clock_start, {stop} AS stop_date, removal_date
                 FROM clk_cmh ANTI JOIN clk_multi USING (ph)
                 UNION ALL SELECT * FROM clk_spells"""
    # An anti join rather than NOT EXISTS: DuckDB would first group every spell by its correlated columns.
    return f"""SELECT sp.* FROM ({spells}) sp
               ANTI JOIN ward_stays h ON h.person_id = sp.person_id
                     AND h.admission_date BETWEEN sp.clock_start AND coalesce(sp.removal_date, {c})"""


def compute_waits(
    con: duckdb.DuckDBPyConnection,
    rule: str,
    census: date,
    *,
    paused: bool = False,
    standard_days: int | None = None,
    into: str = "waits",
) -> ClockRule:
    """Write the table `into` with one wait per referral (per spell for cmh4) and return the rule used."""
    spec = get_rule(rule)
    standard = spec.standard_days if standard_days is None else standard_days
    if standard != spec.standard_days:
        spec = ClockRule(spec.name, standard, spec.label, spec.description)
    _prepare(con, census, attended=rule != "cmh4")
    source = _cmh_spells(con, census) if rule == "cmh4" else _per_referral_stops(rule)
    c = f"DATE '{census.isoformat()}'"
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
    # Unordered: readers that need an order (fetch_waits, write_waits_csv) sort as they read.
    con.execute(
        f"""CREATE OR REPLACE TABLE {into} AS
        WITH clk_base AS ({base})
        SELECT b.referral_id, b.team_id, b.clock_start, b.clock_stop, {days}::BIGINT AS wait_days, b.status,
               CASE WHEN b.status = 'removed' THEN NULL ELSE {days} <= {standard} END AS within_standard
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
