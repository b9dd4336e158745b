"""Password rules (等保 2.0) and their Chinese messages (issue 13.10)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError

from pufa.org.models import User

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _messages(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return exc.value.messages


@pytest.mark.parametrize(
    ("password", "code_word"),
    [
        ("Ab1!", "太短"),
        ("Aaaaaaaaaa1", "不同的字符"),
        ("qwertyuiop", "太常见"),
        ("12345678901234", "全是数字"),
        ("alllowercaseletters", "三类"),
    ],
)
def test_each_rule_rejects_in_chinese(password, code_word):
    messages = _messages(password)
    assert any(code_word in m for m in messages)
    for message in messages:
        assert CJK.search(message) and not ENGLISH_WORD.search(message), message


def test_password_like_the_users_own_data_is_rejected(db):
    user = User(username="zhangwei", full_name="张伟", phone="13800138000", email="zw@example.gov.cn")
    assert any("太相似" in m for m in _messages("Zhangwei2026!", user))
    assert any("手机号" in m for m in _messages("13800138000Ab!", user))


def test_help_texts_are_chinese():
    for text in password_validators_help_texts():
        assert CJK.search(text) and not ENGLISH_WORD.search(text), text


def test_a_good_password_passes(db):
    validate_password("Fa-zhi-2026x", User(username="liaison", full_name="陈静"))
