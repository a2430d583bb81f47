"""Pure-Python calculation core of the microloan add-ons (no Odoo import).

Money is ``Decimal``, dates are ``datetime.date``, inputs and outputs are frozen
dataclasses, and invalid input raises :class:`EngineError`.
"""

from . import (
    allocation,
    apr,
    capitals,
    classification,
    interest,
    overdue,
    provisioning,
    rates,
    restructure,
    tvm,
)
from .dates import Frequency
from .errors import EngineError
from .money import quantize
from .schedule import (
    Installment,
    Schedule,
    ScheduleTerms,
    build_schedule,
    term_for_installment,
)

__all__ = [
    "allocation",
    "apr",
    "capitals",
    "classification",
    "interest",
    "overdue",
    "provisioning",
    "rates",
    "restructure",
    "tvm",
    "EngineError",
    "Frequency",
    "Installment",
    "Schedule",
    "ScheduleTerms",
    "build_schedule",
    "quantize",
    "term_for_installment",
]
