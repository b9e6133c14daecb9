"""The API's own pages: a person's API tokens (the JSON API itself is mounted from `api.api`)."""

from django.urls import path

from whatmatters.api import views

urlpatterns = [
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
