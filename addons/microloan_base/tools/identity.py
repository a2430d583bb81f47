"""Checksums of Chinese identity numbers, kept free of the ORM.

GB 11643-1999 (公民身份号码, resident identity number): 17 digits and an ISO 7064
MOD 11-2 check character.

>>> is_valid_resident_id("11010519491231002X")
True
>>> is_valid_resident_id("110105194912310021")
False

GB 32100-2015 (统一社会信用代码, unified social credit code): 18 characters over a
31-character alphabet and a MOD 31 check character.

>>> is_valid_uscc("91350100M000100Y43")
True
>>> is_valid_uscc("91350100M000100Y44")
False
"""

import re
from datetime import date

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authority code, then the kind of entity within that authority.
_USCC_RE = re.compile(
    r"^[1-9A-HJ-NP-RTUWXY][0-9A-HJ-NP-RTUWXY][0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$"
)

_RESIDENT_ID_RE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")


def normalize(number):
    """Strip blanks and upper-case ``number`` (``None`` stays ``None``).

    >>> normalize(" 11010519491231002x ")
    '11010519491231002X'
    """
    if number is None or number is False:
        return number
    return re.sub(r"\s+", "", number).upper()


def resident_id_check_char(first17):
    """Return the GB 11643 check character of the first 17 digits.

    >>> resident_id_check_char("11010519491231002")
    'X'
    """
    total = sum(int(d) * w for d, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def is_valid_resident_id(number):
    """True if ``number`` is an 18-character resident identity number with a real
    birth date and the right check character.

    >>> is_valid_resident_id("11010519490231002X")  # 31 February
    False
    """
    if not number or not _RESIDENT_ID_RE.match(number):
        return False
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if birth.year < 1800:
        return False
    return resident_id_check_char(number[:17]) == number[17]


def uscc_check_char(first17):
    """Return the GB 32100 check character of the first 17 characters.

    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    total = sum(
        USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(number):
    """True if ``number`` is a unified social credit code with the right check
    character.

    >>> is_valid_uscc("91350100M000100YI3")  # I is not in the alphabet
    False
    """
    if not number or not _USCC_RE.match(number):
        return False
    return uscc_check_char(number[:17]) == number[17]


def is_valid_passport(number):
    """True if ``number`` looks like a passport number: 5 to 20 letters or digits.

    >>> is_valid_passport("E12345678"), is_valid_passport("E-1")
    (True, False)
    """
    return bool(number) and bool(_PASSPORT_RE.match(number))


VALIDATORS = {
    "resident_id": is_valid_resident_id,
    "uscc": is_valid_uscc,
    "passport": is_valid_passport,
}


def is_valid(id_type, number):
    """Validate ``number`` for the document type ``id_type``; "other" accepts any
    non-empty number.

    >>> is_valid("other", "A/123"), is_valid("uscc", "")
    (True, False)
    """
    validator = VALIDATORS.get(id_type)
    if validator is None:
        return bool(number)
    return validator(number)
