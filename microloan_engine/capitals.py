"""Amounts in Chinese capitals (大写金额), as written on contracts and receipts.

The rules are those of the PBOC's 《正确填写票据和结算凭证的基本规定》:

- digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, sections 万 and 亿, then 元角分;
  ten is written 壹拾 (never a bare 拾), so that nothing can be put before it;
- one 零 stands for a run of zeros that opens a section or lies inside one, also
  when whole sections are zero (壹万零伍元整, 壹亿零壹拾万元整, 壹亿零伍元整); the
  zeros that close a section are not written (壹拾万伍仟元整);
- 整 follows an amount that stops at 元 or at 角 (the rule allows it after 角, and it
  keeps a 分 from being added); nothing follows 分;
- 元 followed by 零 when the 角 is zero and the 分 is not (壹佰元零伍分), and when the
  元 digit is zero before a 角 (壹仟陆佰捌拾元零叁角贰分, the rule's own example);
- below one yuan, no 元: 伍角整, 伍分, 叁角贰分; zero is 零元整;
- a negative amount (a refund, a credit) is prefixed with 负.

>>> cny_capitals(Decimal("100000"))
'壹拾万元整'
>>> cny_capitals(Decimal("10005"))
'壹万零伍元整'
>>> cny_capitals(Decimal("100.05"))
'壹佰元零伍分'
>>> cny_capitals(Decimal("1680.32"))
'壹仟陆佰捌拾元零叁角贰分'
>>> cny_capitals(Decimal("0.50"))
'伍角整'
"""

from decimal import Decimal

from .errors import EngineError
from .money import to_units

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")
# 仟亿 is the largest place written; 万亿 and above are not in use on documents.
LIMIT = Decimal(10) ** 12


def _integer_words(number):
    """Capitals of a positive whole number of yuan below ``LIMIT`` (without 元)."""
    digits = str(number)
    words = []
    zero_pending = False
    for index, char in enumerate(digits):
        place = len(digits) - 1 - index
        digit = int(char)
        if digit == 0:
            zero_pending = bool(words)
        else:
            if zero_pending:
                words.append(DIGITS[0])
                zero_pending = False
            words.append(DIGITS[digit] + _PLACES[place % 4])
        if place % 4 == 0 and place:
            if int(digits[max(0, index - 3) : index + 1]):
                words.append(_SECTIONS[place // 4])
            # zeros closing a section are not written (壹拾万伍仟, not 壹拾万零伍仟)
            zero_pending = False
    return "".join(words)


def cny_capitals(amount, field="amount"):
    """Return ``amount`` (yuan, at most two decimals) in Chinese capitals.

    ``amount`` is a ``Decimal``, an ``int`` or a decimal string; its absolute value
    must be below 10^12 (壹万亿). Raises :class:`EngineError` for ``field``
    otherwise, or when it has more than two decimal places.
    """
    fen_total = to_units(amount, 2, field)
    if abs(fen_total) >= LIMIT * 100:
        raise EngineError(field, code="at_most", params={"maximum": LIMIT - 1})
    sign = "负" if fen_total < 0 else ""
    yuan, rest = divmod(abs(fen_total), 100)
    jiao, fen = divmod(rest, 10)
    words = _integer_words(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return sign + (words or "零元") + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            words += DIGITS[0]
        words += DIGITS[jiao] + "角"
        words += DIGITS[fen] + "分" if fen else "整"
    else:
        if yuan:
            words += DIGITS[0]
        words += DIGITS[fen] + "分"
    return sign + words
