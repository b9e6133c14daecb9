"""Quality domains, aims, driver diagrams, measures and their values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from whatmatters.audit.tracking import AuditedModel
from whatmatters.spc.model import CHART_NAMES, RATIO_CHARTS


class DomainQuerySet(models.QuerySet["Domain"]):
    def for_team(self, team: Any) -> DomainQuerySet:
        """A team's own domains and the programme-wide ones."""
        return self.filter(models.Q(team=team) | models.Q(team__isnull=True))


class Domain(AuditedModel):
    """A quality domain, written as an "I" statement in contributors' own words.

    For example: "I know what is happening while I wait". Themes of statements are promoted to domains
    (engagement.Theme.domains); measures link to domains, so every chart traces back to what people said.
    """

    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="domains",
        help_text="Leave empty for a domain shared by the whole programme.",
    )
    i_statement = models.CharField(
        "What people said, as an “I” statement",
        max_length=200,
        help_text="For example: I know what is happening while I wait.",
    )
    description = models.TextField("Plain description", blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Domains are shown in this order.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["position", "i_statement"]

    def __str__(self) -> str:
        return self.i_statement

    def audit_team(self) -> Any:
        return self.team


# --- Periods -------------------------------------------------------------------------------------


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (weeks start on Monday)"
    MONTHLY = "monthly", "Monthly (calendar months)"


def period_start(frequency: str, day: dt.date) -> dt.date:
    """The first day of the period holding `day`: its Monday, or the 1st of its month."""
    if frequency == Frequency.WEEKLY:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(frequency: str, start: dt.date) -> dt.date:
    if frequency == Frequency.WEEKLY:
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_grid(frequency: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """Every period start from the period holding `first` to the one holding `last`."""
    current, end = period_start(frequency, first), period_start(frequency, last)
    if current > end:
        return []
    if frequency == Frequency.WEEKLY:
        week = dt.timedelta(days=7)
        return [current + i * week for i in range((end - current).days // 7 + 1)]
    # Month by month in whole numbers (pages draw many grids: no date arithmetic per period).
    months = (end.year - current.year) * 12 + end.month - current.month
    first_month = current.year * 12 + current.month - 1
    return [dt.date((first_month + i) // 12, (first_month + i) % 12 + 1, 1) for i in range(months + 1)]


def period_label(frequency: str, start: dt.date) -> str:
    if frequency == Frequency.WEEKLY:
        return f"the week starting {start.day} {start:%B %Y}"
    return f"{start:%B %Y}"


# --- Aims and driver diagrams --------------------------------------------------------------------


class Aim(AuditedModel):
    """What we will improve, for whom, by how much and by when (IHI's model for improvement)."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="aims")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="aims")
    what = models.CharField("What we will improve", max_length=300)
    for_whom = models.CharField("For whom", max_length=300)
    how_much = models.CharField("By how much", max_length=200)
    by_when = models.DateField("By when")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["by_when", "what"]

    def __str__(self) -> str:
        return self.what

    def audit_team(self) -> Any:
        return self.team

    @property
    def statement(self) -> str:
        return (
            f"{self.what} for {self.for_whom} by {self.how_much}, by {self.by_when.day} {self.by_when:%B %Y}"
        )


class Driver(AuditedModel):
    """A primary driver of an aim, or a secondary driver under a primary one."""

    aim = models.ForeignKey(Aim, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="Primary driver it belongs to",
    )
    text = models.CharField("Driver", max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None

    def audit_team(self) -> Any:
        return self.aim.team


class ChangeIdea(AuditedModel):
    """Something we could try that should move a driver."""

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="change_ideas")
    text = models.CharField("Change idea", max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    def audit_team(self) -> Any:
        return self.driver.aim.team


# --- Measures ------------------------------------------------------------------------------------


class MeasureType(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class Direction(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither: we watch for change"


class DataSource(models.TextChoices):
    MANUAL = "manual", "Typed in by the team"
    CSV = "csv", "Imported from a spreadsheet (CSV or XLSX)"
    SURVEY = "survey", "Experience survey"
    WAITING_LIST = "waiting_list", "Waiting-list extract"
    EXCELLENCE = "excellence", "Excellence reports"


CHART_CHOICES = [(code, name) for code, name in CHART_NAMES.items()]


class MeasureDefinition(AuditedModel):
    """Every field of an IHI measurement plan. Shared by team measures and the national library."""

    code = models.SlugField(
        "Code", max_length=60, help_text="A short code used in imports, for example eip-2-week-wait."
    )
    name = models.CharField("Name", max_length=200)
    measure_type = models.CharField("Type", max_length=20, choices=MeasureType.choices)
    description = models.TextField(
        "What it tells us, in plain English",
        help_text="Written for people who use the service. Short sentences, everyday words.",
    )
    operational_definition = models.TextField("Operational definition")
    numerator = models.TextField("Numerator: what we count", blank=True)
    denominator = models.TextField("Denominator: what we divide by", blank=True)
    inclusions = models.TextField("Who or what is included", blank=True)
    exclusions = models.TextField("Who or what is left out", blank=True)
    unit = models.CharField("Unit", max_length=40, blank=True, help_text="For example %, days or people.")
    chart = models.CharField("Chart type", max_length=4, choices=CHART_CHOICES, default="xmr")
    direction = models.CharField("Which way is better", max_length=10, choices=Direction.choices)
    uses_denominator = models.BooleanField(
        "Values are a numerator over a denominator",
        default=False,
        help_text="People enter both numbers; the chart shows the rate.",
    )
    multiply = models.FloatField(
        "Multiply the rate by",
        default=1.0,
        help_text="100 for a percentage, 1000 for a rate per 1,000 bed days. 1 otherwise.",
    )
    target = models.FloatField("Target", null=True, blank=True)
    target_date = models.DateField("Target date", null=True, blank=True)
    frequency = models.CharField("How often", max_length=10, choices=Frequency.choices)
    data_source = models.CharField("Data source", max_length=20, choices=DataSource.choices)
    owner = models.CharField("Owner", max_length=150, blank=True, help_text="Who looks after this measure.")
    collection = models.TextField("How it is collected", blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def needs_denominator(self) -> bool:
        return self.uses_denominator or self.chart in RATIO_CHARTS

    @property
    def chart_name(self) -> str:
        return CHART_NAMES.get(self.chart, self.chart)


# Fields copied when a library measure is adopted and when a framework is exported.
DEFINITION_FIELDS = (
    "code",
    "name",
    "measure_type",
    "description",
    "operational_definition",
    "numerator",
    "denominator",
    "inclusions",
    "exclusions",
    "unit",
    "chart",
    "direction",
    "uses_denominator",
    "multiply",
    "target",
    "target_date",
    "frequency",
    "data_source",
    "owner",
    "collection",
)


class LibraryMeasure(MeasureDefinition):
    """A national measure definition (landscape.md section b) that any team can adopt."""

    source_reference = models.TextField("Where the definition comes from", blank=True)
    topic = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["topic", "name"]
        constraints = [models.UniqueConstraint(fields=["code"], name="one_library_measure_per_code")]


class MeasureQuerySet(models.QuerySet["Measure"]):
    def for_team(self, team: Any) -> MeasureQuerySet:
        return self.filter(team=team)

    def shared_with_programme(self) -> MeasureQuerySet:
        """The measures their teams chose to share with the programme: the only ones any programme output
        (programme dashboard, a buddy's side of the buddy view, programme reports and CSV) may read."""
        return self.filter(shared_with_programme=True)


class Measure(MeasureDefinition):
    """One measure in a team's plan. Links to at least one domain, so a chart traces back to what matters."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="measures")
    aim = models.ForeignKey(
        Aim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="The aim it measures",
    )
    domains = models.ManyToManyField(Domain, related_name="measures", verbose_name="Quality domains")
    source = models.ForeignKey(
        LibraryMeasure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name="Adopted from the national library",
    )
    shared_with_programme = models.BooleanField(
        "Share with the programme",
        default=False,
        help_text=(
            "Other teams in the programme, faculty and committees see this measure's chart, "
            "with small numbers hidden."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Governed baselines: the first date of the lasting shift whose suggestion to start new limits someone
    # chose to pass over, so the measure page does not ask again until a new shift starts (who and when are in
    # the audit log).
    baseline_dismissed_from = models.DateField(null=True, blank=True, editable=False)
    # What the target line is called on the chart and in sentences ("" reads "Target"). The measure's
    # target applies from the first period; rows of `targets` with this name (or no name) change it from
    # their period on, and rows with another name are further lines (MeasureTarget).
    target_label = models.CharField(
        "What the target is called",
        max_length=60,
        blank=True,
        help_text="For example National standard or Local ambition. Leave it empty to call it Target.",
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "code"], name="one_measure_code_per_team")]

    def audit_team(self) -> Any:
        return self.team


class MeasureTarget(AuditedModel):
    """One row of a trajectory: from this period on, a target line has this value (until its next row).

    Rows named like the measure's target (or not named) change the target that assurance is judged
    against, e.g. a planned reduction month by month; rows with another name draw a further line, e.g.
    the national standard beside the local ambition. The measure's own target is the value before its
    first row.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    starts = models.DateField("From")
    value = models.FloatField("Value")
    label = models.CharField("Line", max_length=60, blank=True)

    class Meta:
        ordering = ["label", "starts"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "label", "starts"], name="one_target_per_line_and_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label or 'Target'} from {self.starts:%Y-%m-%d}: {self.value}"

    def audit_team(self) -> Any:
        return self.measure.team


class ValueSource(models.TextChoices):
    """Which feeder last wrote a value (`framework.measures.values.write_values` sets it)."""

    BEFORE_HISTORY = "", "Before we kept a value's history"
    TYPED = "typed", "Typed in"
    GRID = "grid", "Typed in the data grid"
    IMPORT = "import", "Imported from a file"
    API = "api", "Sent through the API"
    SURVEY = "survey", "Experience survey"
    WAITING_LIST = "waiting_list", "Waiting-list extract"
    EXCELLENCE = "excellence", "Excellence reports"
    DEMO = "demo", "Demo data"


class Value(AuditedModel):
    """One period of one measure for one team, with its history: which feeder wrote it last, who, when
    (`updated_at`) and from which upload or extract. Only `framework.measures.values` writes values."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period = models.DateField("Period starting")
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=ValueSource.choices, blank=True, default="")
    updated_by = models.ForeignKey(
        "teams.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_ref = models.CharField("Which upload or extract", max_length=40, blank=True)

    # The audit log already says who and when; the history fields would only repeat it.
    audit_exclude = frozenset({"note", "updated_at", "source", "updated_by", "import_ref"})

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["measure", "period"], name="one_value_per_period")]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.period.isoformat()}"

    def audit_team(self) -> Any:
        return self.measure.team

    @property
    def shown(self) -> float | None:
        """The number people read: the value, or numerator ÷ denominator × the measure's multiplier."""
        if self.numerator is not None and self.denominator:
            return self.numerator / self.denominator * self.measure.multiply
        return self.value


# Values typed by hand (the value entry form or the data grid): an import replaces them only when the person
# importing says so ("Replace values typed by hand").
TYPED_BY_HAND = frozenset({ValueSource.TYPED, ValueSource.GRID})


class ValueChange(models.Model):
    """One saved change of one value: who, when, how (`source`, and which upload or extract) and the numbers
    before and after. Written by `framework.measures.values.write_values` only, so every route records it.
    Kept by measure and period, so the history of a value that was removed stays."""

    class Action(models.TextChoices):
        CREATE = "create", "Added"
        REPLACE = "replace", "Replaced"
        REMOVE = "remove", "Removed"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="value_changes")
    period = models.DateField("Period starting")
    action = models.CharField(max_length=10, choices=Action.choices)
    source = models.CharField(max_length=20, choices=ValueSource.choices, blank=True, default="")
    by = models.ForeignKey("teams.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    import_ref = models.CharField("Which upload or extract", max_length=40, blank=True)
    at = models.DateTimeField(default=timezone.now)
    old_value = models.FloatField(null=True, blank=True)
    old_numerator = models.FloatField(null=True, blank=True)
    old_denominator = models.FloatField(null=True, blank=True)
    new_value = models.FloatField(null=True, blank=True)
    new_numerator = models.FloatField(null=True, blank=True)
    new_denominator = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["measure", "period"], name="value_change_measure_period")]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period.isoformat()} {self.action}"


class BaselineRequest(models.Model):
    """A request to start new limits from a period, from a `new_baseline` column of an imported file. It is
    only a suggestion (governed baselines): a person with the right role accepts it with a reason on the
    measure page, which adds the "new baseline" event, or passes over it. Pending while `decided_at` is
    empty."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="baseline_requests")
    start = models.DateField("From")
    reason = models.CharField("Why, as the file says", max_length=200, blank=True)
    requested_by = models.ForeignKey(
        "teams.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_ref = models.CharField("Which upload or file", max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return f"{self.measure_id} from {self.start.isoformat()}"


class Annotation(AuditedModel):
    """A dated event on a team's measure. It may start a new baseline (SPC limits recalculated)."""

    class Kind(models.TextChoices):
        CHANGE = "change", "A change we tested"
        PDSA = "pdsa", "A small test of change (Plan, Do, Study, Act)"
        STAFFING = "staffing", "A staffing change"
        BASELINE = "baseline", "New limits after a lasting change"
        OTHER = "other", "Something else"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="annotations")
    date = models.DateField("Date")
    kind = models.CharField("What happened", max_length=20, choices=Kind.choices, default=Kind.CHANGE)
    text = models.CharField("Describe it", max_length=200)
    new_baseline = models.BooleanField(
        "Start a new baseline from this date",
        default=False,
        help_text="The chart works out new limits from here. Only do this when the way we work changed.",
    )
    reason = models.CharField("Why the baseline starts again", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Who added it: for a new baseline, the person who agreed the limits start again (governed baselines).
    created_by = models.ForeignKey(
        "teams.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    # What happened and why are free text people wrote (they may name someone): the audit log keeps who, when,
    # the date and whether limits start again, and the event itself keeps the words.
    audit_exclude = frozenset({"text", "reason"})

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()}: {self.text}"

    def audit_team(self) -> Any:
        return self.measure.team


class ValueImport(models.Model):
    """An uploaded file of values, checked and saved by a background task; its page shows progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Checking the file"
        PREVIEW = "preview", "Checked: nothing saved yet"
        SAVED = "saved", "Saved"
        CHECKED = "checked", "Checked (nothing saved: trial run)"
        REJECTED = "rejected", "Nothing saved: the file has problems"
        FAILED = "failed", "Nothing saved: something went wrong"

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="value_imports")
    uploaded_by = models.ForeignKey("teams.User", on_delete=models.SET_NULL, null=True, related_name="+")
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    dry_run = models.BooleanField(default=False)
    # The preview: the file is checked and its changes listed first; the person then saves it (`confirmed`),
    # choosing whether values typed by hand are replaced. The file stays here between the two steps.
    confirmed = models.BooleanField(default=False)
    replace_typed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.PREVIEW,
            self.Status.SAVED,
            self.Status.CHECKED,
            self.Status.REJECTED,
            self.Status.FAILED,
        )

    @property
    def percent(self) -> int:
        return (
            int(100 * self.rows_done / self.rows_total) if self.rows_total else (100 if self.finished else 0)
        )
