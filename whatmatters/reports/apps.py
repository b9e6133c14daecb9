from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "whatmatters.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from whatmatters import tasks_common
        from whatmatters.reports import tasks

        # Its jobs a killed worker can leave "running": found, retried once, then failed (tasks_common).
        tasks_common.register(tasks.JOB)
