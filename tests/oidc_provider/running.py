"""Start the test provider (tests/oidc_provider/serve.py) as its own process, and drive it like a browser."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from whatmatters.teams import sso

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "what-matters-tests"
CLIENT_SECRET = "a-client-secret-for-tests-only"
# What the app under test calls itself (Django's test client answers as "testserver").
APP = "http://testserver"
# What the sign-in page calls the provider ("Sign in with …").
NAME = "Test Trust account"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningProvider:
    base: str
    issuer: str
    process: subprocess.Popen[bytes]

    def set_mode(self, mode: str) -> None:
        requests.get(f"{self.base}/test/mode/", params={"mode": mode}, timeout=10).raise_for_status()

    def sign_in_and_authorise(self, authorize_url: str, email: str, verified: str = "yes") -> str:
        """Sign in at the provider as `email`, then follow the authorisation request back towards the app.

        Returns the address the provider sends the browser to (the app's callback, with code and state).
        """
        browser = requests.Session()
        response = browser.get(
            f"{self.base}/test/sign-in/",
            params={"email": email, "verified": verified, "next": authorize_url},
            allow_redirects=False,
            timeout=10,
        )
        for _ in range(10):
            location = urljoin(response.url, response.headers.get("Location", ""))
            if response.status_code not in (301, 302, 303) or not location.startswith(self.base):
                break
            response = browser.get(location, allow_redirects=False, timeout=10)
        assert response.status_code == 302, (response.status_code, response.text[:500])
        return response.headers["Location"]


def start(workdir: Path, app: str = APP) -> RunningProvider:
    """Start the provider on a free port and wait until its discovery document answers (or raise).

    `app` is the address of the service under test, whose callback and signed-out pages it registers.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "WHATMATTERS_"))},
        "PYTHONPATH": str(ROOT),
        "TEST_PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "TEST_PROVIDER_ISSUER": f"{base}/o",
        "TEST_PROVIDER_CLIENT_ID": CLIENT_ID,
        "TEST_PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
    }
    log = open(workdir / "provider.log", "wb")  # noqa: SIM115 (kept open for the process's life)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider.serve",
            str(port),
            f"{app}/sign-in/provider/callback/",
            f"{app}/signed-out/",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2).status_code == 200:
                return RunningProvider(base=base, issuer=f"{base}/o", process=process)
        except requests.RequestException:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(
        "The test OpenID Connect provider did not start:\n"
        + (workdir / "provider.log").read_text(errors="replace")[-3000:]
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(workdir: Path, app: str = APP) -> Iterator[RunningProvider]:
    """The provider for a session-scoped fixture: started, or the test fails (never skips) with its log;
    stopped when the session ends."""
    try:
        provider = start(workdir, app=app)
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield provider
    finally:
        stop(provider.process)


@contextlib.contextmanager
def configured(
    settings: Any, provider: RunningProvider, email_domains: list[str]
) -> Iterator[RunningProvider]:
    """The app under test set up to sign people in through `provider` (pytest-django's `settings` puts the
    settings back after the test), with no discovery document remembered and the provider in its normal mode,
    before and after."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_NAME = NAME
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_EMAIL_DOMAINS = email_domains
    sso.forget_discovery()
    provider.set_mode("")
    try:
        yield provider
    finally:
        provider.set_mode("")
        sso.forget_discovery()
