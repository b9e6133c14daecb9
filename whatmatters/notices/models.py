"""A person's choice of emails, and the record of the weekly digest's schedule."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class NoticePreferenceQuerySet(models.QuerySet["NoticePreference"]):
    def opted_out_ids(self) -> models.QuerySet[Any]:
        return self.filter(weekly_digest=False).values("user_id")


class NoticePreference(models.Model):
    """Which emails a person gets. No row means the defaults: the weekly digest is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    weekly_digest = models.BooleanField(
        "Send me a weekly email of what needs me",
        default=True,
        help_text="Each Monday: changes on your charts, targets at risk, things to check and data due.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticePreferenceQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Email choices of user {self.user_id}"


class DigestRun(models.Model):
    """One row per weekly digest: the week it is for and when it ran. The task claims its week here before
    it sends anything, so a week's digest goes once however many copies of the task run."""

    week = models.DateField(unique=True, help_text="The Monday of the week this digest is for.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    next_run_at = models.DateTimeField(null=True, blank=True, help_text="When the next digest is queued for.")

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"Weekly digest for {self.week.isoformat()}"
