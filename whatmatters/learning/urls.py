# Routes of the learning app. Included at the site root.
from django.urls import path

from whatmatters.learning import views

T = "teams/<slug:team>"

urlpatterns = [
    path(f"{T}/learning/", views.learning, name="learning"),
    path(f"{T}/learning/what-went-well/new/", views.excellence_create, name="excellence_create"),
    path(f"{T}/learning/what-went-well/link/", views.excellence_link, name="excellence_link"),
    path(f"{T}/learning/what-went-well/check/", views.excellence_moderate, name="excellence_moderate"),
    path(
        f"{T}/learning/what-went-well/check/<int:pk>/",
        views.excellence_moderate_report,
        name="excellence_moderate_report",
    ),
    path(f"{T}/learning/tests-of-change/new/", views.pdsa_create, name="pdsa_create"),
    path(f"{T}/learning/tests-of-change/<int:pk>/", views.pdsa_detail, name="pdsa_detail"),
    path(f"{T}/learning/tests-of-change/<int:pk>/edit/", views.pdsa_edit, name="pdsa_edit"),
    path(f"{T}/buddies/<slug:buddy>/log/", views.buddy_log, name="buddy_log"),
    path(f"{T}/buddies/<slug:buddy>/log/new/", views.buddy_log_add, name="buddy_log_add"),
    path(f"{T}/buddies/<slug:buddy>/log/<int:pk>/adopt/", views.buddy_log_adopt, name="buddy_log_adopt"),
    path("what-went-well/<str:code>/", views.excellence_public_form, name="excellence_public_form"),
    path(
        "what-went-well/<str:code>/thanks/", views.excellence_public_thanks, name="excellence_public_thanks"
    ),
]
