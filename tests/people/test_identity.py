"""ID numbers (GB 11643 check digit) and what is kept of them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from pufa.people import identity

# A published sample number (GB 11643-1999 appendix style) and a well-known valid test number.
VALID = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert identity.id_error(number) is None
    assert identity.id_error(number.lower()) is None  # a lower-case x is the same number


def test_wrong_check_digit_is_refused():
    number = "440524188001010014"
    wrong = number[:17] + ("5" if number[17] != "5" else "6")
    assert identity.id_error(wrong) == "身份证号校验位不正确，请核对"


def test_shape_and_birth_date_are_checked():
    assert identity.id_error("44052418800101001") == "身份证号应为18位（最后一位可为X）"
    first17 = "44052418801301001"  # month 13
    assert identity.id_error(first17 + identity.check_digit(first17)) == "身份证号中的出生日期无效"


def test_birth_year_and_gender_follow_from_the_number():
    assert identity.id_birth_year("11010519491231002X") == 1949
    assert identity.id_gender("11010519491231002X") == "f"  # sequence digit 2: even
    assert identity.id_gender("440524188001010014") == "m"  # 1: odd


def test_digest_is_keyed(settings):
    settings.PUFA_FIELD_KEY = "key-one"
    first = identity.id_digest("11010519491231002X")
    assert first == identity.id_digest("11010519491231002x")
    assert "11010519491231002X" not in first
    settings.PUFA_FIELD_KEY = "key-two"
    assert identity.id_digest("11010519491231002X") != first


def test_no_key_fails_closed(settings):
    settings.PUFA_FIELD_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        identity.id_digest("11010519491231002X")


def test_phones():
    assert identity.phone_error("138 1234 5678") is None
    assert identity.phone_error("12345") == "手机号应为11位数字，以1开头"
    assert identity.is_masked_phone("138****5678")
    assert not identity.is_masked_phone("13812345678")
