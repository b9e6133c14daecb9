# Routes of the framework app (measurement plan, measures, values). Included at the site root.
from django.urls import path  # noqa: F401

urlpatterns: list = []
