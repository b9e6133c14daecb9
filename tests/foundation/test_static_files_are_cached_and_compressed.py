"""Static files in production: collected with a hash in each name, served by WhiteNoise compressed (Brotli or
gzip, chosen by what the browser accepts) and cached for a year as immutable, so a phone fetches the
stylesheet once; a name without a hash is cached only briefly. Pages are not compressed by the app: they
carry form tokens and people's words, and compressing secrets beside text an attacker can choose is what
BREACH reads (docs/performance.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built assets (build/static) collected as production collects them; the admin's and other
    apps' files are left out only to keep the test quick."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=PRODUCTION_STORAGES,
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


def serve(root: Path, path: str, accept: str = "gzip, br") -> HttpResponse:
    from whitenoise.middleware import WhiteNoiseMiddleware

    with override_settings(
        STATIC_ROOT=root,
        STORAGES=PRODUCTION_STORAGES,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        DEBUG=False,
    ):
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse("not a static file", status=404))
        return middleware(RequestFactory().get(path, HTTP_ACCEPT_ENCODING=accept))


def hashed_name(root: Path, name: str) -> str:
    return json.loads((root / "staticfiles.json").read_text())["paths"][name]


def test_a_hashed_stylesheet_is_cached_for_a_year_as_immutable(collected):
    response = serve(collected, "/static/" + hashed_name(collected, "css/app.css"))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control and "public" in cache_control
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 3600


def test_a_stylesheet_is_sent_compressed_to_a_browser_that_accepts_it_and_plain_to_one_that_does_not(
    collected,
):
    path = "/static/" + hashed_name(collected, "css/app.css")
    compressed = serve(collected, path)
    assert compressed["Content-Encoding"] in {"br", "gzip"}
    assert "Accept-Encoding" in compressed["Vary"]
    plain = serve(collected, path, accept="identity")
    assert not plain.has_header("Content-Encoding")
    assert int(compressed["Content-Length"]) < int(plain["Content-Length"]) / 2


def test_a_name_without_its_hash_is_cached_only_briefly(collected):
    response = serve(collected, "/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
    assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 3600


@pytest.mark.django_db
def test_pages_are_not_compressed_by_the_app(client):
    response = client.get("/sign-in/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")
