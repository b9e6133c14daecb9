"""Background work for engagement (`whatmatters db_worker` runs it)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

from whatmatters.audit.tracking import Actor, acting_as
from whatmatters.engagement import loop
from whatmatters.engagement.models import DomainUpdate

logger = logging.getLogger(__name__)


@task
def tell_contacts_about_update(update_id: int) -> int:
    """Email the people who asked to hear what is done, about one new "we did" update. Safe to run twice:
    each person is emailed once per update (see engagement.loop)."""
    update = DomainUpdate.objects.select_related("team", "domain").filter(pk=update_id).first()
    if update is None:
        return 0
    with acting_as(Actor(user=None, label="task: 'we did' emails")):
        return loop.tell_contacts(update)


def update_added(update: DomainUpdate) -> None:
    """Called in the transaction that saved the update: queue the emails after the commit."""

    def queue() -> None:
        try:
            tell_contacts_about_update.enqueue(update.pk)
        except Exception as error:  # noqa: BLE001 - the update is saved; `whatmatters` can send later
            logger.error(
                "Could not queue the 'we did' emails for update %s (%s)", update.pk, type(error).__name__
            )

    transaction.on_commit(queue)
