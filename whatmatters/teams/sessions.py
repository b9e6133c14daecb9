"""The database session store, which ignores a session cookie that Django could never have made.

Django only checks that a session key has 8 characters or more before it looks the key up. A cookie holding
a NUL character then makes PostgreSQL raise an error (a 500 on every page and API route) instead of finding
no session. Keys Django makes are 32 lowercase letters and digits, and the column holds at most 40.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and 8 <= len(key) <= 40 and KEY_CHARACTERS.issuperset(key)  # type: ignore[arg-type]
