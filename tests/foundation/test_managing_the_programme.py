"""Managing the programme through its pages: teams, phases, buddy pairs, roles in teams, and people.

Forms with errors keep what was typed and list each error in the error summary, linked to its field
(NHS.UK design system). ASVS 8.2.1/8.2.2: a team lead cannot manage roles, and other teams' pages are 404.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest
from django.core import mail

from whatmatters.teams.models import BuddyPair, Cohort, Membership, Team, User
from whatmatters.teams.roles import Role


def page_of(response: Any) -> str:
    return response.content.decode()


def error_summary(page: str) -> list[tuple[str, str]]:
    """The (link, message) pairs in the page's error summary, in order."""
    start = page.find('class="nhsuk-error-summary"')
    if start == -1:
        return []
    block = page[start : page.find("</ul>", start)]
    return [
        (href, html.unescape(" ".join(text.split())))
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', block, re.S)
    ]


def field_error(page: str, field_id: str) -> str:
    """The error message shown by the field itself."""
    pattern = rf'id="{field_id}-error">\s*<span class="nhsuk-u-visually-hidden">Error: </span>(.*?)\s*</span>'
    match = re.search(pattern, page, re.S)
    assert match, f"no error message by {field_id}"
    return html.unescape(match.group(1))


def typed_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def textarea_value(page: str, name: str) -> str | None:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def selected_option(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select named {name}"
    chosen = re.search(r'<option value="([^"]*)"\s+selected', select.group(1))
    return chosen.group(1) if chosen else None


def is_checked(page: str, name: str, value: str) -> bool:
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if f'value="{value}"' in tag:
            return "checked" in tag
    raise AssertionError(f"no checkbox {name}={value}")


def follow(client: Any, response: Any) -> str:
    assert response.status_code == 302, response.status_code
    return page_of(client.get(response["Location"]))


# --- Teams ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACULTY])
def test_admin_and_faculty_add_a_team(
    people: dict[str, Any], programme: Any, client_for: Any, role: str
) -> None:
    client = client_for(people[role])
    assert "Add a team" in page_of(client.get("/programme/"))

    response = client.post(
        "/teams/new/",
        {
            "name": "Crisis Team North",
            "slug": "crisis-north",
            "service_type": Team.ServiceType.CRISIS,
            "cohort": programme.phase2.pk,
            "description": "Out-of-hours crisis support",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/teams/crisis-north/"
    team = Team.objects.get(slug="crisis-north")
    assert team.name == "Crisis Team North"
    assert team.service_type == Team.ServiceType.CRISIS
    assert team.cohort == programme.phase2
    assert team.organisation == programme.organisation
    assert team.is_active
    page = follow(client, response)
    assert "Crisis Team North has been added" in page
    assert "<h1>Crisis Team North</h1>" in page
    assert "Crisis team, Phase 2" in page


def test_a_team_form_with_errors_keeps_what_was_typed_and_links_each_error(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    client = client_for(people[Role.FACULTY])

    response = client.post(
        "/teams/new/",
        {
            "name": "Team A",
            "slug": "team-b",
            "service_type": Team.ServiceType.INPATIENT,
            "cohort": programme.phase2.pk,
            "description": "A ward <with> notes",
        },
    )

    assert response.status_code == 200
    page = page_of(response)
    assert "<title>Error: Add a team" in page
    assert error_summary(page) == [
        ("#id_name", "A team with this name already exists"),
        ("#id_slug", "Another team already uses this short name"),
    ]
    assert field_error(page, "id_slug") == "Another team already uses this short name"
    assert typed_value(page, "name") == "Team A"
    assert typed_value(page, "slug") == "team-b"
    assert selected_option(page, "service_type") == Team.ServiceType.INPATIENT
    assert selected_option(page, "cohort") == str(programme.phase2.pk)
    assert textarea_value(page, "description") == "A ward <with> notes"
    assert "A ward &lt;with&gt; notes" in page
    assert Team.objects.count() == 2


def test_a_team_needs_a_name_and_a_valid_short_name(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    response = client_for(people[Role.ADMIN]).post(
        "/teams/new/", {"name": "", "slug": "Not A Slug!", "service_type": "other"}
    )

    assert error_summary(page_of(response)) == [
        ("#id_name", "Enter the team's name"),
        ("#id_slug", "Use only lower-case letters, numbers and hyphens"),
    ]
    assert typed_value(page_of(response), "slug") == "Not A Slug!"


def test_changing_a_team_and_closing_it(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    client = client_for(people[Role.ADMIN])
    fields = {
        "name": "Team Alpha",
        "slug": "team-a",
        "service_type": "community",
        "cohort": programme.phase1.pk,
    }

    renamed = client.post("/teams/team-a/edit/", {**fields, "is_active": "on"})
    assert renamed["Location"] == "/teams/team-a/"
    assert Team.objects.get(slug="team-a").name == "Team Alpha"

    closed = client.post("/teams/team-a/edit/", fields)  # "is_active" unticked
    assert closed["Location"] == "/programme/"
    assert not Team.objects.get(slug="team-a").is_active
    assert client.get("/teams/team-a/").status_code == 404


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF, Role.VIEWER, Role.EXPERT_BY_EXPERIENCE])
def test_team_members_cannot_add_teams_phases_or_buddy_pairs(
    people: dict[str, Any], programme: Any, client_for: Any, role: str
) -> None:
    client = client_for(people[role])

    assert client.post("/teams/new/", {"name": "X", "slug": "x", "service_type": "other"}).status_code == 403
    assert (
        client.post("/phases/new/", {"name": "P9", "number": 9, "start_date": "2025-01-01"}).status_code
        == 403
    )
    assert client.post(f"/buddy-pairs/{programme.pair.pk}/delete/").status_code == 403
    assert client.post("/teams/team-a/edit/", {"name": "Hijacked"}).status_code == 403
    assert Team.objects.count() == 2
    assert not Cohort.objects.filter(number=9).exists()
    assert BuddyPair.objects.filter(pk=programme.pair.pk).exists()
    assert Team.objects.get(slug="team-a").name == "Team A"
    assert "Add a team" not in page_of(client.get("/programme/"))


# --- Phases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACULTY])
def test_admin_and_faculty_add_a_phase(
    people: dict[str, Any], programme: Any, client_for: Any, role: str
) -> None:
    client = client_for(people[role])

    response = client.post(
        "/phases/new/",
        {
            "name": "Phase 3",
            "number": 3,
            "start_date": "2025-01-06",
            "end_date": "2025-12-19",
            "description": "",
        },
    )

    assert response["Location"] == "/programme/"
    phase = Cohort.objects.get(number=3)
    assert (phase.name, phase.start_date, phase.end_date) == ("Phase 3", date(2025, 1, 6), date(2025, 12, 19))
    assert phase.organisation == programme.organisation
    page = follow(client, response)
    assert "Phase 3 has been added" in page
    assert "Starts 6 January 2025, ends 19 December 2025." in page


def test_a_phase_cannot_end_before_it_starts(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    response = client_for(people[Role.FACULTY]).post(
        "/phases/new/", {"name": "Phase 3", "number": 3, "start_date": "2025-06-01", "end_date": "2025-05-31"}
    )

    assert response.status_code == 200
    page = page_of(response)
    assert error_summary(page) == [("#id_end_date", "The end date must be on or after the start date.")]
    assert typed_value(page, "name") == "Phase 3"
    assert typed_value(page, "number") == "3"
    assert typed_value(page, "start_date") == "2025-06-01"
    assert typed_value(page, "end_date") == "2025-05-31"
    assert not Cohort.objects.filter(number=3).exists()


def test_two_phases_cannot_share_a_number(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    response = client_for(people[Role.ADMIN]).post(
        "/phases/new/", {"name": "Another first phase", "number": 1, "start_date": "2025-01-01"}
    )

    page = page_of(response)
    assert error_summary(page) == [("#id_number", "There is already a phase 1")]
    assert typed_value(page, "name") == "Another first phase"
    assert Cohort.objects.filter(number=1).count() == 1


def test_a_phase_with_a_missing_or_impossible_date_says_so(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    response = client_for(people[Role.ADMIN]).post(
        "/phases/new/", {"name": "", "number": "", "start_date": "2025-02-30"}
    )

    assert error_summary(page_of(response)) == [
        ("#id_name", "Enter a name for the phase, for example Phase 1"),
        ("#id_number", "Enter the phase number, for example 1"),
        ("#id_start_date", "Enter a real date"),
    ]


def test_changing_a_phase_keeps_its_own_number(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    client = client_for(people[Role.FACULTY])

    response = client.post(
        f"/phases/{programme.phase1.pk}/edit/",
        {"name": "Phase one", "number": 1, "start_date": "2023-08-01", "end_date": "2024-02-29"},
    )

    assert response["Location"] == "/programme/"
    programme.phase1.refresh_from_db()
    assert (programme.phase1.name, programme.phase1.end_date) == ("Phase one", date(2024, 2, 29))
    clash = client.post(
        f"/phases/{programme.phase1.pk}/edit/", {"name": "Phase one", "number": 2, "start_date": "2023-08-01"}
    )
    assert error_summary(page_of(clash)) == [("#id_number", "There is already a phase 2")]


# --- Buddy pairs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACULTY])
def test_admin_and_faculty_pair_two_teams(
    people: dict[str, Any], programme: Any, client_for: Any, role: str
) -> None:
    team_c = Team.objects.create(organisation=programme.organisation, name="Team C", slug="team-c")
    client = client_for(people[role])

    response = client.post(
        "/buddy-pairs/new/",
        {"first_team": programme.team_a.pk, "second_team": team_c.pk, "started_on": "2024-04-02"},
    )

    assert response["Location"] == "/programme/"
    pair = BuddyPair.objects.get(first_team=programme.team_a, second_team=team_c)
    assert pair.started_on == date(2024, 4, 2)
    assert "Team A and Team C are now buddies" in follow(client, response)
    assert client.get("/teams/team-c/").content.decode().count("<li>Team A</li>") == 1


def test_a_team_cannot_be_its_own_buddy(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    response = client_for(people[Role.ADMIN]).post(
        "/buddy-pairs/new/",
        {"first_team": programme.team_b.pk, "second_team": programme.team_b.pk, "notes": "typo"},
    )

    page = page_of(response)
    assert error_summary(page) == [("#id_second_team", "Choose two different teams.")]
    assert selected_option(page, "first_team") == str(programme.team_b.pk)
    assert selected_option(page, "second_team") == str(programme.team_b.pk)
    assert textarea_value(page, "notes") == "typo"
    assert BuddyPair.objects.count() == 1


@pytest.mark.parametrize("order", ["same", "reversed"])
def test_two_teams_cannot_be_paired_twice_in_either_order(
    people: dict[str, Any], programme: Any, client_for: Any, order: str
) -> None:
    first, second = (
        (programme.team_a, programme.team_b) if order == "same" else (programme.team_b, programme.team_a)
    )

    response = client_for(people[Role.FACULTY]).post(
        "/buddy-pairs/new/", {"first_team": first.pk, "second_team": second.pk}
    )

    assert response.status_code == 200
    page = page_of(response)
    assert error_summary(page) == [("#id_second_team", "These two teams are already buddies.")]
    assert selected_option(page, "first_team") == str(first.pk)
    assert BuddyPair.objects.count() == 1


def test_a_closed_team_cannot_be_chosen_as_a_buddy(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    closed = Team.objects.create(
        organisation=programme.organisation, name="Old team", slug="old", is_active=False
    )

    response = client_for(people[Role.ADMIN]).post(
        "/buddy-pairs/new/", {"first_team": programme.team_a.pk, "second_team": closed.pk}
    )

    assert error_summary(page_of(response)) == [
        ("#id_second_team", "Select a valid choice. That choice is not one of the available choices.")
    ]


def test_unpairing_buddies(people: dict[str, Any], programme: Any, client_for: Any) -> None:
    client = client_for(people[Role.ADMIN])

    response = client.post(f"/buddy-pairs/{programme.pair.pk}/delete/")

    assert response["Location"] == "/programme/"
    assert not BuddyPair.objects.exists()
    assert "Team A and Team B are no longer buddies" in follow(client, response)
    assert client.get(f"/buddy-pairs/{programme.pair.pk}/delete/").status_code == 405


# --- Roles in a team ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACULTY])
def test_giving_and_removing_a_role_from_the_team_page(
    people: dict[str, Any], programme: Any, client_for: Any, make_user: Any, role: str
) -> None:
    newcomer = make_user(None)
    client = client_for(people[role])
    team_page = page_of(client.get("/teams/team-b/"))
    assert "Give someone a role in this team" in team_page

    form = page_of(client.get("/teams/team-b/members/add/"))
    assert f'<option value="{newcomer.pk}"' in form
    assert f'<option value="{people["team_b_lead"].pk}"' not in form  # already in the team

    added = client.post(
        "/teams/team-b/members/add/", {"user": newcomer.pk, "role": Role.EXPERT_BY_EXPERIENCE}
    )

    assert added["Location"] == "/teams/team-b/"
    membership = Membership.objects.get(user=newcomer, team=programme.team_b)
    assert membership.role == Role.EXPERT_BY_EXPERIENCE
    page = follow(client, added)
    assert f"{newcomer.full_name} has been added to Team B" in page
    assert newcomer.email in page

    removed = client.post(f"/teams/team-b/members/{membership.pk}/remove/")

    assert removed["Location"] == "/teams/team-b/"
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert f"{newcomer.full_name} no longer has a role in Team B" in follow(client, removed)


def test_giving_a_role_needs_a_person_and_a_role(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    response = client_for(people[Role.ADMIN]).post("/teams/team-b/members/add/", {"user": "", "role": ""})

    assert error_summary(page_of(response)) == [
        ("#id_user", "Choose a person"),
        ("#id_role", "Choose a role"),
    ]


def test_someone_already_in_the_team_cannot_be_given_a_second_role(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    response = client_for(people[Role.ADMIN]).post(
        "/teams/team-a/members/add/", {"user": people[Role.STAFF].pk, "role": Role.TEAM_LEAD}
    )

    assert response.status_code == 200
    assert error_summary(page_of(response))[0][0] == "#id_user"
    assert Membership.objects.get(user=people[Role.STAFF]).role == Role.STAFF


def test_a_membership_cannot_be_removed_through_another_teams_address(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    membership_in_a = Membership.objects.get(user=people[Role.STAFF])

    response = client_for(people[Role.ADMIN]).post(f"/teams/team-b/members/{membership_in_a.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership_in_a.pk).exists()


def test_a_team_lead_cannot_manage_roles_in_their_own_team(
    people: dict[str, Any], programme: Any, client_for: Any, make_user: Any
) -> None:
    lead = client_for(people[Role.TEAM_LEAD])
    outsider = make_user(None)
    staff_membership = Membership.objects.get(user=people[Role.STAFF])

    team_page = lead.get("/teams/team-a/")
    assert team_page.status_code == 200
    assert "Give someone a role in this team" not in page_of(team_page)
    assert "Remove<span" not in page_of(team_page)
    assert people[Role.STAFF].email not in page_of(team_page)  # addresses are for people who manage roles

    assert lead.get("/teams/team-a/members/add/").status_code == 403
    assert (
        lead.post("/teams/team-a/members/add/", {"user": outsider.pk, "role": Role.STAFF}).status_code == 403
    )
    assert lead.post(f"/teams/team-a/members/{staff_membership.pk}/remove/").status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()
    assert Membership.objects.filter(pk=staff_membership.pk).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/teams/team-a/"),
        ("get", "/teams/team-a/edit/"),
        ("post", "/teams/team-a/edit/"),
        ("get", "/teams/team-a/members/add/"),
        ("post", "/teams/team-a/members/add/"),
        ("post", "/teams/team-a/members/{pk}/remove/"),
    ],
)
def test_a_team_b_lead_gets_404_on_team_a_pages(
    people: dict[str, Any], programme: Any, client_for: Any, method: str, path: str
) -> None:
    staff_membership = Membership.objects.get(user=people[Role.STAFF])
    client = client_for(people["team_b_lead"])

    response = getattr(client, method)(path.format(pk=staff_membership.pk))

    assert response.status_code == 404
    assert "Page not found" in page_of(response)
    assert "Team A" not in page_of(response)
    assert Membership.objects.filter(pk=staff_membership.pk).exists()


# --- People ---------------------------------------------------------------------------------------


def person_fields(person: Any, **changes: Any) -> dict[str, Any]:
    """The person form as it stands, with some answers changed. is_active=False means unticked."""
    roles = list(Membership.objects.filter(user=person, team=None).values_list("role", flat=True))
    fields: dict[str, Any] = {"full_name": person.full_name, "is_active": "on", "organisation_roles": roles}
    fields.update(changes)
    if fields["is_active"] is False:
        del fields["is_active"]
    return fields


def test_changing_a_persons_name(people: dict[str, Any], client_for: Any) -> None:
    staff = people[Role.STAFF]
    client = client_for(people[Role.ADMIN])
    assert staff.full_name in page_of(client.get(f"/people/{staff.pk}/"))

    response = client.post(f"/people/{staff.pk}/", person_fields(staff, full_name="Sam Staff-Jones"))

    assert response["Location"] == "/people/"
    staff.refresh_from_db()
    assert staff.full_name == "Sam Staff-Jones"
    assert staff.is_active
    assert Membership.objects.get(user=staff).team.slug == "team-a"  # team roles untouched
    assert "Your changes have been saved" in follow(client, response)


def test_a_person_needs_a_name(people: dict[str, Any], client_for: Any) -> None:
    staff = people[Role.STAFF]

    response = client_for(people[Role.FACULTY]).post(
        f"/people/{staff.pk}/", person_fields(staff, full_name="")
    )

    assert error_summary(page_of(response)) == [("#id_full_name", "Enter the person's full name")]
    staff.refresh_from_db()
    assert staff.full_name.startswith("Staff Person")


def test_closing_someones_account(people: dict[str, Any], client_for: Any) -> None:
    staff = people[Role.STAFF]
    client = client_for(people[Role.ADMIN])

    client.post(f"/people/{staff.pk}/", person_fields(staff, is_active=False))

    staff.refresh_from_db()
    assert not staff.is_active
    assert re.search(
        rf"{re.escape(staff.email)}</td>\s*<td[^>]*>.*?</td>\s*<td[^>]*>Closed</td>",
        page_of(client.get("/people/")),
        re.S,
    )


def test_giving_and_taking_away_an_organisation_wide_role(people: dict[str, Any], client_for: Any) -> None:
    lead = people[Role.TEAM_LEAD]
    client = client_for(people[Role.ADMIN])

    client.post(f"/people/{lead.pk}/", person_fields(lead, organisation_roles=[Role.FACULTY]))
    assert set(Membership.objects.filter(user=lead, team=None).values_list("role", flat=True)) == {
        Role.FACULTY
    }
    assert is_checked(page_of(client.get(f"/people/{lead.pk}/")), "organisation_roles", Role.FACULTY)

    client.post(f"/people/{lead.pk}/", person_fields(lead, organisation_roles=[Role.FACULTY, Role.ADMIN]))
    lead.refresh_from_db()
    assert lead.is_staff  # organisation admins, and only they, may open the admin site

    client.post(f"/people/{lead.pk}/", person_fields(lead, organisation_roles=[]))
    lead.refresh_from_db()
    assert not Membership.objects.filter(user=lead, team=None).exists()
    assert not lead.is_staff
    assert Membership.objects.get(user=lead).team.slug == "team-a"


def test_you_cannot_close_your_own_account(people: dict[str, Any], client_for: Any) -> None:
    admin = people[Role.ADMIN]

    response = client_for(admin).post(f"/people/{admin.pk}/", person_fields(admin, is_active=False))

    assert response.status_code == 200
    assert error_summary(page_of(response)) == [("#id_is_active", "You cannot close your own account")]
    admin.refresh_from_db()
    assert admin.is_active


def test_you_cannot_remove_your_own_admin_role(people: dict[str, Any], client_for: Any) -> None:
    admin = people[Role.ADMIN]

    response = client_for(admin).post(
        f"/people/{admin.pk}/", person_fields(admin, full_name="New Name", organisation_roles=[Role.FACULTY])
    )

    assert response.status_code == 200
    page = page_of(response)
    assert error_summary(page) == [("#id_organisation_roles", "You cannot remove your own admin role")]
    assert typed_value(page, "full_name") == "New Name"
    assert is_checked(page, "organisation_roles", Role.FACULTY)
    admin.refresh_from_db()
    assert admin.full_name != "New Name"  # nothing was saved
    assert list(Membership.objects.filter(user=admin, team=None).values_list("role", flat=True)) == [
        Role.ADMIN
    ]


def test_faculty_cannot_make_themselves_an_admin(people: dict[str, Any], client_for: Any) -> None:
    # The admin role opens the audit log and the admin site; only an admin can give it.
    faculty = people[Role.FACULTY]

    response = client_for(faculty).post(
        f"/people/{faculty.pk}/", person_fields(faculty, organisation_roles=[Role.FACULTY, Role.ADMIN])
    )

    assert response.status_code == 200
    assert error_summary(page_of(response)) == [
        ("#id_organisation_roles", "Only an admin can give or take away the admin role")
    ]
    assert not Membership.objects.filter(user=faculty, role=Role.ADMIN).exists()
    faculty.refresh_from_db()
    assert not faculty.is_staff


def test_faculty_cannot_take_the_admin_role_from_an_admin(people: dict[str, Any], client_for: Any) -> None:
    admin = people[Role.ADMIN]

    response = client_for(people[Role.FACULTY]).post(
        f"/people/{admin.pk}/", person_fields(admin, organisation_roles=[])
    )

    assert error_summary(page_of(response)) == [
        ("#id_organisation_roles", "Only an admin can give or take away the admin role")
    ]
    assert Membership.objects.filter(user=admin, team=None, role=Role.ADMIN).exists()


def test_faculty_can_change_other_answers_for_an_admin(people: dict[str, Any], client_for: Any) -> None:
    admin = people[Role.ADMIN]

    response = client_for(people[Role.FACULTY]).post(
        f"/people/{admin.pk}/", person_fields(admin, full_name="Renamed Admin")
    )

    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.full_name == "Renamed Admin"
    assert Membership.objects.filter(user=admin, team=None, role=Role.ADMIN).exists()


def test_faculty_cannot_invite_an_admin(
    people: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people[Role.FACULTY]).post(
            "/people/invite/",
            {"full_name": "New Admin", "email": "new-admin@example.com", "team": "", "role": Role.ADMIN},
        )

    assert response.status_code == 200
    assert error_summary(page_of(response)) == [("#id_role", "Only an admin can invite another admin")]
    assert not User.objects.filter(email="new-admin@example.com").exists()
    assert mail.outbox == []


def test_an_admin_can_invite_another_admin(
    people: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people[Role.ADMIN]).post(
            "/people/invite/",
            {"full_name": "New Admin", "email": "new-admin@example.com", "team": "", "role": Role.ADMIN},
        )

    assert response.status_code == 302
    invited = User.objects.get(email="new-admin@example.com")
    assert Membership.objects.filter(user=invited, team=None, role=Role.ADMIN).exists()
    assert invited.is_staff


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.STAFF, Role.VIEWER, "no_role"])
def test_only_admin_and_faculty_manage_people(people: dict[str, Any], client_for: Any, role: str) -> None:
    staff = people[Role.STAFF]
    client = client_for(people[role])

    assert client.get("/people/").status_code == 403
    assert client.post(f"/people/{staff.pk}/", person_fields(staff, is_active=False)).status_code == 403
    staff.refresh_from_db()
    assert staff.is_active


def test_the_people_list_searches_by_name_or_email(people: dict[str, Any], client_for: Any) -> None:
    client = client_for(people[Role.FACULTY])

    by_name = page_of(client.get("/people/?q=viewer person"))
    by_email = page_of(client.get("/people/?q=TEAM_LEAD"))

    assert people[Role.VIEWER].email in by_name
    assert people[Role.STAFF].email not in by_name
    assert people[Role.TEAM_LEAD].email in by_email
    assert people["team_b_lead"].email in by_email
    assert people[Role.VIEWER].email not in by_email
    assert "Nobody matches your search." in page_of(client.get("/people/?q=zzz-nobody"))


def test_an_invited_person_can_be_sent_the_invitation_again(
    people: dict[str, Any], programme: Any, client_for: Any
) -> None:
    invited = User.objects.create_user("invited@example.com", "Invited Person")
    Membership.objects.create(user=invited, team=programme.team_a, role=Role.VIEWER)
    client = client_for(people[Role.ADMIN])
    assert "This person has not chosen a password yet." in page_of(client.get(f"/people/{invited.pk}/"))

    response = client.post(f"/people/{invited.pk}/", {"action": "resend"})

    assert response["Location"] == f"/people/{invited.pk}/"
    assert [m.to for m in mail.outbox] == [["invited@example.com"]]
    assert "/invite/" in mail.outbox[0].body


def test_faculty_cannot_close_an_admins_account(people: dict[str, Any], client_for: Any) -> None:
    admin = people[Role.ADMIN]
    response = client_for(people[Role.FACULTY]).post(
        f"/people/{admin.pk}/",
        {"full_name": admin.full_name, "organisation_roles": [Role.ADMIN]},  # is_active left unticked
    )
    assert response.status_code == 200
    assert "Only an admin can close an admin&#39;s account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_the_role_list_makes_you_choose_a_role(
    programme: Any, people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.FACULTY])
    page = client.get("/teams/team-a/members/add/").content.decode()
    options = re.findall(r'<option value="([^"]*)"', page[page.index('name="role"') :])
    assert options[0] == ""
    response = client.post("/teams/team-a/members/add/", {"user": people["no_role"].pk})
    assert "Choose a role" in response.content.decode()
    assert not Membership.objects.filter(user=people["no_role"]).exists()


def test_an_empty_submission_shows_the_errors_instead_of_a_blank_form(
    people: dict[str, Any], client_for: Any
) -> None:
    response = client_for(people[Role.FACULTY]).post("/teams/new/", {})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the team&#39;s name" in page
