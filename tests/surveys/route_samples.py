"""URL arguments for the surveys app's routes, for the permission-matrix test (objects in team A)."""

from __future__ import annotations

from typing import Any


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from whatmatters.surveys import actions

    result: dict[str, dict[str, Any]] = {}
    for team, prefix, kwargs in (
        (programme.team_a, "", {"team": programme.team_a.slug}),
        (None, "programme_", {}),
    ):
        survey = actions.create_survey(team, "Sample survey", "treatment", ["fft"])
        for name in ("survey_detail", "survey_edit", "survey_question_add", "survey_qr", "survey_results"):
            result[prefix + name] = {**kwargs, "pk": survey.pk}
        result[prefix + "survey_question_remove"] = {
            **kwargs,
            "pk": survey.pk,
            "question": survey.questions.first().pk,
        }
        if team is not None:
            for name in (
                "survey_public",
                "survey_public_easy_read",
                "survey_public_thanks",
                "survey_public_easy_read_thanks",
            ):
                result[name] = {"code": survey.code}
    return result
