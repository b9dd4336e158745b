"""Password rules required by 网络安全等级保护 2.0 (identity authentication), with their messages in Chinese.

Django's validators are used for what they check (length, likeness to the user's own data, the list of 20,000
common passwords, all digits); their messages are given here, because Django's Chinese catalogue lacks some
(the length message showed in English) and words others oddly. Two rules are pufa's own: three character
classes, and enough different characters that `Aaaaaaaaaa1` does not pass.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "密码与%(verbose_name)s太相似，容易被猜中。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名、手机号、邮箱相似。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "这个密码太常见，容易被猜中。"

    def get_help_text(self) -> str:
        return "不能使用常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "密码不能全是数字。"

    def get_help_text(self) -> str:
        return "密码不能全是数字。"


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


class DistinctCharactersValidator:
    """At least `min_distinct` different characters: a long password made of one repeated letter is weak."""

    def __init__(self, min_distinct: int = 6) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                f"密码须包含至少{self.min_distinct}个不同的字符，不能由少数字符重复组成。", code="password_repetitive"
            )

    def get_help_text(self) -> str:
        return f"至少{self.min_distinct}个不同的字符。"
