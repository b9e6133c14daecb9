# Routes of the engagement app (sessions, statements, moderation, themes, votes). Included at the site root.
# Each team route also exists programme-wide ("programme_" + name, under programme/what-matters/)
# for sessions, themes and domains of the whole programme; the same views serve both (request.team None).
from django.urls import path

from whatmatters.engagement import views

# (route under the team or programme, view, name)
SCOPED = [
    ("", views.home, "engagement"),
    ("sessions/new/", views.session_create, "session_create"),
    ("sessions/<int:pk>/", views.session_detail, "session_detail"),
    ("sessions/<int:pk>/edit/", views.session_edit, "session_edit"),
    ("sessions/<int:pk>/qr.svg", views.session_qr, "session_qr"),
    ("sessions/<int:pk>/quick-entry/", views.quick_entry, "statement_quick_entry"),
    ("sessions/<int:pk>/import/", views.statement_import, "statement_import"),
    ("sessions/<int:pk>/results/", views.session_results, "session_results"),
    ("sessions/<int:pk>/room-votes/", views.room_votes, "room_votes"),
    ("moderation/", views.moderation_queue, "moderate"),
    ("moderation/<int:pk>/", views.moderate_statement, "moderate_statement"),
    ("board/", views.board, "theme_board"),
    ("board/move/", views.card_move, "card_move"),
    ("themes/new/", views.theme_create, "theme_create"),
    ("themes/merge/", views.theme_merge, "theme_merge"),
    ("themes/suggest/", views.theme_suggest, "theme_suggest"),
    ("themes/suggest/merge/", views.theme_suggestion_merge, "theme_suggestion_merge"),
    ("themes/suggest/<int:pk>/", views.theme_suggestion_decide, "theme_suggestion_decide"),
    ("themes/suggest/<int:pk>/cards/", views.theme_suggestion_cards, "theme_suggestion_cards"),
    ("themes/<int:pk>/", views.theme_detail, "theme_detail"),
    ("themes/<int:pk>/edit/", views.theme_edit, "theme_edit"),
    ("themes/<int:pk>/split/", views.theme_split, "theme_split"),
    ("domains/", views.domain_list, "domain_list"),
    ("domains/new/", views.domain_promote, "domain_promote"),
    ("domains/<int:pk>/", views.domain_trace, "domain_trace"),
]

urlpatterns = [
    *[path(f"teams/<slug:team>/what-matters/{route}", view, name=name) for route, view, name in SCOPED],
    *[
        path(f"programme/what-matters/{route}", view, name=f"programme_{name}")
        for route, view, name in SCOPED
    ],
    path(
        "teams/<slug:team>/what-matters/domains/<int:pk>/we-did/",
        views.domain_update_add,
        name="domain_update_add",
    ),
    path(
        "teams/<slug:team>/what-matters/we-did/<int:pk>/",
        views.domain_update_edit,
        name="domain_update_edit",
    ),
    path("moderation/", views.moderation_overview, name="moderation"),
    # Public: no account needed.
    path("w/<str:code>/", views.public_form, name="engagement_public_form"),
    path(
        "w/<str:code>/easy-read/", views.public_form, {"easy_read": True}, name="engagement_public_easy_read"
    ),
    path("w/<str:code>/thanks/", views.public_thanks, name="engagement_public_thanks"),
    path("w/<str:code>/vote/", views.public_vote, name="engagement_public_vote"),
    path("w/<str:code>/voted/", views.public_voted, name="engagement_public_voted"),
    path("you-said-we-did/<slug:team_slug>/", views.you_said_we_did, name="you_said_we_did"),
    path("you-said-we-did/stop/<str:token>/", views.contact_route_stop, name="contact_route_stop"),
]
