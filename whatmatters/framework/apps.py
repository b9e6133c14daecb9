from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "whatmatters.framework"
    verbose_name = "Quality framework and measures"

    def ready(self) -> None:
        from whatmatters import tasks_common
        from whatmatters.framework import tasks

        # Its jobs a killed worker can leave "running": found, retried once, then failed (tasks_common).
        tasks_common.register(tasks.JOB)
