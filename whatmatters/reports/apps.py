from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "whatmatters.reports"
    label = "reports"
    verbose_name = "Reports"
