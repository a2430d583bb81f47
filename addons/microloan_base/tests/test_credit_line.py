from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import MicroloanCommon

D0 = date(2025, 1, 1)


def day(n):
    return D0 + timedelta(days=n)


@tagged("post_install", "-at_install")
class TestCreditLine(MicroloanCommon):
    """Credit lines (随借随还): docs/domain.md §1.5 numbers through the models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revolving = cls._create_revolving_product("BCL", day_count="ACT/360")

    def _line(self, user=None, activate=True, **vals):
        Line = self.env["microloan.credit.line"]
        if user:
            Line = Line.with_user(user).with_company(self.branch_bj)
        line = Line.create(
            {
                "partner_id": self.borrower.id,
                "product_id": self.revolving.id,
                "company_id": self.branch_bj.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
                **vals,
            }
        )
        if activate:
            line.with_user(self.approver).action_activate()
        return line.with_user(self.finance).with_company(self.branch_bj)

    def test_product_terms_and_number(self):
        line = self._line(user=self.officer, activate=False)
        self.assertRecordValues(
            line,
            [
                {
                    "state": "draft",
                    "limit_amount": 100000.0,
                    "interest_rate": 12.0,
                    "day_count": "ACT/360",
                    "currency_id": self.cny.id,
                    "user_id": self.officer.id,
                }
            ],
        )
        self.assertRegex(line.name, r"^BJ-CL2025-\d{4}$")

    def test_domain_example_accumulated_product(self):
        """50,000 drawn on D0, 20,000 repaid on D10, the rest on D30:
        积数 50,000×10 + 30,000×20 = 1,100,000, interest 366.67."""
        line = self._line()
        line.draw(50000.0, day(0))
        quote = line.payoff_quote(day(10))
        self.assertEqual(quote["accumulated_product"], 500000.0)
        self.assertAlmostEqual(quote["interest"], 166.67, places=2)
        # Interest is paid first: repaying 20,000 of principal takes 20,166.67.
        first = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(20166.67, day(10))
        )
        self.assertRecordValues(
            first,
            [
                {
                    "kind": "repayment",
                    "interest_accrued": 166.67,
                    "interest_amount": 166.67,
                    "principal_amount": 20000.0,
                    "accumulated_product": 500000.0,
                    "interest_from": day(0),
                    "balance": 30000.0,
                }
            ],
        )
        quote = line.payoff_quote(day(30))
        self.assertEqual(quote["principal"], 30000.0)
        self.assertEqual(quote["accumulated_product"], 600000.0)
        self.assertAlmostEqual(quote["interest"], 200.0, places=2)
        self.assertAlmostEqual(quote["total"], 30200.0, places=2)
        line.register_repayment(quote["total"], day(30))
        self.assertRecordValues(
            line,
            [
                {
                    "principal_outstanding": 0.0,
                    "interest_due": 0.0,
                    "total_interest_paid": 366.67,
                    "total_accumulated_product": 1100000.0,
                    "interest_settled_to": day(30),
                }
            ],
        )
        line.action_close()
        self.assertEqual(line.state, "closed")

    def test_seventeen_days_by_day_count(self):
        """A single 50,000 draw held 17 days: 283.33 on ACT/360, 279.45 on ACT/365."""
        for day_count, interest in (("ACT/360", 283.33), ("ACT/365", 279.45)):
            with self.subTest(day_count=day_count):
                line = self._line(day_count=day_count)
                line.draw(50000.0, day(0))
                quote = line.payoff_quote(day(17))
                self.assertEqual(quote["accumulated_product"], 850000.0)
                self.assertAlmostEqual(quote["interest"], interest, places=2)
                entry = self.env["microloan.credit.line.entry"].browse(
                    line.register_repayment(quote["total"], day(17))
                )
                self.assertAlmostEqual(entry.interest_amount, interest, places=2)
                self.assertAlmostEqual(entry.principal_amount, 50000.0, places=2)
                self.assertTrue(self.cny.is_zero(line.principal_outstanding))

    def test_repayment_pays_interest_first_and_carries_the_rest(self):
        line = self._line()
        line.draw(50000.0, day(0))
        small = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(100.0, day(10))
        )
        self.assertRecordValues(
            small,
            [{"interest_accrued": 166.67, "interest_amount": 100.0}],
        )
        self.assertEqual(small.principal_amount, 0.0)
        self.assertAlmostEqual(line.interest_due, 66.67, places=2)
        self.assertEqual(line.principal_outstanding, 50000.0)
        # Next settlement: 66.67 carried plus 166.67 for D10-D20, then principal.
        second = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(1000.0, day(20))
        )
        self.assertAlmostEqual(second.interest_amount, 233.34, places=2)
        self.assertAlmostEqual(second.principal_amount, 766.66, places=2)
        self.assertAlmostEqual(line.interest_due, 0.0, places=2)
        self.assertAlmostEqual(line.principal_outstanding, 49233.34, places=2)

    def test_limit_and_validity(self):
        line = self._line()
        line.draw(80000.0, day(0))
        with self.assertRefused(UserError, "beyond its limit"):
            line.draw(30000.0, day(5))
        line.draw(20000.0, day(5))
        self.assertEqual(line.principal_outstanding, 100000.0)
        self.assertEqual(line._figures_at(day(6))["available_amount"], 0.0)
        with self.assertRefused(UserError, "from 2025-01-01 to 2025-12-31"):
            line.draw(100.0, date(2024, 12, 31))
        expired = self._line(date_start="2025-01-01", date_end="2025-01-31")
        with self.assertRefused(UserError, "accepts draws from"):
            expired.draw(100.0, date(2025, 2, 1))

    def test_back_dated_draw_within_the_limit_of_later_history(self):
        line = self._line()
        line.draw(50000.0, day(0))
        line.draw(40000.0, day(20))
        # 30,000 on D10 would leave 120,000 outstanding from D20 on.
        with self.assertRefused(UserError, "beyond its limit"):
            line.draw(30000.0, day(10))
        back = self.env["microloan.credit.line.entry"].browse(
            line.draw(10000.0, day(10))
        )
        self.assertEqual(back.balance, 60000.0)
        quote = line.payoff_quote(day(30))
        # 50,000×10 + 60,000×10 + 100,000×10
        self.assertEqual(quote["accumulated_product"], 2100000.0)
        self.assertAlmostEqual(quote["interest"], 700.0, places=2)

    def test_entries_before_settlement_refused_until_reversed(self):
        line = self._line()
        line.draw(50000.0, day(0))
        repayment = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(10000.0, day(30))
        )
        with self.assertRefused(UserError, "settled up to 2025-01-31"):
            line.draw(1000.0, day(25))
        with self.assertRefused(UserError, "settled up to"):
            line.register_repayment(1000.0, day(25))
        with self.assertRefused(UserError, "settled up to"):
            line.payoff_quote(day(25))
        # Reverse the repayment: interest is open again from D0.
        reversal = repayment.action_reverse()
        self.assertRecordValues(
            repayment, [{"state": "reversed", "reversed_by_id": reversal.id}]
        )
        self.assertRecordValues(
            line,
            [
                {
                    "principal_outstanding": 50000.0,
                    "interest_due": 0.0,
                    "interest_settled_to": False,
                    "total_interest_paid": 0.0,
                }
            ],
        )
        line.draw(1000.0, day(25))
        quote = line.payoff_quote(day(30))
        self.assertEqual(quote["accumulated_product"], 50000.0 * 25 + 51000.0 * 5)

    def test_reversal_rules(self):
        line = self._line()
        draw = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, day(0))
        )
        line.register_repayment(10000.0, day(10))
        with self.assertRefused(UserError, "followed by repayments"):
            draw.action_reverse()
        later = self.env["microloan.credit.line.entry"].browse(
            line.draw(5000.0, day(12))
        )
        reversal = later.action_reverse()
        self.assertEqual(reversal.kind, "reversal")
        with self.assertRefused(UserError, "already reversed"):
            later.action_reverse()
        with self.assertRefused(UserError, "already reversed"):
            reversal.action_reverse()
        self.assertAlmostEqual(line.principal_outstanding, 40166.67, places=2)

    def test_reversing_a_repayment_cannot_break_the_limit(self):
        line = self._line()
        line.draw(100000.0, day(0))
        repayment = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(50000.0, day(10))
        )
        line.draw(40000.0, day(20))
        with self.assertRefused(UserError, "would exceed the limit"):
            repayment.action_reverse()
        self.assertEqual(repayment.state, "posted")

    def test_entries_are_immutable(self):
        line = self._line()
        entry = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, day(0))
        )
        with self.assertRefused(UserError, "cannot be changed"):
            entry.write({"amount": 1.0})
        with self.assertRefused(UserError, "cannot be deleted"):
            entry.sudo().unlink()
        # Only the credit line's actions post entries (through sudo()).
        with self.assertRefused(UserError, "posted by the draw"):
            self.env["microloan.credit.line.entry"].with_user(self.finance).create(
                {
                    "line_id": line.id,
                    "sequence": 99,
                    "kind": "draw",
                    "date": day(1),
                    "amount": 1.0,
                }
            )
        with self.assertRefused(UserError, "only change while it is a draft"):
            line.write({"interest_rate": 10.0})
        with self.assertRefused(UserError, "Only draft credit lines can be deleted"):
            line.sudo().unlink()

    def test_bad_input(self):
        line = self._line()
        with self.assertRefused(UserError, "nothing to repay"):
            line.register_repayment(100.0, day(0))
        for amount in (0.0, -5.0, 0.001):
            with self.assertRefused(UserError, "must be positive"):
                line.draw(amount, day(0))
        with self.assertRefused(UserError, "in the future"):
            line.draw(100.0, date.today() + timedelta(days=1))
        line.draw(1000.0, day(0))
        with self.assertRefused(UserError, "more than the payoff"):
            line.register_repayment(1003.34, day(10))
        line.register_repayment(1000.0, day(10))
        line.register_repayment(3.33, day(10), reference="BANK-1")
        self.assertTrue(self.cny.is_zero(line.principal_outstanding))
        with self.assertRefused(UserError, "BANK-1 is already recorded"):
            line.register_repayment(0.01, day(11), reference="BANK-1")
        with self.assertRefused(UserError, "Only active credit lines can be closed"):
            self._line(activate=False).with_user(self.finance).action_close()
        draft = self._line(activate=False).with_user(self.finance)
        with self.assertRefused(UserError, "need an active credit line"):
            draft.draw(100.0, day(0))
        with self.assertRefused(
            ValidationError, r"between \S+\s?1,000\.00 and \S+\s?500,000\.00"
        ):
            self._line(limit_amount=600000.0)
        with self.assertRefused(ValidationError, "between 6.00% and 24.00%"):
            self._line(interest_rate=30.0)
        with self.assertRefused(ValidationError, "cannot end before it starts"):
            self._line(date_end="2024-12-31")
        with self.assertRefused(ValidationError, "not a revolving"):
            self._line(product_id=self.product.id)

    def test_lower_limit_must_hold_over_history(self):
        line = self._line()
        line.draw(80000.0, day(0))
        with self.assertRefused(UserError, "would exceed the limit"):
            line.with_user(self.officer).write({"limit_amount": 50000.0})
        line.with_user(self.officer).write({"limit_amount": 90000.0})
        self.assertEqual(line.limit_amount, 90000.0)

    def test_loans_cannot_use_a_revolving_product(self):
        with self.assertRefused(ValidationError, "open a credit line instead"):
            self._create_loan(product_id=self.revolving.id)

    def test_wizards(self):
        line = self._line()
        action = line.action_open_draw_wizard()
        with Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        ) as wizard:
            wizard.date = day(0)
            self.assertEqual(wizard.available_amount, 100000.0)
            wizard.amount = 50000.0
        wizard.save().action_draw()
        self.assertEqual(line.principal_outstanding, 50000.0)
        action = line.action_open_repay_wizard()
        with Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        ) as wizard:
            wizard.date = day(17)
            self.assertAlmostEqual(wizard.quote_interest, 283.33, places=2)
            self.assertEqual(wizard.quote_accumulated_product, 850000.0)
            wizard.amount = 283.33
            wizard.reference = "STMT-17"
        wizard.save().action_repay()
        self.assertRecordValues(
            line.entry_ids.filtered(lambda e: e.kind == "repayment"),
            [{"interest_amount": 283.33, "principal_amount": 0.0}],
        )

    def test_figures_today(self):
        line = self._line()
        line.draw(50000.0, day(0))
        figures = line._figures_at(day(17))
        self.assertEqual(figures["figures_date"], day(17))
        self.assertEqual(figures["accumulated_product"], 850000.0)
        self.assertAlmostEqual(figures["accrued_interest"], 283.33, places=2)
        self.assertAlmostEqual(figures["payoff_amount"], 50283.33, places=2)
        self.assertEqual(figures["available_amount"], 50000.0)
        # The form shows the figures of today.
        self.assertEqual(line.figures_date, fields.Date.context_today(line))

    def test_access_rights(self):
        line = self._line(user=self.officer, activate=False)
        with self.assertRaises(AccessError):
            line.with_user(self.officer).action_activate()
        with self.assertRaises(AccessError):
            self._line(user=self.auditor, activate=False)
        line.with_user(self.approver).action_activate()
        with self.assertRaises(AccessError):
            line.with_user(self.officer).draw(1000.0, day(0))
        entry = self.env["microloan.credit.line.entry"].browse(
            line.with_user(self.finance).draw(1000.0, day(0))
        )
        with self.assertRaises(AccessError):
            entry.with_user(self.officer).action_reverse()
        with self.assertRaises(AccessError):
            line.with_user(self.officer).register_repayment(10.0, day(1))
        # The auditor reads the ledger.
        self.assertEqual(line.with_user(self.auditor).entry_ids.amount, 1000.0)

    def test_branch_isolation(self):
        line = self._line(user=self.officer)
        line.draw(1000.0, day(0))
        Line = self.env["microloan.credit.line"].with_user(self.officer_sh)
        Entry = self.env["microloan.credit.line.entry"].with_user(self.officer_sh)
        self.assertFalse(Line.search([("id", "=", line.id)]))
        self.assertFalse(Entry.search([("line_id", "=", line.id)]))
        with self.assertRaises(AccessError):
            Line.browse(line.id).read(["name"])
        # The Shanghai officer opens a line for a Shanghai borrower only.
        sh_line = Line.with_company(self.branch_sh).create(
            {
                "partner_id": self.borrower_sh.id,
                "product_id": self.revolving.id,
                "company_id": self.branch_sh.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
            }
        )
        self.assertRegex(sh_line.name, r"^SH-CL2025-")
        with self.assertRaises(UserError):
            Line.with_company(self.branch_sh).create(
                {
                    "partner_id": self.borrower.id,
                    "product_id": self.revolving.id,
                    "company_id": self.branch_sh.id,
                    "date_start": "2025-01-01",
                    "date_end": "2025-12-31",
                }
            )
        # A user of both branches sees both.
        self.officer_sh.company_ids = [Command.link(self.branch_bj.id)]
        both = Line.with_context(
            allowed_company_ids=[self.branch_sh.id, self.branch_bj.id]
        ).search([("id", "in", (line | sh_line).ids)])
        self.assertEqual(both, line | sh_line)
