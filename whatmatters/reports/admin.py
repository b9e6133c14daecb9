from django.contrib import admin

from whatmatters.reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("pk", "team", "audience", "date_from", "date_to", "status", "created_at")
    list_filter = ("audience", "status")
    exclude = ("html", "pdf")
    readonly_fields = ("team", "audience", "date_from", "date_to", "status", "requested_by", "created_at")
