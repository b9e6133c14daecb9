"""`whatmatters db_worker`: django-tasks-db's worker, taking every queue unless told which.

Imports of waiting-list extracts run on their own queue (`imports`, whatmatters.tasks_common.IMPORTS_QUEUE):
a million referrals take minutes, and short jobs (alert emails, reports, survey refreshes) must not wait
behind them. A service runs one worker for each (the README's "Running it for real"):

    whatmatters db_worker --queue-name default
    whatmatters db_worker --queue-name imports

django-tasks-db's own worker takes only `default` unless told; this one takes every queue (`*`) unless told,
so a single `whatmatters db_worker` (development, a small service) still runs imports.
"""

from __future__ import annotations

from django_tasks_db.management.commands import db_worker


class Command(db_worker.Command):
    help = "Run a background task worker (every queue unless --queue-name says which)"

    def add_arguments(self, parser) -> None:  # noqa: ANN001 - Django's CommandParser
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")
