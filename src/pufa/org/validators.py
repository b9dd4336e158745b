"""Password complexity required by 网络安全等级保护 2.0 (identity authentication)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least three of: lower-case letters, capitals, digits, symbols."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(1 for pattern in self.classes if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError("密码须至少包含小写字母、大写字母、数字、符号中的三类。", code="password_too_simple")

    def get_help_text(self) -> str:
        return "密码须至少包含小写字母、大写字母、数字、符号中的三类。"
