# Routes of the reports app (reports and CSV exports). Included at the site root.
from django.urls import path

from whatmatters.reports import views

T = "teams/<slug:team>"

urlpatterns = [
    path(f"{T}/reports/", views.report_list, name="report_list"),
    path(f"{T}/reports/new/", views.report_create, name="report_create"),
    path(f"{T}/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path(f"{T}/reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path(f"{T}/reports/<int:pk>/report.html", views.report_html, name="report_html"),
    path(f"{T}/reports/<int:pk>/report.pptx", views.report_file, {"fmt": "pptx"}, name="report_pptx"),
    path(f"{T}/reports/<int:pk>/report.xlsx", views.report_file, {"fmt": "xlsx"}, name="report_xlsx"),
    path(f"{T}/export/measures.csv", views.export_csv, name="team_export_csv"),
    path("programme/reports/", views.report_list, name="programme_report_list"),
    path("programme/reports/new/", views.report_create, name="programme_report_create"),
    path("programme/reports/<int:pk>/", views.report_detail, name="programme_report_detail"),
    path("programme/reports/<int:pk>/report.pdf", views.report_pdf, name="programme_report_pdf"),
    path("programme/reports/<int:pk>/report.html", views.report_html, name="programme_report_html"),
    path(
        "programme/reports/<int:pk>/report.pptx",
        views.report_file,
        {"fmt": "pptx"},
        name="programme_report_pptx",
    ),
    path(
        "programme/reports/<int:pk>/report.xlsx",
        views.report_file,
        {"fmt": "xlsx"},
        name="programme_report_xlsx",
    ),
    path("programme/export/measures.csv", views.export_csv, name="programme_export_csv"),
]
