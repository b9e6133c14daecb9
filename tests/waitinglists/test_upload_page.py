"""The upload page: faculty and admins send an extract; bad files and too many bad rows save nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.conftest import upload
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport, Referral

pytestmark = pytest.mark.django_db


def test_faculty_upload_an_extract_and_it_is_saved_by_the_background_task(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    response = upload(client, extract, team_map="CERT=team-a\nOAWARD=team-b:20")
    job = ExtractImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{job.pk}/")
    assert job.status == ExtractImport.Status.SAVED  # the immediate task backend ran it
    assert job.percent == 100 and job.threshold == pytest.approx(0.01)
    assert not job.files.exists()  # uploaded files are not kept once imported
    page = client.get(response["Location"]).content.decode()
    assert "Saved" in page and "Rows in each file" in page
    assert Referral.objects.filter(team=teams["CERT"]).exists()


def test_the_page_says_how_imports_work(make_user: Any, client_for: Any) -> None:
    page = client_for(make_user(Role.ADMIN)).get("/programme/waiting-lists/import/").content.decode()
    for words in ("pseudonymised", "NHS number", "1 in 100", "rejects.csv", "changes nothing"):
        assert words in page


def test_a_form_without_its_files_or_with_a_uk_date_keeps_what_was_typed(
    make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    response = client.post(
        "/programme/waiting-lists/import/", {"extract_date": "02/10/2023", "team_map": "CERT=team-a"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose referrals.csv" in page and "Choose contacts.csv" in page
    assert "Write the date as YYYY-MM-DD" in page
    assert "CERT=team-a" in page and "02/10/2023" in page
    assert not ExtractImport.objects.exists()


def test_a_team_map_that_cannot_be_read_is_an_error_on_the_form(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    response = upload(client_for(make_user(Role.FACULTY)), extract, team_map="CERT team-a")
    assert response.status_code == 200
    assert "is not CODE=team" in response.content.decode()
    assert not ExtractImport.objects.exists()


def test_a_file_that_is_not_csv_is_refused_and_nothing_is_saved(
    teams: Any, extract: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(extract, folder)
    (folder / "contacts.csv").write_bytes(b"\xff\xfe\x00P\x00K\x03\x04 not a csv")
    client = client_for(make_user(Role.FACULTY))
    response = upload(client, folder, team_map="CERT=team-a\nOAWARD=team-b:20")
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.REJECTED
    assert not Referral.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was saved" in page and "contacts.csv was refused" in page


def test_a_file_missing_a_required_column_is_refused(
    teams: Any, extract: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    folder = tmp_path / "nocol"
    shutil.copytree(extract, folder)
    lines = (folder / "referrals.csv").read_text().splitlines()
    (folder / "referrals.csv").write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n")
    client = client_for(make_user(Role.FACULTY))
    upload(client, folder, team_map="CERT=team-a\nOAWARD=team-b:20")
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.REJECTED
    assert any("no 'referral_id' column" in p for p in job.problems)
    assert not Referral.objects.exists()


def test_above_the_default_threshold_of_1_percent_nothing_is_saved(
    teams: Any, faulty_extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    response = upload(client, faulty_extract, team_map="CERT=team-a")
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.REJECTED
    assert not Referral.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "more than the 1% allowed" in page and "rejects.csv" in page


def test_a_higher_threshold_chosen_on_the_form_saves_the_good_rows(
    teams: Any, faulty_extract: Path, make_user: Any, client_for: Any
) -> None:
    upload(client_for(make_user(Role.FACULTY)), faulty_extract, team_map="CERT=team-a", threshold="20")
    job = ExtractImport.objects.get()
    assert job.threshold == pytest.approx(0.2)
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert Referral.objects.exists() and job.reject_rows > 0


def test_a_trial_run_checks_the_extract_and_saves_nothing(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    upload(client, extract, team_map="CERT=team-a\nOAWARD=team-b:20", dry_run="on")
    assert ExtractImport.objects.get().status == ExtractImport.Status.CHECKED
    assert not Referral.objects.exists()


def test_a_file_with_a_valid_nhs_number_is_refused_whole(
    teams: Any, extract: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    folder = tmp_path / "nhs"
    shutil.copytree(extract, folder)
    lines = (folder / "referrals.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[5].split(",")
    row[header.index("person_id")] = "943 476 5919"  # a valid NHS number (modulus 11), written with spaces
    lines[5] = ",".join(row)
    (folder / "referrals.csv").write_text("\n".join(lines) + "\n")
    client = client_for(make_user(Role.FACULTY))
    response = upload(client, folder, team_map="CERT=team-a\nOAWARD=team-b:20")
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.REJECTED
    assert not Referral.objects.exists()
    assert job.counts["referrals.csv"]["refused"] and job.counts["referrals.csv"]["kept"] == 0
    page = client.get(response["Location"]).content.decode()
    assert "pseudonymised" in page
    assert "9434765919" not in job.rejects_csv and "943 476 5919" not in job.rejects_csv


def test_an_unknown_team_code_saves_nothing_and_says_which(
    teams: Any, extract: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.ADMIN))
    response = upload(client, extract, team_map="CERT=team-a")
    assert "not matched to a team: OAWARD" in client.get(response["Location"]).content.decode()
    assert not Referral.objects.exists()
