# Routes of the framework app (measurement plan, measures, values). Included at the site root.
from django.urls import path

from whatmatters.framework import views

T = "teams/<slug:team>"

urlpatterns = [
    path(f"{T}/plan/", views.plan, name="plan"),
    path(f"{T}/plan/domains/new/", views.domain_create, name="domain_create"),
    path(f"{T}/plan/domains/<int:pk>/edit/", views.domain_edit, name="domain_edit"),
    path(f"{T}/plan/aims/new/", views.aim_create, name="aim_create"),
    path(f"{T}/plan/aims/<int:pk>/", views.aim_detail, name="aim_detail"),
    path(f"{T}/plan/aims/<int:pk>/edit/", views.aim_edit, name="aim_edit"),
    path(f"{T}/plan/aims/<int:pk>/drivers/new/", views.driver_add, name="driver_add"),
    path(f"{T}/plan/aims/<int:pk>/change-ideas/new/", views.change_idea_add, name="change_idea_add"),
    path(f"{T}/plan/drivers/<int:pk>/delete/", views.driver_delete, name="driver_delete"),
    path(f"{T}/plan/change-ideas/<int:pk>/delete/", views.change_idea_delete, name="change_idea_delete"),
    path(f"{T}/plan/export.json", views.framework_export, name="framework_export"),
    path(f"{T}/plan/import/", views.framework_import, name="framework_import"),
    path(f"{T}/measures/", views.measure_list, name="measure_list"),
    path(f"{T}/measures/new/", views.measure_create, name="measure_create"),
    path(f"{T}/measures/sharing/", views.measure_sharing, name="measure_sharing"),
    path(f"{T}/measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path(f"{T}/measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path(f"{T}/measures/<int:pk>/events/new/", views.annotation_add, name="annotation_add"),
    path(f"{T}/measures/<int:pk>/targets/", views.measure_targets, name="measure_targets"),
    path(f"{T}/measures/<int:pk>/new-limits/", views.baseline_accept, name="baseline_accept"),
    path(f"{T}/measures/<int:pk>/new-limits/keep/", views.baseline_dismiss, name="baseline_dismiss"),
    path(f"{T}/events/<int:pk>/delete/", views.annotation_delete, name="annotation_delete"),
    path(f"{T}/values/", views.value_entry_index, name="value_entry_index"),
    path(f"{T}/values/grid/", views.value_grid, name="value_grid"),
    path(f"{T}/values/import/", views.value_import, name="value_import"),
    path(f"{T}/values/import/example.csv", views.value_import_example, name="value_import_example"),
    path(f"{T}/values/import/<int:pk>/", views.value_import_detail, name="value_import_detail"),
    path(f"{T}/values/import/<int:pk>/save/", views.value_import_confirm, name="value_import_confirm"),
    path(f"{T}/values/<str:frequency>/<str:period>/", views.value_entry, name="value_entry"),
    path(f"{T}/measure-library/<int:pk>/adopt/", views.library_adopt, name="library_adopt"),
    path("measure-library/", views.library, name="library"),
    path("measure-library/<int:pk>/", views.library_measure, name="library_measure"),
    path(
        "programme/framework/export.json", views.programme_framework_export, name="programme_framework_export"
    ),
    path("programme/framework/import/", views.programme_framework_import, name="programme_framework_import"),
]
