"""Amounts in Chinese capitals (大写金额): the PBOC's examples and rules, the
zeros, the limits, and a round trip through an independent reader."""

import doctest
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microloan_engine import EngineError, capitals
from microloan_engine.capitals import LIMIT, cny_capitals

GOLDEN = [
    # whole yuan
    ("0", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("20", "贰拾元整"),
    ("100", "壹佰元整"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("10000", "壹万元整"),
    ("10005", "壹万零伍元整"),
    ("10050", "壹万零伍拾元整"),
    ("100000", "壹拾万元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("100500", "壹拾万零伍佰元整"),
    ("105000", "壹拾万伍仟元整"),
    ("101000", "壹拾万壹仟元整"),
    ("1000001", "壹佰万零壹元整"),
    ("1000500", "壹佰万零伍佰元整"),
    ("10000001", "壹仟万零壹元整"),
    ("120000", "壹拾贰万元整"),
    ("1000000", "壹佰万元整"),
    ("10010000", "壹仟零壹万元整"),
    ("100000000", "壹亿元整"),
    ("100000005", "壹亿零伍元整"),
    ("100100000", "壹亿零壹拾万元整"),
    ("120000000", "壹亿贰仟万元整"),
    ("1000010000", "壹拾亿零壹万元整"),
    ("999999999999", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
    # The rules' own examples (《正确填写票据和结算凭证的基本规定》)
    ("1409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    # 角 and 分
    ("100.05", "壹佰元零伍分"),
    ("100.50", "壹佰元零伍角整"),
    ("100.55", "壹佰元零伍角伍分"),
    ("101.50", "壹佰零壹元伍角整"),
    ("8884.88", "捌仟捌佰捌拾肆元捌角捌分"),
    ("0.01", "壹分"),
    ("0.05", "伍分"),
    ("0.10", "壹角整"),
    ("0.32", "叁角贰分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # negatives: refunds and credits
    ("-100000", "负壹拾万元整"),
    ("-0.05", "负伍分"),
    ("-10005.10", "负壹万零伍元壹角整"),
]


@pytest.mark.parametrize(("amount", "words"), GOLDEN)
def test_golden(amount, words):
    assert cny_capitals(Decimal(amount)) == words


def test_accepts_int_string_and_trailing_zeros():
    assert cny_capitals(100000) == "壹拾万元整"
    assert cny_capitals("10005.00") == "壹万零伍元整"
    assert cny_capitals(Decimal("100.050")) == "壹佰元零伍分"
    assert cny_capitals(Decimal("-0")) == "零元整"
    assert cny_capitals(100.05) == "壹佰元零伍分"


@pytest.mark.parametrize(
    "amount",
    [
        LIMIT,
        -LIMIT,
        Decimal("1000000000000.01"),
        10**15,
    ],
)
def test_refuses_amounts_at_or_above_the_limit(amount):
    with pytest.raises(EngineError) as caught:
        cny_capitals(amount, field="principal")
    assert caught.value.field == "principal"
    assert caught.value.code == "at_most"


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (Decimal("0.001"), "too_many_decimal_places"),
        (Decimal("1.005"), "too_many_decimal_places"),
        ("abc", "not_number"),
        (True, "number_not_boolean"),
        (Decimal("NaN"), "finite_number"),
        (None, "number"),
    ],
)
def test_refuses_bad_input(amount, code):
    with pytest.raises(EngineError) as caught:
        cny_capitals(amount)
    assert caught.value.field == "amount"
    assert caught.value.code == code


def test_no_bare_ten_and_no_double_zero():
    for value in range(0, 200_000, 7):
        words = cny_capitals(value)
        assert "零零" not in words
        assert not words.startswith("拾")
        assert "零元" not in words or value == 0
        assert "零万" not in words and "零亿" not in words


# An independent reader of capitals, for the round trip.
_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_PLACE = {"拾": 10, "佰": 100, "仟": 1000}


def _read_integer(text):
    total = section = digit = 0
    for char in text:
        if char in _DIGIT:
            digit = _DIGIT[char]
        elif char in _PLACE:
            section += digit * _PLACE[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {char!r} in {text!r}")
    return total + section + digit


def _read(words):
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负").removesuffix("整")
    yuan_text, _, cents_text = words.rpartition("元")
    fen = _read_integer(yuan_text) * 100 if yuan_text else 0
    cents_text = cents_text.removeprefix("零")
    if "角" in cents_text:
        jiao_text, _, cents_text = cents_text.partition("角")
        fen += _DIGIT[jiao_text] * 10
    if cents_text:
        assert cents_text.endswith("分"), words
        fen += _DIGIT[cents_text.removesuffix("分")]
    return sign * Decimal(fen) / 100


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_round_trip(fen):
    amount = Decimal(fen) / 100
    words = cny_capitals(amount)
    assert _read(words) == amount
    assert "零零" not in words
    if fen % 100 == 0:
        assert words.endswith("元整")
    elif fen % 10:
        assert words.endswith("分")
    else:
        assert words.endswith("角整")


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_zero_never_doubled_nor_before_a_unit(yuan):
    words = cny_capitals(yuan)
    assert not re.search("零[零万亿元]|^零", words)
    # every written digit but 零 is followed by its place or unit
    assert not re.search("[壹贰叁肆伍陆柒捌玖][零壹贰叁肆伍陆柒捌玖]", words)


def test_doctests():
    result = doctest.testmod(capitals)
    assert result.failed == 0
    assert result.attempted >= 5
