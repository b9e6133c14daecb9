"""No route or API operation shows or changes another team's things, even given that team's real object ids.

Team A ("Alder Community Team") holds at least one real object of every team-owned model (every model with a
`team` foreign key, or a required link to one that has), each carrying a marker ("LEAK-A-…") in a text field,
and team A's people carry one in their names. Team B ("Birch Ward Team") is the attacker: one person for each
role held in team B, and someone signed out. Team A's buddy is team C, so nothing of team A is shown to team B
by design. Organisation-wide roles are only admin, faculty and data analyst, who see every team by design, so
there is no organisation-wide viewer to walk.

For every route with URL arguments (from Django's URL resolver, as the permission matrix does), the walk
builds URLs from each app's `route_samples.py` (objects made by the apps' own actions in team A):
- team A's URL as it is (team A's slug, team A's ids);
- team B's slug with team A's ids for every other argument (pk, code, question, buddy, …);
- team B's slug with team A's slug as the buddy;
- team B's own page, for routes whose other arguments name nothing of team A (or that take only the team).
Each is requested with GET and with POST (a body naming team A's objects in every field the forms use); API
operations (django-ninja under /api/v1/) with the session and again with a bearer token. The first three must
be refused (400, 401, 403, 404, 405, or a redirect to sign in); no answer may redirect into team A or
contain a team A marker or team A's name; afterwards no team A row has changed and no team B row links to
team A.

No answer may be a server error either. By design, team B's own "thank a team" form lists every team's name,
and its "give someone a role" form every account's name (NAMES_TEAMS_BY_DESIGN, NAMES_PEOPLE_BY_DESIGN).

Left out: routes whose permission row is PUBLIC (the public forms' codes, sign-in, password reset: public by
design), routes with no URL arguments, Django's admin (organisation admins only), and programme-level routes
without a team argument (programme reports, the library, the programme_* engagement and survey pages), which
are being changed to show only what a team chose to share.

Last run: 103 routes (202 URLs) × 7 subjects × 2 methods, and the 11 API operations' 22 URLs again with a
bearer token for the 6 team roles = 3,092 requests, 0 leaks.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from tests.conftest import Programme
from tests.foundation.test_permission_matrix import Route, all_routes
from whatmatters.teams.permissions import Scope, access_for
from whatmatters.teams.roles import Role

MARK = "LEAK-A"
TEAM_A_NAME = "Alder Community Team"
TEAM_B_ROLES = [
    Role.ADMIN,
    Role.FACULTY,
    Role.TEAM_LEAD,
    Role.STAFF,
    Role.EXPERT_BY_EXPERIENCE,
    Role.VIEWER,
]
SUBJECTS = [*TEAM_B_ROLES, "anonymous"]

# The text field that carries each team-owned model's marker (None: it has no free text).
# A new team-owned model fails `test_every_team_owned_model_has_a_seeded_object_in_team_a` until it is here.
MARKER_FIELDS: dict[str, str | None] = {
    "teams.Membership": None,
    "audit.AuditEvent": "summary",
    "safety.Alert": "words",
    "framework.Domain": "i_statement",
    "framework.Aim": "what",
    "framework.Driver": "text",
    "framework.ChangeIdea": "text",
    "framework.Measure": "name",
    "framework.Measure_domains": None,
    "framework.Value": "note",
    "framework.Annotation": "text",
    "framework.MeasureTarget": "label",
    "framework.ValueImport": "file_name",
    "framework.ValueChange": "import_ref",
    "framework.BaselineRequest": "reason",
    "engagement.EngagementSession": "title",
    "engagement.Statement": "text",
    "engagement.Theme": "name",
    "engagement.Theme_domains": None,
    "engagement.Placement": None,
    "engagement.Vote": None,
    "engagement.DomainUpdate": "text",
    "engagement.ThemeSuggestion": "label",
    "engagement.SuggestedCard": None,
    "engagement.ContactRoute": "email",
    "engagement.LoopEmail": None,
    "reports.Report": "html",
    "surveys.Survey": "title",
    "surveys.Question": "text",
    "surveys.Response": None,
    "surveys.Answer": "value",
    "learning.ExcellenceLink": None,
    "learning.ExcellenceReport": "text",
    "learning.PdsaCycle": "title",
    "learning.PdsaCycle_measures": None,
    "learning.PdsaCycle_markers": None,
    "learning.BuddyLogEntry": "text",
    "waitinglists.ExtractImport_teams": None,
    "waitinglists.ExtractTeam": "code",
    "waitinglists.Referral": "primary_reason",
    "waitinglists.Contact": "contact_kind",
    "waitinglists.WardStay": "ward_id",
    "waitinglists.ClockPause": "referral_id",
    "waitinglists.Event": "code",
    "waitinglists.StoredResult": None,
}
# More free text that people wrote, marked too.
EXTRA_MARKER_FIELDS = {"engagement.Statement": ["original_text"], "safety.Alert": ["contact_detail"]}

# What each URL argument names. A route with an argument not listed here fails the walk.
PARAMETERS = {
    "team": "the team's slug",
    "pk": "one of team A's objects (a shared library measure on library routes)",
    "code": "a team A measure's code",
    "question": "a question in team A's survey",
    "buddy": "team A's buddy team's slug",
    "frequency": "a measure frequency (names nothing of team A)",
    "period": "a period (names nothing of team A)",
}
# Arguments that name nothing of team A on these routes: team B's page with them is team B's own page.
NOT_TEAM_A = {("library_adopt", "pk"), ("value_entry", "frequency"), ("value_entry", "period")}
# Team B's own pages that list other teams' names, or every account's name, by design (not their objects).
NAMES_TEAMS_BY_DESIGN = {"excellence_create": "the form thanks another team, so it lists every team"}
NAMES_PEOPLE_BY_DESIGN = {"membership_add": "accounts are the organisation's: any account may get a role"}
REFUSED = {400, 401, 403, 404, 405}


# --- Which models a team owns ----------------------------------------------------------------------


def team_paths() -> dict[type[models.Model], str]:
    """Every model with a `team` foreign key, or a required foreign key to such a model, with the lookup
    from it to its team (e.g. Value: "measure__team"). Many-to-many tables between them count too."""
    from whatmatters.teams.models import Team

    every = list(apps.get_models(include_auto_created=True))
    paths: dict[type[models.Model], str] = {}
    for model in every:
        team = next(
            (f for f in model._meta.concrete_fields if f.name == "team" and f.related_model is Team), None
        )
        if team is not None:
            paths[model] = "team"
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in paths:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and not f.null and f.related_model in paths:
                    paths[model] = f"{f.name}__{paths[f.related_model]}"
                    changed = True
                    break
    return paths


def label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


# --- The world: team A with one of everything, team B the attacker -----------------------------------


@dataclass
class World:
    team_a: Any
    team_b: Any
    buddy: Any
    people_a: dict[str, Any]
    samples: dict[str, dict[str, Any]]
    body: dict[str, Any]
    api_body: list[dict[str, Any]]
    attackers: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def sample_modules() -> list[Any]:
    tests_dir = Path(__file__).resolve().parents[1]
    return [
        importlib.import_module(f"tests.{path.parent.name}.route_samples")
        for path in sorted(tests_dir.glob("*/route_samples.py"))
    ]


def seed() -> World:
    from whatmatters.api.models import ApiToken
    from whatmatters.audit.log import record
    from whatmatters.engagement.models import (
        ContactRoute,
        DomainUpdate,
        EngagementSession,
        LoopEmail,
        Statement,
        Theme,
        Vote,
    )
    from whatmatters.framework.models import Annotation, ChangeIdea, Domain, Measure
    from whatmatters.learning.models import BuddyLogEntry, PdsaCycle
    from whatmatters.surveys import actions as survey_actions
    from whatmatters.teams.models import BuddyPair, Cohort, Membership, Organisation, Team, User
    from whatmatters.waitinglists.models import (
        ClockPause,
        Contact,
        Event,
        ExtractImport,
        ExtractTeam,
        Referral,
        WardStay,
    )

    organisation = Organisation.objects.create(name="Test Trust", slug="test-trust")
    phase1 = Cohort.objects.create(
        organisation=organisation, name="Phase 1", number=1, start_date=dt.date(2023, 8, 1)
    )
    phase2 = Cohort.objects.create(
        organisation=organisation, name="Phase 2", number=2, start_date=dt.date(2024, 3, 1)
    )
    team_a = Team.objects.create(organisation=organisation, name=TEAM_A_NAME, slug="alder", cohort=phase1)
    team_b = Team.objects.create(
        organisation=organisation, name="Birch Ward Team", slug="birch", cohort=phase1
    )
    buddy = Team.objects.create(
        organisation=organisation, name="Cedar Crisis Team", slug="cedar", cohort=phase2
    )
    pair = BuddyPair.objects.create(first_team=team_a, second_team=buddy)

    def person(role: str, team: Any, who: str) -> Any:
        user = User.objects.create_user(
            f"{who}-{role}@example.com", f"{who} {role}", "a-long-test-password-1"
        )
        Membership.objects.create(user=user, team=team, role=role)
        return user

    people_a = {role: person(role, team_a, f"{MARK}-person") for role in Role}
    for role in Role:
        ApiToken.issue(people_a[role], f"{MARK} script")

    # Each app's route samples make realistic objects in "team_a" through the apps' own actions; here
    # "team_b" is team A's buddy, as the samples expect.
    as_programme = Programme(organisation, phase1, phase2, team_a, buddy, pair)
    samples: dict[str, dict[str, Any]] = {}
    for module in sample_modules():
        samples.update(module.samples(as_programme, people_a))

    # Objects the samples do not make.
    session = EngagementSession.objects.filter(team=team_a).first()
    theme = Theme.objects.filter(team=team_a).first()
    domain = Domain.objects.filter(team=team_a).first()
    Vote.objects.create(session=session, theme=theme, relationship="service_user", dots=2, channel="room")
    update = DomainUpdate.objects.create(domain=domain, team=team_a, text="We changed the letters")
    LoopEmail.objects.create(update=update, contact_route=ContactRoute.objects.filter(team=team_a).first())
    BuddyLogEntry.objects.create(
        pair=pair, team=team_a, kind=BuddyLogEntry.Kind.WORTH_TRYING, text="Text reminders", change_idea="SMS"
    )
    cycle = PdsaCycle.objects.filter(team=team_a).first()
    cycle.measures.set(Measure.objects.filter(team=team_a))
    cycle.markers.set(Annotation.objects.filter(measure__team=team_a))
    ExtractImport.objects.first().teams.add(team_a)
    survey = survey_actions.create_survey(team_a, "Sample survey with free text", "treatment", ["fft"])
    questions = list(survey.questions.all())
    survey_actions.submit(survey, {q.pk: "Kind staff" if q.kind == "text" else "" for q in questions})
    ExtractTeam.objects.create(code="ALDER", team=team_a, clock_rule="cmh4")
    day = dt.date(2024, 1, 8)
    Referral.objects.create(
        team=team_a, referral_id="R1", person_id="P1", team_code="ALDER", referral_date=day
    )
    Contact.objects.create(
        team=team_a, contact_id="C1", referral_id="R1", contact_date=day, attend_status="5"
    )
    WardStay.objects.create(
        team=team_a, spell_id="S1", ward_id="W1", ward_start=day, person_id="P1", admission_date=day
    )
    ClockPause.objects.create(team=team_a, referral_id="R1", pause_start=day)
    Event.objects.create(
        team=team_a,
        event_id="E1",
        person_id="P1",
        referral_id="R1",
        event_kind="outcome_measure",
        event_date=day,
    )
    record(action="update", obj=team_a, summary=f"{MARK}-auditevent", team=team_a)  # append-only

    # The markers.
    paths = team_paths()
    for model, path in paths.items():
        if model._meta.label == "audit.AuditEvent":
            continue  # append-only: its marker was written when it was recorded
        for name in [MARKER_FIELDS.get(label(model))] + EXTRA_MARKER_FIELDS.get(label(model), []):
            if name is None:
                continue
            for pk in model.objects.filter(**{path: team_a}).values_list("pk", flat=True):
                model.objects.filter(pk=pk).update(
                    **{
                        name: f"{MARK}-{model._meta.model_name}-{pk}"[
                            : model._meta.get_field(name).max_length
                        ]
                    }
                )

    def first(model: type[models.Model]) -> Any:
        return model.objects.filter(**{paths[model]: team_a}).order_by("pk").first()

    statement = Statement.objects.filter(team=team_a, status="approved").first() or first(Statement)
    measure = first(Measure)
    from whatmatters.framework.models import Aim, Driver

    body = {
        "statement": statement.pk,
        "statements": [statement.pk],
        "to_theme": theme.pk,
        "from_theme": theme.pk,
        "target": theme.pk,
        "others": [theme.pk],
        "themes": [theme.pk],
        "theme": theme.pk,
        "action": "move",
        "domain": domain.pk,
        "domains": [domain.pk],
        "aim": first(Aim).pk,
        "driver": first(Driver).pk,
        "parent": first(Driver).pk,
        "change_idea": first(ChangeIdea).pk,
        "measures": [measure.pk],
        "measure": measure.pk,
        "code": measure.code,
        "session": session.pk,
        "survey": survey.pk,
        "question": questions[0].pk,
        "user": User.objects.create_user("new@example.com", "New Person", "a-long-test-password-1").pk,
        "thanked_user": people_a[Role.STAFF].pk,
        "role": Role.STAFF,
        "decision": "approve",
        "name": "Taken over",
        "text": "Taken over",
        "i_statement": "I was taken over",
        "title": "Taken over",
    }
    api_body = [{"measure": measure.code, "period": "2024-01-01", "value": 1}]
    world = World(team_a, team_b, buddy, people_a, samples, body, api_body)
    for role in TEAM_B_ROLES:
        world.attackers[role] = person(role, team_b, "Birch")
        world.tokens[role] = ApiToken.issue(world.attackers[role], "attacker")[1]
    return world


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One seeded database for the module (seeding takes seconds); each test's own changes roll back."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def world(seeded: World, db: Any) -> World:
    return seeded


# --- The URLs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    route: Route
    url: str
    kind: str  # "team A's URL", "team A's ids under team B", "team A as team B's buddy", "team B's own page"

    @property
    def must_refuse(self) -> bool:
        return self.kind != "team B's own page"


def in_scope(route: Route) -> bool:
    access = access_for(route.view_name)
    if access is None or access.scope is Scope.PUBLIC or not route.params:
        return False
    if route.view_name.startswith("admin:"):
        return False  # organisation admins only; the admin's own ids are not team objects
    programme_level = "team" not in route.params and access.scope is Scope.PROGRAMME
    return not programme_level and not route.view_name.startswith("programme_")


def walked_routes() -> list[Route]:
    return [route for route in all_routes() if in_scope(route)]


def left_out_routes() -> list[str]:
    """Programme-level routes with arguments but no team (listed for the report, not walked)."""
    return [
        r.view_name
        for r in all_routes()
        if r.params
        and not in_scope(r)
        and access_for(r.view_name).scope is not Scope.PUBLIC
        and not r.view_name.startswith("admin:")
    ]


def team_a_kwargs(route: Route, world: World) -> dict[str, Any]:
    unknown = [p for p in route.params if p not in PARAMETERS]
    assert not unknown, f"{route.view_name}: say in PARAMETERS what {unknown} name"
    if route.view_name in world.samples:
        kwargs = dict(world.samples[route.view_name])
    else:
        kwargs = {**other_kwargs(route, world), "team": world.team_a.slug}
    missing = set(route.params) - set(kwargs)
    assert not missing, f"{route.view_name}: no team A value for {missing}"
    return {k: v for k, v in kwargs.items() if k in route.params}


def other_kwargs(route: Route, world: World) -> dict[str, Any]:
    """Team A's ids for routes that have no sample (the teams and api apps' own routes)."""
    from whatmatters.api.models import ApiToken
    from whatmatters.teams.models import BuddyPair, Membership

    a = world.team_a
    pks = {
        "membership_remove": lambda: Membership.objects.filter(team=a).first().pk,
        "api_token_revoke": lambda: ApiToken.objects.filter(user=world.people_a[Role.STAFF]).first().pk,
        "person_detail": lambda: world.people_a[Role.STAFF].pk,
        "cohort_edit": lambda: a.cohort_id,
        "buddy_pair_delete": lambda: BuddyPair.objects.get(first_team=a).pk,
    }
    if "pk" in route.params:
        assert route.view_name in pks, f"{route.view_name}: which of team A's objects does its pk name?"
        return {"pk": pks[route.view_name]()}
    return {}


def targets(world: World) -> Iterator[Target]:
    for route in walked_routes():
        kwargs = team_a_kwargs(route, world)
        yield Target(route, reverse(route.view_name, kwargs=kwargs), "team A's URL")
        if "team" not in route.params:
            continue
        as_b = {**kwargs, "team": world.team_b.slug}
        names_team_a = [
            p
            for p in route.params
            if p != "team" and (route.view_name.removeprefix("api-v1:"), p) not in NOT_TEAM_A
        ]
        kind = "team A's ids under team B" if names_team_a else "team B's own page"
        yield Target(route, reverse(route.view_name, kwargs=as_b), kind)
        if "buddy" in route.params:
            as_buddy = {**as_b, "buddy": world.team_a.slug}
            yield Target(route, reverse(route.view_name, kwargs=as_buddy), "team A as team B's buddy")


# --- Before and after --------------------------------------------------------------------------------


def snapshot(world: World) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every row of team A (and its people, their tokens, the team and its buddy pair), field by field."""
    from whatmatters.api.models import ApiToken
    from whatmatters.teams.models import BuddyPair, Team, User

    def rows(qs: Any) -> dict[Any, tuple[Any, ...]]:
        return {
            row["pk"] if "pk" in row else row["id"]: tuple(
                sorted((k, bytes(v) if isinstance(v, memoryview) else v) for k, v in row.items())
            )
            for row in qs.values()
        }

    people = [u.pk for u in world.people_a.values()]
    result = {
        "team": rows(Team.objects.filter(pk=world.team_a.pk)),
        "people": rows(User.objects.filter(pk__in=people).values()),
        "tokens": rows(ApiToken.objects.filter(user__in=people)),
        "buddy pair": rows(BuddyPair.objects.filter(first_team=world.team_a)),
    }
    for model, path in team_paths().items():
        result[label(model)] = rows(model.objects.filter(**{path: world.team_a}))
    return result


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    from whatmatters.audit.models import AuditEvent

    found = []
    for name, old in before.items():
        new = after[name]
        if name == "audit.AuditEvent":
            # Refusals are logged against team A; any other new event means something was done in team A.
            added = [pk for pk in new.keys() - old.keys()]
            done = AuditEvent.objects.filter(pk__in=added).exclude(
                action=AuditEvent.Action.PERMISSION_REFUSED
            )
            found += [f"audit event in team A: {e.action} {e.object_type} {e.summary}" for e in done]
            new = {pk: new[pk] for pk in old.keys() & new.keys()}
        if old != new:
            gone, added = old.keys() - new.keys(), new.keys() - old.keys()
            edited = [pk for pk in old.keys() & new.keys() if old[pk] != new[pk]]
            found.append(f"{name}: deleted {sorted(gone)}, added {sorted(added)}, changed {sorted(edited)}")
    return found


def links_from_team_b_to_team_a(world: World) -> list[str]:
    """Rows of team B that point at an object of team A (e.g. team B's PDSA cycle on team A's idea)."""
    paths = team_paths()
    found = []
    for model, path in paths.items():
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.related_model not in paths or path.split("__")[0] == f.name:
                continue  # (the link a row's own team comes through is not a link to another team)
            linked = model.objects.filter(
                **{path: world.team_b, f"{f.name}__{paths[f.related_model]}": world.team_a}
            )
            found += [
                f"{label(model)} {pk} (team B) -> {f.name} in team A"
                for pk in linked.values_list("pk", flat=True)
            ]
    return found


# --- The walk ----------------------------------------------------------------------------------------


def problems_with(response: Any, target: Target, world: World) -> list[str]:
    found = []
    status = response.status_code
    location = response.get("Location", "")
    to_sign_in = status == 302 and location.startswith("/sign-in/")
    if status >= 500:
        found.append(f"answered {status}")
    elif target.must_refuse and status not in REFUSED and not to_sign_in:
        found.append(f"answered {status} {location}".strip())
    if status in (301, 302, 303, 307, 308) and not to_sign_in:
        if f"/{world.team_a.slug}/" in location.split("?")[0]:
            found.append(f"redirected into team A: {location}")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", "replace")
    if target.kind == "team B's own page" and target.route.view_name in NAMES_TEAMS_BY_DESIGN:
        text = text.replace(TEAM_A_NAME, "")
    if target.kind == "team B's own page" and target.route.view_name in NAMES_PEOPLE_BY_DESIGN:
        for person in world.people_a.values():
            text = text.replace(person.full_name, "")
    if MARK in text:
        at = text.index(MARK)
        found.append(f"shows {text[max(0, at - 60) : at + 40]!r}")
    elif TEAM_A_NAME in text:
        found.append("shows team A's name")
    return found


def clients_for(subject: str, world: World) -> dict[str, Any]:
    """The walk's clients: CSRF checks off (the walk is about scoping), and a server error is an answer
    to report rather than an exception that stops the walk."""
    from django.test import Client

    def client(**headers: str) -> Client:
        return Client(enforce_csrf_checks=False, raise_request_exception=False, **headers)

    if subject == "anonymous":
        return {"session": client()}
    session = client()
    session.force_login(world.attackers[subject], backend="django.contrib.auth.backends.ModelBackend")
    return {"session": session, "token": client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[subject]}")}


def walk(subject: str, world: World) -> tuple[int, list[str]]:
    clients = clients_for(subject, world)
    requests = 0
    leaks = []
    for target in targets(world):
        is_api = target.route.view_name.startswith("api-v1:")
        for how, client in clients.items():
            if how == "token" and not is_api:
                continue
            for method in ("GET", "POST"):
                if method == "GET":
                    response = client.get(target.url)
                elif is_api:
                    response = client.post(
                        target.url, json.dumps(world.api_body), content_type="application/json"
                    )
                else:
                    response = client.post(target.url, world.body)
                requests += 1
                for problem in problems_with(response, target, world):
                    leaks.append(f"{subject} ({how}) {method} {target.url} [{target.kind}]: {problem}")
    return requests, leaks


@pytest.mark.parametrize("subject", SUBJECTS)
def test_no_route_shows_or_changes_anything_of_another_team(subject: str, world: World) -> None:
    before = snapshot(world)
    requests, leaks = walk(subject, world)
    leaks += changes(before, snapshot(world))
    leaks += links_from_team_b_to_team_a(world)
    assert leaks == [], f"{len(leaks)} leaks in {requests} requests:\n" + "\n".join(leaks)
    assert requests > 300


def test_every_team_owned_model_has_a_seeded_object_in_team_a(world: World) -> None:
    paths = team_paths()
    unlisted = sorted(label(m) for m in paths if label(m) not in MARKER_FIELDS)
    assert unlisted == [], (
        f"Add these team-owned models to MARKER_FIELDS (and seed one in team A): {unlisted}"
    )
    empty = sorted(
        label(m) for m, path in paths.items() if not m.objects.filter(**{path: world.team_a}).exists()
    )
    assert empty == [], f"Seed an object of these models in team A: {empty}"
    unmarked = [
        f"{label(m)}.{MARKER_FIELDS[label(m)]}"
        for m, path in paths.items()
        if MARKER_FIELDS[label(m)]
        and not m.objects.filter(
            **{path: world.team_a, f"{MARKER_FIELDS[label(m)]}__startswith": MARK}
        ).exists()
    ]
    assert unmarked == []
    assert set(MARKER_FIELDS) == {label(m) for m in paths}, (
        "MARKER_FIELDS names a model that is not team-owned"
    )


def test_the_walk_covers_team_pages_api_operations_and_every_kind_of_url(world: World) -> None:
    routes = {r.view_name for r in walked_routes()}
    assert {"measure_detail", "api-v1:value_post", "api-v1:measure_detail", "buddy_log_adopt"} <= routes
    assert {"survey_public", "engagement_public_form", "programme_report_detail"}.isdisjoint(routes)
    kinds = {t.kind for t in targets(world)}
    assert kinds == {
        "team A's URL",
        "team A's ids under team B",
        "team A as team B's buddy",
        "team B's own page",
    }


def test_a_leak_is_caught(world: World) -> None:
    """The checks can fail: a page that printed team A's statement, or a write into team A, is reported."""
    from django.http import HttpResponse

    from whatmatters.engagement.models import Statement

    target = next(t for t in targets(world) if t.kind == "team A's ids under team B")
    leaked = HttpResponse(Statement.objects.filter(team=world.team_a).first().text)
    assert any("shows" in p for p in problems_with(leaked, target, world))
    assert problems_with(HttpResponse("ok"), target, world) == ["answered 200"]
    before = snapshot(world)
    Statement.objects.filter(team=world.team_a).update(text="changed")
    assert changes(before, snapshot(world))
