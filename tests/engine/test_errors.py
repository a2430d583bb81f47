"""Every engine error carries a stable code and its parameters, so that callers
translate by code instead of by the English text."""

import ast
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import microloan_engine
from microloan_engine import EngineError, ScheduleTerms, build_schedule
from microloan_engine.dates import Frequency
from microloan_engine.errors import MESSAGE_CODES, TEMPLATES

ENGINE_DIR = Path(microloan_engine.__file__).parent


def _raises():
    """``(file, line, message literal or None, code keyword or None)`` of every
    ``EngineError(...)`` call in the engine's source."""
    for path in sorted(ENGINE_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "EngineError"
            ):
                continue
            message = node.args[1] if len(node.args) > 1 else None
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            yield (
                f"{path.name}:{node.lineno}",
                message.value if isinstance(message, ast.Constant) else None,
                code.value if isinstance(code, ast.Constant) else None,
                message is not None and not isinstance(message, ast.Constant),
            )


def test_every_message_raised_has_a_code():
    missing = []
    for where, message, code, dynamic in _raises():
        if code is not None:
            if code not in TEMPLATES:
                missing.append(f"{where}: code {code!r} has no template")
        elif message is not None:
            if message not in MESSAGE_CODES:
                missing.append(f"{where}: {message!r} has no code")
        elif not dynamic:
            missing.append(f"{where}: neither a message nor a code")
    assert missing == []


def test_codes_are_unique_identifiers():
    codes = list(MESSAGE_CODES.values()) + list(TEMPLATES)
    assert len(codes) == len(set(codes))
    assert all(code.isidentifier() and code == code.lower() for code in codes)


def test_static_message_carries_its_code():
    terms = ScheduleTerms(
        principal=Decimal("-1"),
        annual_rate=Decimal("0.12"),
        periods=12,
        disbursement_date=date(2025, 1, 10),
    )
    with pytest.raises(EngineError) as caught:
        build_schedule(terms)
    error = caught.value
    assert (error.field, error.code, error.params) == ("principal", "positive", {})
    assert error.message == "must be positive"


def test_message_with_parameters_carries_them():
    with pytest.raises(EngineError) as caught:
        Frequency.from_spec("hourly")
    error = caught.value
    assert error.code == "unknown_frequency"
    assert error.params["spec"] == "'hourly'"
    assert error.message == TEMPLATES["unknown_frequency"].format(**error.params)


def test_unknown_message_falls_back_to_invalid():
    assert EngineError("x", "something new").code == "invalid"


def test_error_pickles_with_code_and_params():
    error = pickle.loads(
        pickle.dumps(EngineError("periods", code="at_least", params={"minimum": 1}))
    )
    assert (error.field, error.code, error.params) == (
        "periods",
        "at_least",
        {"minimum": 1},
    )
    assert error.message == "must be at least 1"
