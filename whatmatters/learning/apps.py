from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "whatmatters.learning"
    verbose_name = "Learning: excellence reports, PDSA cycles and buddy learning"
