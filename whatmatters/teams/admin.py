from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from whatmatters.teams.models import (
    BuddyPair,
    Cohort,
    Membership,
    Organisation,
    RecoveryCodeDevice,
    Team,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    filter_horizontal: list[str] = []
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "service_type", "cohort", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


admin.site.register(Organisation)
admin.site.register(Cohort)
admin.site.register(BuddyPair)
admin.site.register(Membership)


# Two-factor devices: an admin may only see them and delete them (a person who lost their phone and recovery
# codes). django-otp's own admin would show anyone's key as a QR code, so it is replaced.
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TwoFactorDeviceAdmin)
admin.site.register(RecoveryCodeDevice, TwoFactorDeviceAdmin)
