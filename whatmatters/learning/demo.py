"""Demo data for learning: the phase-1 teams learn from what went well and from small tests of change;
the phase-2 teams, a few months behind, learn from their buddies.

- Phase 1: a public "what went well" link, about 15 months of approved excellence reports (their counts become
  the excellence measures) and one held for a moderator; PDSA cycles for the small tests of change already
  marked on the charts by the framework demo, plus one under way now.
- Phase 2: a short measurement plan with the measures its buddy also uses and 7 months of values; a shared
  learning log with its buddy; a change idea adopted from the buddy's log and a PDSA cycle testing it.

Idempotent: everything is looked up by a natural key first (team and text, team and title, team and code),
and values are only added for months that have none, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from whatmatters.framework.actions import adopt_library_measure
from whatmatters.framework.demo import PLANS, demo_domains, demo_rng, draw_value, save_missing_values
from whatmatters.framework.measures.results import last_complete_period
from whatmatters.framework.models import (
    Aim,
    Annotation,
    ChangeIdea,
    Domain,
    Driver,
    LibraryMeasure,
    Measure,
    period_grid,
)
from whatmatters.learning import actions
from whatmatters.learning.models import BuddyLogEntry, ExcellenceLink, ExcellenceReport, PdsaCycle
from whatmatters.teams.models import BuddyPair, Team

# --- Excellence reports ----------------------------------------------------------------------------

# team slug -> (months ago, domain index or None, what went well, who did it)
EXCELLENCE: dict[str, list[tuple[int, int | None, str, str]]] = {
    "cert": [
        (15, 1, "My worker explained my care plan in words I understood.", ""),
        (14, 0, "The receptionist phoned to say my appointment had moved, before I set off.", ""),
        (
            12,
            0,
            "Someone rang me while I waited and told me exactly where I was on the list.",
            "the duty worker",
        ),
        (11, 1, "My worker remembered what I told her last time, so I did not have to start again.", ""),
        (10, 0, "The letter was short and clear and told me who to phone if things got worse.", ""),
        (9, 2, "We wrote my care plan together, in my words.", "my care coordinator"),
        (8, 1, "The same worker came every week, even when I moved flat.", ""),
        (7, 0, "The triage huddle found me a worker in 2 days.", "the triage team"),
        (6, 2, "They asked what matters to me before talking about medication.", ""),
        (5, 0, "I got a call every month while I waited. It helped me hang on.", "the duty worker"),
        (4, 1, "My worker handed over properly when she went on leave.", ""),
        (3, 2, "The team helped me join a walking group I chose myself.", "the peer support worker"),
        (2, 0, "I was seen within 3 weeks, faster than they said.", ""),
        (1, 2, "They read my plan back to me and changed what I wanted changed.", ""),
    ],
    "older-adults-ward": [
        (15, 1, "Staff sat with Dad at lunch and he ate a full meal again.", "the health care assistants"),
        (13, 0, "The ward sent us a short letter explaining the visiting times and who to call.", ""),
        (11, 0, "The ward rang me the same day my mum's medication changed.", "the nurse in charge"),
        (
            10,
            1,
            "Mum painted again for the first time in years in the afternoon group.",
            "the activity coordinator",
        ),
        (9, 2, "After a fall, staff talked to us about what they would do differently.", ""),
        (8, 0, "We were invited to the discharge meeting and our worries were written down.", ""),
        (7, 1, "Dad was played his favourite music when he became upset at night.", "the night staff"),
        (6, 2, "The safety huddle spotted that Dad was unsteady before he fell.", "the early shift"),
        (4, 0, "A nurse phoned us every Friday with an update.", ""),
        (3, 1, "The 'This is me' profile meant staff knew Mum likes gardening.", ""),
        (2, 2, "No restraint was needed all month. Staff stayed calm and patient.", "the whole ward"),
        (1, 0, "We were shown round the ward before Dad came in.", "the ward manager"),
    ],
    "eip": [
        (15, 0, "The team gave my family a leaflet that answered our questions.", "the family worker"),
        (14, 1, "I was offered a first appointment at a time that fitted my shifts.", ""),
        (12, 1, "I was seen within a week of my GP's referral.", "the assessment team"),
        (
            10,
            0,
            "The peer worker on my first visit gave me hope that things get better.",
            "the peer support worker",
        ),
        (9, 0, "My family came to a session that explained psychosis in plain words.", ""),
        (8, 1, "They found me an appointment the same week, near my college.", ""),
        (6, 0, "My mum finally understood what was happening to me.", "the family worker"),
        (5, 1, "The GP said the one-page referral form was quick to fill in.", "the team manager"),
        (3, 0, "The team helped me go back to my course.", "my care coordinator"),
        (2, 1, "A worker met me at a cafe instead of the clinic, which was less scary.", ""),
        (1, 0, "They told my family what to do if I got unwell again.", ""),
    ],
    "cmht-north": [
        (3, 0, "Somebody phoned me while I waited. Nobody did that before.", "the duty worker"),
        (2, 0, "The CERT team showed us how to phone people who are waiting.", "the CERT team"),
        (1, 1, "I read my care plan and it sounded like me.", ""),
    ],
    "willow-ward": [
        (2, 1, "The safety huddle meant my son's new worries were passed on.", "the late shift"),
        (1, 0, "I felt safe on the ward for the first time.", ""),
    ],
    "crisis-team": [
        (
            2,
            0,
            "The peer worker came to the first visit and knew what it was like.",
            "the peer support worker",
        ),
        (1, 1, "They came within 4 hours and stayed until I felt calmer.", "the crisis team"),
    ],
}

# A report that names someone, held for a moderator (phase-1 teams): the same check as statements.
HELD = "Sarah on the evening shift stayed with me until I stopped shaking."

# Reports in which a phase-2 team thanks its phase-1 buddy: the buddy team is the one thanked.
THANKS_TO_BUDDY = {"The CERT team showed us how to phone people who are waiting."}

# --- PDSA cycles -----------------------------------------------------------------------------------


@dataclass
class DemoCycle:
    title: str
    idea: str  # the change idea's text in the team's driver diagram
    measures: list[str]  # measure codes
    plan: str
    prediction: str
    stage: str
    do: str = ""
    study: str = ""
    act: str = ""
    decision: str = ""
    marker: str = ""  # the text of the framework demo's "pdsa" chart event this cycle started
    months_ago: int = 0  # for a cycle that is not on the charts yet: when it starts


CYCLES: dict[str, list[DemoCycle]] = {
    "cert": [
        DemoCycle(
            title="Phone 10 people on the waiting list",
            idea="Phone everyone on the waiting list every 4 weeks",
            measures=["waiting-well-contact"],
            marker="Test: phone 10 people on the waiting list",
            plan="The duty worker phones the 10 people who have waited longest, over 2 weeks, with a script.",
            prediction="Most people will say the call helped. Each call will take about 10 minutes.",
            stage="done",
            do="We phoned 10 people. 2 could not be reached. Calls took 15 minutes on average.",
            study="7 of 8 said the call helped, as we predicted. Calls took longer than we thought.",
            act="Test with everyone waiting over 4 weeks, sharing the calls across 3 workers.",
            decision="adapt",
        ),
        DemoCycle(
            title="Phone everyone waiting over 4 weeks",
            idea="Phone everyone on the waiting list every 4 weeks",
            measures=["waiting-well-contact", "median-wait-days"],
            marker="Test: phone everyone waiting over 4 weeks",
            plan="3 workers share the calls to everyone waiting over 4 weeks, for 1 month.",
            prediction="At least 70% of people waiting will have a contact recorded this month.",
            stage="done",
            do="We called 46 people. We found 3 people who no longer needed the service.",
            study="78% had a contact recorded, above our prediction. Nobody missed a call slot.",
            act="Make the calls part of the duty rota every month.",
            decision="adopt",
        ),
        DemoCycle(
            title="Co-write the waiting letter with 3 experts by experience",
            idea="Co-write the waiting letter with experts by experience",
            measures=["waiting-well-contact"],
            months_ago=2,
            plan="3 experts by experience and 2 workers rewrite the waiting letter in one afternoon.",
            prediction="People will call the duty line less with questions the letter should answer.",
            stage="study",
            do="We wrote a one-page letter and sent it to the 20 newest referrals.",
        ),
    ],
    "older-adults-ward": [
        DemoCycle(
            title="Safety huddle on the late shift",
            idea="Safety huddle at every shift change",
            measures=["falls-per-1000-obd"],
            marker="Test: safety huddle on the late shift",
            plan="A 10-minute huddle at the start of the late shift for 2 weeks, naming each person's risks.",
            prediction="Fewer falls on the late shift, and staff will say they know who is at risk.",
            stage="done",
            do="Huddles happened on 13 of 14 days. Agency staff joined them too.",
            study="1 fall on the late shift, against 4 in the 2 weeks before. Staff liked it.",
            act="Huddle at every shift change, 7 days a week.",
            decision="adopt",
        ),
        DemoCycle(
            title="Afternoon music group, 3 days a week",
            idea="Activity coordinator on the ward 7 days a week",
            measures=["restrictive-practice-per-1000-obd"],
            months_ago=1,
            plan="The activity coordinator runs a music group at 3pm on 3 weekdays for a month.",
            prediction="Less distress in the late afternoon, so less restrictive practice.",
            stage="do",
        ),
    ],
    "eip": [
        DemoCycle(
            title="2 assessment slots held each week",
            idea="Same-week assessment slots",
            measures=["eip-2-week-wait"],
            marker="Test: 2 assessment slots held each week",
            plan="Keep 2 assessment slots free each week for new referrals, for 1 month.",
            prediction="More people will start treatment within 2 weeks; some slots may go unused.",
            stage="done",
            do="7 of 8 slots were used. Nobody waited more than 9 days for assessment.",
            study="People started treatment sooner, as predicted. Only 1 slot went unused.",
            act="Hold 3 slots each week from next month.",
            decision="adopt",
        ),
    ],
}

# --- Phase 2: a few months behind, learning from a buddy -------------------------------------------

PHASE2_MONTHS = 7
ADOPTED_AT = 3  # the month (from the start of phase 2 values) when the buddy's idea was tried


@dataclass
class Phase2Measure:
    code: str  # a library code the buddy also uses
    domain: int
    before: float
    after: float
    size: float


@dataclass
class Phase2Plan:
    buddy: str
    domains: list[tuple[str, str]]
    aim: dict[str, object]
    driver: str
    own_idea: str
    measures: list[Phase2Measure]
    log: list[tuple[str, str, str, str]]  # (written by: "us" or "buddy", kind, text, change idea)
    adopted: str  # the buddy's change idea (in the log) that this team takes into its driver diagram
    cycle: DemoCycle
    extra: dict[str, object] = field(default_factory=dict)


PHASE2: dict[str, Phase2Plan] = {
    "cmht-north": Phase2Plan(
        buddy="cert",
        domains=[
            ("I know what is happening while I wait", "People waiting hear from us and know who to contact."),
            ("I am listened to and my care plan is mine", "Care plans written with the person."),
        ],
        aim={
            "what": "Nobody waits without hearing from us",
            "for_whom": "adults waiting for CMHT North",
            "how_much": "from about 30% to 75% contacted each month",
            "by_when": dt.date(2027, 3, 31),
        },
        driver="People know what happens next while they wait",
        own_idea="Send a text message when someone joins the waiting list",
        measures=[
            Phase2Measure("waiting-well-contact", 0, 32, 68, 45),
            Phase2Measure("community-4-week-wait", 0, 38, 44, 30),
            Phase2Measure("median-wait-days", 0, 46, 40, 4),
        ],
        log=[
            (
                "buddy",
                "worked",
                "Phoning everyone who waits over 4 weeks: people felt remembered, and we found people who "
                "no longer needed us.",
                "",
            ),
            (
                "buddy",
                "worth_trying",
                "Start small: phone 10 people first, time the calls, then share them across the duty rota.",
                "Phone everyone on the waiting list every 4 weeks",
            ),
            (
                "buddy",
                "did_not_work",
                "Letters alone did not help: people still rang the duty line with the same questions.",
                "",
            ),
            ("us", "worked", "Using CERT's call script saved us a week of planning.", ""),
            (
                "us",
                "did_not_work",
                "Calling in the morning missed people at work. Early evening calls reached twice as many.",
                "",
            ),
        ],
        adopted="Phone everyone on the waiting list every 4 weeks",
        cycle=DemoCycle(
            title="Phone the 15 people who have waited longest",
            idea="Phone everyone on the waiting list every 4 weeks",
            measures=["waiting-well-contact"],
            months_ago=PHASE2_MONTHS - ADOPTED_AT,
            plan="Use CERT's script. 2 workers phone the 15 people who have waited longest, in 1 week.",
            prediction="Like CERT, most people will say the call helped.",
            stage="act",
            do="We reached 12 of 15 people. Early evening calls worked best.",
            study="10 of 12 said the call helped. Contacts recorded rose, as at CERT.",
            act="Phone everyone waiting over 4 weeks next month, in the early evening.",
            decision="adapt",
        ),
    ),
    "willow-ward": Phase2Plan(
        buddy="older-adults-ward",
        domains=[
            ("I feel safe on the ward", "Fewer falls and less restraint."),
            ("My family know what is happening", "Families are told about changes."),
        ],
        aim={
            "what": "Less restrictive practice on Willow Ward",
            "for_whom": "adults staying on Willow Ward",
            "how_much": "restraint down by a third",
            "by_when": dt.date(2027, 6, 30),
        },
        driver="Staff know each person's risks",
        own_idea="Calm room open every evening",
        measures=[
            Phase2Measure("restrictive-practice-per-1000-obd", 0, 16, 10, 580),
            Phase2Measure("falls-per-1000-obd", 0, 4, 3.5, 580),
            Phase2Measure("fft-positive", 1, 70, 76, 25),
        ],
        log=[
            (
                "buddy",
                "worth_trying",
                "A 10-minute huddle at every shift change, naming each person's risks. Agency staff join.",
                "Safety huddle at every shift change",
            ),
            ("buddy", "worked", "Phoning families every Friday cut complaints about not being told.", ""),
            (
                "us",
                "did_not_work",
                "Huddles in the office were interrupted. The quiet room works better.",
                "",
            ),
        ],
        adopted="Safety huddle at every shift change",
        cycle=DemoCycle(
            title="Safety huddle on the night shift",
            idea="Safety huddle at every shift change",
            measures=["restrictive-practice-per-1000-obd"],
            months_ago=PHASE2_MONTHS - ADOPTED_AT,
            plan="A 10-minute huddle at 9pm for 2 weeks, using Beech Ward's prompt card.",
            prediction="Fewer incidents of restraint at night.",
            stage="study",
            do="Huddles happened every night. Bank staff found the prompt card useful.",
        ),
    ),
    "crisis-team": Phase2Plan(
        buddy="eip",
        domains=[
            ("I get help quickly when I am in crisis", "A fast response, at home."),
            ("I have hope, and my family understand what is happening", "Peer support from the start."),
        ],
        aim={
            "what": "People feel hopeful after our first visit",
            "for_whom": "people supported at home in a crisis",
            "how_much": "from 70% to 85% positive feedback",
            "by_when": dt.date(2027, 3, 31),
        },
        driver="A peer support worker from day 1",
        own_idea="Visit within 4 hours of referral",
        measures=[
            Phase2Measure("fft-positive", 1, 70, 82, 20),
            Phase2Measure("staff-pulse-engagement", 0, 6.6, 6.9, 0.2),
        ],
        log=[
            (
                "buddy",
                "worth_trying",
                "A peer worker on the first visit gave people hope. Families asked fewer anxious questions.",
                "Peer worker joins the first visit",
            ),
            ("buddy", "did_not_work", "Group family sessions in the evening were poorly attended.", ""),
            ("us", "worked", "Our peer worker now shadows EIP's peer worker once a month.", ""),
        ],
        adopted="Peer worker joins the first visit",
        cycle=DemoCycle(
            title="Peer worker on 10 first visits",
            idea="Peer worker joins the first visit",
            measures=["fft-positive"],
            months_ago=PHASE2_MONTHS - ADOPTED_AT,
            plan="Our peer worker joins the next 10 first visits in office hours.",
            prediction="More people will say the visit helped, as at EIP.",
            stage="done",
            do="The peer worker joined 9 first visits.",
            study="8 of 9 people gave positive feedback, against about 7 in 10 before.",
            act="Recruit a second peer worker so evenings are covered.",
            decision="adopt",
        ),
    ),
}


# --- Loading ---------------------------------------------------------------------------------------


def load_learning_demo() -> None:
    teams = {t.slug: t for t in Team.objects.filter(slug__in=[*EXCELLENCE, *PHASE2])}
    for slug, plan in PHASE2.items():
        if slug in teams and plan.buddy in teams:
            _load_phase2_plan(teams[slug], plan)
    for slug, team in teams.items():
        if not ExcellenceLink.objects.filter(team=team).exists():
            ExcellenceLink.objects.create(team=team)
        _load_excellence(team, EXCELLENCE.get(slug, []), teams)
        for cycle in CYCLES.get(slug, []):
            _load_cycle(team, cycle)
    for slug, plan in PHASE2.items():
        if slug in teams and plan.buddy in teams:
            _load_buddy_learning(teams[slug], teams[plan.buddy], plan)


def _months_ago(n: int, day: int = 12) -> dt.date:
    end = last_complete_period("monthly")
    year, month = end.year, end.month - (n - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, day)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(14, 30)))


def _domain_texts(slug: str) -> list[str]:
    """The team's demo domains in order, from the framework demo (phase 1) or this module (phase 2)."""
    if slug in PLANS:
        return [statement for statement, _ in PLANS[slug].domains]
    if slug in PHASE2:
        return [statement for statement, _ in PHASE2[slug].domains]
    return []


def _load_excellence(team: Team, reports: list[tuple[int, int | None, str, str]], teams: dict) -> None:
    domains = {d.i_statement: d for d in Domain.objects.for_team(team)}
    texts = _domain_texts(team.slug)
    buddy = teams.get(PHASE2[team.slug].buddy) if team.slug in PHASE2 else None
    for months_ago, domain_index, text, who in reports:
        if ExcellenceReport.objects.filter(team=team, text=text).exists():
            continue
        status, spans = actions.check(text, who)
        domain = domains.get(texts[domain_index]) if domain_index is not None else None
        ExcellenceReport.objects.create(
            team=team,
            text=text,
            who=who,
            status=status,
            findings=spans,
            domain=domain,
            thanked_team=buddy if buddy is not None and text in THANKS_TO_BUDDY else team,
            created_at=_at(_months_ago(months_ago, 3 + (len(text) % 20))),
            # The demo sends no email: the thank-you counts as already sent.
            thanks_sent_at=_at(_months_ago(months_ago, 25)) if status == "approved" else None,
        )
    if (
        team.cohort
        and team.cohort.number == 1
        and not ExcellenceReport.objects.filter(team=team, text=HELD).exists()
    ):
        status, spans = actions.check(HELD, "")
        ExcellenceReport.objects.create(team=team, text=HELD, status=status, findings=spans)
    actions.refresh_excellence_measures(team)


def _idea(team: Team, text: str, driver_text: str | None = None) -> ChangeIdea | None:
    idea = ChangeIdea.objects.filter(driver__aim__team=team, text=text).first()
    if idea is None and driver_text:
        driver = Driver.objects.filter(aim__team=team, text=driver_text).first()
        if driver is not None:
            idea = ChangeIdea.objects.create(driver=driver, text=text, position=driver.change_ideas.count())
    return idea


def _load_cycle(team: Team, spec: DemoCycle) -> None:
    if PdsaCycle.objects.filter(team=team, title=spec.title).exists():
        return
    idea = _idea(team, spec.idea)
    measures = list(Measure.objects.filter(team=team, code__in=spec.measures))
    if idea is None or not measures:
        return
    marker = None
    if spec.marker:
        marker = Annotation.objects.filter(measure__team=team, kind="pdsa", text=spec.marker).first()
        if marker is None:
            return
    cycle = PdsaCycle(
        team=team,
        change_idea=idea,
        title=spec.title,
        plan=spec.plan,
        prediction=spec.prediction,
        do=spec.do,
        study=spec.study,
        act=spec.act,
        decision=spec.decision,
        stage=spec.stage,
        starts_on=marker.date if marker else _months_ago(spec.months_ago, 6),
    )
    if marker is not None:
        # The framework demo already marked this test on the chart: link that marker, keep its words.
        cycle.save()
        cycle.measures.set(measures)
        cycle.markers.add(marker)
        for measure in measures:
            if measure.pk != marker.measure_id:
                cycle.markers.add(
                    Annotation.objects.create(
                        measure=measure, date=marker.date, kind="pdsa", text=marker.text
                    )
                )
    else:
        actions.save_cycle(cycle, measures)


def _load_phase2_plan(team: Team, plan: Phase2Plan) -> None:
    domains = demo_domains(team, plan.domains)
    aim = Aim.objects.filter(team=team, what=plan.aim["what"]).first()
    if aim is None:
        aim = Aim.objects.create(team=team, domain=domains[0], **plan.aim)
        driver = Driver.objects.create(aim=aim, text=plan.driver, position=0)
        ChangeIdea.objects.create(driver=driver, text=plan.own_idea, position=0)
    end = last_complete_period("monthly")
    periods = period_grid("monthly", _months_ago(PHASE2_MONTHS, 1), end)
    for spec in plan.measures:
        measure = Measure.objects.filter(team=team, code=spec.code).first()
        if measure is None:
            source = LibraryMeasure.objects.filter(code=spec.code).first()
            if source is None:
                continue
            measure = adopt_library_measure(
                team, source, code=spec.code, domains=[domains[spec.domain]], aim=aim
            )
            if measure.data_source == "waiting_list":
                measure.data_source = "csv"
            measure.owner = "Team lead"
            measure.save()
        _load_values(team, spec, measure, periods)


def _load_values(team: Team, spec: Phase2Measure, measure: Measure, periods: list[dt.date]) -> None:
    rng = demo_rng(team.slug, spec.code)
    rows = [
        draw_value(rng, measure, spec.before if i < ADOPTED_AT else spec.after, spec.size, spread=0.1)
        for i in range(len(periods))
    ]
    save_missing_values(team, measure, periods, rows)


def _load_buddy_learning(team: Team, buddy: Team, plan: Phase2Plan) -> None:
    pair = BuddyPair.objects.filter(first_team=buddy, second_team=team).first() or (
        BuddyPair.objects.filter(first_team=team, second_team=buddy).first()
    )
    if pair is None:
        return
    for index, (writer, kind, text, idea) in enumerate(plan.log):
        if BuddyLogEntry.objects.filter(pair=pair, text=text).exists():
            continue
        BuddyLogEntry.objects.create(
            pair=pair,
            team=buddy if writer == "buddy" else team,
            kind=kind,
            text=text,
            change_idea=idea,
            created_at=_at(_months_ago(PHASE2_MONTHS - index, 20)),
        )
    entry = BuddyLogEntry.objects.filter(pair=pair, team=buddy, change_idea=plan.adopted).first()
    driver = Driver.objects.filter(aim__team=team, text=plan.driver).first()
    if entry is not None and driver is not None and entry.adopted_idea_id is None:
        if not ChangeIdea.objects.filter(driver=driver, text=plan.adopted).exists():
            actions.adopt_buddy_idea(entry, driver, plan.adopted)
    _load_cycle(team, plan.cycle)
