from django.apps import AppConfig


class WhatMattersConfig(AppConfig):
    """The project package is an app too: it holds the site layout, error pages and shared commands."""

    name = "whatmatters"
    verbose_name = "What Matters"
