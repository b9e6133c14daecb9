from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "whatmatters.engagement"
    verbose_name = "What matters to people"
