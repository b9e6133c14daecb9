"""The roles a person can hold in a team (or across the organisation)."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    FACULTY = "faculty", "Quality improvement faculty"
    TEAM_LEAD = "team_lead", "Team lead"
    STAFF = "staff", "Staff"
    EXPERT_BY_EXPERIENCE = "expert_by_experience", "Expert by experience"
    VIEWER = "viewer", "Viewer"
    DATA_ANALYST = "data_analyst", "Data analyst"


ALL_ROLES = frozenset(Role.values)
# Only these roles may be held across the whole organisation rather than in one team. Each of them, held
# organisation-wide, opens every team's pages (a data analyst imports data for any team).
ORGANISATION_ROLES = frozenset({Role.ADMIN, Role.FACULTY, Role.DATA_ANALYST})

ROLE_DESCRIPTIONS = {
    Role.ADMIN: "Runs the service: accounts, teams and the audit log.",
    Role.FACULTY: "Sets up the programme, supports teams and moderates what people write.",
    Role.TEAM_LEAD: "Owns the team's aims and measures and reads its dashboard.",
    Role.STAFF: "Says what matters, records what went well and enters data.",
    Role.EXPERT_BY_EXPERIENCE: "Brings lived experience: co-facilitates, themes and reviews.",
    Role.VIEWER: "Reads the team's pages.",
    Role.DATA_ANALYST: "Imports values and waiting-list extracts and reads import histories.",
}
