from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "whatmatters.surveys"
    verbose_name = "Experience surveys"

    def ready(self) -> None:
        # Connects the receiver for safety's check-in alert signal (safety sits below surveys).
        from whatmatters.surveys import actions  # noqa: F401
