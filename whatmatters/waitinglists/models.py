"""Pseudonymised waiting-list rows (referrals, contacts, ward stays, clock pauses) and their imports.

Rows carry no names or NHS numbers: a file with a valid NHS number is refused whole before anything is
saved. Each row belongs to a team, found through `ExtractTeam` (the extract's team or ward code). Natural
keys make re-importing the same extract change nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel


class ClockRuleChoice(models.TextChoices):
    EIP = "eip", "Early Intervention in Psychosis: 14 days to help"
    CMH4 = "cmh4", "Community mental health: 4 weeks to help"
    FIRST_CONTACT = "first-contact", "Wait for a first appointment"
    WARD = "ward", "Ward: admissions, discharges and occupancy"


DATA_GAP_DAYS = 28  # an extract whose dates stop this long before its given date is taken to end there


class ExtractTeam(AuditedModel):
    """Which of our teams an extract's team code (team_id in referrals, ward_id in ward stays) means."""

    code = models.CharField("Code in the extract", max_length=64, unique=True)
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="extract_codes")
    clock_rule = models.CharField("How waits are counted", max_length=20, choices=ClockRuleChoice.choices)
    beds = models.PositiveSmallIntegerField("Beds (wards only)", null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.team.slug}"

    def audit_team(self) -> Any:
        return self.team


class ExtractImport(models.Model):
    """One import of an extract (from the upload page or the command line), with its progress and results."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SAVED = "saved", "Saved"
        CHECKED = "checked", "Checked (nothing saved: trial run)"
        REJECTED = "rejected", "Nothing saved: the extract has problems"
        FAILED = "failed", "Nothing saved: something went wrong"
        # An extract older than the one loaded waits for a person to choose: import it as history, or cancel.
        CONFIRM = "confirm", "Nothing saved yet: import it as history, or cancel"
        CANCELLED = "cancelled", "Cancelled: nothing saved"

    uploaded_by = models.ForeignKey("teams.User", on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=200, help_text="The folder or files it came from.")
    digest = models.CharField(
        max_length=64, db_index=True, help_text="SHA-256 of the files, to spot repeats."
    )
    extract_date = models.DateField()
    team_map = models.JSONField(default=dict, help_text="Extract codes mapped to team slugs for this import.")
    dry_run = models.BooleanField(default=False)
    as_history = models.BooleanField(
        default=False,
        help_text="An extract older than the one loaded, kept as history: its measures are worked out at its "
        "own census date and fill only periods that have no value; its rows never replace newer ones.",
    )
    threshold = models.FloatField(default=0.01)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Per file: rows read, rejected, kept; rows saved.")
    rejects_by_rule = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)
    rejects_csv = models.TextField(blank=True)
    teams = models.ManyToManyField("teams.Team", blank=True, related_name="extract_imports")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} ({self.created_at:%Y-%m-%d})"

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING, self.Status.CONFIRM)

    @property
    def waiting_for_choice(self) -> bool:
        return self.status == self.Status.CONFIRM

    @property
    def ends_on(self) -> dt.date:
        """When the extract ends: the date it was taken, unless its own dates stop more than 4 weeks before
        that (an old extract given today's date, say); then its latest date. An older extract is found,
        and one kept as history is worked out, at this date."""
        gap = dt.timedelta(days=DATA_GAP_DAYS)
        if self.last_date is not None and self.last_date < self.extract_date - gap:
            return self.last_date
        return self.extract_date

    @property
    def missing_sentences(self) -> list[str]:
        """What this (newer) extract removed or moved, in plain words, for its page and the command."""
        saved = self.counts.get("saved") or {}
        out = []
        removed, stays = saved.get("referrals_removed", 0), saved.get("ward_stays_removed", 0)
        if removed or stays:
            parts = [
                f"{n:,} {word if n == 1 else word + 's'}"
                for n, word in ((removed, "referral"), (stays, "ward stay"))
                if n
            ]
            one = removed + stays == 1
            out.append(
                f"{' and '.join(parts)} saved before {'is' if one else 'are'} not in this extract, so "
                f"{'it was' if one else 'they were'} removed: still open, or begun within the dates this "
                "extract covers, this extract would have had them. Referrals that closed before it begins "
                "are kept."
            )
        moved = saved.get("referrals_moved", 0)
        if moved:
            out.append(
                f"{moved:,} {'referral' if moved == 1 else 'referrals'} saved before under another team "
                f"{'is' if moved == 1 else 'are'} now under the team this extract gives; the other team's "
                "waiting list and flow pages were worked out again."
            )
        return out

    @property
    def reject_rows(self) -> int:
        return sum(r["rows"] for r in self.rejects_by_rule)


class StoredResult(models.Model):
    """A team's flow or Plan ahead page, worked out when an extract was imported, so a page view reads it
    instead of loading the team's rows into DuckDB. One per team and page: the next import replaces it.

    `setting` names the team's codes, clock rules and beds it was worked out with: when they change, the
    page works it out again (once) and stores that.
    """

    class Page(models.TextChoices):
        FLOW = "flow", "Waiting list and flow"
        PLAN = "plan", "Plan ahead"

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    extract_import = models.ForeignKey(ExtractImport, on_delete=models.CASCADE, related_name="results")
    page = models.CharField(max_length=10, choices=Page.choices)
    census = models.DateField()
    setting = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "page"], name="one_result_per_team_page")]

    def __str__(self) -> str:
        return f"{self.page} for team {self.team_id} from import {self.extract_import_id}"


class ImportFile(models.Model):
    """An uploaded file, kept until its import has run."""

    extract_import = models.ForeignKey(ExtractImport, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=40)  # referrals, contacts, ward_stays, clock_pauses
    content = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["extract_import", "name"], name="one_file_per_name")]

    def __str__(self) -> str:
        return f"{self.name}.csv"


class Referral(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    referral_id = models.CharField(max_length=64, unique=True)
    person_id = models.CharField(max_length=64, help_text="A pseudonym, never an NHS number.")
    team_code = models.CharField(max_length=64)
    team_type = models.CharField(max_length=10, blank=True)
    referral_date = models.DateField()
    priority = models.CharField(max_length=4, blank=True)
    primary_reason = models.CharField(max_length=64, blank=True)
    rejected_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    discharge_date = models.DateField(null=True, blank=True)
    care_coord_date = models.DateField(null=True, blank=True)
    treatment_start_date = models.DateField(null=True, blank=True)
    age_at_referral = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Whole years when the referral was received; blank is unknown."
    )
    # The latest import whose extract had this referral: one saved before but missing from a newer extract
    # of its team is found by it (see importing._remove_missing).
    seen_in = models.ForeignKey(
        "ExtractImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["team", "referral_date"]), models.Index(fields=["person_id"])]

    def __str__(self) -> str:
        return self.referral_id


class Contact(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    contact_id = models.CharField(max_length=64, unique=True)
    referral_id = models.CharField(max_length=64, db_index=True)
    contact_date = models.DateField()
    attend_status = models.CharField(max_length=4)
    consultation_mechanism = models.CharField(max_length=4, blank=True)
    contact_kind = models.CharField(max_length=20, blank=True)
    cancelled_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "contact_date"])]

    def __str__(self) -> str:
        return self.contact_id


class WardStay(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    spell_id = models.CharField(max_length=64)
    ward_id = models.CharField(max_length=64)
    ward_start = models.DateField(help_text="The ward start date, or the admission date when it is blank.")
    person_id = models.CharField(max_length=64)
    admission_date = models.DateField()
    discharge_date = models.DateField(null=True, blank=True)
    ward_start_date = models.DateField(null=True, blank=True)
    ward_end_date = models.DateField(null=True, blank=True)
    referral_id = models.CharField(max_length=64, blank=True)
    # The follow-up within 72 hours counts discharges from adult acute beds to destinations that need one.
    bed_type = models.CharField(max_length=64, blank=True)
    admission_method = models.CharField(max_length=64, blank=True)
    discharge_destination = models.CharField(max_length=64, blank=True)
    seen_in = models.ForeignKey(
        "ExtractImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["spell_id", "ward_id", "ward_start"], name="one_ward_stay_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.spell_id} {self.ward_id}"


class ClockPause(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    referral_id = models.CharField(max_length=64)
    pause_start = models.DateField()
    pause_end = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral_id", "pause_start"], name="one_pause_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.pause_start.isoformat()}"


class Event(models.Model):
    """Something else that happened in someone's care that NHS England's clock rules look at (events.csv, or
    MHSDS MHS006, MHS008, MHS009, MHS202, MHS204, MHS606 and MHS607 rows mapped to it).

    `team` is the team of the referral it belongs to (its own, else its contact's), or null for an event
    known only by person (a care coordinator, say); a team's flow pages read the events of the people with a
    referral in that team, as the clock rules match events to referrals by person and date.
    """

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event_id = models.CharField(max_length=64, unique=True)
    person_id = models.CharField(max_length=64, db_index=True)
    referral_id = models.CharField(max_length=64, blank=True)
    contact_id = models.CharField(max_length=64, blank=True)
    event_kind = models.CharField(max_length=30)
    event_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    code = models.CharField(max_length=200, blank=True)
    team_type = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.event_id
