from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "whatmatters.dashboards"
    verbose_name = "Dashboards"
