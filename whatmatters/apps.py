from django.apps import AppConfig


class WhatMattersConfig(AppConfig):
    """The project package is an app too: it holds the site layout, error pages and shared commands."""

    name = "whatmatters"
    verbose_name = "What Matters"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from whatmatters.retention import schedule_after_migrate

        # The daily retention run queues itself; migrate (run on each release) queues the first.
        post_migrate.connect(schedule_after_migrate, dispatch_uid="whatmatters_schedule_retention")
