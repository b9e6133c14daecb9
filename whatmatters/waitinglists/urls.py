# Routes of the waiting-lists app (imports, flow pages, Plan ahead). Included at the site root.
from django.urls import path

from whatmatters.waitinglists import views

T = "teams/<slug:team>"
P = "programme/waiting-lists"

urlpatterns = [
    path(f"{P}/import/", views.extract_upload, name="waiting_list_import"),
    path(f"{P}/import/mhsds/", views.mhsds_upload, name="waiting_list_import_mhsds"),
    path(f"{P}/imports/", views.import_history, name="waiting_list_imports"),
    path(f"{P}/imports/<int:pk>/", views.import_detail, name="waiting_list_import_detail"),
    path(f"{P}/imports/<int:pk>/rejects.csv", views.import_rejects, name="waiting_list_rejects"),
    path(f"{T}/flow/", views.team_flow, name="team_flow"),
    path(f"{T}/flow/plan-ahead/", views.plan_ahead, name="team_plan_ahead"),
    path(f"{T}/flow/plan-ahead.csv", views.plan_ahead_csv, name="team_plan_ahead_csv"),
]
