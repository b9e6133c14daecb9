from django.urls import include, path

from tests.oidc_provider import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("test/sign-in/", views.sign_in),
    path("test/mode/", views.set_mode),
]
