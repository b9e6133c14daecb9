"""The import contract: which files, which columns, which codes (flow.md §2.3).

This module is data only, so the validator, the generator, the docs and the tests
all read the same definition of a valid extract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """How a column's text is checked and then stored."""

    ID = "id"  # an opaque pseudonym, at most MAX_ID_LENGTH characters
    DATE = "date"  # ISO YYYY-MM-DD only
    CODE = "code"  # one of a known list of codes
    TEXT = "text"  # free text we keep but do not check
    WHOLE = "whole"  # a whole number written in digits, from Column.min_value to Column.max_value


MAX_ID_LENGTH = 64
EARLIEST_DATE = date(2016, 1, 1)  # the EIP standard's cohort starts here; older dates are typing errors

# MHSDS AttendStatus (v6) / AttendOrDNACode (earlier): the same codes.
ATTENDED = frozenset({"5", "6"})
DID_NOT_ATTEND = "3"
ATTEND_STATUS_CODES = frozenset({"2", "3", "4", "5", "6", "7"})
# The DNA rate's denominator: appointments that were due to happen (flow.md §2.4).
DNA_DENOMINATOR = frozenset({"3", "5", "6", "7"})

# ConsMechanismMH v5+. Only these count towards a clock stop (flow.md §2.1).
COUNTED_MECHANISMS = frozenset({"01", "02", "04", "11"})
MECHANISM_CODES = frozenset({"01", "02", "03", "04", "05", "06", "09", "10", "11", "12", "13", "98"})

CONTACT_KINDS = frozenset({"assessment", "intervention", "care_plan", "review", "other"})
# Contact kinds that count as "care plan, intervention or assessment recorded" for the CMH 4-week rule.
CMH_HELP_KINDS = frozenset({"assessment", "intervention", "care_plan"})
# The same contact kinds as NHS England's 4-week waits see them: an assessment (a meaningful assessment), and
# a care plan or intervention (help). See the clock rules.
ASSESSMENT_KINDS = frozenset({"assessment"})
TREATMENT_KINDS = frozenset({"intervention", "care_plan"})

PRIORITY_CODES = frozenset({"1", "2", "3", "4"})

# MHSDS AgeServReferRecDate: the person's age in whole years on the day the referral was received.
MAX_AGE = 130

# What events.csv can say happened in someone's care, other than a contact (see whatmatters.flow.nhse_codes
# for which MHSDS codes are which, and the clock rules for which of them stop a clock).
EVENT_KINDS = frozenset(
    {
        "assessment",
        "meaningful_assessment",
        "outcome_measure",
        "care_plan",
        "care_plan_agreed",
        "intervention",
        "consultation",
        "signposting",
        "care_coordinator",
    }
)


def _team_type_codes() -> frozenset[str]:
    """ServTeamTypeRefToMH codes across MHSDS v4.1 to v6 (an unknown one is only a warning)."""
    ranges = {"A": 25, "B": 2, "C": 13, "D": 8, "E": 4, "F": 3, "Z": 2}
    return frozenset(f"{letter}{n:02d}" for letter, top in ranges.items() for n in range(1, top + 1))


TEAM_TYPE_CODES = _team_type_codes()


class Rule(StrEnum):
    """Rule codes written to rejects.csv. Each has one meaning everywhere."""

    FILE_UNREADABLE = "FILE_UNREADABLE"
    MISSING_COLUMN = "MISSING_COLUMN"
    DUPLICATE_HEADER = "DUPLICATE_HEADER"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    MALFORMED_ROW = "MALFORMED_ROW"
    BAD_CHARACTER = "BAD_CHARACTER"
    MISSING_REQUIRED = "MISSING_REQUIRED"
    TOO_LONG = "TOO_LONG"
    BAD_DATE = "BAD_DATE"
    BAD_NUMBER = "BAD_NUMBER"
    FUTURE_DATE = "FUTURE_DATE"
    DATE_TOO_EARLY = "DATE_TOO_EARLY"
    ORDER_VIOLATION = "ORDER_VIOLATION"
    CONTACT_BEFORE_REFERRAL = "CONTACT_BEFORE_REFERRAL"
    DUP_ID = "DUP_ID"
    ORPHAN_REF = "ORPHAN_REF"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    IDENTIFIER_DETECTED = "IDENTIFIER_DETECTED"
    LOOKS_LIKE_FORMULA = "LOOKS_LIKE_FORMULA"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    codes: frozenset[str] | None = None
    # An unknown code in a column that drives a calculation is an error; elsewhere it is a warning.
    unknown_code_is_error: bool = False
    # Older extracts use other header names for the same column.
    aliases: tuple[str, ...] = ()
    # Date columns that must not be before another date column in the same row.
    not_before: str | None = None
    # Check that values are not names (person identifiers). NHS numbers are refused in every column.
    person_identifier: bool = False
    # The longest code kept (an unknown code is kept with a warning where it drives no calculation).
    max_length: int | None = None
    # The smallest and largest whole number allowed (Kind.WHOLE only).
    min_value: int = 0
    max_value: int | None = None


@dataclass(frozen=True)
class FileSpec:
    name: str  # the table name, e.g. "referrals"
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # must be unique in the file
    optional_file: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


REFERRALS = FileSpec(
    name="referrals",
    key=("referral_id",),
    columns=(
        Column("referral_id", Kind.ID, required=True),
        Column("person_id", Kind.ID, required=True, person_identifier=True),
        Column("team_id", Kind.ID, required=True),
        Column("team_type", Kind.CODE, codes=TEAM_TYPE_CODES, max_length=10),
        Column("referral_date", Kind.DATE, required=True),
        Column("priority", Kind.CODE, codes=PRIORITY_CODES, unknown_code_is_error=True, max_length=4),
        Column("primary_reason", Kind.TEXT),
        Column("source_of_referral", Kind.TEXT),
        Column("age_band", Kind.TEXT),
        Column("age_at_referral", Kind.WHOLE, max_value=MAX_AGE),
        Column("rejected_date", Kind.DATE, not_before="referral_date"),
        Column("closed_date", Kind.DATE, not_before="referral_date"),
        Column("discharge_date", Kind.DATE, not_before="referral_date"),
        Column("closure_reason", Kind.TEXT),
        Column("care_coord_date", Kind.DATE),
        Column("treatment_start_date", Kind.DATE, not_before="referral_date"),
    ),
)

CONTACTS = FileSpec(
    name="contacts",
    key=("contact_id",),
    columns=(
        Column("contact_id", Kind.ID, required=True),
        Column("referral_id", Kind.ID, required=True),
        Column("contact_date", Kind.DATE, required=True),
        Column(
            "attend_status",
            Kind.CODE,
            required=True,
            codes=ATTEND_STATUS_CODES,
            unknown_code_is_error=True,
            aliases=("attend_or_dna_code",),
            max_length=4,
        ),
        Column("consultation_mechanism", Kind.CODE, codes=MECHANISM_CODES, max_length=4),
        Column("contact_kind", Kind.CODE, codes=CONTACT_KINDS, max_length=20),
        Column("cancelled_date", Kind.DATE),
        Column("earliest_reasonable_offer_date", Kind.DATE),
    ),
)

WARD_STAYS = FileSpec(
    name="ward_stays",
    key=("spell_id", "ward_id", "ward_start_date"),
    columns=(
        Column("spell_id", Kind.ID, required=True),
        Column("person_id", Kind.ID, required=True, person_identifier=True),
        Column("ward_id", Kind.ID, required=True),
        Column("bed_type", Kind.TEXT),
        Column("admission_date", Kind.DATE, required=True),
        Column("discharge_date", Kind.DATE, not_before="admission_date"),
        Column("ward_start_date", Kind.DATE, not_before="admission_date"),
        Column("ward_end_date", Kind.DATE, not_before="ward_start_date"),
        Column("admission_method", Kind.TEXT),
        Column("discharge_destination", Kind.TEXT),
        Column("referral_id", Kind.ID),
    ),
)

CLOCK_PAUSES = FileSpec(
    name="clock_pauses",
    key=("referral_id", "pause_start"),
    optional_file=True,
    columns=(
        Column("referral_id", Kind.ID, required=True),
        Column("pause_start", Kind.DATE, required=True),
        Column("pause_end", Kind.DATE, not_before="pause_start"),
        Column("reason", Kind.TEXT),
    ),
)

# Things that happened in someone's care that NHS England's clock rules look at, other than contacts
# (MHSDS MHS006, MHS008, MHS009, MHS202, MHS204, MHS606, MHS607). An event with a referral_id belongs to that
# referral; one with only a person_id is matched to referrals by person and date.
EVENTS = FileSpec(
    name="events",
    key=("event_id",),
    optional_file=True,
    columns=(
        Column("event_id", Kind.ID, required=True),
        Column("person_id", Kind.ID, required=True, person_identifier=True),
        Column("referral_id", Kind.ID),
        Column("contact_id", Kind.ID),
        Column(
            "event_kind",
            Kind.CODE,
            required=True,
            codes=EVENT_KINDS,
            unknown_code_is_error=True,
            max_length=30,
        ),
        Column("event_date", Kind.DATE, required=True),
        Column("end_date", Kind.DATE, not_before="event_date"),
        Column("code", Kind.TEXT),
        Column("team_type", Kind.CODE, codes=TEAM_TYPE_CODES, max_length=10),
        Column("source", Kind.TEXT),
    ),
)

# Referrals first and contacts second: the files after them are checked against the rows kept there.
FILES: tuple[FileSpec, ...] = (REFERRALS, CONTACTS, WARD_STAYS, CLOCK_PAUSES, EVENTS)
FILES_BY_NAME = {spec.name: spec for spec in FILES}
