"""The test provider's own parts: who is signed in, what goes in the ID token, and ways to misbehave."""

from __future__ import annotations

import json
import time

from django.contrib.auth import get_user_model, login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

# How the next ID tokens are spoiled (one process, so a module-level value is enough):
#   ""              honest tokens
#   "other-key"     signed with a key the JWKS does not hold (same kid)
#   "altered-email" a claim changed after signing, so the signature no longer matches
#   "wrong-audience", "expired", "wrong-nonce", "wrong-issuer"   signed properly, with a bad claim
#   "email-only-in-userinfo"   an honest token without the email claims (the userinfo endpoint has them)
#   "token-error"   the token endpoint answers 500
#   "no-id-token"   the token endpoint answers with an access token only
MODE = {"value": ""}
_OTHER_KEY = jwk.JWK.generate(kty="RSA", size=2048)


# What a browser sees when the provider's authorisation page sends it to sign in (LOGIN_URL).
_SIGN_IN_FORM = """<!DOCTYPE html><html lang="en"><head><title>Test provider: sign in</title></head><body>
<main><h1>Test provider: sign in</h1><form method="post" action="/test/sign-in/">
<input type="hidden" name="next" value="{next}">
<label for="email">Work email address</label> <input id="email" name="email" type="email">
<button type="submit">Sign in at the provider</button></form></main></body></html>"""


def set_mode(request):  # type: ignore[no-untyped-def]
    MODE["value"] = request.GET.get("mode", "")
    return JsonResponse({"mode": MODE["value"]})


@csrf_exempt  # the test provider's own sign-in: no CSRF middleware runs here anyway
def sign_in(request):  # type: ignore[no-untyped-def]
    """Signs in (creating if need be) the person named by ?email=, then goes to ?next=.

    ?verified=no: the provider says email_verified false; ?verified=absent: no such claim (as Entra).
    """
    data = request.POST if request.method == "POST" else request.GET
    if "email" not in data:
        return HttpResponse(_SIGN_IN_FORM.format(next=escape(data.get("next", "/"))))
    email = data["email"]
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    user.email = email
    user.last_name = data.get("verified", "yes")  # test provider only: where the claim's choice lives
    user.first_name = "Provider Person"
    user.save()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(data.get("next", "/"))


class TokenTroubleMiddleware:
    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        if MODE["value"] == "token-error" and request.path == "/o/token/":
            return HttpResponse("Internal error", status=500)
        if MODE["value"] == "no-id-token" and request.path == "/o/token/":
            return JsonResponse({"access_token": "not-a-real-token", "token_type": "Bearer"})
        return self.get_response(request)


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):  # type: ignore[no-untyped-def]
        user = request.user
        claims = {"email": user.email, "name": user.first_name}
        if user.last_name != "absent":
            claims["email_verified"] = user.last_name != "no"
        return claims

    def finalize_id_token(self, id_token, token, token_handler, request):  # type: ignore[no-untyped-def]
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        mode = MODE["value"]
        if not mode or mode == "token-error":
            return serialized
        header_part, claims_part, signature = serialized.split(".")
        header = json.loads(_unb64(header_part))
        claims = json.loads(_unb64(claims_part))
        if mode == "altered-email":
            claims["email"] = "someone.else@trust.nhs.uk"
            return f"{header_part}.{_b64(json.dumps(claims).encode())}.{signature}"
        key = request.client.jwk_key
        if mode == "other-key":
            key = _OTHER_KEY
        elif mode == "wrong-audience":
            claims["aud"] = "another-service"
        elif mode == "expired":
            claims["iat"] = int(time.time()) - 7200
            claims["exp"] = int(time.time()) - 3600
        elif mode == "wrong-nonce":
            claims["nonce"] = "not-the-nonce-we-were-given"
        elif mode == "email-only-in-userinfo":
            claims.pop("email", None)
            claims.pop("email_verified", None)
        elif mode == "wrong-issuer":
            claims["iss"] = "http://127.0.0.1:1/elsewhere"
        token = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims))
        token.make_signed_token(key)
        return token.serialize()


def _unb64(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
