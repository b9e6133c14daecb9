"""Single sign-on through an OpenID Connect provider: a real provider process, real protocol, no mocks.

The provider (tests/oidc_provider/, on django-oauth-toolkit) runs on 127.0.0.1 for the whole session. The
app under test (Django's test client) discovers it, sends people there with PKCE, state and nonce, swaps
the code for tokens and checks the ID token's RS256 signature against the provider's JWKS. If the provider
cannot start, these tests fail: they are never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.oidc_provider import running as provider_process
from tests.oidc_provider.running import CLIENT_ID, NAME, RunningProvider, free_port
from whatmatters.audit.models import AuditEvent
from whatmatters.teams import sso
from whatmatters.teams.models import User
from whatmatters.teams.roles import Role

Action = AuditEvent.Action
PASSWORD = "a-long-test-password-1"  # the password tests/conftest.py gives everyone


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    with provider_process.running(tmp_path_factory.mktemp("oidc-provider")) as running:
        yield running


@pytest.fixture
def configured(settings: Any, provider: RunningProvider) -> Iterator[RunningProvider]:
    with provider_process.configured(settings, provider, ["trust.nhs.uk", "nhs.net"]) as ready:
        yield ready


def start_sign_in(client: Client, next_url: str = "") -> Any:
    return client.post("/sign-in/provider/", {"next": next_url} if next_url else {})


def sign_in_through(provider: RunningProvider, email: str, verified: str = "yes") -> tuple[Client, Any]:
    """The whole round trip: the button, the provider, and back to the app's callback."""
    client = Client()
    started = start_sign_in(client)
    assert started.status_code == 302, started.content[:500]
    callback = provider.sign_in_and_authorise(started["Location"], email, verified)
    assert callback.startswith("http://testserver/sign-in/provider/callback/?"), callback
    return client, client.get(callback)


def is_signed_in(client: Client) -> bool:
    response = client.get("/start/")
    return response.status_code == 200


# --- Getting in ------------------------------------------------------------------------------------


def test_an_invited_person_signs_in_through_the_provider_and_lands_on_the_start_page(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    person = make_user(Role.STAFF, programme.team_a, email="jo.bloggs@trust.nhs.uk")
    person.set_unusable_password()  # invited, and has not chosen a password yet
    person.save()

    client, response = sign_in_through(configured, "Jo.Bloggs@Trust.NHS.uk")

    assert response.status_code == 302
    assert response["Location"] == "/start/"
    assert is_signed_in(client)
    event = AuditEvent.objects.filter(action=Action.SIGN_IN, actor=person).get()
    assert event.summary == f"through single sign-on ({NAME})"


def test_the_sign_in_page_offers_the_provider_by_its_name(configured: RunningProvider, db: Any) -> None:
    page = Client().get("/sign-in/").content.decode()

    assert f"Sign in with {NAME}" in page
    assert 'action="/sign-in/provider/"' in page


def test_the_sign_in_and_sign_out_pages_let_their_forms_lead_on_to_the_provider(
    configured: RunningProvider, people: dict[str, Any], client_for: Any
) -> None:
    sign_in_policy = Client().get("/sign-in/")["Content-Security-Policy"]
    sign_out_policy = client_for(people[Role.STAFF]).get("/sign-out/")["Content-Security-Policy"]

    assert f"form-action 'self' {configured.base};" in sign_in_policy
    assert f"form-action 'self' {configured.base};" in sign_out_policy
    assert "script-src 'self';" in sign_in_policy  # the rest of the policy is unchanged
    assert "form-action 'self';" in Client().get("/signed-out/")["Content-Security-Policy"]


def test_the_request_to_the_provider_carries_pkce_state_and_nonce(
    configured: RunningProvider, db: Any
) -> None:
    response = start_sign_in(Client())

    url = urlparse(response["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{configured.issuer}/authorize/"
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]


def test_a_person_goes_on_to_the_page_they_asked_for(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="asked@trust.nhs.uk")
    client = Client()
    started = start_sign_in(client, "/programme/")
    callback = configured.sign_in_and_authorise(started["Location"], "asked@trust.nhs.uk")

    assert client.get(callback)["Location"] == "/programme/"


def test_a_provider_that_sends_no_email_verified_claim_is_trusted_for_the_listed_domains(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="entra.user@nhs.net")

    client, response = sign_in_through(configured, "entra.user@nhs.net", verified="absent")

    assert response["Location"] == "/start/"
    assert is_signed_in(client)


def test_an_email_address_only_the_userinfo_endpoint_gives_is_used(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="info.only@trust.nhs.uk")
    configured.set_mode("email-only-in-userinfo")

    client, response = sign_in_through(configured, "info.only@trust.nhs.uk")

    assert response["Location"] == "/start/"
    assert is_signed_in(client)


def test_someone_whose_role_needs_two_factor_is_not_asked_for_a_code_after_the_provider(
    configured: RunningProvider, settings: Any, people: dict[str, Any]
) -> None:
    settings.REQUIRE_2FA_FOR = ["admin", "faculty"]
    admin = people[Role.ADMIN]
    admin.email = "admin.person@trust.nhs.uk"
    admin.save()
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)

    client, response = sign_in_through(configured, "admin.person@trust.nhs.uk")

    assert response["Location"] == "/start/"
    assert client.get("/programme/").status_code == 200
    assert client.get("/sign-in/").status_code == 302  # already signed in: not sent to the code page
    # The same person signing in with their password is still asked for a code.
    password_client = Client()
    password_client.post("/sign-in/", {"username": admin.email, "password": PASSWORD})
    assert password_client.get("/programme/")["Location"].startswith("/sign-in/code/")


def test_a_password_lock_out_does_not_stop_the_provider_sign_in(
    configured: RunningProvider, settings: Any, programme: Any, make_user: Any
) -> None:
    person = make_user(Role.STAFF, programme.team_a, email="locked@trust.nhs.uk")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/sign-in/", {"username": person.email, "password": "wrong password here"})
    assert Client().post("/sign-in/", {"username": person.email, "password": PASSWORD}).status_code == 429

    client, response = sign_in_through(configured, person.email)

    assert response["Location"] == "/start/"
    assert is_signed_in(client)


# --- Refusals ---------------------------------------------------------------------------------------


def test_someone_nobody_invited_is_refused_and_no_account_is_made(
    configured: RunningProvider, db: Any
) -> None:
    client, response = sign_in_through(configured, "stranger@trust.nhs.uk")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have a What Matters account yet" in page
    assert "Ask your team&#39;s admin to invite you" in page
    assert not User.objects.filter(email="stranger@trust.nhs.uk").exists()
    assert not is_signed_in(client)
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.summary == "single sign-on refused: not-invited"
    assert event.object_repr == "stranger@trust.nhs.uk"


def test_an_email_address_outside_the_listed_domains_is_refused_even_with_an_account(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="someone@example.com")

    client, response = sign_in_through(configured, "someone@example.com")

    assert response.status_code == 403
    assert "You cannot sign in with this email address" in response.content.decode()
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(summary="single sign-on refused: domain").count() == 1


def test_an_email_address_the_provider_has_not_verified_is_refused(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="unchecked@trust.nhs.uk")

    client, response = sign_in_through(configured, "unchecked@trust.nhs.uk", verified="no")

    assert response.status_code == 403
    assert "Your email address has not been checked yet" in response.content.decode()
    assert not is_signed_in(client)


def test_an_account_that_is_turned_off_is_refused(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="gone@trust.nhs.uk", is_active=False)

    client, response = sign_in_through(configured, "gone@trust.nhs.uk")

    assert response.status_code == 403
    assert "Your What Matters account is turned off" in response.content.decode()
    assert not is_signed_in(client)


# Each spoilt token is caught by its own check (the reason goes to the audit log).
REASONS = {
    "other-key": "ID token refused: InvalidSignatureError",
    "altered-email": "ID token refused: InvalidSignatureError",
    "wrong-audience": "ID token refused: InvalidAudienceError",
    "expired": "ID token refused: ExpiredSignatureError",
    "wrong-nonce": "JWT Nonce verification failed.",
    "wrong-issuer": "ID token refused: InvalidIssuerError",
}


@pytest.mark.parametrize(
    "mode",
    ["other-key", "altered-email", "wrong-audience", "expired", "wrong-nonce", "wrong-issuer"],
)
def test_an_id_token_that_fails_a_check_is_refused(
    mode: str, configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="target@trust.nhs.uk")
    configured.set_mode(mode)

    client, response = sign_in_through(configured, "target@trust.nhs.uk")

    assert response.status_code == 400
    assert "We could not sign you in" in response.content.decode()
    assert not is_signed_in(client)
    refusal = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert refusal.summary == f"single sign-on refused: {REASONS[mode]}"
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_a_callback_for_a_sign_in_this_browser_did_not_start_is_refused(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="victim@trust.nhs.uk")
    attacker = Client()
    callback = configured.sign_in_and_authorise(start_sign_in(attacker)["Location"], "victim@trust.nhs.uk")

    victim = Client()
    response = victim.get(callback)

    assert response.status_code == 400
    assert not is_signed_in(victim)


def test_a_code_cannot_be_used_twice(configured: RunningProvider, programme: Any, make_user: Any) -> None:
    make_user(Role.STAFF, programme.team_a, email="twice@trust.nhs.uk")
    client = Client()
    callback = configured.sign_in_and_authorise(start_sign_in(client)["Location"], "twice@trust.nhs.uk")
    assert client.get(callback)["Location"] == "/start/"
    client.post("/sign-out/")

    assert client.get(callback).status_code == 400
    assert not is_signed_in(client)


def test_the_provider_saying_no_gives_the_plain_page(configured: RunningProvider, db: Any) -> None:
    client = Client()
    state = parse_qs(urlparse(start_sign_in(client)["Location"]).query)["state"][0]

    response = client.get(f"/sign-in/provider/callback/?error=access_denied&state={state}")

    assert response.status_code == 400
    assert "We could not sign you in" in response.content.decode()


# --- The provider in trouble --------------------------------------------------------------------------


def test_a_provider_that_cannot_be_reached_gives_a_plain_page(
    settings: Any, configured: RunningProvider, db: Any
) -> None:
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/o"  # nothing listens there
    sso.forget_discovery()

    response = start_sign_in(Client())

    assert response.status_code == 503
    page = response.content.decode()
    assert f"Signing in with {NAME} is not working at the moment" in page
    assert "Traceback" not in page
    assert AuditEvent.objects.get(action=Action.SIGN_IN_FAILED).summary.startswith(
        "single sign-on refused: provider unavailable"
    )


def test_a_discovery_document_naming_another_issuer_is_not_used(
    settings: Any, configured: RunningProvider, db: Any
) -> None:
    settings.OIDC_ISSUER = configured.issuer + "/"  # a trailing slash: still the same issuer
    sso.forget_discovery()
    assert start_sign_in(Client()).status_code == 302

    # The same server by another name: its document says its issuer is http://127.0.0.1:…/o.
    settings.OIDC_ISSUER = configured.issuer.replace("127.0.0.1", "localhost")
    sso.forget_discovery()
    response = start_sign_in(Client())
    assert response.status_code == 503
    assert AuditEvent.objects.filter(summary__contains="names another issuer").count() == 1


@pytest.mark.parametrize("mode", ["token-error", "no-id-token"])
def test_a_token_exchange_that_fails_gives_a_plain_page(
    mode: str, configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="unlucky@trust.nhs.uk")
    client = Client()
    callback = configured.sign_in_and_authorise(start_sign_in(client)["Location"], "unlucky@trust.nhs.uk")
    configured.set_mode(mode)

    response = client.get(callback)

    assert response.status_code == 502
    assert f"Signing in with {NAME} is not working at the moment" in response.content.decode()
    assert not is_signed_in(client)


def test_discovery_is_fetched_once_and_kept(configured: RunningProvider, db: Any) -> None:
    first = sso.discovery()

    assert sso.discovery() is first
    assert first.issuer == configured.issuer
    assert first.jwks_uri.startswith(configured.base)


# --- Signing out ---------------------------------------------------------------------------------------


def test_signing_out_ends_the_session_and_the_provider_s_too(
    configured: RunningProvider, programme: Any, make_user: Any
) -> None:
    make_user(Role.STAFF, programme.team_a, email="leaving@trust.nhs.uk")
    client, _ = sign_in_through(configured, "leaving@trust.nhs.uk")
    assert is_signed_in(client)

    response = client.post("/sign-out/")

    assert not is_signed_in(client)
    url = urlparse(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{configured.issuer}/logout/"
    query = parse_qs(url.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/signed-out/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert AuditEvent.objects.filter(action=Action.SIGN_OUT).count() == 1
    # The provider accepts the request and sends the browser back to our signed-out page.
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    assert back.headers["Location"] == "http://testserver/signed-out/"


def test_signing_out_of_a_password_session_stays_in_the_app(
    configured: RunningProvider, people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])

    assert client.post("/sign-out/")["Location"] == "/signed-out/"


# --- With no provider configured ----------------------------------------------------------------------


def test_with_no_issuer_set_there_is_only_the_email_sign_in(db: Any) -> None:
    response = Client().get("/sign-in/")
    page = response.content.decode()

    assert "/sign-in/provider/" not in page
    assert "form-action 'self';" in response["Content-Security-Policy"]
    assert Client().post("/sign-in/provider/").status_code == 404
    assert Client().get("/sign-in/provider/callback/?code=x&state=y").status_code == 404
