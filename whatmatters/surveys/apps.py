from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "whatmatters.surveys"
    verbose_name = "Experience surveys"
