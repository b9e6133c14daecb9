"""Each contact with what the clock rules and the measures need of it and of its referral.

Validation has to join every contact to its referral anyway (a contact must point at a kept referral,
and not more than a day before it). It keeps what that join found in the table `contact_links`, so the
later steps never join ten million referrals again:

    rid            the contact's rowid in checked_contacts (to leave out contacts rejected later)
    referral_row   the referral's row (an integer key for the referral; NULL when there is none, and
                   set to NULL when the contact is rejected: see create_view)
    team_no        the referral's team, as a number (flow_teams names it)
    referral_date  the referral's date
    contact_date   the contact's date
    flags          what kind of contact it is, as bits (read them with `flag`):
                   attended   attended, by a mechanism that counts towards a clock stop (flow.md §2.1)
                   helps      an assessment, care plan or intervention (the earlier local cmh4 rule's
                              second event)
                   missed     did not attend (the DNA rate's numerator)
                   due        due to happen: attended, late or missed (the DNA rate's denominator)
                   assesses   an assessment (NHS England's 4-week waits: a meaningful assessment)
                   treats     a care plan or intervention (NHS England's 4-week waits)

The flags are packed into one small integer, worked out before the join: carried through a join of 15
million contacts, four true/false columns cost as much again as the join itself.

`contacts_with_referrals` gives the kept contacts with those columns, from the view contact_referrals
when validation made it, or from a plain join of `contacts` and `referrals` when the tables were made
another way (the flow pages load them from the database). Both give the same rows.
"""

# SQL in this module is assembled only from fixed names and the contract's codes.
# ruff: noqa: S608

from __future__ import annotations

import duckdb

from whatmatters.flow import contract
from whatmatters.flow.database import object_type, sql_codes

CONTACT_LINKS = "contact_links"
CONTACT_REFERRALS = "contact_referrals"
TEAMS = "flow_teams"


FLAG_BITS = {"attended": 1, "helps": 2, "missed": 4, "due": 8, "assesses": 16, "treats": 32}


def contact_flags(c: str) -> str:
    """SQL: the flags of contact `c` (a table alias) as one UTINYINT named flags (see FLAG_BITS).

    A blank mechanism counts towards a clock stop: many local extracts do not carry it, and leaving them
    out would stop no clocks at all."""
    conditions = {
        "attended": f"""{c}.attend_status IN ({sql_codes(contract.ATTENDED)})
                        AND ({c}.consultation_mechanism IS NULL
                             OR {c}.consultation_mechanism IN ({sql_codes(contract.COUNTED_MECHANISMS)}))""",
        "helps": f"{c}.contact_kind IN ({sql_codes(contract.CMH_HELP_KINDS)})",
        "missed": f"{c}.attend_status = '{contract.DID_NOT_ATTEND}'",
        "due": f"{c}.attend_status IN ({sql_codes(contract.DNA_DENOMINATOR)})",
        "assesses": f"{c}.contact_kind IN ({sql_codes(contract.ASSESSMENT_KINDS)})",
        "treats": f"{c}.contact_kind IN ({sql_codes(contract.TREATMENT_KINDS)})",
    }
    bits = " + ".join(
        f"CASE WHEN {cond} THEN {FLAG_BITS[name]} ELSE 0 END" for name, cond in conditions.items()
    )
    return f"({bits})::UTINYINT AS flags"


def flag(name: str, c: str = "c") -> str:
    """SQL: true when linked contact `c` has the flag `name` (see FLAG_BITS)."""
    return f"({c}.flags & {FLAG_BITS[name]}) <> 0"


def link_contacts(con: duckdb.DuckDBPyConnection, checked: str, referrals: str = "referrals") -> None:
    """Write flow_teams and contact_links for every row of the table `checked` (kept or not)."""
    con.execute(
        f"""CREATE OR REPLACE TABLE main.{TEAMS} AS
        SELECT team_id, (row_number() OVER (ORDER BY team_id))::INTEGER AS team_no
        FROM (SELECT DISTINCT team_id FROM {referrals})"""
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE main.{CONTACT_LINKS} AS
        SELECT v.rid, k.row::UINTEGER AS referral_row, k.team_no, k.referral_date, v.contact_date, v.flags
        FROM (SELECT rowid::UINTEGER AS rid, referral_id, contact_date, {contact_flags(checked)}
              FROM {checked}) v
        LEFT JOIN (SELECT r.referral_id, r.row, t.team_no, r.referral_date
                   FROM {referrals} r JOIN {TEAMS} t USING (team_id)) k ON k.referral_id = v.referral_id"""
    )


def create_view(con: duckdb.DuckDBPyConnection, checked: str) -> None:
    """The view contact_referrals: the links of the contacts that were kept (no error in `checked`).

    Call it once every check of `checked` is done. Rejected contacts are few, so their links are
    unlinked here once, rather than filtered out by a join in every query that reads the view."""
    con.execute(
        f"""UPDATE {CONTACT_LINKS} SET referral_row = NULL
        WHERE referral_row IS NOT NULL AND rid IN (SELECT rowid FROM {checked} WHERE has_error)"""
    )
    con.execute(
        f"""CREATE VIEW main.{CONTACT_REFERRALS} AS
        SELECT * EXCLUDE (rid) FROM {CONTACT_LINKS} WHERE referral_row IS NOT NULL"""
    )


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"DROP VIEW IF EXISTS main.{CONTACT_REFERRALS}; DROP TABLE IF EXISTS main.{CONTACT_LINKS}; "
        f"DROP TABLE IF EXISTS main.{TEAMS}"
    )


def contacts_with_referrals(con: duckdb.DuckDBPyConnection, *, team: bool = False) -> str:
    """SQL for the kept contacts with referral_row, referral_date, contact_date and flags, and with `team`
    the referral's team_id."""
    if object_type(con, CONTACT_REFERRALS):
        if not team:
            return CONTACT_REFERRALS
        return f"(SELECT c.*, t.team_id FROM {CONTACT_REFERRALS} c JOIN {TEAMS} t USING (team_no))"
    return f"""(SELECT r.row AS referral_row, r.team_id, r.referral_date, c.contact_date, {contact_flags("c")}
               FROM contacts c JOIN referrals r USING (referral_id))"""
