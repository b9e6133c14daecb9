# Routes of the engagement app (sessions, statements, moderation, themes, votes). Included at the site root.
from django.urls import path  # noqa: F401

urlpatterns: list = []
