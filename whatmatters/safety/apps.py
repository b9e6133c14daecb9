from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Public forms and crisis safety: one path for everything anonymous people send us."""

    name = "whatmatters.safety"
    label = "safety"
    verbose_name = "Public forms and crisis safety"
