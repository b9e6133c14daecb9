"""The one permission table: every route (and named action) -> which roles, with which team scope.

`PermissionMiddleware` checks it before any view runs, the `rules` predicates are built from it, and the
permission-matrix test walks every URL pattern and fails if a route has no row here.

Scopes:
- PUBLIC: anyone, signed in or not.
- SIGNED_IN: anyone with an active account (their own account pages).
- PROGRAMME: anyone holding one of `roles` in any team or across the organisation.
- TEAM: the route names a team (`<slug:team>`); the person holds one of `roles` in that team, or
  organisation-wide. People outside the team get 404, as if the team did not exist.
- ORGANISATION: the person holds one of `roles` across the organisation (not just in a team).

Sharing: programme outputs (programme dashboard, a buddy's side of the buddy view, programme reports and the
programme CSV) show only the measures a team chose to share (`Measure.objects.shared_with_programme()`),
through disclosure control, and another team's raw values (its pages, CSV and API) are for admins and faculty.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import rules

from whatmatters.teams.access import roles_of
from whatmatters.teams.roles import ALL_ROLES, Role


class Scope(enum.Enum):
    PUBLIC = "public"
    SIGNED_IN = "signed in"
    PROGRAMME = "programme"
    TEAM = "team"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Access:
    scope: Scope
    roles: frozenset[str] = ALL_ROLES

    def allows(self, user: Any, team: Any | None = None) -> bool:
        if self.scope is Scope.PUBLIC:
            return True
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if self.scope is Scope.SIGNED_IN:
            return True
        held = roles_of(user)
        if self.scope is Scope.PROGRAMME:
            return held.has_any(self.roles)
        if self.scope is Scope.ORGANISATION:
            return bool(held.organisation_roles & self.roles)
        # TEAM
        return team is not None and held.in_team(team.pk, self.roles)


PUBLIC = Access(Scope.PUBLIC)
SIGNED_IN = Access(Scope.SIGNED_IN)
ANY_MEMBER = Access(Scope.PROGRAMME)
TEAM_MEMBER = Access(Scope.TEAM)
ADMIN_OR_FACULTY = frozenset({Role.ADMIN, Role.FACULTY})
MANAGES_PROGRAMME = Access(Scope.ORGANISATION, ADMIN_OR_FACULTY)
MANAGES_TEAM = Access(Scope.TEAM, ADMIN_OR_FACULTY)
ADMIN_ONLY = Access(Scope.ORGANISATION, frozenset({Role.ADMIN}))
# The measurement plan: team leads own it; staff also enter data (framework app).
PLAN_EDITORS = frozenset({Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD})
DATA_ENTRY = frozenset({Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.STAFF})
# Data analysts bring the numbers in: they type and import a team's values (and the notes that explain
# them) and read the import histories, but neither moderate nor edit the plan. Organisation-wide analysts
# also import waiting-list extracts, which hold several teams' rows.
VALUE_ENTRY = DATA_ENTRY | {Role.DATA_ANALYST}
IMPORTS_EXTRACTS = Access(Scope.ORGANISATION, ADMIN_OR_FACULTY | {Role.DATA_ANALYST})
# Co-production: who runs sessions and themes cards, who moderates free text, who writes domains.
FACILITATORS = frozenset({Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.STAFF, Role.EXPERT_BY_EXPERIENCE})
MODERATORS = frozenset({Role.ADMIN, Role.FACULTY, Role.EXPERT_BY_EXPERIENCE})
DOMAIN_WRITERS = frozenset({Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.EXPERT_BY_EXPERIENCE})
# Reports: who makes a team's reports, and who reads the programme's (disclosure-controlled) reports.
REPORT_MAKERS = frozenset({Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.EXPERT_BY_EXPERIENCE})
PROGRAMME_REPORT_READERS = frozenset(
    {Role.ADMIN, Role.FACULTY, Role.TEAM_LEAD, Role.EXPERT_BY_EXPERIENCE, Role.VIEWER}
)

PERMISSIONS: dict[str, Access] = {
    # Public pages and account recovery.
    "home": PUBLIC,
    "health": PUBLIC,
    "sign_in": PUBLIC,
    "sign_out": PUBLIC,
    "signed_out": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_sent": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "invite_accept": PUBLIC,
    # Single sign-on: starting it, and the provider sending people back (they are not signed in yet).
    "sso_start": PUBLIC,
    "sso_callback": PUBLIC,
    # The second sign-in step, for a half-signed-in session (password given, code not yet).
    "sign_in_code": SIGNED_IN,
    # A person's own account.
    "account": SIGNED_IN,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "api_tokens": SIGNED_IN,
    "two_factor": SIGNED_IN,
    "two_factor_setup": SIGNED_IN,
    "two_factor_new_codes": SIGNED_IN,
    "two_factor_off": SIGNED_IN,
    "api_token_revoke": SIGNED_IN,
    # What we hold about a person (UK GDPR Art 15): their own page and file; admins download anyone's and
    # erase a person (Art 17) from the person's page.
    "account_data": SIGNED_IN,
    "account_data_json": SIGNED_IN,
    # The start page (what needs the person now) and their choice of emails (notices app). The start page
    # itself shows only what the rows below allow the person.
    "start": SIGNED_IN,
    "email_choices": SIGNED_IN,
    # The programme: cohorts, teams and buddy pairs.
    "programme": ANY_MEMBER,
    "team_detail": TEAM_MEMBER,
    "team_create": MANAGES_PROGRAMME,
    "team_edit": MANAGES_TEAM,
    "membership_add": MANAGES_TEAM,
    "membership_remove": MANAGES_TEAM,
    "cohort_create": MANAGES_PROGRAMME,
    "cohort_edit": MANAGES_PROGRAMME,
    "buddy_pair_create": MANAGES_PROGRAMME,
    "buddy_pair_delete": MANAGES_PROGRAMME,
    "people": MANAGES_PROGRAMME,
    "person_invite": MANAGES_PROGRAMME,
    "person_detail": MANAGES_PROGRAMME,
    "person_data_json": ADMIN_ONLY,
    "person_erase": ADMIN_ONLY,
    # The audit log.
    "audit_log": ADMIN_ONLY,
    # Alerts (safety app): people who may need help, from any public form. They hold what the person wrote and
    # how to contact them: only the team's clinical roles, never organisation roles.
    "alerts": Access(Scope.TEAM, frozenset({Role.TEAM_LEAD, Role.STAFF})),
    "alert_update": Access(Scope.TEAM, frozenset({Role.TEAM_LEAD, Role.STAFF})),
    # Co-production (engagement app): sessions, public forms, statements, moderation, themes, votes.
    # Team routes also exist programme-wide ("programme_" + name) for admins and faculty.
    # "moderate" is both the moderation queue route and the named action checked with allows().
    **{
        f"{prefix}{name}": (access if not prefix else MANAGES_PROGRAMME)
        for prefix in ("", "programme_")
        for name, access in {
            "engagement": TEAM_MEMBER,
            "session_create": Access(Scope.TEAM, FACILITATORS),
            "session_detail": TEAM_MEMBER,
            "session_edit": Access(Scope.TEAM, FACILITATORS),
            "session_qr": TEAM_MEMBER,
            "statement_quick_entry": Access(Scope.TEAM, FACILITATORS),
            "statement_import": Access(Scope.TEAM, FACILITATORS),
            "session_results": TEAM_MEMBER,
            "room_votes": Access(Scope.TEAM, FACILITATORS),
            "moderate": Access(Scope.TEAM, MODERATORS),
            "moderate_statement": Access(Scope.TEAM, MODERATORS),
            "theme_board": TEAM_MEMBER,
            "card_move": Access(Scope.TEAM, FACILITATORS),
            "theme_create": Access(Scope.TEAM, FACILITATORS),
            "theme_merge": Access(Scope.TEAM, FACILITATORS),
            "theme_suggest": Access(Scope.TEAM, FACILITATORS),
            "theme_suggestion_decide": Access(Scope.TEAM, FACILITATORS),
            "theme_suggestion_cards": Access(Scope.TEAM, FACILITATORS),
            "theme_suggestion_merge": Access(Scope.TEAM, FACILITATORS),
            "theme_detail": TEAM_MEMBER,
            "theme_edit": Access(Scope.TEAM, FACILITATORS),
            "theme_split": Access(Scope.TEAM, FACILITATORS),
            "domain_list": TEAM_MEMBER,
            "domain_promote": Access(Scope.TEAM, DOMAIN_WRITERS),
            "domain_trace": TEAM_MEMBER,
        }.items()
    },
    "domain_update_add": Access(Scope.TEAM, DOMAIN_WRITERS),
    "domain_update_edit": Access(Scope.TEAM, DOMAIN_WRITERS),
    "moderation": Access(Scope.PROGRAMME, MODERATORS),
    "engagement_public_form": PUBLIC,
    "engagement_public_easy_read": PUBLIC,
    "engagement_public_thanks": PUBLIC,
    "engagement_public_vote": PUBLIC,
    "engagement_public_voted": PUBLIC,
    "you_said_we_did": PUBLIC,
    "contact_route_stop": PUBLIC,  # the stop link in a "we did" email: a signed token, no account
    "api-v1:engagement_session_list": TEAM_MEMBER,
    "api-v1:engagement_statement_list": TEAM_MEMBER,
    "api-v1:engagement_theme_list": TEAM_MEMBER,
    "api-v1:engagement_vote_list": TEAM_MEMBER,
    "api-v1:engagement_domain_list": TEAM_MEMBER,
    # Measurement plan and data (framework app): domains, aims, drivers, measures, values, imports.
    "plan": TEAM_MEMBER,
    "domain_create": Access(Scope.TEAM, PLAN_EDITORS | {Role.EXPERT_BY_EXPERIENCE}),
    "domain_edit": Access(Scope.TEAM, PLAN_EDITORS | {Role.EXPERT_BY_EXPERIENCE}),
    "aim_create": Access(Scope.TEAM, PLAN_EDITORS),
    "aim_detail": TEAM_MEMBER,
    "aim_edit": Access(Scope.TEAM, PLAN_EDITORS),
    "driver_add": Access(Scope.TEAM, PLAN_EDITORS),
    "change_idea_add": Access(Scope.TEAM, PLAN_EDITORS),
    "driver_delete": Access(Scope.TEAM, PLAN_EDITORS),
    "change_idea_delete": Access(Scope.TEAM, PLAN_EDITORS),
    "framework_export": TEAM_MEMBER,
    "framework_import": Access(Scope.TEAM, PLAN_EDITORS),
    "measure_list": TEAM_MEMBER,
    "measure_create": Access(Scope.TEAM, PLAN_EDITORS),
    "measure_detail": TEAM_MEMBER,
    "measure_edit": Access(Scope.TEAM, PLAN_EDITORS),
    "measure_targets": Access(Scope.TEAM, PLAN_EDITORS),
    "measure_sharing": Access(Scope.TEAM, PLAN_EDITORS),  # which measures the team shares with the programme
    "annotation_add": Access(Scope.TEAM, VALUE_ENTRY),
    "annotation_delete": Access(Scope.TEAM, VALUE_ENTRY),
    # Governed baselines: starting new limits changes how every later point is judged, so only the people who
    # own the measurement plan (team lead, QI faculty as improvement lead, admin) accept or pass over the
    # suggestion, as they are the ones who may change the measure itself. Everyone in the team sees it.
    "baseline_accept": Access(Scope.TEAM, PLAN_EDITORS),
    "baseline_dismiss": Access(Scope.TEAM, PLAN_EDITORS),
    "value_entry_index": Access(Scope.TEAM, VALUE_ENTRY),
    "value_entry": Access(Scope.TEAM, VALUE_ENTRY),
    "value_grid": Access(Scope.TEAM, VALUE_ENTRY),
    "value_import": Access(Scope.TEAM, VALUE_ENTRY),
    "value_import_example": Access(Scope.TEAM, VALUE_ENTRY),
    "value_import_detail": Access(Scope.TEAM, VALUE_ENTRY),
    "value_import_confirm": Access(Scope.TEAM, VALUE_ENTRY),
    "library": ANY_MEMBER,
    "library_measure": ANY_MEMBER,
    "library_adopt": Access(Scope.TEAM, PLAN_EDITORS),
    "programme_framework_export": MANAGES_PROGRAMME,
    "programme_framework_import": MANAGES_PROGRAMME,
    "api-v1:measure_list": TEAM_MEMBER,
    "api-v1:measure_detail": TEAM_MEMBER,
    "api-v1:value_list": TEAM_MEMBER,
    "api-v1:measure_spc": TEAM_MEMBER,
    "api-v1:value_post": Access(Scope.TEAM, VALUE_ENTRY),
    # Dashboards: the team dashboard, the programme matrix (counts through disclosure control) and the
    # buddy-pair view (the view checks that the two teams are buddies; otherwise 404).
    "team_dashboard": TEAM_MEMBER,
    "programme_dashboard": ANY_MEMBER,
    "buddy_view": TEAM_MEMBER,
    # Learning: excellence reports (public link too), their moderation, PDSA cycles, the buddy log.
    "learning": TEAM_MEMBER,
    "excellence_create": TEAM_MEMBER,
    "excellence_link": Access(Scope.TEAM, FACILITATORS),
    "excellence_moderate": Access(Scope.TEAM, MODERATORS),
    "excellence_moderate_report": Access(Scope.TEAM, MODERATORS),
    "excellence_public_form": PUBLIC,
    "excellence_public_thanks": PUBLIC,
    "pdsa_create": Access(Scope.TEAM, DATA_ENTRY),
    "pdsa_detail": TEAM_MEMBER,
    "pdsa_edit": Access(Scope.TEAM, DATA_ENTRY),
    "buddy_log": TEAM_MEMBER,
    "buddy_log_add": Access(Scope.TEAM, FACILITATORS),
    "buddy_log_adopt": Access(Scope.TEAM, PLAN_EDITORS),  # a buddy's idea into our driver diagram
    # Waiting lists and flow (waitinglists app): extracts hold several teams' rows, so importing (and the
    # import history) is programme-wide for admins, faculty and organisation-wide data analysts; each team's
    # flow and Plan ahead pages are for its members.
    "waiting_list_import": IMPORTS_EXTRACTS,
    "waiting_list_import_mhsds": IMPORTS_EXTRACTS,
    "waiting_list_imports": IMPORTS_EXTRACTS,
    "waiting_list_import_detail": IMPORTS_EXTRACTS,
    "waiting_list_rejects": IMPORTS_EXTRACTS,
    "team_flow": TEAM_MEMBER,
    "team_plan_ahead": TEAM_MEMBER,
    "team_plan_ahead_csv": TEAM_MEMBER,
    # Experience surveys (surveys app): composing, results, public links; check-in alerts for clinicians.
    # Team routes also exist programme-wide ("programme_" + name) for admins and faculty.
    **{
        f"{prefix}{name}": (access if not prefix else MANAGES_PROGRAMME)
        for prefix in ("", "programme_")
        for name, access in {
            "survey_list": TEAM_MEMBER,
            "survey_create": Access(Scope.TEAM, FACILITATORS),
            "survey_detail": TEAM_MEMBER,
            "survey_edit": Access(Scope.TEAM, FACILITATORS),
            "survey_question_add": Access(Scope.TEAM, FACILITATORS),
            "survey_question_remove": Access(Scope.TEAM, FACILITATORS),
            "survey_qr": TEAM_MEMBER,
            "survey_results": TEAM_MEMBER,
        }.items()
    },
    "survey_public": PUBLIC,
    "survey_public_easy_read": PUBLIC,
    "survey_public_thanks": PUBLIC,
    "survey_public_easy_read_thanks": PUBLIC,
    # Reports (reports app): every report is read outside the team, so its counts are disclosure-controlled
    # and it quotes only words people agreed to share. Team reports: any member reads them and the CSV;
    # team leads, experts by experience (who review reports), faculty and admins make them. Programme
    # reports hold only the measures each team shares: admins and faculty make them; team leads, experts by
    # experience and viewers (committee members) may read them too. The programme CSV: admins and faculty.
    **{
        name: access
        for names, access in (
            (
                (
                    "report_list",
                    "report_detail",
                    "report_pdf",
                    "report_html",
                    "report_pptx",
                    "report_xlsx",
                    "team_export_csv",
                ),
                TEAM_MEMBER,
            ),
            (("report_create",), Access(Scope.TEAM, REPORT_MAKERS)),
            (
                (
                    "programme_report_list",
                    "programme_report_detail",
                    "programme_report_pdf",
                    "programme_report_html",
                    "programme_report_pptx",
                    "programme_report_xlsx",
                ),
                Access(Scope.PROGRAMME, PROGRAMME_REPORT_READERS),
            ),
            (("programme_report_create", "programme_export_csv"), MANAGES_PROGRAMME),
        )
        for name in names
    },
    # JSON API (namespace api-v1).
    "api-v1:api-root": SIGNED_IN,
    "api-v1:openapi-json": SIGNED_IN,
    "api-v1:openapi-view": SIGNED_IN,
    "api-v1:me": SIGNED_IN,
    "api-v1:team_list": ANY_MEMBER,
    "api-v1:team_detail": TEAM_MEMBER,
    "api-v1:cohort_list": ANY_MEMBER,
    "api-v1:buddy_pair_list": ANY_MEMBER,
    # Django's admin site: organisation-wide admins only.
    "admin:*": ADMIN_ONLY,
}


def access_for(view_name: str) -> Access | None:
    """The row for a route, by its full name ("namespace:name"); a namespace row ("admin:*") covers all."""
    if view_name in PERMISSIONS:
        return PERMISSIONS[view_name]
    namespace = view_name.rsplit(":", 1)[0] if ":" in view_name else None
    if namespace is not None:
        return PERMISSIONS.get(f"{namespace}:*")
    return None


def allows(user: Any, name: str, team: Any | None = None) -> bool:
    """Does the table let this person do this (in this team)? The superuser flag grants nothing extra."""
    access = access_for(name)
    return access is not None and access.allows(user, team)


def register_rules() -> None:
    """Expose each row as a `rules` permission `whatmatters.<name>`, for templates and `user.has_perm`."""
    for name, access in PERMISSIONS.items():
        if name.endswith(":*"):
            continue
        predicate = rules.predicate(access.allows, name=f"allows_{name}")
        rules.set_perm(f"whatmatters.{name}", predicate)
