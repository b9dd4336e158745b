"""System packages some tests need (LibreOffice, python3-uno, poppler), installed by `make system`.

Run by hand without them, those tests skip. Under `make test`, which installs them first and sets
PUFA_REQUIRE_SYSTEM=1, they always run: a missing package is then a broken setup and fails the run, so CI
never passes by skipping what it was meant to check.
"""

from __future__ import annotations

import os

import pytest


def required() -> bool:
    return os.environ.get("PUFA_REQUIRE_SYSTEM") == "1"


def requires(available: bool, what: str) -> pytest.MarkDecorator:
    """Mark a test that needs `what`: skipped where it is missing, unless the setup promised it."""
    return pytest.mark.skipif(not available and not required(), reason=f"{what} is not installed (make system)")


def missing(what: str) -> None:
    """Inside a test that found `what` missing: skip, or fail under `make test`."""
    if required():
        pytest.fail(f"{what} is not installed, but `make test` installs it (scripts/setup-system.sh)")
    pytest.skip(f"{what} is not installed (make system)")
