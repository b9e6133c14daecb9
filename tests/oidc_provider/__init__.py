"""A small OpenID Connect provider for the single sign-on tests, built on django-oauth-toolkit.

`serve.py` runs it as its own process on 127.0.0.1 (tests/foundation/test_single_sign_on.py starts it). It is
test-only: it signs anyone in who asks (`/test/sign-in/`) and can be told to misbehave (`/test/mode/`).
"""
