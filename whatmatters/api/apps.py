from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "whatmatters.api"
    verbose_name = "JSON API"
