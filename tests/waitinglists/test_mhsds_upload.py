"""MHSDS tables through the upload page and `flow import --mhsds`: the checks and measures of any extract."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.waitinglists.conftest import START, TEAM_MAP
from whatmatters.flow.mhsds import pseudonym
from whatmatters.flow.synthetic import generate_mhsds
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport, Referral, WardStay

pytestmark = pytest.mark.django_db

KEY = "a test secret of more than sixteen characters"
PAGE = "/programme/waiting-lists/import/mhsds/"
DATE = "2023-10-02"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATMATTERS_PSEUDONYM_KEY", KEY)


@pytest.fixture(scope="session")
def mhsds_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The conftest's small extract (CERT and OAWARD, half a year, seed 3), written as MHSDS tables."""
    out = tmp_path_factory.mktemp("mhsds")
    generate_mhsds(out, teams=["community-recovery", "older-adults-ward"], years=0.5, seed=3, start=START)
    (out / "extract.json").unlink()  # a warehouse folder has none: the form gives the date
    return out


def _zip(folder: Path, arcname: str = "warehouse/{name}") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, arcname.format(name=path.name))
    return buffer.getvalue()


def _post(client: Any, files: list[tuple[str, bytes]], **fields: str) -> Any:
    data: dict[str, Any] = {"extract_date": DATE, "team_map": TEAM_MAP, **fields}
    data["tables"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(PAGE, data)


def test_a_zipped_mhsds_folder_on_the_upload_page_becomes_measures_on_the_team_dashboard(
    teams: Any, mhsds_folder: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    response = _post(client, [("warehouse.zip", _zip(mhsds_folder))])
    job = ExtractImport.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert job.status == ExtractImport.Status.SAVED, job.problems
    referral = Referral.objects.filter(team=teams["CERT"]).order_by("referral_id").first()
    assert referral.referral_id == "CERT-R0000000/CERT"  # ServiceRequestId/CareProfTeamLocalId
    assert referral.person_id == pseudonym(KEY.encode(), "CERT-P0")  # never the LocalPatientId itself
    assert not Referral.objects.filter(person_id__startswith="CERT-P").exists()
    assert WardStay.objects.filter(team=teams["OAWARD"]).exists()
    staff = client_for(make_user(Role.STAFF, teams["CERT"]))
    page = staff.get("/teams/team-a/dashboard/").content.decode()
    assert "People waiting (weekly)" in page and "Missed appointments (monthly)" in page


def test_the_csv_files_chosen_together_are_imported_as_the_zip_is(
    teams: Any, mhsds_folder: Path, make_user: Any, client_for: Any
) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted(mhsds_folder.glob("*.csv"))]
    response = _post(client_for(make_user(Role.FACULTY)), files)
    assert response.status_code == 302
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.SAVED, job.problems
    assert job.counts["events.csv"]["read"] > 0 and job.counts["referrals.csv"]["rejected"] == 0


def test_the_upload_page_links_to_the_mhsds_route(make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.ADMIN))
    assert PAGE in client.get("/programme/waiting-lists/import/").content.decode()
    page = client.get(PAGE).content.decode()
    assert "MHS101Referral" in page and "NHS number" in page and 'type="file" multiple' in page


def test_an_nhs_number_in_a_column_we_do_not_read_refuses_the_whole_extract(
    teams: Any, mhsds_folder: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    folder = tmp_path / "nhs"
    shutil.copytree(mhsds_folder, folder)
    rows = list(csv.reader((folder / "MHS001MPI.csv").open()))
    rows[0].append("NHSNumber")
    for i, row in enumerate(rows[1:], start=1):
        row.append("943 476 5919" if i == 3 else "")
    with (folder / "MHS001MPI.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    client = client_for(make_user(Role.FACULTY))
    response = _post(client, [("warehouse.zip", _zip(folder))])
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.REJECTED
    assert not Referral.objects.exists()
    assert "MHS001MPI.csv row 4, NHSNumber: this is an NHS number" in " ".join(job.problems)
    assert "9434765919" not in job.rejects_csv and "943 476 5919" not in job.rejects_csv
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was saved" in page


def test_a_row_the_checks_reject_is_named_by_its_mhsds_table_row_and_column(
    teams: Any, mhsds_folder: Path, tmp_path: Path, make_user: Any, client_for: Any
) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(mhsds_folder, folder)
    lines = (folder / "MHS201CareContact.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[4].split(",")
    cells[header.index("CareContDate")] = "03/05/2023"
    lines[4] = ",".join(cells)
    (folder / "MHS201CareContact.csv").write_text("\n".join(lines) + "\n")
    _post(client_for(make_user(Role.FACULTY)), [("warehouse.zip", _zip(folder))])
    job = ExtractImport.objects.get()
    assert job.status == ExtractImport.Status.SAVED, job.problems  # one bad row in thousands
    bad = [r for r in csv.DictReader(io.StringIO(job.rejects_csv)) if r["rule_code"] == "BAD_DATE"]
    where = [(r["file"], r["row"], r["column"]) for r in bad]
    assert where == [("MHS201CareContact.csv", "5", "CareContDate")]
    assert bad[0]["message"].startswith(
        "MHS201CareContact.csv row 5, CareContDate (contacts.csv row 5, contact_date): '03/05/2023'"
    )


def test_a_zip_entry_that_climbs_out_of_the_folder_is_refused_on_the_form(
    teams: Any, mhsds_folder: Path, make_user: Any, client_for: Any
) -> None:
    response = _post(client_for(make_user(Role.FACULTY)), [("x.zip", _zip(mhsds_folder, "../../{name}"))])
    assert response.status_code == 200
    assert "points outside the folder" in response.content.decode()
    assert not ExtractImport.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(teams: Any, make_user: Any, client_for: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("MHS101Referral.csv", b"0" * (1100 << 20))
    response = _post(client_for(make_user(Role.FACULTY)), [("bomb.zip", buffer.getvalue())])
    assert response.status_code == 200
    assert "unpacks to more than" in response.content.decode()
    assert not ExtractImport.objects.exists()


def test_a_missing_required_table_is_an_error_on_the_form(
    teams: Any, mhsds_folder: Path, make_user: Any, client_for: Any
) -> None:
    files = [(p.name, p.read_bytes()) for p in mhsds_folder.glob("*.csv") if "MHS201" not in p.name]
    response = _post(client_for(make_user(Role.FACULTY)), files)
    assert response.status_code == 200
    assert "MHS201CareContact.csv is missing" in response.content.decode()
    assert not ExtractImport.objects.exists()


def test_flow_import_with_mhsds_saves_the_extract_and_its_measures(teams: Any, mhsds_folder: Path) -> None:
    from tests.waitinglists.test_import_command import flow_import

    code, said = flow_import("--mhsds", str(mhsds_folder), "--team-map", TEAM_MAP, "--extract-date", DATE)
    assert code == 0, said
    assert "100% Saved" in said
    assert Referral.objects.filter(team=teams["CERT"], referral_id="CERT-R0000000/CERT").exists()
    assert ExtractImport.objects.get().source.startswith("MHSDS tables in ")


def test_flow_import_with_mhsds_keeps_identifiers_that_are_already_pseudonyms(
    teams: Any, mhsds_folder: Path
) -> None:
    from tests.waitinglists.test_import_command import flow_import

    code, said = flow_import(
        "--mhsds", str(mhsds_folder), "--team-map", TEAM_MAP, "--extract-date", DATE, "--ids-are-pseudonyms"
    )
    assert code == 0, said
    assert Referral.objects.get(referral_id="CERT-R0000000/CERT").person_id == "CERT-P0"


def test_the_upload_page_keeps_identifiers_that_are_already_pseudonyms_when_ticked(
    teams: Any, mhsds_folder: Path, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.FACULTY))
    response = _post(client, [("warehouse.zip", _zip(mhsds_folder))], ids_are_pseudonyms="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Referral.objects.get(referral_id="CERT-R0000000/CERT").person_id == "CERT-P0"


def test_the_events_an_mhsds_extract_gives_are_saved_under_pseudonyms_and_counted_on_the_stored_page(
    teams: Any, mhsds_folder: Path
) -> None:
    import json

    from tests.waitinglists.test_import_command import flow_import
    from whatmatters.flow.charts import waits_charts
    from whatmatters.flow.mhsds import validate_mhsds
    from whatmatters.waitinglists.models import Event, StoredResult

    code, said = flow_import("--mhsds", str(mhsds_folder), "--team-map", TEAM_MAP, "--extract-date", DATE)
    assert code == 0, said
    # Activities belong to their contact's referral's team; care plans and care coordinators (MHS008, MHS009,
    # MHS006) are known by person only, and a team's pages read them through its people's referrals.
    assert Event.objects.filter(team=teams["CERT"], event_kind="assessment").exists()
    assert Event.objects.filter(team=None, event_kind="care_plan_agreed").exists()
    assert not Event.objects.filter(person_id__startswith="CERT-P").exists()  # never the LocalPatientId
    assert set(WardStay.objects.values_list("bed_type", flat=True)) - {""}
    stored = StoredResult.objects.get(team=teams["CERT"], page=StoredResult.Page.FLOW).data
    job = ExtractImport.objects.get()
    result = validate_mhsds(mhsds_folder, extract_date=job.extract_date, key=KEY.encode())
    try:
        direct = waits_charts(result.con, "cmh4", job.extract_date).to_dict()
    finally:
        result.con.close()
    assert stored == json.loads(json.dumps(direct))
