from django.apps import AppConfig


class WhatMattersConfig(AppConfig):
    """The project package is an app too: it holds the site layout, error pages and shared commands."""

    name = "whatmatters"
    verbose_name = "What Matters"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.tasks.signals import task_started

        from whatmatters import tasks_common
        from whatmatters.retention import schedule_after_migrate

        # The daily retention run queues itself; migrate (run on each release) queues the first.
        post_migrate.connect(schedule_after_migrate, dispatch_uid="whatmatters_schedule_retention")
        # Every job a worker starts first retries or fails the jobs a killed worker left running (each app
        # registers its kinds of job in its own ready()).
        task_started.connect(tasks_common.sweep_all, dispatch_uid="whatmatters_sweep_stopped_jobs")
