from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "whatmatters.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from whatmatters.audit import signals

        signals.connect()
