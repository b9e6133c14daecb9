"""What an import saves is what its own measures counted: events.csv, each referral's age and each ward
stay's bed type and discharge destination are kept, so a team's stored flow page is the one the extract's
own files give; a newer extract gives its teams' referrals whole (an open referral it no longer has is
removed, an old closed one kept); and a referral that moved to another team leaves no stale page behind."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.waitinglists.conftest import START, TEAM_MAP
from tests.waitinglists.test_import_command import flow_import
from whatmatters.flow.charts import waits_charts
from whatmatters.flow.clocks import RULES
from whatmatters.flow.synthetic import generate
from whatmatters.flow.validate import validate_extract
from whatmatters.teams.models import Team
from whatmatters.waitinglists import results
from whatmatters.waitinglists.models import (
    Contact,
    Event,
    ExtractImport,
    Referral,
    StoredResult,
    WardStay,
)

pytestmark = pytest.mark.django_db


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def with_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The community team for half a year, with events.csv: for every referral with an attended contact,
    a baseline outcome measure and a care plan agreed on the day of its first attended contact, so NHS
    England's 4-week rule (not the local fallback) stops clocks."""
    out = tmp_path_factory.mktemp("with-events")
    generate(out, teams=["community-recovery"], years=0.5, seed=5, start=START)
    _, contacts = _read(out / "contacts.csv")
    _, referrals = _read(out / "referrals.csv")
    person = {r["referral_id"]: r["person_id"] for r in referrals}
    first: dict[str, str] = {}
    for c in contacts:
        if c["attend_status"] in ("5", "6") and (
            c["referral_id"] not in first or c["contact_date"] < first[c["referral_id"]]
        ):
            first[c["referral_id"]] = c["contact_date"]
    header = ["event_id", "person_id", "referral_id", "event_kind", "event_date", "source"]
    rows = []
    for n, (rid, day) in enumerate(sorted(first.items())):
        for kind, source in (("outcome_measure", "MHS606"), ("care_plan_agreed", "MHS009")):
            rows.append(
                {
                    "event_id": f"E{n}-{kind}",
                    "person_id": person[rid],
                    "referral_id": rid,
                    "event_kind": kind,
                    "event_date": day,
                    "source": source,
                }
            )
    _write(out / "events.csv", header, rows)
    return out


def _import(folder: Path, *extra: str) -> ExtractImport:
    code, said = flow_import(str(folder), *extra)
    assert code == 0, said
    return ExtractImport.objects.order_by("-pk").first()


def test_events_in_an_extract_are_saved_with_their_referrals_team(teams: Any, with_events: Path) -> None:
    _import(with_events, "--team-map", "CERT=team-a")
    _, rows = _read(with_events / "events.csv")
    assert Event.objects.count() == len(rows) > 0
    assert set(Event.objects.values_list("team", flat=True)) == {teams["CERT"].pk}
    assert set(Event.objects.values_list("source", flat=True)) == {"MHS606", "MHS009"}


def test_the_stored_flow_page_is_the_one_the_extracts_own_files_give(teams: Any, with_events: Path) -> None:
    job = _import(with_events, "--team-map", "CERT=team-a")
    stored = StoredResult.objects.get(team=teams["CERT"], page=StoredResult.Page.FLOW).data
    assert stored["rule_label"] == RULES["cmh4"].label  # NHS England's rule, not the local fallback
    result = validate_extract(with_events, extract_date=job.extract_date)
    try:
        direct = waits_charts(result.con, "cmh4", job.extract_date).to_dict()
    finally:
        result.con.close()
    assert stored == json.loads(json.dumps(direct))


def test_each_referrals_age_is_kept(teams: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ages"
    generate(folder, teams=["community-recovery"], years=0.5, seed=6, start=START)
    header, referrals = _read(folder / "referrals.csv")
    for n, r in enumerate(referrals):
        r["age_at_referral"] = str(16 + n % 60)
    _write(folder / "referrals.csv", header, referrals)
    _import(folder, "--team-map", "CERT=team-a")
    first = referrals[0]
    assert Referral.objects.get(referral_id=first["referral_id"]).age_at_referral == 16


def test_a_ward_stays_bed_type_and_discharge_destination_are_kept(imported: Any, extract: Path) -> None:
    _, stays = _read(extract / "ward_stays.csv")
    assert stays and all(s["bed_type"] for s in stays)
    saved = {(w.spell_id, w.ward_id): w for w in WardStay.objects.all()}
    for s in stays:
        assert saved[(s["spell_id"], s["ward_id"])].bed_type == s["bed_type"]
        assert saved[(s["spell_id"], s["ward_id"])].discharge_destination == s["discharge_destination"]
    con = results._load(imported["OAWARD"])
    try:
        [(types,)] = con.execute("SELECT count(DISTINCT bed_type) FROM ward_stays").fetchall()
    finally:
        con.close()
    assert types >= 1


def _is_open(r: dict[str, str]) -> bool:
    return not (r["rejected_date"] or r["closed_date"] or r["discharge_date"])


def _newer_without(src: Path, out: Path, leave_out: set[str]) -> None:
    """A copy of `src` without the referrals `leave_out` and their contacts."""
    shutil.copytree(src, out)
    header, referrals = _read(out / "referrals.csv")
    _write(out / "referrals.csv", header, [r for r in referrals if r["referral_id"] not in leave_out])
    header, contacts = _read(out / "contacts.csv")
    _write(out / "contacts.csv", header, [c for c in contacts if c["referral_id"] not in leave_out])


def test_a_newer_extract_removes_open_referrals_it_no_longer_has_and_keeps_old_closed_ones(
    imported: Any, extract: Path, tmp_path: Path
) -> None:
    _, referrals = _read(extract / "referrals.csv")
    referrals.sort(key=lambda r: (r["referral_date"], r["referral_id"]))
    old_closed = [r for r in referrals[:40] if not _is_open(r)]
    later_open = [r for r in referrals[40:] if _is_open(r)][:3]
    assert old_closed and later_open
    # The newer extract begins after the old closed referrals and has lost three open ones.
    gone = {r["referral_id"] for r in referrals[:40]} | {r["referral_id"] for r in later_open}
    newer = tmp_path / "newer"
    _newer_without(extract, newer, gone)
    job = _import(newer, "--team-map", TEAM_MAP)

    removed = {r["referral_id"] for r in referrals[:40] if _is_open(r)} | {
        r["referral_id"] for r in later_open
    }
    assert not Referral.objects.filter(referral_id__in=removed).exists()
    assert not Contact.objects.filter(referral_id__in=removed).exists()
    kept = {r["referral_id"] for r in old_closed}
    assert set(Referral.objects.filter(referral_id__in=kept).values_list("referral_id", flat=True)) == kept
    assert job.counts["saved"]["referrals_removed"] == len(removed)
    assert f"{len(removed)} referrals saved before are not in this extract" in job.missing_sentences[0]


def test_the_import_page_says_how_many_referrals_a_newer_extract_removed(
    imported: Any, extract: Path, tmp_path: Path, people: Any, client: Any
) -> None:
    from whatmatters.teams.roles import Role

    _, referrals = _read(extract / "referrals.csv")
    one_open = next(r for r in referrals if _is_open(r))
    newer = tmp_path / "newer"
    _newer_without(extract, newer, {one_open["referral_id"]})
    job = _import(newer, "--team-map", TEAM_MAP)
    client.force_login(people[Role.ADMIN])
    page = client.get(f"/programme/waiting-lists/imports/{job.pk}/").content.decode()
    assert "1 referral saved before is not in this extract, so it was removed" in page


def test_importing_the_same_extract_again_removes_nothing(imported: Any, extract: Path) -> None:
    before = Referral.objects.count()
    job = _import(extract)
    assert Referral.objects.count() == before
    assert job.counts["saved"]["referrals_removed"] == 0
    assert job.missing_sentences == []


def test_a_referral_that_moved_to_another_team_leaves_no_stale_page_behind(
    imported: Any, extract: Path, tmp_path: Path, programme: Any
) -> None:
    team_a = imported["CERT"]
    team_c = Team.objects.create(
        organisation=programme.organisation,
        name="Team C",
        slug="team-c",
        cohort=programme.phase1,
        service_type=Team.ServiceType.COMMUNITY,
    )
    _, referrals = _read(extract / "referrals.csv")
    moving = next(r for r in referrals if _is_open(r))
    before = StoredResult.objects.get(team=team_a, page=StoredResult.Page.FLOW).data

    moved = tmp_path / "moved"
    moved.mkdir()
    header, _ = _read(extract / "referrals.csv")
    _write(moved / "referrals.csv", header, [{**moving, "team_id": "NEWTEAM"}])
    header, contacts = _read(extract / "contacts.csv")
    _write(moved / "contacts.csv", header, [c for c in contacts if c["referral_id"] == moving["referral_id"]])
    shutil.copy(extract / "extract.json", moved / "extract.json")
    job = _import(moved, "--team-map", "NEWTEAM=team-c")

    assert Referral.objects.get(referral_id=moving["referral_id"]).team == team_c
    assert job.counts["saved"]["referrals_moved"] == 1
    after = StoredResult.objects.get(team=team_a, page=StoredResult.Page.FLOW).data
    assert after != before  # team A's page no longer counts the referral that left it
    again = results.work_out_flow(team_a, job.extract_date, *results.codes_for(team_a)).to_dict()
    assert after == json.loads(json.dumps(again))
    assert "1 referral saved before under another team is now under the team this extract gives" in (
        " ".join(job.missing_sentences)
    )
