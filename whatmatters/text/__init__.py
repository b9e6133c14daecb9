"""Pure free-text core: personal-data detection and theme suggestion. Never imports Django or an app."""
