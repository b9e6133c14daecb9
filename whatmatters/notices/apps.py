from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """What needs each person now: their start page, the count in the header, and the emails they get."""

    name = "whatmatters.notices"
    verbose_name = "Start page and notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from whatmatters.notices.tasks import schedule_after_migrate

        # The weekly digest queues its own next run; migrate (run on each release) queues the first.
        post_migrate.connect(schedule_after_migrate, dispatch_uid="notices_schedule_weekly_digest")
