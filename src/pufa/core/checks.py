"""System checks for what Django's own deploy checks cannot know about pufa's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """`pufa check --deploy` fails while the repository's development key is in use (docs/deploy.md)."""
    if settings.SECRET_KEY != settings.PUFA_DEV_SECRET_KEY:
        return []
    return [
        Error(
            "SECRET_KEY is the repository's development key (PUFA_INSECURE_DEV_KEY=1): anyone can forge sessions.",
            hint="Set PUFA_SECRET_KEY to a long random value and remove PUFA_INSECURE_DEV_KEY.",
            id="pufa.E001",
        )
    ]
