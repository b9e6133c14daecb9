"""Run the test provider: `python -m tests.oidc_provider.serve PORT REDIRECT_URI POST_LOGOUT_URI`.

Makes its SQLite database (TEST_PROVIDER_DB), registers one confidential client (TEST_PROVIDER_CLIENT_ID and
TEST_PROVIDER_CLIENT_SECRET, RS256, PKCE required) and serves on 127.0.0.1:PORT until killed.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    port, redirect_uri, post_logout_uri = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="What Matters",
        client_id=os.environ["TEST_PROVIDER_CLIENT_ID"],
        client_secret=os.environ["TEST_PROVIDER_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        post_logout_redirect_uris=post_logout_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", port, get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main()
