"""Settings come from environment variables; production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from tests.helpers import run_whatmatters


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "WHATMATTERS_ENV": "production",
        "WHATMATTERS_SECRET_KEY": secrets.token_urlsafe(64),
        "WHATMATTERS_ALLOWED_HOSTS": "whatmatters.example.nhs.uk",
        "WHATMATTERS_DATA_DIR": str(tmp_path),
    }


def single_sign_on_env(tmp_path: Path) -> dict[str, str]:
    secret = tmp_path / "oidc-secret"
    secret.write_text("a-client-secret\n")
    return {
        "WHATMATTERS_OIDC_ISSUER": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
        "WHATMATTERS_OIDC_NAME": "NHSmail",
        "WHATMATTERS_OIDC_CLIENT_ID": "11111111-1111-1111-1111-111111111111",
        "WHATMATTERS_OIDC_CLIENT_SECRET_FILE": str(secret),
        "WHATMATTERS_OIDC_EMAIL_DOMAINS": "nhs.net, mytrust.nhs.uk",
    }


@pytest.mark.parametrize("sign_in", ["email only", "with single sign-on"])
def test_production_settings_pass_the_deployment_checks_with_no_warnings(
    sign_in: str, tmp_path: Path
) -> None:
    env = production_env(tmp_path)
    if sign_in == "with single sign-on":
        env.update(single_sign_on_env(tmp_path))
    result = run_whatmatters("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["WHATMATTERS_SECRET_KEY"]
    result = run_whatmatters("check", env=env)
    assert result.returncode != 0
    assert "Set WHATMATTERS_SECRET_KEY" in result.stderr


def test_production_refuses_debug_mode(tmp_path: Path) -> None:
    result = run_whatmatters("check", env={**production_env(tmp_path), "WHATMATTERS_DEBUG": "true"})
    assert result.returncode != 0
    assert "WHATMATTERS_DEBUG must not be on in production" in result.stderr


def test_a_setting_that_is_not_true_or_false_is_named_in_the_error(tmp_path: Path) -> None:
    result = run_whatmatters(
        "check", env={"WHATMATTERS_DATA_DIR": str(tmp_path), "WHATMATTERS_DEBUG": "maybe"}
    )
    assert result.returncode != 0
    assert "WHATMATTERS_DEBUG must be true or false, not 'maybe'" in result.stderr


def test_production_settings_hold_the_values_the_deploy_check_does_not_cover(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.PASSWORD_HASHERS[0].rsplit('.',1)[1],"
        " [str(v) for v in s.SECURE_CSP['script-src']], s.X_FRAME_OPTIONS,"
        " s.MAILERS['default']['BACKEND'].rsplit('.',2)[1])"
    )
    result = run_whatmatters("shell", "-v", "0", "-c", code, env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False ['whatmatters.example.nhs.uk'] True True 31536000 Argon2PasswordHasher [\"'self'\"] DENY smtp"
    )


def test_sqlite_is_the_default_with_wal_and_immediate_transactions(tmp_path: Path) -> None:
    code = (
        "from django.db import connection as c;"
        "c.ensure_connection();"
        "cur=c.cursor(); cur.execute('PRAGMA journal_mode'); print(cur.fetchone()[0], c.vendor,"
        " c.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_whatmatters("shell", "-v", "0", "-c", code, env={"WHATMATTERS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "sqlite", "IMMEDIATE"]
    assert (tmp_path / "whatmatters.sqlite3").exists()


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; d=s.DATABASES['default'];"
        " print(d['ENGINE'], d['NAME'], d['HOST'])"
    )
    result = run_whatmatters(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        env={"WHATMATTERS_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db.local:5432/wm"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "wm", "db.local"]


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_ci_asked_for() -> None:
    """CI runs the suite twice: on SQLite, then with DATABASE_URL pointing at PostgreSQL."""
    from django.db import connection

    wanted = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == wanted


# A request in a fresh process, in development mode unless told otherwise, through the full middleware stack.
_FETCH = (
    "from django.conf import settings as s; from django.test import Client;"
    "c = Client(raise_request_exception=False); r = c.get({path!r}, HTTP_HOST={host!r});"
    "body = b''.join(r) if r.streaming else r.content;"
    "print(s.DEBUG, r.status_code, r.get('Content-Type')); print(body.decode())"
)


def fetch(tmp_path: Path, path: str, host: str = "127.0.0.1", **env: str) -> tuple[str, str]:
    code = _FETCH.format(path=path, host=host)
    result = run_whatmatters(
        "shell", "-v", "0", "-c", code, env={"WHATMATTERS_DATA_DIR": str(tmp_path), **env}
    )
    assert result.returncode == 0, result.stderr
    first, _, body = result.stdout.partition("\n")
    return first, body


def test_development_shows_the_apps_own_page_not_found_in_the_layout_not_djangos_list_of_routes(
    tmp_path: Path,
) -> None:
    for host in ("127.0.0.1", "localhost"):
        first, page = fetch(tmp_path, "/no-such-page/", host=host)
        assert first.startswith("False 404 text/html")
        assert "Page not found" in page and "If you typed the web address, check it is correct." in page
        assert 'class="nhsuk-header' in page and 'class="nhsuk-footer' in page
        assert "URLconf" not in page and "teams/<slug:team>/" not in page


def test_development_shows_the_apps_own_error_page_when_something_breaks(tmp_path: Path) -> None:
    # No database to reach: /health/ fails with a real server error.
    first, page = fetch(tmp_path, "/health/", DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    assert first.startswith("False 500 text/html")
    assert "Sorry, there is a problem with the service" in page and 'class="nhsuk-header' in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_development_serves_the_static_files_with_debug_off(tmp_path: Path) -> None:
    first, script = fetch(tmp_path, "/static/whatmatters/app.js")
    assert first.split()[:2] == ["False", "200"]
    assert script == (Path(__file__).parents[2] / "whatmatters/static/whatmatters/app.js").read_text() + "\n"


def test_whatmatters_debug_true_turns_on_djangos_debug_pages_in_development(tmp_path: Path) -> None:
    first, page = fetch(tmp_path, "/no-such-page/", WHATMATTERS_DEBUG="true")
    assert first.startswith("True 404")
    assert "URLconf" in page  # Django's technical 404, which lists the routes


def test_single_sign_on_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.OIDC_NAME, s.OIDC_RP_CLIENT_SECRET, s.OIDC_EMAIL_DOMAINS,"
        " s.OIDC_USE_PKCE, s.OIDC_CREATE_USER)"
    )
    env = {**production_env(tmp_path), **single_sign_on_env(tmp_path)}
    result = run_whatmatters("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "NHSmail a-client-secret ['nhs.net', 'mytrust.nhs.uk'] True False"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"WHATMATTERS_OIDC_CLIENT_SECRET_FILE": ""}, "set WHATMATTERS_OIDC_CLIENT_ID and"),
        ({"WHATMATTERS_OIDC_EMAIL_DOMAINS": ""}, "Set WHATMATTERS_OIDC_EMAIL_DOMAINS"),
        ({"WHATMATTERS_OIDC_ISSUER": "http://login.example.nhs.uk"}, "must be an https:// address"),
    ],
)
def test_production_refuses_single_sign_on_settings_that_would_be_unsafe(
    change: dict[str, str], message: str, tmp_path: Path
) -> None:
    env = {**production_env(tmp_path), **single_sign_on_env(tmp_path)}
    env.update(change)
    env = {key: value for key, value in env.items() if value}
    result = run_whatmatters("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr
