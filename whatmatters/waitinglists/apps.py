from django.apps import AppConfig


class WaitingListsConfig(AppConfig):
    name = "whatmatters.waitinglists"
    label = "waitinglists"
    verbose_name = "Waiting lists and flow"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from whatmatters import tasks_common
        from whatmatters.waitinglists import tasks

        # Its jobs a killed worker can leave "running": found, retried once, then failed (tasks_common).
        tasks_common.register(tasks.JOB)
