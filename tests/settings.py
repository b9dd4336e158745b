"""The test run's environment, then pufa's one settings module unchanged.

pufa fails closed: without PUFA_SECRET_KEY it refuses to start unless PUFA_INSECURE_DEV_KEY=1 says the
repository's key is acceptable. A test run says so here, explicitly, before the settings are read (pytest-django
reads them before any conftest.py is imported). The variables stay in the environment, so processes a test
starts (`pufa` commands, `python -c`) read the same settings; they load `pufa.settings` themselves.
"""

import os

os.environ.setdefault("PUFA_INSECURE_DEV_KEY", "1")
os.environ["DJANGO_SETTINGS_MODULE"] = "pufa.settings"

from pufa.settings import *  # noqa: F403
