"""Objects for the permission matrix: one finished waiting-list import, and a stored flow page for team A
that came from it."""

from __future__ import annotations

from datetime import date
from typing import Any


def samples(programme: Any, people: Any) -> dict[str, dict[str, Any]]:
    from whatmatters.waitinglists.models import ExtractImport, StoredResult

    job = ExtractImport.objects.create(
        source="referrals.csv",
        digest="0" * 64,
        extract_date=date(2024, 3, 31),
        status=ExtractImport.Status.REJECTED,
    )
    StoredResult.objects.create(
        team=programme.team_a,
        extract_import=job,
        page=StoredResult.Page.FLOW,
        census=job.extract_date,
        setting="sample",
        data={"rule_label": "", "rule_description": "", "charts": []},
    )
    return {
        "waiting_list_import_detail": {"pk": job.pk},
        "waiting_list_rejects": {"pk": job.pk},
    }
