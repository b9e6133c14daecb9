from django.apps import AppConfig


class WaitingListsConfig(AppConfig):
    name = "whatmatters.waitinglists"
    label = "waitinglists"
    verbose_name = "Waiting lists and flow"
    default_auto_field = "django.db.models.BigAutoField"
