"""The national measure library: definitions from the shared landscape review (section b).

`seed_library()` creates or updates one row per code, so running it again changes nothing. The data
migration `0003_national_measure_library` and `whatmatters demo` call it.
"""

from __future__ import annotations

from typing import Any

_OBD = "Occupied bed days in the period (beds occupied at midnight, summed over the days)."

LIBRARY: list[dict[str, Any]] = [
    {
        "code": "eip-2-week-wait",
        "topic": "Early Intervention in Psychosis (EIP)",
        "name": "Started EIP treatment within 2 weeks",
        "measure_type": "process",
        "description": "Out of everyone referred with a first episode of psychosis, how many started help "
        "from the team within 2 weeks. Higher is better.",
        "operational_definition": "People whose EIP clock stopped in the period, and of those, how many "
        "waited 2 weeks (14 days) or less. The clock starts when the referral is received (suspected "
        "first-episode psychosis, EIP team) and stops at the later of the first attended EIP care contact "
        "and the day an EIP care coordinator was assigned. Treatment must be a NICE-concordant package.",
        "numerator": "People who started NICE-concordant EIP treatment within 2 weeks of referral (EIP23b).",
        "denominator": "People referred with suspected first-episode psychosis who started treatment in the "
        "period (EIP23a).",
        "inclusions": "Ages 14 to 65. Referrals where the primary reason is (suspected) first-episode "
        "psychosis and the team type is EIP (A14).",
        "exclusions": "Referrals that did not enter treatment in the period.",
        "unit": "%",
        "chart": "p",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "target": 60.0,
        "frequency": "monthly",
        "data_source": "waiting_list",
        "collection": "Worked out from the waiting-list extract (MHSDS EIP23i = EIP23b / EIP23a).",
        "source_reference": "NICE QS80 statement 1; NHS Digital EIP quick guide; "
        "NHSDigital/mental-health-monthly-statistics 07_EIP.",
    },
    {
        "code": "community-4-week-wait",
        "topic": "Waiting",
        "name": "Started help within 4 weeks of referral",
        "measure_type": "process",
        "description": "Out of everyone who started help from the team, how many started within 4 weeks of "
        "being referred. Higher is better.",
        "operational_definition": "Referral spells whose clock stopped in the period, and of those, how "
        "many stopped within 28 days. A spell starts at the first in-scope referral; referrals at the same "
        "time, or within 5 days of the last one closing, join it. The clock stops once a baseline outcome "
        "measure, a care plan, an intervention and an assessment are all recorded.",
        "numerator": "Spells whose clock stopped within 28 days of the spell starting.",
        "denominator": "Spells whose clock stopped in the period.",
        "inclusions": "Adults and older adults referred to community mental-health services.",
        "exclusions": "Referrals that closed without the person starting help (reported separately).",
        "unit": "%",
        "chart": "p",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "frequency": "monthly",
        "data_source": "waiting_list",
        "collection": "Worked out from the waiting-list extract (MHSDS referral spell method, from "
        "September 2024).",
        "source_reference": "NHS England community mental health waiting times; Clinically-led Review 2021.",
    },
    {
        "code": "median-wait-days",
        "topic": "Waiting",
        "name": "Median wait from referral to first help",
        "measure_type": "outcome",
        "description": "How long the middle person waited from being referred to starting help, in days. "
        "Lower is better.",
        "operational_definition": "For people whose clock stopped in the period, the median number of days "
        "from referral received to the team's clock-stop event.",
        "unit": "days",
        "chart": "xmr",
        "direction": "decrease",
        "frequency": "monthly",
        "data_source": "waiting_list",
        "collection": "Worked out from the waiting-list extract.",
        "source_reference": "Landscape review W1.",
    },
    {
        "code": "still-waiting",
        "topic": "Waiting",
        "name": "People still waiting",
        "measure_type": "process",
        "description": "How many people were waiting to start help at the end of the period. Lower is "
        "better.",
        "operational_definition": "Open referrals with no clock stop at 23:59 on the last day of the period.",
        "inclusions": "Everyone referred and accepted who has not yet started help.",
        "exclusions": "Referrals closed or rejected before the end of the period.",
        "unit": "people",
        "chart": "xmr",
        "direction": "decrease",
        "frequency": "monthly",
        "data_source": "waiting_list",
        "collection": "Counted from the waiting-list extract at period end.",
        "source_reference": "Landscape review W2.",
    },
    {
        "code": "waiting-over-standard",
        "topic": "Waiting",
        "name": "Waiting longer than the standard",
        "measure_type": "outcome",
        "description": "Of the people still waiting, how many have waited longer than the standard "
        "(2 weeks for EIP, 4 weeks for community teams). Lower is better.",
        "operational_definition": "People still waiting at period end whose wait so far is longer than the "
        "team's standard, out of all people still waiting.",
        "numerator": "People still waiting longer than the standard at period end (EIP23f for EIP).",
        "denominator": "People still waiting at period end (EIP23d for EIP).",
        "unit": "%",
        "chart": "p",
        "direction": "decrease",
        "uses_denominator": True,
        "multiply": 100.0,
        "frequency": "monthly",
        "data_source": "waiting_list",
        "collection": "Worked out from the waiting-list extract (EIP23j = EIP23f / EIP23d).",
        "source_reference": "Landscape review W2; NHSDigital/mental-health-monthly-statistics.",
    },
    {
        "code": "hidden-wait-days",
        "topic": "Waiting",
        "name": "Hidden wait: days from assessment to second contact",
        "measure_type": "outcome",
        "description": "After the first assessment, how many days people waited for their next "
        "appointment. Lower is better.",
        "operational_definition": "For people whose second contact happened in the period, the median days "
        "from the initial assessment to the second attended contact.",
        "unit": "days",
        "chart": "xmr",
        "direction": "decrease",
        "frequency": "monthly",
        "data_source": "waiting_list",
        "collection": "Worked out from contacts in the waiting-list extract.",
        "source_reference": "Landscape review W3; RCPsych 2020 poll.",
    },
    {
        "code": "waiting-well-contact",
        "topic": "Waiting",
        "name": "Waiting-well check-ins",
        "measure_type": "process",
        "description": "Of the people waiting more than 2 weeks, how many we checked in with during the "
        "period. Higher is better.",
        "operational_definition": "People waiting more than 14 days at period end who had a documented "
        "check-in or risk review during the period, out of all people waiting more than 14 days.",
        "numerator": "People waiting more than 2 weeks with a documented check-in or risk review.",
        "denominator": "People waiting more than 2 weeks at period end.",
        "unit": "%",
        "chart": "p",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "frequency": "monthly",
        "data_source": "manual",
        "collection": "Local definition: counted from the team's waiting-list log.",
        "source_reference": "Landscape review W4; Rethink 2024 survey.",
    },
    {
        "code": "follow-up-72-hours",
        "topic": "Wards",
        "name": "Followed up within 72 hours of leaving hospital",
        "measure_type": "process",
        "description": "Of the people who left the ward, how many we saw or spoke to within 3 days. Higher "
        "is better.",
        "operational_definition": "Discharges from the ward in the period followed up within 72 hours "
        "(MHS80 = MHS79 / MHS78).",
        "numerator": "Discharges followed up within 72 hours (MHS79).",
        "denominator": "Discharges eligible for follow-up (MHS78).",
        "exclusions": "People who died, moved to another ward or left the country.",
        "unit": "%",
        "chart": "p",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "target": 80.0,
        "frequency": "monthly",
        "data_source": "manual",
        "collection": "From the ward's discharge log.",
        "source_reference": "NHS Standard Contract since April 2020; NHS Digital 72-hour follow-up guide.",
    },
    {
        "code": "length-of-stay",
        "topic": "Wards",
        "name": "Length of stay",
        "measure_type": "outcome",
        "description": "How many days people stayed on the ward, for stays that ended this period. Lower "
        "is usually better.",
        "operational_definition": "Mean days from admission to discharge, for spells that ended in the "
        "period.",
        "unit": "days",
        "chart": "xmr",
        "direction": "decrease",
        "frequency": "monthly",
        "data_source": "manual",
        "collection": "From the ward's admission and discharge log.",
        "source_reference": "Landscape review I1; 2025/26 planning guidance.",
    },
    {
        "code": "delayed-discharge-days",
        "topic": "Wards",
        "name": "Days people stayed after they were ready to leave",
        "measure_type": "outcome",
        "description": "Days people spent on the ward after they were well enough to leave. Lower is better.",
        "operational_definition": "Patient-days in the period after the person was clinically ready for "
        "discharge, with reason codes.",
        "unit": "days",
        "chart": "xmr",
        "direction": "decrease",
        "frequency": "monthly",
        "data_source": "manual",
        "collection": "Daily board round record of who is clinically ready for discharge.",
        "source_reference": "Discharge from mental health inpatient settings "
        "(statutory guidance, January 2024).",
    },
    {
        "code": "falls-per-1000-obd",
        "topic": "Wards",
        "name": "Falls per 1,000 occupied bed days",
        "measure_type": "outcome",
        "description": "How many falls there were on the ward, for every 1,000 nights people spent there. "
        "Lower is better.",
        "operational_definition": "Falls reported in the period divided by occupied bed days, times 1,000.",
        "numerator": "Falls reported on the incident system in the period.",
        "denominator": _OBD,
        "unit": "per 1,000 bed days",
        "chart": "u",
        "direction": "decrease",
        "uses_denominator": True,
        "multiply": 1000.0,
        "frequency": "monthly",
        "data_source": "manual",
        "collection": "Incident reports and the bed state.",
        "source_reference": "Healey et al., QSHC 2008 (the NRLS rate).",
    },
    {
        "code": "restrictive-practice-per-1000-obd",
        "topic": "Wards",
        "name": "Restrictive practice per 1,000 occupied bed days",
        "measure_type": "outcome",
        "description": "How often staff used restraint, seclusion or segregation, for every 1,000 nights "
        "people spent on the ward. Lower is better.",
        "operational_definition": "Uses of force (physical, mechanical and chemical restraint, seclusion, "
        "segregation) in the period divided by occupied bed days, times 1,000.",
        "numerator": "Uses of force recorded under the Mental Health Units (Use of Force) Act 2018 s6.",
        "denominator": _OBD,
        "unit": "per 1,000 bed days",
        "chart": "u",
        "direction": "decrease",
        "uses_denominator": True,
        "multiply": 1000.0,
        "frequency": "monthly",
        "data_source": "manual",
        "collection": "Use of force records and the bed state.",
        "source_reference": "Mental Health Units (Use of Force) Act 2018 s6.",
    },
    {
        "code": "fft-positive",
        "topic": "Experience",
        "name": "Friends and Family Test: % positive",
        "measure_type": "outcome",
        "description": "Of everyone who told us about their experience, how many said it was good or very "
        "good. Higher is better.",
        "operational_definition": "Answers of very good or good to 'Overall, how was your experience of our "
        "service?', divided by all answers. 'Don't know' stays in the denominator.",
        "numerator": "Answers 'very good' or 'good'.",
        "denominator": "All answers, including 'don't know'.",
        "unit": "%",
        "chart": "p",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "frequency": "monthly",
        "data_source": "survey",
        "collection": "Friends and Family Test cards and the online form. Report the free text alongside.",
        "source_reference": "NHS England FFT guidance (since April 2020).",
    },
    {
        "code": "collaborate",
        "topic": "Experience",
        "name": "CollaboRATE: we listened to what matters to you",
        "measure_type": "outcome",
        "description": "How many people said we made every effort to understand them, listen to what "
        "matters to them and include it in decisions. Higher is better.",
        "operational_definition": "Responses scoring the top box (4) on all 3 CollaboRATE items, out of all "
        "responses in the period.",
        "numerator": "Responses with the top score on all 3 items.",
        "denominator": "All CollaboRATE responses.",
        "unit": "%",
        "chart": "p",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "frequency": "monthly",
        "data_source": "survey",
        "collection": "The 3-item CollaboRATE survey after an appointment. Free to use.",
        "source_reference": "CollaboRATE (phenxtoolkit.org 662301; JMIR 2014).",
    },
    {
        "code": "dialog-quality-of-life",
        "topic": "Outcomes",
        "name": "DIALOG: quality of life",
        "measure_type": "outcome",
        "description": "How satisfied people are with 8 parts of their life, on a scale of 1 to 7. Higher "
        "is better.",
        "operational_definition": "The mean of the 8 life-domain items of DIALOG (each 1 to 7) over the "
        "ratings made in the period. Below 4 means dissatisfied.",
        "unit": "score (1 to 7)",
        "chart": "xmr",
        "direction": "increase",
        "frequency": "monthly",
        "data_source": "survey",
        "collection": "DIALOG or DIALOG+ in care reviews.",
        "source_reference": "dialog.elft.nhs.uk DIALOG scale.",
    },
    {
        "code": "staff-pulse-engagement",
        "topic": "Staff",
        "name": "Staff pulse: engagement score",
        "measure_type": "balancing",
        "description": "How staff feel about working here, from the 9 pulse survey questions, on a scale of "
        "0 to 10. Higher is better.",
        "operational_definition": "The engagement score (0 to 10) from the 9 National Quarterly Pulse "
        "Survey questions: motivation, involvement and advocacy.",
        "unit": "score (0 to 10)",
        "chart": "xmr",
        "direction": "increase",
        "frequency": "monthly",
        "data_source": "survey",
        "collection": "National Quarterly Pulse Survey (Q1, Q2 and Q4), or a local monthly pulse.",
        "source_reference": "NHS England NQPS; NHS Staff Survey engagement theme.",
    },
    {
        "code": "excellence-per-100-staff",
        "topic": "Staff",
        "name": "Excellence reports per 100 staff",
        "measure_type": "process",
        "description": "How often people told us about something that went well, for every 100 staff. "
        "Higher is better.",
        "operational_definition": "Learning from Excellence reports received in the period divided by staff "
        "in post (headcount), times 100.",
        "numerator": "Excellence reports received in the period.",
        "denominator": "Staff in post (headcount) on the first day of the period.",
        "unit": "per 100 staff",
        "chart": "u",
        "direction": "increase",
        "uses_denominator": True,
        "multiply": 100.0,
        "frequency": "monthly",
        "data_source": "excellence",
        "collection": "Counted from excellence reports in What Matters.",
        "source_reference": "Learning from Excellence (local definition).",
    },
]


def seed_library(model: Any) -> tuple[int, int]:
    """Create or update each library measure by its code. Returns (created, updated)."""
    created = updated = 0
    for entry in LIBRARY:
        fields = {key: value for key, value in entry.items() if key != "code"}
        row = model.objects.filter(code=entry["code"]).first()
        if row is None:
            model.objects.create(code=entry["code"], **fields)
            created += 1
            continue
        changed = [key for key, value in fields.items() if getattr(row, key) != value]
        if changed:
            for key in changed:
                setattr(row, key, fields[key])
            row.save(update_fields=changed)
            updated += 1
    return created, updated
