"""Write-off lines and recovery order (docs/domain.md §5.1 items 8 and 9)."""

from datetime import date
from decimal import Decimal

import pytest

from microloan_engine.allocation import position_from_schedule, settle_to
from microloan_engine.errors import EngineError
from microloan_engine.overdue import accrue
from microloan_engine.schedule import ScheduleTerms, build_schedule
from microloan_engine.writeoff import (
    WRITE_OFF_COMPONENTS,
    WriteOffLine,
    allocate_recovery,
    write_off_lines,
)

D = Decimal
START = date(2025, 1, 10)


def position():
    terms = ScheduleTerms(
        principal=D("100000"),
        annual_rate=D("0.12"),
        periods=12,
        disbursement_date=START,
    )
    return position_from_schedule(build_schedule(terms), START, terms.annual_rate)


def test_write_off_takes_principal_and_what_is_due():
    on = date(2025, 3, 20)
    lines = write_off_lines(settle_to(accrue(position(), on), on), on)
    by_component = {}
    for line in lines:
        by_component.setdefault(line.component, []).append(line)
    assert [line.component for line in lines] == sorted(
        (line.component for line in lines), key=WRITE_OFF_COMPONENTS.index
    )
    assert sum(line.amount for line in by_component["principal"]) == D("100000")
    # Interest of the two installments due by 03-20 only.
    assert [line.n for line in by_component["interest"]] == [1, 2]
    assert {line.n for line in by_component["penalty"]} == {1, 2}


def test_recovery_pays_back_in_write_off_order():
    recoverable = [
        WriteOffLine(1, "principal", D("100")),
        WriteOffLine(1, "interest", D("10")),
        WriteOffLine(1, "penalty", D("1")),
    ]
    lines, excess = allocate_recovery(recoverable, D("105"))
    assert lines == (
        WriteOffLine(1, "principal", D("100")),
        WriteOffLine(1, "interest", D("5")),
    )
    assert excess == 0
    lines, excess = allocate_recovery(recoverable, D("120"))
    assert sum(line.amount for line in lines) == D("111")
    assert excess == D("9")
    with pytest.raises(EngineError):
        allocate_recovery(recoverable, D("-1"))
