"""An extract older than the one loaded is explained before anything is saved ("This extract ends on …;
the one already loaded ends on …. Import it as history, or cancel."), on the import's page and by the
command, and imported as history it never replaces newer rows or shows impossible waits: its measures are
worked out at its own census date and fill only weeks and months that had no value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.conftest import START, TEAM_MAP, upload
from tests.waitinglists.test_import_command import flow_import
from whatmatters.flow.synthetic import generate
from whatmatters.framework.models import Value
from whatmatters.teams.roles import Role
from whatmatters.waitinglists.models import ExtractImport, ImportFile, Referral

pytestmark = pytest.mark.django_db

OLD_START = START.replace(year=START.year - 1)  # the same teams and seed, a year earlier: the same IDs
QUESTION = (  # each extract is half a year long; the older one ends a year earlier
    "This extract ends on 2 October 2022; the one already loaded ends on 2 October 2023. "
    "Import it as history, or cancel."
)


@pytest.fixture(scope="session")
def older_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Half a year ending on 1 October 2022, with the same referral IDs as the loaded extract."""
    out = tmp_path_factory.mktemp("older")
    generate(out, teams=["community-recovery", "older-adults-ward"], years=0.5, seed=3, start=OLD_START)
    return out


def rows() -> list[tuple[Any, ...]]:
    return list(
        Referral.objects.order_by("referral_id").values_list(
            "referral_id", "referral_date", "closed_date", "discharge_date", "treatment_start_date"
        )
    )


def values() -> dict[tuple[str, Any], tuple[Any, ...]]:
    return {
        (v.measure.code, v.period): (v.value, v.numerator, v.denominator)
        for v in Value.objects.select_related("measure")
    }


def test_the_command_refuses_an_older_extract_with_the_sentence_and_saves_nothing(
    imported: Any, older_extract: Path
) -> None:
    before, measures = rows(), values()
    code, said = flow_import(str(older_extract))
    assert code == 1
    assert QUESTION in said
    assert "--as-history" in said
    assert rows() == before and values() == measures
    job = ExtractImport.objects.order_by("-pk").first()
    assert job.status == ExtractImport.Status.CANCELLED
    assert not ImportFile.objects.filter(extract_import=job).exists()


def test_as_history_it_replaces_no_row_and_no_value_and_adds_only_earlier_periods(
    imported: Any, older_extract: Path
) -> None:
    before, measures = rows(), values()
    code, said = flow_import(str(older_extract), "--as-history")
    assert code == 0, said
    assert "Saved as history" in said
    assert rows() == before
    after = values()
    assert {k: after[k] for k in measures} == measures  # nothing replaced, nothing removed
    added = set(after) - set(measures)
    assert added and all(period < START for _, period in added)
    job = ExtractImport.objects.order_by("-pk").first()
    assert job.as_history and job.status == ExtractImport.Status.SAVED


def test_as_history_the_flow_and_plan_pages_still_show_the_newer_extract_with_possible_waits(
    imported: Any, older_extract: Path, make_user: Any, client_for: Any
) -> None:
    lead = client_for(make_user(Role.TEAM_LEAD, imported["CERT"]))
    first = lead.get("/teams/team-a/flow/").content.decode()
    flow_import(str(older_extract), "--as-history")
    page = lead.get("/teams/team-a/flow/").content.decode()
    assert page == first
    from whatmatters.waitinglists.models import StoredResult  # noqa: PLC0415 - new with the fix

    assert StoredResult.objects.filter(extract_import__as_history=True).count() == 0
    # no one can have waited longer than the loaded extract covers (START to its census, 182 days)
    said = re.search(r"92 in every 100 had waited (\d+) days or fewer", page)
    assert said and int(said.group(1)) <= 182


def test_the_upload_page_asks_before_saving_and_cancel_saves_nothing(
    imported: Any, older_extract: Path, make_user: Any, client_for: Any
) -> None:
    admin = client_for(make_user(Role.ADMIN))
    before = rows()
    response = upload(admin, older_extract, extract_date="2022-10-02")
    detail = response["Location"]
    page = admin.get(detail).content.decode()
    assert QUESTION in page
    assert "Import it as history" in page and "Cancel" in page
    assert 'http-equiv="refresh"' not in page  # it waits for the person, it does not refresh
    assert rows() == before
    job = ExtractImport.objects.order_by("-pk").first()
    assert job.status == ExtractImport.Status.CONFIRM
    assert ImportFile.objects.filter(extract_import=job).exists()  # kept until the person chooses
    admin.post(detail, {"choice": "cancel"})
    job.refresh_from_db()
    assert job.status == ExtractImport.Status.CANCELLED
    assert not ImportFile.objects.filter(extract_import=job).exists()
    assert rows() == before


def test_the_upload_page_imports_it_as_history_when_chosen(
    imported: Any, older_extract: Path, make_user: Any, client_for: Any
) -> None:
    admin = client_for(make_user(Role.ADMIN))
    before, measures = rows(), values()
    detail = upload(admin, older_extract, extract_date="2022-10-02")["Location"]
    admin.post(detail, {"choice": "history"})
    job = ExtractImport.objects.order_by("-pk").first()
    assert job.status == ExtractImport.Status.SAVED and job.as_history
    page = admin.get(detail).content.decode()
    assert "Imported as history: no rows were saved" in page
    assert rows() == before
    assert {k: v for k, v in values().items() if k in measures} == measures


def test_an_extract_of_the_same_date_or_later_is_imported_as_usual(imported: Any, extract: Path) -> None:
    code, said = flow_import(str(extract))
    assert code == 0, said
    assert "Import it as history" not in said
    assert "already saved were updated" in said  # why there are 0 new referrals


def test_a_trial_run_of_an_older_extract_only_checks_it(imported: Any, older_extract: Path) -> None:
    before = rows()
    code, said = flow_import(str(older_extract), "--dry-run")
    assert code == 0, said
    assert rows() == before


def test_with_nothing_loaded_an_old_extract_is_imported_as_usual(teams: Any, older_extract: Path) -> None:
    code, said = flow_import(str(older_extract), "--team-map", TEAM_MAP)
    assert code == 0, said
    assert Referral.objects.exists()


def test_as_history_is_refused_for_an_extract_that_is_not_older(imported: Any, extract: Path) -> None:
    before = rows()
    code, said = flow_import(str(extract), "--as-history")
    assert code == 1
    assert "which is not older than the extract already loaded" in said
    assert "Import it without --as-history" in said
    assert rows() == before


def test_an_old_extract_given_todays_date_is_found_by_its_own_dates(
    imported: Any, older_extract: Path, make_user: Any, client_for: Any
) -> None:
    """Its dates stop on 2 October 2022, more than 4 weeks before the date given, so that is when it ends;
    as history it is worked out then, not at the date given (which would count 2022's waits until then)."""
    admin = client_for(make_user(Role.ADMIN))
    before = rows()
    detail = upload(admin, older_extract, extract_date="2023-12-01")["Location"]
    assert (
        "This extract ends on 2 October 2022; the one already loaded ends on 2 October 2023."
        in admin.get(detail).content.decode()
    )
    admin.post(detail, {"choice": "history"})
    assert rows() == before
    assert "worked out as things stood on 2 October 2022" in admin.get(detail).content.decode()
    added = Value.objects.filter(import_ref=f"extract {detail.rstrip('/').split('/')[-1]}")
    assert added.exists() and max(v.period for v in added) < START


def test_a_quiet_month_is_not_an_old_extract(imported: Any, extract: Path) -> None:
    """The same data given a date 5 weeks later (a team with nothing new for a while): its dates stop long
    before the date given, but not before the loaded extract's, so it is imported as usual."""
    code, said = flow_import(str(extract), "--extract-date", "2023-11-06")
    assert code == 0, said
    assert "Import it as history" not in said
