"""Two-factor sign-in: setting it up, signing in with a code or a recovery code, lock-out, who must use it.

Pinned here: recovery codes work once and are stored hashed, wrong codes count toward the lock-out, the
password alone opens no page, and admins and faculty must set it up when the setting says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.foundation.test_settings import production_env
from tests.helpers import run_whatmatters
from whatmatters.audit.models import AuditEvent
from whatmatters.teams import twofactor
from whatmatters.teams.models import RecoveryCode
from whatmatters.teams.roles import Role

PASSWORD = "a-long-test-password-1"  # the password tests/conftest.py gives everyone
Action = AuditEvent.Action


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    near = {code_for(device, n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def turn_on(user: Any) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, twofactor.new_recovery_codes(user)


def password_step(email: str) -> tuple[Client, Any]:
    client = Client()
    return client, client.post("/sign-in/", {"username": email, "password": PASSWORD})


def give_code(client: Client, code: str, next_url: str = "/programme/") -> Any:
    return client.post(f"/sign-in/code/?next={quote(next_url)}", {"code": code})


def is_sent_to_code_page(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/sign-in/code/")


# --- Setting it up --------------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_the_key_written_out(
    people: dict[str, Any], client_for: Any
) -> None:
    client = client_for(people[Role.STAFF])

    page = client.get("/account/two-factor/set-up/").content.decode()

    device = TOTPDevice.objects.get(user=people[Role.STAFF], confirmed=False)
    assert '<svg role="img"' in page
    assert "<title>QR code to scan with your authenticator app</title>" in page
    assert twofactor.secret_for_typing(device) in page
    assert "authenticator app" in page


def test_reloading_the_set_up_page_keeps_the_same_key(people: dict[str, Any], client_for: Any) -> None:
    client = client_for(people[Role.STAFF])
    client.get("/account/two-factor/set-up/")
    client.get("/account/two-factor/set-up/")

    assert TOTPDevice.objects.filter(user=people[Role.STAFF]).count() == 1


def test_a_right_code_turns_two_factor_on_and_shows_ten_recovery_codes_once(
    people: dict[str, Any], client_for: Any
) -> None:
    user = people[Role.STAFF]
    client = client_for(user)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user)

    response = client.post("/account/two-factor/set-up/", {"code": code_for(device)})

    page = response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10
    assert "We show these codes only now" in page
    assert twofactor.is_on_for(user)
    assert client.get("/account/two-factor/set-up/")["Location"] == "/account/two-factor/"
    assert "Two-factor sign-in is on" in client.get("/account/two-factor/").content.decode()
    # Setting it up counts as giving a code: the session goes on without being asked again.
    assert client.get("/programme/").status_code == 200


def test_a_wrong_code_when_setting_up_leaves_two_factor_off(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.STAFF]
    client = client_for(user)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user)

    response = client.post("/account/two-factor/set-up/", {"code": wrong_code_for(device)})

    assert "That code is not right" in response.content.decode()
    assert not twofactor.is_on_for(user)
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_FAILED, object_id=str(user.pk)).count() == 1


def test_recovery_codes_are_stored_only_as_hashes(people: dict[str, Any]) -> None:
    _, codes = turn_on(people[Role.STAFF])

    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))

    assert len(stored) == 10
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
        assert twofactor.hash_recovery_code(code) in stored


# --- Signing in ------------------------------------------------------------------------------------


def test_with_two_factor_on_the_password_alone_opens_no_page(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    turn_on(user)

    client, response = password_step(user.email)

    assert is_sent_to_code_page(response)
    for path in ("/programme/", "/account/", "/account/two-factor/turn-off/", f"/teams/{'team-a'}/"):
        assert is_sent_to_code_page(client.get(path)), path
    api = client.get("/api/v1/me")
    assert api.status_code == 401


def test_a_right_code_after_the_password_signs_you_in(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    device, _ = turn_on(user)
    client, _ = password_step(user.email)

    response = give_code(client, code_for(device))

    assert response.status_code == 302 and response["Location"] == "/programme/"
    assert client.get("/programme/").status_code == 200
    passed = AuditEvent.objects.get(action=Action.TWO_FACTOR_PASSED)
    assert passed.object_id == str(user.pk)
    assert passed.summary == "with a code from the authenticator app"


def test_a_wrong_code_says_so_and_keeps_you_half_signed_in(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    device, _ = turn_on(user)
    client, _ = password_step(user.email)
    wrong = wrong_code_for(device)

    response = give_code(client, wrong)

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert is_sent_to_code_page(client.get("/programme/"))
    failed = AuditEvent.objects.get(action=Action.TWO_FACTOR_FAILED)
    assert failed.summary == "wrong code when signing in"
    assert wrong not in failed.summary and wrong not in str(failed.changes)


def test_a_recovery_code_signs_you_in_once_only(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    _, codes = turn_on(user)
    client, _ = password_step(user.email)

    assert give_code(client, codes[0].upper())["Location"] == "/programme/"
    assert twofactor.recovery_codes_left(user) == 9

    again, _ = password_step(user.email)
    response = give_code(again, codes[0])
    assert "That code is not right" in response.content.decode()
    assert AuditEvent.objects.get(action=Action.TWO_FACTOR_PASSED).summary == "with a recovery code; 9 left"


def test_wrong_codes_count_toward_the_lock_out(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    device, _ = turn_on(user)
    client, _ = password_step(user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert give_code(client, wrong_code_for(device)).status_code == 200

    last_try = give_code(client, wrong_code_for(device))

    assert last_try.status_code == 429
    assert "Your account is locked for now" in last_try.content.decode()
    assert "_auth_user_id" not in client.session
    assert password_step(user.email)[1].status_code == 429
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT, object_repr=user.email).exists()


def test_the_code_page_only_sends_people_on_to_this_service(people: dict[str, Any]) -> None:
    user = people[Role.STAFF]
    device, _ = turn_on(user)
    client, _ = password_step(user.email)

    response = give_code(client, code_for(device), next_url="https://elsewhere.example/")

    assert response["Location"] == "/start/"


def test_the_code_page_sends_someone_signed_out_to_the_sign_in_page(db: Any) -> None:
    response = Client().get("/sign-in/code/")

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_without_two_factor_the_password_signs_you_in_as_before(people: dict[str, Any]) -> None:
    client, response = password_step(people[Role.STAFF].email)

    assert response["Location"] == "/start/"
    assert client.get("/programme/").status_code == 200


# --- Who must use it ----------------------------------------------------------------------------------


def test_outside_production_nobody_must_use_it_by_default() -> None:
    assert settings.REQUIRE_2FA_FOR == []


def test_in_production_admins_and_faculty_must_use_it_by_default(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.REQUIRE_2FA_FOR)"
    result = run_whatmatters("shell", "-v", "0", "-c", code, env=production_env(tmp_path))

    assert result.stdout.strip() == "['admin', 'faculty']", result.stderr


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACULTY])
def test_when_required_admins_and_faculty_are_sent_to_set_up_and_can_do_nothing_else(
    people: dict[str, Any], settings: Any, role: str
) -> None:
    settings.REQUIRE_2FA_FOR = ["admin", "faculty"]
    client, response = password_step(people[role].email)

    assert response["Location"] == "/account/two-factor/set-up/"
    for path in ("/programme/", "/account/", "/people/", "/account/two-factor/"):
        assert client.get(path)["Location"] == "/account/two-factor/set-up/", path
    assert client.get("/account/two-factor/set-up/").status_code == 200
    assert client.post("/sign-out/").status_code == 302


def test_when_required_for_admins_others_may_carry_on_without_it(
    people: dict[str, Any], settings: Any
) -> None:
    settings.REQUIRE_2FA_FOR = ["admin", "faculty"]
    client, response = password_step(people[Role.TEAM_LEAD].email)

    assert response["Location"] == "/start/"
    assert client.get("/programme/").status_code == 200


def test_all_requires_it_for_everyone(people: dict[str, Any], settings: Any) -> None:
    settings.REQUIRE_2FA_FOR = ["all"]

    assert all(twofactor.is_required_for(people[role]) for role in Role.values)
    assert twofactor.is_required_for(people["no_role"])


def test_once_set_up_a_required_person_signs_in_with_a_code(people: dict[str, Any], settings: Any) -> None:
    settings.REQUIRE_2FA_FOR = ["admin"]
    admin = people[Role.ADMIN]
    device, _ = turn_on(admin)
    client, response = password_step(admin.email)

    assert is_sent_to_code_page(response)
    assert give_code(client, code_for(device))["Location"] == "/programme/"
    assert client.get("/people/").status_code == 200


# --- New recovery codes and turning it off -----------------------------------------------------------


def test_new_recovery_codes_need_the_password_and_stop_the_old_ones(
    people: dict[str, Any], client_for: Any
) -> None:
    user = people[Role.STAFF]
    _, old = turn_on(user)
    client = client_for(user)
    session = client.session
    # A session that has given its code (as client_for skips the sign-in pages).
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()

    refused = client.post("/account/two-factor/new-codes/", {"password": "not-my-password"})
    assert "That is not your password" in refused.content.decode()

    page = client.post("/account/two-factor/new-codes/", {"password": PASSWORD}).content.decode()
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert twofactor.hash_recovery_code(old[0]) not in stored
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_NEW_CODES, object_id=str(user.pk)).count() == 1


def test_turning_it_off_needs_the_password_and_is_logged(people: dict[str, Any], client_for: Any) -> None:
    user = people[Role.STAFF]
    turn_on(user)
    client = client_for(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()

    client.post("/account/two-factor/turn-off/", {"password": "not-my-password"})
    assert twofactor.is_on_for(user)

    response = client.post("/account/two-factor/turn-off/", {"password": PASSWORD})

    assert response["Location"] == "/account/two-factor/"
    assert not twofactor.is_on_for(user)
    assert RecoveryCode.objects.count() == 0
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_OFF, object_id=str(user.pk)).count() == 1
    assert password_step(user.email)[1]["Location"] == "/start/"


# --- The audit log ----------------------------------------------------------------------------------------


def test_the_audit_log_records_each_step_and_holds_no_codes_or_keys(
    people: dict[str, Any], client_for: Any
) -> None:
    user = people[Role.STAFF]
    client = client_for(user)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user)
    setup_code = code_for(device)
    page = client.post("/account/two-factor/set-up/", {"code": setup_code}).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    signing_in, _ = password_step(user.email)
    give_code(signing_in, wrong_code_for(device))
    give_code(signing_in, codes[0])

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {Action.TWO_FACTOR_ON, Action.TWO_FACTOR_FAILED, Action.TWO_FACTOR_PASSED} <= actions
    log = " ".join(f"{e.summary} {e.object_repr} {e.changes}" for e in AuditEvent.objects.all())
    secrets = [device.key, twofactor.secret_for_typing(device).replace(" ", ""), setup_code, *codes]
    secrets += [code.replace("-", "") for code in codes]
    assert not [secret for secret in secrets if secret.lower() in log.lower()]
