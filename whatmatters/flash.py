"""The messages shown in the layout's banner after an action ("Saved", "Card moved"), and which of them take
the focus.

A success banner is an alert that the NHS.UK component focuses when the page opens, so that a keyboard or
screen-reader user lands on what their action did. That is right only on the page the action led to: the
page answered by the request that made the message, or the page its redirect led to (a form sent, then the
page it came back to). A message that waited for another page (its redirect was not followed, or the page
answered did not show it) is still shown there, but does not move the focus. The board keeps its own rule
on top: after a card is moved the focus stays on the card (board.js).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest

# An extra tag: "wm-just-done" on a message made by this request; "wm-just-done:/path/" once a redirect to
# that page sent it on.
JUST_DONE = "wm-just-done"


def _tags(message: Any) -> list[str]:
    return (message.extra_tags or "").split()


def _retag(message: Any, path: str | None) -> bool:
    """Send the message's tag on to `path` (None: take it off). True if it had one."""
    tags = _tags(message)
    kept = [tag for tag in tags if tag != JUST_DONE and not tag.startswith(f"{JUST_DONE}:")]
    if len(kept) == len(tags):
        return False
    message.extra_tags = " ".join([*kept, *([f"{JUST_DONE}:{path}"] if path else [])])
    return True


def just_done(message: Any, request: HttpRequest | None) -> bool:
    """Whether this message's banner may take the focus on this page (the layout asks)."""
    for tag in _tags(message):
        if tag == JUST_DONE:
            return True
        if request is not None and tag.startswith(f"{JUST_DONE}:"):
            return unquote(tag.removeprefix(f"{JUST_DONE}:")) == request.path
    return False


class FocusOnlyAfterTheAction(FallbackStorage):
    """Django's usual storage (a cookie, then the session). A message is tagged `JUST_DONE` when it is made;
    a redirect sends the tag on to the page it leads to; any other answer that leaves it for later takes
    the tag off."""

    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        super().add(level, message, f"{extra_tags} {JUST_DONE}".strip())

    def update(self, response: Any) -> Any:
        redirect = 300 <= response.status_code < 400 and response.has_header("Location")
        path = urlsplit(response["Location"]).path if redirect else None
        waiting = [*self._queued_messages, *([] if self.used else self._loaded_messages)]
        if any([_retag(message, path or None) for message in waiting]) and not self.used:
            self.added_new = True  # store the loaded ones again, with their new tag
        return super().update(response)
