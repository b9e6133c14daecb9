# Routes of the surveys app. Included at the site root. Each scoped route also exists programme-wide
# ("programme_" + name, under programme/surveys/); the same views serve both (request.team None).
from django.urls import path

from whatmatters.surveys import views

SCOPED = [
    ("", views.survey_list, "survey_list"),
    ("new/", views.survey_create, "survey_create"),
    ("<int:pk>/", views.survey_detail, "survey_detail"),
    ("<int:pk>/edit/", views.survey_edit, "survey_edit"),
    ("<int:pk>/questions/new/", views.question_add, "survey_question_add"),
    ("<int:pk>/questions/<int:question>/remove/", views.question_remove, "survey_question_remove"),
    ("<int:pk>/qr.svg", views.survey_qr, "survey_qr"),
    ("<int:pk>/results/", views.survey_results, "survey_results"),
]

urlpatterns = [
    *[path(f"teams/<slug:team>/surveys/{route}", view, name=name) for route, view, name in SCOPED],
    *[path(f"programme/surveys/{route}", view, name=f"programme_{name}") for route, view, name in SCOPED],
    # Public: no account needed.
    path("s/<str:code>/", views.public_survey, name="survey_public"),
    path("s/<str:code>/easy-read/", views.public_survey, {"easy_read": True}, name="survey_public_easy_read"),
    path("s/<str:code>/thanks/", views.public_thanks, name="survey_public_thanks"),
    path(
        "s/<str:code>/easy-read/thanks/",
        views.public_thanks,
        {"easy_read": True},
        name="survey_public_easy_read_thanks",
    ),
]
