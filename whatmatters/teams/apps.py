from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "whatmatters.teams"
    verbose_name = "Teams and people"

    def ready(self) -> None:
        # Register the permission table's predicates with `rules`.
        from whatmatters.teams import permissions

        permissions.register_rules()
