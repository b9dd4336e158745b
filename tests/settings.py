"""The test run's environment, then pufa's one settings module unchanged.

pufa fails closed: without PUFA_SECRET_KEY it refuses to start unless PUFA_INSECURE_DEV_KEY=1 says the
repository's key is acceptable. A test run says so here, explicitly, before the settings are read (pytest-django
reads them before any conftest.py is imported). The variables stay in the environment, so processes a test
starts (`pufa` commands, `python -c`) read the same settings; they load `pufa.settings` themselves.

Under pytest-xdist (`make test-postgres` runs two workers) each worker keeps its files — the SQLite database,
uploads, static files, screenshots — in a var directory of its own, `<PUFA_VAR_DIR>/<worker id>`: xdist names
the worker in PYTEST_XDIST_WORKER before the settings load. pytest-django gives each worker its own test
database (test_pufa_gw0, …) itself.
"""

import os
from pathlib import Path

os.environ.setdefault("PUFA_INSECURE_DEV_KEY", "1")
os.environ["DJANGO_SETTINGS_MODULE"] = "pufa.settings"

_worker = os.environ.get("PYTEST_XDIST_WORKER")
_var = Path(os.environ.get("PUFA_VAR_DIR") or Path(__file__).resolve().parents[1] / "var")
if _worker and _var.name != _worker:  # not again in a process a worker started, which inherits its directory
    os.environ["PUFA_VAR_DIR"] = str(_var / _worker)
    if os.environ.get("PUFA_MEDIA_ROOT"):  # an explicit media root is shared the same way
        os.environ["PUFA_MEDIA_ROOT"] = str(Path(os.environ["PUFA_MEDIA_ROOT"]) / _worker)

from pufa.settings import *  # noqa: E402, F403
