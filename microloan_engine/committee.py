"""The decision of a credit committee (贷审会) on one application.

A quorum of the members must be present (by default two thirds), and the
votes in favour (approve, or approve with conditions) must reach the majority
of the members present (by default two thirds); a member present who does not
vote counts as not in favour. Fractions are ``(numerator, denominator)`` and
compared exactly, with integers.

>>> d = decide(members=7, present=5, approve=3, conditional=1, reject=1)
>>> d.quorum_met, d.approved, d.with_conditions
(True, True, True)
>>> decide(members=7, present=4, approve=4, conditional=0, reject=0).quorum_met
False
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import EngineError

TWO_THIRDS = (2, 3)


@dataclass(frozen=True)
class CommitteeDecision:
    members: int
    present: int
    approve: int
    conditional: int
    reject: int
    quorum_met: bool
    approved: bool
    with_conditions: bool


def _count(value, field):
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineError(field, "must be an integer")
    if value < 0:
        raise EngineError(field, "must be a whole number >= 0")
    return value


def _fraction(value, field):
    if not isinstance(value, tuple) or len(value) != 2:
        raise EngineError(field, "out of range")
    numerator, denominator = (_count(v, field) for v in value)
    if not denominator or numerator > denominator:
        raise EngineError(field, "out of range")
    return numerator, denominator


def decide(
    members,
    present,
    approve,
    conditional,
    reject,
    quorum=TWO_THIRDS,
    majority=TWO_THIRDS,
) -> CommitteeDecision:
    """The committee's decision (see the module's docstring).

    >>> decide(members=3, present=3, approve=1, conditional=1, reject=1).approved
    True
    >>> decide(members=3, present=3, approve=1, conditional=0, reject=2).approved
    False
    """
    members = _count(members, "members")
    present = _count(present, "present")
    approve = _count(approve, "approve")
    conditional = _count(conditional, "conditional")
    reject = _count(reject, "reject")
    q_num, q_den = _fraction(quorum, "quorum")
    m_num, m_den = _fraction(majority, "majority")
    if present > members:
        raise EngineError("present", "out of range")
    if approve + conditional + reject > present:
        raise EngineError("votes", "out of range")
    quorum_met = present > 0 and present * q_den >= members * q_num
    favourable = approve + conditional
    approved = quorum_met and favourable * m_den >= present * m_num
    return CommitteeDecision(
        members=members,
        present=present,
        approve=approve,
        conditional=conditional,
        reject=reject,
        quorum_met=quorum_met,
        approved=approved,
        with_conditions=approved and conditional > 0,
    )
