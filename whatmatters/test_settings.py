"""Settings for the test suite: the normal settings in `test` mode."""

import os

os.environ["WHATMATTERS_ENV"] = "test"

from whatmatters.settings import *  # noqa: E402,F403
