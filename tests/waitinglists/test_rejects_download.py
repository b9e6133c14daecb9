"""rejects.csv: one row per failed rule with file, row, column, rule code and message; safe to open."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.test_import_command import flow_import
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport

pytestmark = pytest.mark.django_db


def download(client: Any, job: ExtractImport) -> list[list[str]]:
    response = client.get(f"/programme/waiting-lists/imports/{job.pk}/rejects.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="rejects-{job.pk}.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_rejects_csv_names_file_row_column_rule_and_message(
    teams: Any, faulty_extract: Path, make_user: Any, client_for: Any
) -> None:
    flow_import(str(faulty_extract), "--team-map", "CERT=team-a")
    job = ExtractImport.objects.get()
    rows = download(client_for(make_user(Role.FACULTY)), job)
    assert rows[0] == ["file", "row", "column", "rule_code", "severity", "message", "value"]
    body = rows[1:]
    assert len(body) == job.reject_rows
    by_rule = {(r[0], r[3]) for r in body}
    assert {(i["file"], i["rule"]) for i in job.rejects_by_rule} == by_rule
    for file, row, column, rule, severity, message, _value in body:
        assert file.endswith(".csv") and row.isdigit() and int(row) >= 1
        assert rule.isupper() and severity in ("error", "warning") and message
        assert f"row {row}" in message
        if rule == "BAD_DATE":
            assert column.endswith("_date") and "YYYY-MM-DD" in message


def test_no_cell_can_run_as_a_spreadsheet_formula(
    teams: Any, extract: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    folder = tmp_path / "formula"
    shutil.copytree(extract, folder)
    lines = (folder / "contacts.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("attend_status")] = "=HYPERLINK(1)"
    lines[3] = ",".join(row)
    (folder / "contacts.csv").write_text("\n".join(lines) + "\n")
    flow_import(str(folder), "--team-map", "CERT=team-a,OAWARD=team-b:20")
    rows = download(client_for(make_user(Role.FACULTY)), ExtractImport.objects.get())
    assert any(cell == "'=HYPERLINK(1)" for row in rows for cell in row)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_clean_extract_has_a_header_only_rejects_csv(
    imported: Any, make_user: Any, client_for: Any
) -> None:
    job = ExtractImport.objects.get()
    rows = download(client_for(make_user(Role.ADMIN)), job)
    assert rows[0][:5] == ["file", "row", "column", "rule_code", "severity"]
    assert all(r[4] == "warning" for r in rows[1:])


def test_team_members_cannot_download_the_programme_rejects(
    imported: Any, make_user: Any, client_for: Any
) -> None:
    job = ExtractImport.objects.get()
    client = client_for(make_user(Role.TEAM_LEAD, imported["CERT"]))
    assert client.get(f"/programme/waiting-lists/imports/{job.pk}/rejects.csv").status_code == 403
