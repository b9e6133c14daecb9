"""URL arguments for the framework app's routes, for the permission-matrix test (objects in team A)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.framework.factories import add_values, make_aim, make_domain, make_measure


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from whatmatters.framework.models import (
        Annotation,
        BaselineRequest,
        ChangeIdea,
        Driver,
        LibraryMeasure,
        MeasureTarget,
        ValueChange,
        ValueImport,
    )

    team = programme.team_a
    domain = make_domain(team)
    aim = make_aim(team, domain)
    measure = make_measure(team, domain, aim=aim)
    add_values(measure, [10, 12, 11])
    primary = Driver.objects.create(aim=aim, text="Clear information")
    idea = ChangeIdea.objects.create(driver=primary, text="Send a letter")
    annotation = Annotation.objects.create(measure=measure, date=dt.date(2023, 2, 1), text="New triage")
    MeasureTarget.objects.create(measure=measure, starts=dt.date(2023, 2, 1), value=9, label="Local ambition")
    upload = ValueImport.objects.create(team=team, file_name="values.csv", content=b"")
    BaselineRequest.objects.create(measure=measure, start=dt.date(2023, 2, 1), reason="New triage")
    ValueChange.objects.create(
        measure=measure, period=dt.date(2023, 1, 1), action="create", new_value=10, import_ref="upload 1"
    )
    library = LibraryMeasure.objects.order_by("pk").first()
    t = team.slug
    return {
        "domain_edit": {"team": t, "pk": domain.pk},
        "aim_detail": {"team": t, "pk": aim.pk},
        "aim_edit": {"team": t, "pk": aim.pk},
        "driver_add": {"team": t, "pk": aim.pk},
        "change_idea_add": {"team": t, "pk": aim.pk},
        "driver_delete": {"team": t, "pk": primary.pk},
        "change_idea_delete": {"team": t, "pk": idea.pk},
        "measure_detail": {"team": t, "pk": measure.pk},
        "measure_edit": {"team": t, "pk": measure.pk},
        "measure_targets": {"team": t, "pk": measure.pk},
        "annotation_add": {"team": t, "pk": measure.pk},
        "annotation_delete": {"team": t, "pk": annotation.pk},
        "baseline_accept": {"team": t, "pk": measure.pk},
        "baseline_dismiss": {"team": t, "pk": measure.pk},
        "value_entry": {"team": t, "frequency": "monthly", "period": "2023-02-01"},
        "value_import_detail": {"team": t, "pk": upload.pk},
        "value_import_confirm": {"team": t, "pk": upload.pk},
        "library_measure": {"pk": library.pk},
        "library_adopt": {"team": t, "pk": library.pk},
        "api-v1:measure_detail": {"team": t, "code": measure.code},
        "api-v1:value_list": {"team": t, "code": measure.code},
        "api-v1:measure_spc": {"team": t, "code": measure.code},
    }
