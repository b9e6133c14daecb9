# Routes of the dashboards app. Included at the site root.
from django.urls import path

from whatmatters.dashboards import views

urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("teams/<slug:team>/dashboard/", views.team_dashboard, name="team_dashboard"),
    path("teams/<slug:team>/buddies/<slug:buddy>/", views.buddy_view, name="buddy_view"),
    path("programme/dashboard/", views.programme_dashboard, name="programme_dashboard"),
]
