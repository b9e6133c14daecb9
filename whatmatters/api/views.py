"""Pages where people make and revoke their own API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from whatmatters.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What is the token for?",
        help_text="For example, weekly import script. This helps you tell your tokens apart.",
        error_messages={"required": "Enter what the token is for"},
    )


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "api/tokens.jinja",
        {"form": form, "tokens": tokens, "new_token": new_token, "now": timezone.now()},
    )
    # The new token is on this page only once: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # only your own tokens
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    messages.success(request, f"The token “{token.name}” has been revoked")
    return redirect("api_tokens")
