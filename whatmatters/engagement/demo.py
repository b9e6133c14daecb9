"""Demo data for co-production: two "What matters to you?" sessions per phase-1 team, with statements written
for the product (some with made-up personal data for moderators to deal with), themes, votes and domains.

Idempotent: a session is looked up by team and title first; if it exists, that session is left alone.
Personal data is synthetic: 999-range NHS numbers, 07700 900xxx phones, example.com emails.
"""

from __future__ import annotations

from datetime import date

from whatmatters.engagement import actions
from whatmatters.engagement.models import DomainUpdate, EngagementSession, Theme, Vote
from whatmatters.framework.models import Domain
from whatmatters.teams.models import Team

# team slug -> sessions: (title, date, place, facilitators, audience, statements);
# each statement is (text, relationship, stage, consent, theme).
# theme is an index into THEMES[team] (or None: left unsorted for people to theme in the demo).
S, C, ST, M = "service_user", "carer", "staff", "manager"
W, F, T, L, X = "waiting", "first_appointment", "treatment", "leaving", "other"

THEMES = {
    "cert": [
        "Knowing what is happening while I wait",
        "Seeing the same worker who knows my story",
        "Help with the things that keep me well: money, housing, work",
        "Time to do the job properly",
    ],
    "older-adults-ward": [
        "My family are kept informed and involved",
        "Things to do on the ward, every day",
        "Being treated as the person I was and still am",
        "Enough staff to spend time with people",
    ],
    "eip": [
        "Hope: seeing that people get better",
        "My family understand psychosis too",
        "Getting back to college or work",
        "Talking about medication side effects honestly",
    ],
}

SESSIONS = {
    "cert": [
        (
            "What matters to you? Day at the Recovery Hub",
            date(2023, 6, 8),
            "Recovery Hub, main hall",
            "Katy (expert by experience) and Lee (team lead)",
            "mixed",
            [
                ("Knowing roughly how long the wait is, even if it is long", S, W, True, 0),
                ("Someone checking in while I wait so I don't feel forgotten", S, W, True, 0),
                ("Not having to tell my story again to every new person", S, T, True, 1),
                ("Same care coordinator for more than a few months", S, T, True, 1),
                ("Help with benefits forms before they become a crisis", S, T, True, 2),
                ("My worker helped me sort my housing and that is when things got better", S, T, True, 2),
                ("As his mum I want to know who to ring when he stops answering", C, T, True, 0),
                ("Time for proper visits instead of rushing between appointments", ST, X, True, 3),
                ("Less time typing notes, more time with people", ST, X, False, 3),
                (
                    "My name is Daniel Brooks, NHS number 999 000 0018, please call me on 07700 900123",
                    S,
                    W,
                    False,
                    None,
                ),
                ("Groups in the evening so I can go after work", S, T, True, None),
                ("A letter that says what happens next, in plain words", C, W, True, None),
                ("Being able to text my worker instead of phoning", S, T, True, None),
                ("Somewhere quiet to wait that doesn't feel like a hospital", S, F, True, None),
                ("Being asked what I want from my life, not just about my symptoms", S, F, True, 1),
            ],
        ),
        (
            "Staff conversation: what matters in your work?",
            date(2023, 6, 20),
            "Team base, meeting room 2",
            "Farah (QI faculty)",
            "staff",
            [
                ("Caseloads small enough to actually help people recover", ST, X, True, 3),
                ("Knowing the people on the waiting list are safe", ST, W, True, 0),
                ("Links with housing and benefits advisers we can call directly", ST, T, True, 2),
                ("Time to reflect together after a hard week", ST, X, True, 3),
                ("Continuity: people do better when they keep the same worker", M, T, True, 1),
                ("Email me at jo.bloggs@example.com if you want more ideas", ST, X, False, None),
            ],
        ),
    ],
    "older-adults-ward": [
        (
            "Family and carers afternoon on Beech Ward",
            date(2023, 7, 12),
            "Beech Ward day room",
            "Sam (staff nurse) and a carer volunteer",
            "carers",
            [
                ("A phone call when something changes, not finding out at visiting time", C, T, True, 0),
                ("Being asked about Mum's life before, what she enjoyed", C, T, True, 2),
                ("Visiting times that work for people who still work", C, T, True, 0),
                ("Something to do in the afternoons, music or the garden", C, T, True, 1),
                ("Dad was a joiner. He brightened up when they let him sand wood", C, T, True, 2),
                ("Knowing the plan for going home, and being part of it", C, L, True, 0),
                (
                    "My husband is on the ward, born 02/05/1941, and his glasses keep going missing",
                    C,
                    T,
                    False,
                    None,
                ),
                ("The staff are kind but there never seem to be enough of them", C, T, True, 3),
            ],
        ),
        (
            "What matters to you? Ward community meeting",
            date(2023, 7, 19),
            "Beech Ward lounge",
            "Sam (staff nurse) and the ward activity coordinator",
            "mixed",
            [
                ("Getting outside for fresh air every day", S, T, True, 1),
                ("Being called by my name, the one I like", S, T, True, 2),
                ("Time for a chat, not just tablets and checks", S, T, True, 3),
                ("Quiet at night so I can sleep", S, T, True, None),
                ("Food I recognise and a cup of tea when I want one", S, T, True, None),
                ("Knowing which nurse is looking after me today", S, T, True, None),
                ("Enough staff on shift to take people to the garden", ST, X, True, 3),
                ("Families telling us about the person helps us care for them", ST, T, True, 0),
                ("Nurse Abbott on nights always makes me a cup of tea", S, T, False, None),
            ],
        ),
    ],
    "eip": [
        (
            "Young people's what matters evening",
            date(2023, 9, 14),
            "Youth centre, upstairs room",
            "Katy (expert by experience) and the peer support worker",
            "service_users",
            [
                ("Meeting someone who has been through it and is doing ok now", S, T, True, 0),
                ("Being able to finish my course", S, T, True, 2),
                ("Honest talk about weight gain from medication", S, T, True, 3),
                ("Not being treated like I'm dangerous", S, F, True, 0),
                ("Help explaining psychosis to my mates", S, T, True, 1),
                ("Choosing together whether to change tablets", S, T, True, 3),
                ("Text reminders for appointments, I don't answer unknown numbers", S, T, True, None),
                ("Seeing the doctor somewhere that isn't a hospital", S, F, True, None),
                ("My worker coming to the cafe instead of my house", S, T, True, None),
                ("Write back to me at alex.r@example.com or my postcode is LS6 2QB", S, T, False, None),
            ],
        ),
        (
            "Family workshop: what matters to you?",
            date(2023, 10, 3),
            "EIP team base",
            "Family intervention lead and Katy (expert by experience)",
            "mixed",
            [
                ("Understanding what psychosis is and that recovery is possible", C, F, True, 1),
                ("A family group where we can meet other parents", C, T, True, 1),
                ("Knowing my son can go back to work with support", C, T, True, 2),
                ("Hope. At the start we thought his life was over", C, F, True, 0),
                ("Time in appointments to talk about side effects", ST, T, True, 3),
                ("Supported employment worker in the team makes a real difference", ST, T, True, 2),
            ],
        ),
    ],
}

# team -> [(theme indexes, "I" statement, description, what we are doing)]
DOMAINS = {
    "cert": [
        (
            [0],
            "I know what is happening while I wait",
            "People waiting, and their families, hear from us and know who to contact.",
            "We now phone everyone on the waiting list every 4 weeks and send a letter with our number.",
        ),
        (
            [1],
            "I see the same worker, who knows my story",
            "Continuity of the worker people see.",
            "We changed how we allocate so people keep their care coordinator unless they ask to change.",
        ),
    ],
    "older-adults-ward": [
        (
            [0],
            "My family know what is happening and are part of my care",
            "Carers are told about changes and included in plans, including going home.",
            "Each person now has a named nurse who rings their family after every ward round.",
        ),
        ([1, 2], "I have things to do that matter to me", "Daily activity that fits who the person is.", ""),
    ],
    "eip": [
        (
            [0, 1],
            "I have hope, and my family understand what is happening",
            "Peer support and family education from the start.",
            "Every new person is offered a peer support worker and a family session in the first month.",
        ),
    ],
}

# Dots counted in the room, per session: {theme index: (service users and carers, staff)}
ROOM_DOTS = {0: (14, 3), 1: (9, 5), 2: (6, 2), 3: (3, 11)}


def load_engagement() -> None:
    for slug, sessions in SESSIONS.items():
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            continue
        themes = [Theme.objects.filter(team=team, name=name).first() for name in THEMES[slug]]
        for title, held_on, place, facilitators, audience, statements in sessions:
            if EngagementSession.objects.filter(team=team, title=title).exists():
                continue
            session = EngagementSession.objects.create(
                team=team,
                title=title,
                held_on=held_on,
                place=place,
                facilitators=facilitators,
                audience=audience,
                is_open=held_on.year >= 2023 and "Staff" not in title,
                hold_every_answer=False,  # these cards were moderated on the day; new answers are held below
            )
            for index, name in enumerate(THEMES[slug]):
                if themes[index] is None:
                    themes[index] = actions.create_theme(team, name)
            for text, relationship, stage, consent, theme_index in statements:
                statement = actions.arrive(
                    session,
                    text,
                    relationship=relationship,
                    stage=stage,
                    consent_to_share=consent,
                    source="facilitator",
                )
                if theme_index is not None and statement.is_approved:
                    actions.place(statement, themes[theme_index])
            if audience != "staff":
                session.hold_every_answer = True  # from now on a moderator reads every answer first
                session.save(update_fields=["hold_every_answer"])
            for index, (people, staff) in ROOM_DOTS.items():
                if session.audience == "staff":
                    people, staff = 0, people + staff
                for relationship, dots in (("service_user", people), ("staff", staff)):
                    if dots:
                        Vote.objects.create(
                            session=session, theme=themes[index], relationship=relationship, dots=dots
                        )
        _load_domains(team, slug, themes)


def _load_domains(team: Team, slug: str, themes: list[Theme | None]) -> None:
    for indexes, i_statement, description, we_did in DOMAINS[slug]:
        if Domain.objects.filter(team=team, i_statement=i_statement).exists():
            continue
        chosen = [themes[i] for i in indexes if themes[i] is not None]
        domain = actions.promote(chosen, team, i_statement, description)
        if we_did:
            DomainUpdate.objects.create(
                domain=domain,
                team=team,
                text=we_did,
                published_on=date(2024, 2, 1),
                status=DomainUpdate.Status.IN_PROGRESS,
            )
