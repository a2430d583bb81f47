"""tests/ui/screenshots.py without a browser: its arguments and helpers."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
import screenshots  # noqa: E402


def test_defaults_are_the_screen_of_the_issue():
    args = screenshots.parse_args([])
    assert (args.width, args.height, args.lang) == (1440, 900, "zh_CN")
    assert args.chromium == "/usr/bin/chromium"
    assert not args.fail_on_cut


def test_users_take_their_login_as_password_unless_given():
    assert list(screenshots.users_of("admin:admin, officer_cd,,finance_cd:x")) == [
        ("admin", "admin"),
        ("officer_cd", "officer_cd"),
        ("finance_cd", "x"),
    ]


def test_screen_names_are_file_names():
    assert (
        screenshots.slug("admin-microloan_base.microloan_loan_menu")
        == "admin-microloan_base.microloan_loan_menu"
    )
    assert screenshots.slug("admin-贷款 / 还款") == "admin"
    assert screenshots.slug("///") == "menu"


def test_the_wizards_opened_are_only_those_of_wizard_buttons():
    models = [model for model, _domain in screenshots.FORMS]
    assert models == [
        "microloan.loan",
        "microloan.credit.line",
        "microloan.application",
    ]


def test_without_playwright_it_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    with pytest.raises(SystemExit, match="pip install playwright"):
        screenshots.main(["--out", str(tmp_path)])


def test_english_words_are_words_not_codes_logins_or_addresses():
    english = screenshots.english_words
    assert english("Loan created") == ["Loan", "created"]
    assert english("审批人员 (and 2 more)") == ["and", "more"]
    assert english("Next: 一审") == ["Next"]
    for text in (
        "贷款 创建",
        "CD-TX-2026-000095",
        "officer_cd",
        "hq@example.com",
        "https://example.com/odoo/loans",
        "¥ 1,000.00",
        "CNY",
        "LPR 3.45%",
        "Odoo",
        "合同.pdf",
    ):
        assert english(text) == [], text
