from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.waitinglists.conftest import TEAM_MAP
from whatmatters.audit.models import AuditEvent
from whatmatters.framework.models import Value
from whatmatters.waitinglists.models import Contact, ExtractImport, ExtractTeam, Referral, WardStay

pytestmark = pytest.mark.django_db


def flow_import(*args: str) -> tuple[int, str]:
    from whatmatters.flow.cli import main
    from whatmatters.waitinglists.cli import import_command

    out = io.StringIO()
    code = main(["import", *args], out, importer=import_command)
    return code, out.getvalue()


def test_importing_an_extract_saves_rows_with_their_teams(teams: Any, extract: Path) -> None:
    code, said = flow_import(str(extract), "--team-map", TEAM_MAP)
    assert code == 0, said
    assert "100% Saved" in said
    assert Referral.objects.filter(team=teams["CERT"]).exists()
    assert WardStay.objects.filter(team=teams["OAWARD"]).exists()
    assert not Contact.objects.exclude(team__in=teams.values()).exists()
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.SAVED
    assert job.first_date is not None and job.last_date is not None
    assert ExtractTeam.objects.get(code="OAWARD").beds == 20
    assert set(job.teams.all()) == set(teams.values())


def test_importing_the_same_extract_again_changes_nothing(teams: Any, extract: Path) -> None:
    flow_import(str(extract), "--team-map", TEAM_MAP)
    counts = (Referral.objects.count(), Contact.objects.count(), Value.objects.count())
    events = AuditEvent.objects.count()
    code, said = flow_import(str(extract))  # the team map is remembered
    assert code == 0, said
    assert (Referral.objects.count(), Contact.objects.count(), Value.objects.count()) == counts
    assert AuditEvent.objects.count() == events


def test_unknown_team_codes_stop_the_import_with_a_clear_message(teams: Any, extract: Path) -> None:
    code, said = flow_import(str(extract), "--team-map", "CERT=team-a")
    assert code == 1
    assert "not matched to a team: OAWARD" in said
    assert not Referral.objects.exists()


def test_a_team_map_naming_no_team_is_refused(teams: Any, extract: Path) -> None:
    code, said = flow_import(str(extract), "--team-map", "CERT=nowhere,OAWARD=team-b")
    assert code == 1
    assert "no active team with that short name" in said


def test_a_trial_run_saves_nothing(teams: Any, extract: Path) -> None:
    code, said = flow_import(str(extract), "--team-map", TEAM_MAP, "--dry-run")
    assert code == 0, said
    assert "trial run" in said
    assert not Referral.objects.exists() and not Value.objects.exists()


def test_above_the_reject_threshold_nothing_is_saved(teams: Any, faulty_extract: Path) -> None:
    code, said = flow_import(str(faulty_extract), "--team-map", "CERT=team-a")
    assert code == 1
    assert "more than the 1% allowed" in said
    assert not Referral.objects.exists()
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.REJECTED
    assert {"file": "referrals.csv", "rule": "DUP_ID"} in [
        {k: r[k] for k in ("file", "rule")} for r in job.rejects_by_rule
    ]


def test_a_higher_threshold_lets_the_good_rows_in(teams: Any, faulty_extract: Path) -> None:
    code, said = flow_import(str(faulty_extract), "--team-map", "CERT=team-a", "--threshold", "0.2")
    assert code == 0, said
    assert Referral.objects.exists()
    assert ExtractImport.objects.get().rejects_csv.count("\n") > 10


def test_a_file_with_a_valid_nhs_number_is_refused_whole(teams: Any, extract: Path, tmp_path: Path) -> None:
    folder = tmp_path / "nhs"
    shutil.copytree(extract, folder)
    referrals = folder / "referrals.csv"
    lines = referrals.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("person_id")] = "9434765919"  # a valid NHS number (modulus 11)
    lines[1] = ",".join(row)
    referrals.write_text("\n".join(lines) + "\n")
    code, said = flow_import(str(folder), "--team-map", TEAM_MAP)
    assert code == 1
    assert "pseudonymised" in said
    assert not Referral.objects.exists()
    assert "9434765919" not in ExtractImport.objects.get().rejects_csv


def test_the_management_command_runs_the_import(teams: Any, extract: Path, capsys: Any) -> None:
    with pytest.raises(SystemExit) as done:
        from whatmatters.management.commands.flow import Command

        Command().run_from_argv(["whatmatters", "flow", "import", str(extract), "--team-map", TEAM_MAP])
    assert done.value.code == 0
    assert "Saved" in capsys.readouterr().out
    assert call_command is not None
