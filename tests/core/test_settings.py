"""Configuration fails closed (issue 13.8): no secret key, no start; the development key fails the deploy check."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

SHOW = "import django; from django.conf import settings; django.setup(); print(settings.ALLOWED_HOSTS)"


def _settings_in_child(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"PUFA_SECRET_KEY", "PUFA_INSECURE_DEV_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**base, "DJANGO_SETTINGS_MODULE": "pufa.settings", **env},
        capture_output=True,
        text=True,
    )


def test_missing_secret_key_refuses_to_start():
    out = _settings_in_child()
    assert out.returncode != 0
    assert "ImproperlyConfigured" in out.stderr and "PUFA_SECRET_KEY is not set" in out.stderr


def test_dev_key_only_when_asked_for_explicitly():
    assert _settings_in_child(PUFA_INSECURE_DEV_KEY="0").returncode != 0
    assert _settings_in_child(PUFA_INSECURE_DEV_KEY="1").returncode == 0


def test_default_hosts_leave_out_the_test_client():
    out = _settings_in_child(PUFA_SECRET_KEY="a-real-deployment-key-" + "x" * 40)
    assert out.returncode == 0, out.stderr
    assert "testserver" not in out.stdout and "127.0.0.1" in out.stdout


def test_deploy_check_flags_the_development_key():
    assert settings.SECRET_KEY == settings.PUFA_DEV_SECRET_KEY  # the test run uses it (tests/settings.py)
    with pytest.raises(SystemCheckError, match=r"pufa\.E001"):
        call_command("check", "--deploy", "--tag", "security")


def test_deploy_check_passes_a_real_key(settings):
    from pufa.core.checks import check_secret_key

    assert [m.id for m in check_secret_key()] == ["pufa.E001"]
    settings.SECRET_KEY = "a-real-deployment-key-" + "x" * 40
    assert check_secret_key() == []
