from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Public forms and crisis safety: one path for everything anonymous people send us."""

    name = "whatmatters.safety"
    label = "safety"
    verbose_name = "Public forms and crisis safety"

    def ready(self) -> None:
        # Connects the receiver that queues an alert's email and escalation (see safety.signals).
        from whatmatters.safety import tasks  # noqa: F401
