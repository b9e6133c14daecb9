from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "whatmatters.framework"
    verbose_name = "Quality framework and measures"
