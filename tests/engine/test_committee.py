"""The credit committee's quorum and majority (exact fractions)."""

import doctest

import pytest

from microloan_engine import committee
from microloan_engine.committee import decide
from microloan_engine.errors import EngineError


def test_doctests():
    assert doctest.testmod(committee).failed == 0


@pytest.mark.parametrize(
    "members, present, approve, conditional, reject, quorum, approved",
    [
        # Quorum two thirds of 9: 6 present is enough, 5 is not.
        (9, 6, 4, 0, 2, True, True),  # 4 of 6 = exactly two thirds
        (9, 6, 3, 0, 3, True, False),
        (9, 5, 5, 0, 0, False, False),
        # A member present who does not vote is not in favour.
        (3, 3, 2, 0, 0, True, True),
        (6, 6, 3, 0, 0, True, False),
        (5, 0, 0, 0, 0, False, False),
    ],
)
def test_quorum_and_majority(
    members, present, approve, conditional, reject, quorum, approved
):
    decision = decide(members, present, approve, conditional, reject)
    assert (decision.quorum_met, decision.approved) == (quorum, approved)


def test_configured_simple_majority_and_half_quorum():
    decision = decide(10, 5, 3, 0, 2, quorum=(1, 2), majority=(1, 2))
    assert decision.quorum_met and decision.approved
    decision = decide(10, 4, 4, 0, 0, quorum=(1, 2), majority=(1, 2))
    assert not decision.quorum_met


def test_conditions_only_when_approved():
    assert decide(3, 3, 0, 2, 1).with_conditions
    assert not decide(3, 3, 0, 1, 2).with_conditions
    assert not decide(3, 3, 3, 0, 0).with_conditions


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((3, 4, 0, 0, 0), {}),  # more present than members
        ((3, 2, 2, 1, 0), {}),  # more votes than present
        ((3, 3, -1, 0, 0), {}),
        ((3, 3, 1.5, 0, 0), {}),
        ((3, 3, True, 0, 0), {}),
        ((3, 3, 1, 0, 0), {"quorum": (3, 2)}),
        ((3, 3, 1, 0, 0), {"majority": (1, 0)}),
        ((3, 3, 1, 0, 0), {"majority": "2/3"}),
    ],
)
def test_bad_input(args, kwargs):
    with pytest.raises(EngineError):
        decide(*args, **kwargs)
