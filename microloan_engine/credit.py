"""Figures of a credit investigation (调查报告): monthly cash flow, net worth
and the total debt service ratio.

The debt service ratio (负债收入比) is what the borrower pays each month on all
his debts, the new loan's largest installment included, over his monthly
income, in percent at two places. Without income it is ``None`` (it cannot
be judged), never a division by zero.

>>> figures = debt_service(Decimal("20000"), Decimal("12000"),
...                        [Decimal("1500"), Decimal("800")], Decimal("2700"))
>>> figures.net_cash_flow, figures.debt_payments, figures.ratio
(Decimal('8000'), Decimal('5000'), Decimal('25.00'))
>>> net_worth(Decimal("500000"), Decimal("120000"))
Decimal('380000')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class DebtService:
    """Monthly ``income``, ``expenses``, their ``net_cash_flow``, the
    ``new_installment``, the ``debt_payments`` (other debts and the new loan)
    and the ``ratio`` of those payments to income (percent, ``None`` without
    income)."""

    income: Decimal
    expenses: Decimal
    net_cash_flow: Decimal
    new_installment: Decimal
    debt_payments: Decimal
    ratio: Decimal | None


def _not_negative(value, field):
    value = to_decimal(value, field)
    if value < 0:
        raise EngineError(field, "must not be negative")
    return value


def debt_service(
    income, expenses, other_payments: Iterable = (), new_installment=ZERO
) -> DebtService:
    """The cash flow and debt service of a borrower's month."""
    income = _not_negative(income, "income")
    expenses = _not_negative(expenses, "expenses")
    payments = sum(
        (_not_negative(p, "other_payments") for p in other_payments), start=ZERO
    )
    new_installment = _not_negative(new_installment, "new_installment")
    payments += new_installment
    ratio = quantize(payments * 100 / income, 2) if income else None
    return DebtService(
        income=income,
        expenses=expenses,
        net_cash_flow=income - expenses,
        new_installment=new_installment,
        debt_payments=payments,
        ratio=ratio,
    )


def net_worth(assets, liabilities) -> Decimal:
    """Assets less liabilities (negative when the borrower owes more than he
    owns)."""
    return _not_negative(assets, "assets") - _not_negative(liabilities, "liabilities")


def largest_installment(schedule) -> Decimal:
    """The largest installment of a ``microloan_engine.Schedule``: what the
    new loan adds to the borrower's monthly debt service."""
    return max((i.total for i in schedule.installments), default=ZERO)
