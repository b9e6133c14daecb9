"""Which MHSDS codes are which kind of event for NHS England's waiting-time rules: the one place that says so.

`classify_activity(code)` gives the events.csv event_kind of a SNOMED CT code recorded in MHSDS:

- a procedure in MHS202CareActivity.Procedure or MHS204IndirectActivity.IndActProcedure, or
- an assessment tool in MHS606CodedScoreAssessmentRefer / MHS607CodedScoreAssessmentAct.CodedAssToolType.

SNOMED CT gives procedures and observable entities (the tools' scores) different concept ids, so one function
can classify both. A post-coordinated expression ("123:456=789") is classified by its focus concept, the part
before the first colon, as NHS England's code does.

Sources (NHSDigital/mental-health-monthly-statistics, read on 3 December 2026):
- the outcome-measure tools: every concept in the table `mh_ass`, written out in
  menh_bbrb/notebooks/01_Generic_Prepare/04_mhsds_ref_tables.py @cb59756. The 4-week wait joins MHS606/MHS607
  to that table with no filter on its Category, so experience measures (PREMs) count as well as outcome
  measures (PROMs, CROMs). All of them are listed in OUTCOME_TOOLS below.
- the procedures: menh_bbrb/notebooks/02_Specific_Prepare/02_4w_waits/4w_waits_prep.py @cc69a8f. It reads four
  SNOMED CT UK simple reference sets (REFERENCE_SETS below) from NHS England's copy of the SNOMED release: the
  assessment procedures set is a "meaningful assessment"; the psychological therapies, psychosocial
  interventions and medication sets are an "intervention"; and the concepts named "Consultation (procedure)"
  and "Signposting (procedure)" do not count for adults.

The members of those four reference sets are NOT in the repository (they come with the SNOMED CT UK edition,
from NHS England's TRUD service). So:
- Give `read_reference_sets(path)` the reference set file from your own SNOMED CT UK release (RF2, simple
  reference set, snapshot or full) and pass what it returns to `classify_activity`: the answer is then NHS
  England's.
- Without it, only the codes the published code names are known: the two autism and ADHD assessment
  concepts it lets stop the children's clock (members of the assessment set, so a meaningful assessment), and
  11429006 |Consultation (procedure)|. The concept id of "Signposting (procedure)" is not in the published
  code and is not guessed here: give the reference sets and the descriptions, or map it yourself.
- A procedure code that is not known is an "assessment": something was recorded, but nothing shows that it
  is in NHS England's sets, so it stops no NHS England clock. (The earlier local rule, cmh4-first-help,
  counts it, as it counts any assessment.) That is this module's choice, not NHS England's.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

# event_kind values (contract.EVENT_KINDS) this module returns.
MEANINGFUL_ASSESSMENT = "meaningful_assessment"
INTERVENTION = "intervention"
CONSULTATION = "consultation"
SIGNPOSTING = "signposting"
OUTCOME_MEASURE = "outcome_measure"
ASSESSMENT = "assessment"

# The SNOMED CT UK simple reference sets the 4-week waits read, and what a member of each is.
REFERENCE_SETS: dict[str, tuple[str, str]] = {
    "1853441000000109": ("Mental Health Services Data Set assessment procedures", MEANINGFUL_ASSESSMENT),
    "1853461000000105": ("Mental Health Services Data Set psychological therapies", INTERVENTION),
    "1853481000000101": ("Mental Health Services Data Set psychosocial interventions", INTERVENTION),
    "1853451000000107": (
        "Mental Health Services Data Set medication and physical therapy interventions",
        INTERVENTION,
    ),
}

# Members of the assessment procedures set that the children's 4-week wait counts as help (an intervention):
# autism and ADHD assessments (4w_waits_prep.py, "Allow only ASD assessments ... to stop the clock").
CYP_ASSESSMENTS_THAT_HELP = frozenset({"1085671000000109", "1914891000000100"})

# Concepts the 4-week wait names, by their description. Only Consultation's id is known without the release.
CONSULTATION_CODES = frozenset({"11429006"})
SIGNPOSTING_CODES: frozenset[str] = frozenset()

# NHS England's outcome-measure tools (table mh_ass): tool name -> SNOMED CT concept ids of its scores.
OUTCOME_TOOLS: dict[str, tuple[str, ...]] = {
    "Brief Parental Self Efficacy Scale (BPSES)": ("961031000000108",),
    "CORE-OM": ("718490000", "718612000", "718613005", "718492008"),
    "Child Group Session Rating Scale (CGSRS)": ("718431003", "960771000000103"),
    "Child Outcome Rating Scale (CORS)": ("718458005", "960321000000103"),
    "Child Session Rating Scale (CSRS)": ("718762000", "1036271000000108"),
    "Children's Revised Impact of Event Scale (CRIES 8)": ("718152002", "960181000000100"),
    "Children's Global Assessment Scale (CGAS)": ("860591000000104",),
    "CORE-10": ("718583008", "958051000000104"),
    "CHI-ESQ, parent rated": (
        "1035681000000101", "1035711000000102", "1035721000000108", "1035731000000105",
        "1035741000000101", "1035761000000100", "1035771000000107", "1035781000000109",
        "1035791000000106", "1035801000000105", "1035811000000107", "1035821000000101",
    ),
    "CHI-ESQ, self rated 12 to 18": (
        "1035861000000109", "1035871000000102", "1035881000000100", "1035891000000103",
        "1035901000000102", "1035911000000100", "1035921000000106", "1035931000000108",
        "1035941000000104", "1035951000000101", "1035961000000103", "1035971000000105",
    ),
    "CHI-ESQ, self rated 9 to 11": (
        "1035981000000107", "1035991000000109", "1036001000000108", "1036011000000105",
        "1036021000000104", "1036031000000102", "1036041000000106", "1036061000000107",
        "1036051000000109", "1036071000000100", "1036081000000103", "1036091000000101",
    ),
    "CAARMS": (
        "718889002", "718918004", "718894002", "718885008", "718892003", "718915001",
        "718891005", "718917009", "718886009", "718884007", "718888005", "718887000",
        "1037571000000108", "1037561000000101", "1037581000000105", "1037591000000107",
        "1037541000000102", "1037601000000101", "1037611000000104", "1037551000000104",
        "1037621000000105", "1037631000000107", "1037531000000106", "1037641000000103",
    ),
    "Current View": (
        "987191000000101", "987201000000104", "987211000000102", "987221000000108", "987231000000105",
        "987241000000101", "987251000000103", "987261000000100", "987271000000107", "987281000000109",
        "987291000000106", "987301000000105", "987311000000107", "987321000000101", "987331000000104",
        "987341000000108", "987351000000106", "987361000000109", "987371000000102", "987381000000100",
        "987391000000103", "987401000000100", "987411000000103", "987421000000109", "987431000000106",
        "987441000000102", "987451000000104", "987461000000101", "987471000000108", "987481000000105",
        "987491000000107", "987501000000101", "987511000000104", "987521000000105", "987531000000107",
        "987541000000103",
    ),
    "DIALOG": (
        "1037651000000100", "1037661000000102", "1037671000000109", "1037681000000106",
        "1037691000000108", "1037701000000108", "1037711000000105", "1037721000000104",
        "1037731000000102", "1037741000000106", "1037751000000109",
    ),
    "EDE-Q, adolescents": (
        "959601000000103", "959611000000101", "959621000000107", "959631000000109", "959641000000100",
    ),
    "EDE-Q": ("473345001", "446826001", "473348004", "473346000", "473347009"),
    "GAD-7": ("445455005",),
    "Goal Based Outcomes (GBO)": (
        "959951000000108", "1034351000000101", "1034361000000103", "1034371000000105",
        "1638531000000102", "1638541000000106", "1638551000000109",
    ),
    "Group Session Rating Scale (GSRS)": ("718441000", "960711000000108"),
    "HoNOS-ABI": (
        "1052961000000108", "1052971000000101", "1052981000000104", "1052991000000102",
        "1053001000000103", "1053011000000101", "1053021000000107", "1053031000000109",
        "1053041000000100", "1053051000000102", "1053061000000104", "1053071000000106",
    ),
    "HoNOS, working age adults": (
        "979641000000103", "979651000000100", "979661000000102", "979671000000109",
        "979681000000106", "979691000000108", "979701000000108", "979711000000105",
        "979721000000104", "979731000000102", "979741000000106", "979751000000109",
    ),
    "HoNOS 65+": (
        "980761000000107", "980771000000100", "980781000000103", "980791000000101",
        "980801000000102", "980811000000100", "980821000000106", "980831000000108",
        "980841000000104", "980851000000101", "980861000000103", "980871000000105",
    ),
    "HoNOSCA, parent rated": (
        "989881000000104", "989931000000107", "989941000000103", "989951000000100", "989961000000102",
        "989971000000109", "989981000000106", "989991000000108", "990001000000107", "989891000000102",
        "989901000000101", "989911000000104", "989921000000105",
    ),
    "HoNOSCA, clinician rated": (
        "989751000000102", "989801000000109", "989811000000106", "989821000000100", "989831000000103",
        "989841000000107", "989851000000105", "989861000000108", "989871000000101", "989761000000104",
        "989771000000106", "989781000000108", "989791000000105",
    ),
    "HoNOSCA, self rated": (
        "989621000000101", "989671000000102", "989681000000100", "989691000000103", "989701000000103",
        "989711000000101", "989721000000107", "989731000000109", "989741000000100", "989631000000104",
        "989641000000108", "989651000000106", "989661000000109",
    ),
    "HoNOS-LD": (
        "987711000000106", "987811000000101", "988261000000101", "988271000000108", "988291000000107",
        "988301000000106", "987831000000109", "987841000000100", "987851000000102", "987861000000104",
        "987871000000106", "987881000000108", "987721000000100", "987731000000103", "987741000000107",
        "987751000000105", "987761000000108", "987771000000101", "987781000000104", "987791000000102",
        "987801000000103",
    ),
    "HoNOS-Secure": (
        "981391000000108", "981401000000106", "981411000000108", "981421000000102",
        "981431000000100", "981441000000109", "981451000000107",
    ),
    "How Are Things? Oppositional Defiant Disorder, parent": ("961231000000104",),
    "Kessler Psychological Distress Scale 10 (K10)": ("720211004", "963561000000106"),
    "Me and My School (MAMS)": ("718459002", "718562002", "960221000000105", "960211000000104"),
    "Me and My Feelings": ("1047101000000106", "1047091000000103"),
    "Outcome Rating Scale (ORS)": ("716613004", "960251000000100"),
    "PHQ-9": ("720433000", "506701000000100"),
    "Questionnaire about the Process of Recovery (QPR)": ("1035441000000106",),
    "RCADS, self rated": (
        "718655001", "718656000", "718657009", "718658004", "718659007", "718660002", "718662005",
        "718661003", "958231000000102", "958251000000109", "958261000000107", "958221000000104",
        "958241000000106", "958211000000105", "958281000000103", "958271000000100",
    ),
    "RCADS, parent rated": (
        "718665007", "718666008", "718667004", "718668009", "718669001", "718670000", "718672008",
        "718671001", "958301000000102", "958311000000100", "958321000000106", "958331000000108",
        "958341000000104", "958351000000101", "958361000000103", "958371000000105",
    ),
    "SCORE-15": (
        "720197006", "718434006", "720200007", "718456009", "720196002", "721955008", "720594007",
        "718455008", "960021000000100", "960131000000104", "959981000000102", "960141000000108",
        "959991000000100", "960151000000106", "960001000000109", "959961000000106",
    ),
    "SDQ, parent or teacher rated 2 to 4": (
        "986241000000103", "986251000000100", "986261000000102", "986271000000109", "986281000000106",
        "986291000000108", "986301000000107", "986311000000109", "986321000000103", "986331000000101",
        "986341000000105", "986351000000108", "986361000000106", "986371000000104",
    ),
    "SDQ, parent or teacher rated 4 to 17": (
        "986061000000108", "986071000000101", "986081000000104", "986091000000102", "986101000000105",
        "986111000000107", "986121000000101", "986151000000106", "986161000000109", "986171000000102",
        "986181000000100", "986191000000103", "986201000000101", "986211000000104",
    ),
    "SDQ, self rated 11 to 17": (
        "718143006", "718145004", "718482000", "718477007", "718146003", "718147007", "718134002",
        "985991000000105", "986001000000109", "986011000000106", "986051000000105", "986021000000100",
        "986031000000103", "986041000000107",
    ),
    "Session Feedback Questionnaire (SFQ)": (
        "1047381000000103", "1047391000000101", "1047401000000103", "1047411000000101",
    ),
    "Session Rating Scale (SRS)": ("720482000", "960451000000101"),
    "Sheffield Learning Disabilities Outcome Measure (SLDOM)": ("860641000000108",),
    "Short Warwick-Edinburgh Mental Well-being Scale (SWEMWBS)": ("718466001", "960481000000107"),
    "Warwick-Edinburgh Mental Well-being Scale (WEMWBS)": ("718426000", "885541000000103"),
    "Young Child Outcome Rating Scale (YCORS)": ("718461006", "960391000000100"),
    "YP-CORE": ("718437004", "960601000000104"),
    "Problem Gambling Severity Index (PGSI)": ("492451000000101",),
    "ReQoL-20": ("1091081000000103",),
    "ReQoL-10": ("1091071000000100",),
}  # fmt: skip

OUTCOME_CODES = frozenset(code for codes in OUTCOME_TOOLS.values() for code in codes)


def focus_concept(code: str) -> str:
    """The concept a (possibly post-coordinated) SNOMED CT expression is about: the part before any colon."""
    return code.split(":", 1)[0].strip()


def classify_activity(snomed_code: str, reference_sets: Mapping[str, str] | None = None) -> str:
    """The event_kind of a SNOMED CT code from MHS202, MHS204, MHS606 or MHS607 (see the module's notes).

    `reference_sets` maps concept ids to the id of the MHSDS reference set they belong to, as
    `read_reference_sets` gives; without it only the codes named in NHS England's published code are known."""
    code = focus_concept(snomed_code)
    if code in OUTCOME_CODES:
        return OUTCOME_MEASURE
    if code in CONSULTATION_CODES:
        return CONSULTATION
    if code in SIGNPOSTING_CODES:
        return SIGNPOSTING
    if code in CYP_ASSESSMENTS_THAT_HELP:
        return MEANINGFUL_ASSESSMENT
    refset = (reference_sets or {}).get(code)
    if refset in REFERENCE_SETS:
        return REFERENCE_SETS[refset][1]
    return ASSESSMENT


def read_reference_sets(path: str | Path) -> dict[str, str]:
    """Members of the four MHSDS reference sets from a SNOMED CT RF2 simple reference set file (tab-separated,
    with the columns id, effectiveTime, active, moduleId, refsetId, referencedComponentId).

    A full file holds every version of each member: the latest one (by effectiveTime) decides whether it is
    active, as in a snapshot."""
    latest: dict[tuple[str, str], tuple[str, bool]] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            refset = row.get("refsetId", "")
            if refset not in REFERENCE_SETS:
                continue
            key = (refset, row.get("referencedComponentId", ""))
            when = row.get("effectiveTime", "")
            if key not in latest or when >= latest[key][0]:
                latest[key] = (when, row.get("active") == "1")
    return {concept: refset for (refset, concept), (_when, active) in sorted(latest.items()) if active}
