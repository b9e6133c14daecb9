"""URL arguments for the engagement app's routes, for the permission-matrix test (objects in team A)."""

from __future__ import annotations

from datetime import date
from typing import Any


def samples(programme: Any, people: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from whatmatters.engagement import actions, loop
    from whatmatters.engagement.models import (
        DomainUpdate,
        EngagementSession,
        SuggestedCard,
        Theme,
        ThemeSuggestion,
    )
    from whatmatters.framework.models import Domain

    result: dict[str, dict[str, Any]] = {}
    for team, prefix, kwargs in (
        (programme.team_a, "", {"team": programme.team_a.slug}),
        (None, "programme_", {}),
    ):
        session = EngagementSession.objects.create(
            team=team, title="Sample session", held_on=date(2025, 6, 3)
        )
        statement = actions.arrive(session, "Being listened to", relationship="service_user")
        theme = actions.create_theme(team, "Being listened to", [statement])
        domain = Domain.objects.create(team=team, i_statement="I am listened to")
        theme.domains.add(domain)
        waiting = actions.arrive(session, "Knowing how long the wait is", relationship="carer")
        suggestion = ThemeSuggestion.objects.create(team=team, label="Knowing how long the wait is")
        SuggestedCard.objects.create(suggestion=suggestion, statement=waiting, is_typical=True)
        result[prefix + "theme_suggestion_decide"] = {**kwargs, "pk": suggestion.pk}
        result[prefix + "theme_suggestion_cards"] = {**kwargs, "pk": suggestion.pk}
        for name in (
            "session_detail",
            "session_edit",
            "session_qr",
            "statement_quick_entry",
            "statement_import",
            "session_results",
            "room_votes",
        ):
            result[prefix + name] = {**kwargs, "pk": session.pk}
        result[prefix + "moderate_statement"] = {**kwargs, "pk": statement.pk}
        for name in ("theme_detail", "theme_edit", "theme_split"):
            result[prefix + name] = {**kwargs, "pk": theme.pk}
        result[prefix + "domain_trace"] = {**kwargs, "pk": domain.pk}
        if team is not None:
            result["domain_update_add"] = {**kwargs, "pk": domain.pk}
            update = DomainUpdate.objects.create(domain=domain, team=team, text="We ring monthly")
            result["domain_update_edit"] = {**kwargs, "pk": update.pk}
            code = session.code
            for name in (
                "engagement_public_form",
                "engagement_public_easy_read",
                "engagement_public_thanks",
                "engagement_public_vote",
                "engagement_public_voted",
            ):
                result[name] = {"code": code}
            result["you_said_we_did"] = {"team_slug": team.slug}
            contact = loop.save_contact(statement, "sample.contact@example.org")
            result["contact_route_stop"] = {"token": loop.stop_token(contact)}
    assert Theme.objects.count() == 2
    return result
