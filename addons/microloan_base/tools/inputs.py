"""Validation of what the servicing API receives.

The public servicing methods (``disburse``, ``register_repayment``, ...) are
called by the wizards and by integrations over XML-RPC and JSON-RPC, where any
JSON or XML-RPC value can arrive: a boolean for an amount, text for a date, a
dict for a reference. Each function here takes one argument as it came, returns
it in the form the module works with, or raises a translated ``UserError`` that
names the argument (``label``, already translated by the caller). Models call
them first, before they read or lock anything.

:func:`field_values` does the same for the values given to ``create`` and
``write`` (``ValidationError``), where the ORM would otherwise fail with a
traceback on ``term="twelve"`` or an unknown selection value.
"""

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from odoo.exceptions import UserError, ValidationError

# Amounts of money must stay below this (a trillion): a float keeps the cents of
# such an amount exact, and no microloan, entry or payment comes near it.
MAX_AMOUNT = 10**12
MAX_AMOUNT_TEXT = f"{MAX_AMOUNT:,}"
# Dates outside this range are typing mistakes (and a schedule from year 9999
# would run past the calendar).
MIN_DAY = date(1970, 1, 1)
MAX_DAY = date(2999, 12, 31)
REFERENCE_MAX_LENGTH = 64
TEXT_MAX_LENGTH = 10000
MAX_PERIODS = 1200
# Characters that print as nothing: a reference copied from a web page or a
# spreadsheet often carries them, and they must not make a second payment.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def show(value):
    """A short rendering of a rejected value for a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def number(env, value, label, minimum=None, maximum=None):
    """``value`` as a finite float within ``minimum`` and ``maximum``."""
    if not _is_number(value):
        raise UserError(
            env._(
                "%(label)s must be a number, not %(value)s.",
                label=label,
                value=show(value),
            )
        )
    if isinstance(value, Decimal) and not value.is_finite():
        value = float("nan")
    value = float(value)
    if not math.isfinite(value):
        raise UserError(
            env._("%(label)s must be a finite number.", label=label),
        )
    if minimum is not None and value < minimum:
        raise UserError(
            env._(
                "%(label)s must be at least %(minimum)s.", label=label, minimum=minimum
            )
        )
    if maximum is not None and value > maximum:
        raise UserError(
            env._(
                "%(label)s must be at most %(maximum)s.", label=label, maximum=maximum
            )
        )
    return value


def money(env, value, currency, label, positive=True):
    """``value``, an amount of ``currency``, as a float rounded to it.

    Refused: anything but a number (booleans and text included), NaN and the
    infinities, amounts of ``MAX_AMOUNT`` or more, more decimals than the
    currency has, and, with ``positive``, zero or less.
    """
    value = number(env, value, label)
    if abs(value) >= MAX_AMOUNT:
        raise UserError(
            env._(
                "%(label)s is too large: %(value)s (amounts must stay below "
                "%(maximum)s).",
                label=label,
                value=show(value),
                maximum=MAX_AMOUNT_TEXT,
            )
        )
    rounded = currency.round(value)
    if positive and currency.compare_amounts(rounded, 0.0) <= 0:
        raise UserError(env._("%(label)s must be positive.", label=label))
    if abs(value - rounded) > 10 ** -(currency.decimal_places + 4):
        raise UserError(
            env._(
                "%(label)s has more decimals than %(currency)s allows: %(value)s.",
                label=label,
                currency=currency.name,
                value=show(value),
            )
        )
    return rounded


def day(env, value, label, required=True):
    """``value`` as a ``date``: a date, or text ``YYYY-MM-DD`` (a datetime gives
    its day). Refused: other text, numbers, impossible dates (``2026-02-30``)
    and dates outside ``MIN_DAY``..``MAX_DAY``. Without ``required``, a missing
    value (``None``, ``False``, ``""``) returns ``False``."""
    if value is None or value is False or value == "":
        if required:
            raise UserError(env._("%(label)s is missing.", label=label))
        return False
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        text = value.strip()
        if not _ISO_DAY.fullmatch(text):
            raise UserError(
                env._(
                    "%(label)s must be a date written YYYY-MM-DD, not %(value)s.",
                    label=label,
                    value=show(value),
                )
            )
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise UserError(
                env._(
                    "%(label)s: %(value)s is not a date of the calendar.",
                    label=label,
                    value=text,
                )
            ) from None
    elif not isinstance(value, date):
        raise UserError(
            env._(
                "%(label)s must be a date written YYYY-MM-DD, not %(value)s.",
                label=label,
                value=show(value),
            )
        )
    if not MIN_DAY <= value <= MAX_DAY:
        raise UserError(
            env._(
                "%(label)s must fall between %(start)s and %(end)s, not %(value)s.",
                label=label,
                start=MIN_DAY,
                end=MAX_DAY,
                value=value,
            )
        )
    return value


def reference(env, value, label=None):
    """``value``, an external payment reference, normalised: Unicode NFKC
    (full-width letters and digits become ASCII), invisible characters removed,
    surrounding spaces stripped and inner runs of spaces made one, upper case.
    ``None``, ``False`` and ``""`` mean no reference (``False``). Refused:
    anything but text, a reference made only of spaces, control characters,
    more than ``REFERENCE_MAX_LENGTH`` characters."""
    label = label or env._("The reference")
    if value is None or value is False or value == "":
        return False
    if not isinstance(value, str):
        raise UserError(
            env._(
                "%(label)s must be text, not %(value)s.",
                label=label,
                value=show(value),
            )
        )
    text = unicodedata.normalize("NFKC", value).translate(INVISIBLE)
    text = " ".join(text.split()).upper()
    if not text:
        raise UserError(
            env._(
                "%(label)s is made only of spaces: give the payment's reference, "
                "or none.",
                label=label,
            )
        )
    if any(unicodedata.category(char).startswith("C") for char in text):
        raise UserError(
            env._("%(label)s contains control characters.", label=label),
        )
    if len(text) > REFERENCE_MAX_LENGTH:
        raise UserError(
            env._(
                "%(label)s is longer than %(maximum)s characters.",
                label=label,
                maximum=REFERENCE_MAX_LENGTH,
            )
        )
    return text


def text(env, value, label, required=False):
    """``value``, a note or a reason, stripped; ``False`` when empty (refused
    with ``required``). Refused: anything but text, more than
    ``TEXT_MAX_LENGTH`` characters."""
    if value is None or value is False:
        value = ""
    if not isinstance(value, str):
        raise UserError(
            env._(
                "%(label)s must be text, not %(value)s.",
                label=label,
                value=show(value),
            )
        )
    value = value.strip()
    if not value:
        if required:
            raise UserError(env._("%(label)s is missing.", label=label))
        return False
    if len(value) > TEXT_MAX_LENGTH:
        raise UserError(
            env._(
                "%(label)s is longer than %(maximum)s characters.",
                label=label,
                maximum=TEXT_MAX_LENGTH,
            )
        )
    return value


def positive_int(env, value, label, maximum=MAX_PERIODS):
    """``value`` as an int from 1 to ``maximum`` (a float with no fraction is
    accepted: JSON has no integers of its own)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(
            env._(
                "%(label)s must be a whole number, not %(value)s.",
                label=label,
                value=show(value),
            )
        )
    if not 1 <= value <= maximum:
        raise UserError(
            env._(
                "%(label)s must be a whole number from 1 to %(maximum)s.",
                label=label,
                maximum=maximum,
            )
        )
    return value


def selection(env, value, choices, label):
    """``value`` if it is one of the keys of ``choices`` (``[(key, translated
    label)]``)."""
    keys = [key for key, _name in choices]
    if not isinstance(value, str) or value not in keys:
        listed = ", ".join(f"{key} ({name})" for key, name in choices)
        raise UserError(
            env._(
                "%(label)s must be one of %(choices)s, not %(value)s.",
                label=label,
                choices=listed,
                value=show(value),
            )
        )
    return value


def boolean(env, value, label):
    """``value`` if it is ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise UserError(
            env._(
                "%(label)s must be true or false, not %(value)s.",
                label=label,
                value=show(value),
            )
        )
    return value


def one(records):
    """``records`` if it holds exactly one record (a translated ``UserError``
    instead of ``ensure_one``'s ``ValueError``)."""
    if len(records) != 1:
        raise UserError(
            records.env._(
                "This operation applies to one %(model)s at a time, not to "
                "%(count)s.",
                model=records._description,
                count=len(records),
            )
        )
    return records


def _bad_value(model, field, value, expected):
    return ValidationError(
        model.env._(
            "%(field)s of %(model)s cannot be %(value)s: %(expected)s",
            field=field._description_string(model.env),
            model=model._description,
            value=show(value),
            expected=expected,
        )
    )


def _check_integer(model, field, value):
    if isinstance(value, float) and value.is_integer():
        return
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,18}\s*", value):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_value(model, field, value, model.env._("give a whole number."))


def _check_float(model, field, value):
    env = model.env
    try:
        parsed = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or not math.isfinite(parsed):
        raise _bad_value(model, field, value, env._("give a number."))
    if abs(parsed) >= MAX_AMOUNT:
        raise _bad_value(model, field, value, env._("the number is too large."))


def _check_selection(model, field, value):
    env = model.env
    keys = [key for key, _name in field._description_selection(env)]
    if value not in keys:
        raise _bad_value(
            model,
            field,
            value,
            env._("choose one of %(keys)s.", keys=", ".join(keys)),
        )


def _check_day(model, field, value):
    env = model.env
    try:
        parsed = (
            field.to_date(value) if field.type == "date" else field.to_datetime(value)
        )
    except (TypeError, ValueError):
        parsed = None
    if isinstance(parsed, datetime):
        parsed = parsed.date()
    if not isinstance(parsed, date):
        raise _bad_value(model, field, value, env._("give a date written YYYY-MM-DD."))
    if not MIN_DAY <= parsed <= MAX_DAY:
        raise _bad_value(
            model,
            field,
            value,
            env._(
                "give a date between %(start)s and %(end)s.",
                start=MIN_DAY,
                end=MAX_DAY,
            ),
        )


_FIELD_CHECKS = {
    "integer": _check_integer,
    "float": _check_float,
    "monetary": _check_float,
    "selection": _check_selection,
    "date": _check_day,
    "datetime": _check_day,
}


def field_values(model, vals):
    """Refuse, with a translated ``ValidationError``, values of ``vals`` (for
    ``create`` or ``write`` on ``model``) that the ORM would fail to convert
    with a traceback: text or containers for numbers, NaN and the infinities,
    unknown selection keys, impossible dates."""
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None or value is False or value is None:
            continue
        check = _FIELD_CHECKS.get(field.type)
        if check:
            check(model, field, value)
