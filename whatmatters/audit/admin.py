from django.contrib import admin

from whatmatters.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the audit log cannot be changed, even by admins."""

    list_display = ["at", "actor_label", "action", "object_repr", "team_label"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_repr", "summary"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
