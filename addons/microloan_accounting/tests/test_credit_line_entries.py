from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestCreditLineEntries(MicroloanAccountingCommon):
    """Draws and repayments of a credit line (随借随还) in the journals, with the
    docs/domain.md §1.5 example: 12% a year on Act/360, draw 50,000 on D0 (2025-01-10),
    repay 20,000 of principal and 166.67 of interest on D10, pay off 30,000 and
    200.00 on D30."""

    D0, D10, D30 = "2025-01-10", "2025-01-20", "2025-02-09"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revolving = cls.env["microloan.product"].create(
            {
                "name": "Business Credit Line",
                "code": "BCL",
                "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id,
                "repayment_method": "revolving",
                "day_count": "ACT/360",
                "amount_min": 1000.0,
                "amount_default": 100000.0,
                "amount_max": 500000.0,
                "rate_min": 6.0,
                "rate_default": 12.0,
                "rate_max": 24.0,
            }
        )
        cls.receivable = cls.borrower.property_account_receivable_id
        journal = cls.accounts["payment_journal"]
        cls.outstanding_in = journal._get_available_payment_method_lines("inbound")[
            :1
        ].payment_account_id
        cls.outstanding_out = journal._get_available_payment_method_lines("outbound")[
            :1
        ].payment_account_id

    def _credit_line(self, company=None):
        company = company or self.company
        line = (
            self.env["microloan.credit.line"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.borrower.id,
                    "product_id": self.revolving.id,
                    "company_id": company.id,
                    "date_start": "2025-01-01",
                    "date_end": "2025-12-31",
                }
            )
        )
        line.action_activate()
        return line

    def _expect(self, move, *lines):
        """``lines``: (account key or account, debit, credit)."""
        expected = []
        for account, debit, credit in lines:
            if isinstance(account, str):
                account = self.accounts[account]
            expected.append((account.code, debit, credit))
        self.assertEqual(self._lines(move), sorted(expected))

    def _balance(self, account, line):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("microloan_credit_line_id", "=", line.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))

    def _assert_one_entry(self, entry):
        """The entry's booking is its payment's entry, carrying the
        allocation: nothing through the borrower's receivable, nothing
        reconciled."""
        self.assertEqual(entry.move_ids, entry.move_id)
        self.assertEqual(entry.payment_id.move_id, entry.move_id)
        items = entry.move_id.line_ids
        self.assertNotIn(self.receivable, items.account_id)
        self.assertFalse(items.matched_debit_ids + items.matched_credit_ids)

    def test_draw(self):
        line = self._credit_line()
        entry = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, self.D0)
        )
        move = entry.move_id
        self.assertRecordValues(
            move,
            [
                {
                    "state": "posted",
                    "microloan_credit_line_entry_id": entry.id,
                    "microloan_credit_line_id": line.id,
                    "journal_id": self.accounts["payment_journal"].id,
                    "company_id": self.company.id,
                    "date": fields.Date.to_date(self.D0),
                    "partner_id": self.borrower.id,
                }
            ],
        )
        self._expect(
            move, ("principal", 50000.0, 0.0), (self.outstanding_out, 0.0, 50000.0)
        )
        self.assertEqual(move.line_ids.microloan_credit_line_id, line)
        self.assertFalse(move.line_ids.microloan_loan_id)
        payment = entry.payment_id
        self.assertRecordValues(
            payment,
            [
                {
                    "payment_type": "outbound",
                    "amount": 50000.0,
                    "memo": entry.display_name,
                    "partner_id": self.borrower.id,
                    "journal_id": self.accounts["payment_journal"].id,
                    "microloan_credit_line_entry_id": entry.id,
                }
            ],
        )
        self.assertEqual(payment.move_id.microloan_credit_line_entry_id, entry)
        self._assert_one_entry(entry)
        self.assertEqual(self._balance(self.accounts["principal"], line), 50000.0)
        self.assertFalse(
            self.env["microloan.credit.line"]._check_ledger_agreement(
                self.D0, lines=line
            )
        )

    def test_domain_example(self):
        line = self._credit_line()
        line.draw(50000.0, self.D0)
        repay = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(20166.67, self.D10, reference="BANK-CL-1")
        )
        self.assertRecordValues(
            repay,
            [{"interest_amount": 166.67, "principal_amount": 20000.0}],
        )
        self._expect(
            repay.move_id,
            (self.outstanding_in, 20166.67, 0.0),
            ("principal", 0.0, 20000.0),
            ("interest_income", 0.0, 166.67),
        )
        self.assertEqual(repay.move_id.ref, "BANK-CL-1")
        self.assertRecordValues(
            repay.payment_id,
            [{"payment_type": "inbound", "amount": 20166.67, "memo": "BANK-CL-1"}],
        )
        self._assert_one_entry(repay)
        self.assertEqual(line.payoff_quote(self.D30)["total"], 30200.0)
        payoff = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(30200.0, self.D30)
        )
        self._expect(
            payoff.move_id,
            (self.outstanding_in, 30200.0, 0.0),
            ("principal", 0.0, 30000.0),
            ("interest_income", 0.0, 200.0),
        )
        self._assert_one_entry(payoff)
        self.assertEqual(line.principal_outstanding, 0.0)
        self.assertEqual(self._balance(self.accounts["principal"], line), 0.0)
        self.assertEqual(self._balance(self.accounts["interest_receivable"], line), 0.0)
        # 积数 1,100,000 × 0.12 / 360 = 366.67 of income.
        self.assertAlmostEqual(
            self._balance(self.accounts["interest_income"], line), -366.67
        )
        self.assertEqual(self._balance(self.receivable, line), 0.0)
        Line = self.env["microloan.credit.line"]
        for date in (self.D0, self.D10, "2025-01-31", self.D30):
            self.assertFalse(Line._check_ledger_agreement(date, lines=line), date)
        self.assertFalse(Line._check_ledger_agreement(self.D30, self.company))
        line.action_close()
        self.assertEqual(line.state, "closed")

    def test_interest_settled_and_not_paid_is_receivable(self):
        line = self._credit_line()
        line.draw(50000.0, self.D0)
        short = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(100.0, self.D10)
        )
        # 166.67 settled is income; 66.67 of it is still owed.
        self._expect(
            short.move_id,
            (self.outstanding_in, 100.0, 0.0),
            ("interest_receivable", 66.67, 0.0),
            ("interest_income", 0.0, 166.67),
        )
        Line = self.env["microloan.credit.line"]
        self.assertFalse(Line._check_ledger_agreement(self.D10, lines=line))
        # Ten more days on 50,000: 166.67, plus the 66.67 due, paid first.
        later = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(10066.67, "2025-01-30")
        )
        self.assertRecordValues(
            later, [{"interest_amount": 233.34, "principal_amount": 9833.33}]
        )
        self._expect(
            later.move_id,
            (self.outstanding_in, 10066.67, 0.0),
            ("principal", 0.0, 9833.33),
            ("interest_income", 0.0, 166.67),
            ("interest_receivable", 0.0, 66.67),
        )
        self.assertEqual(self._balance(self.accounts["interest_receivable"], line), 0.0)
        self.assertFalse(Line._check_ledger_agreement("2025-01-30", lines=line))

    def test_control_lists_a_difference(self):
        line = self._credit_line()
        draw = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, self.D0)
        )
        # A manual entry on the line's principal, outside the sub-ledger.
        # sudo: only the postings link items to a credit line; the test tampers.
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "journal_id": self.accounts["loan_journal"].id,
                    "date": self.D10,
                    "line_ids": [
                        fields.Command.create(
                            {
                                "account_id": self.accounts["principal"].id,
                                "balance": 10.0,
                                "microloan_credit_line_id": line.id,
                            }
                        ),
                        fields.Command.create(
                            {"account_id": self.outstanding_out.id, "balance": -10.0}
                        ),
                    ],
                }
            )
        )
        move.action_post()
        Line = self.env["microloan.credit.line"]
        self.assertFalse(Line._check_ledger_agreement(self.D0, lines=line))
        self.assertEqual(
            Line._check_ledger_agreement(self.D10, lines=line),
            [
                {
                    "line": line,
                    "principal_ledger": 50010.0,
                    "principal_subledger": 50000.0,
                    "interest_ledger": 0.0,
                    "interest_subledger": 0.0,
                }
            ],
        )
        self.assertTrue(draw.move_id)

    def test_reversal_of_repayment_and_draw(self):
        line = self._credit_line()
        draw = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, self.D0)
        )
        repay = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(20166.67, self.D10)
        )
        reversal = repay.action_reverse()
        self.assertEqual(repay.state, "reversed")
        self.assertEqual(len(reversal.move_ids), 1)
        self.assertEqual(reversal.move_ids.reversed_entry_id, repay.move_id)
        self.assertEqual(set(reversal.move_ids.mapped("state")), {"posted"})
        self.assertEqual(reversal.move_id.reversed_entry_id, repay.move_id)
        self._expect(
            reversal.move_id,
            (self.outstanding_in, 0.0, 20166.67),
            ("principal", 20000.0, 0.0),
            ("interest_income", 166.67, 0.0),
        )
        self.assertEqual(repay.payment_id.state, "canceled")
        self.assertEqual(self._balance(self.accounts["principal"], line), 50000.0)
        self.assertEqual(self._balance(self.accounts["interest_income"], line), 0.0)
        Line = self.env["microloan.credit.line"]
        self.assertFalse(Line._check_ledger_agreement(self.D10, lines=line))
        draw.action_reverse()
        self.assertEqual(self._balance(self.accounts["principal"], line), 0.0)
        self.assertEqual(self._balance(self.receivable, line), 0.0)
        self.assertFalse(Line._check_ledger_agreement(self.D30, lines=line))

    def test_entries_cannot_be_reset_or_deleted(self):
        entry = self.env["microloan.credit.line.entry"].browse(
            self._credit_line().draw(50000.0, self.D0)
        )
        with self.assertRefused(UserError, "cannot be reset to draft"):
            entry.move_id.button_draft()

    def test_missing_account_refused_before_posting(self):
        self.company.microloan_principal_account_id = False
        line = self._credit_line()
        with self.assertRefused(UserError, "has no Loan Principal"):
            line.draw(50000.0, self.D0)
        self.assertFalse(line.entry_ids)

    def test_locked_period_refused_before_posting(self):
        line = self._credit_line()
        draw = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, self.D0)
        )
        self.company.sudo().fiscalyear_lock_date = "2025-01-31"
        with self.assertRefused(UserError, "locked"):
            line.register_repayment(20166.67, self.D10)
        with self.assertRefused(UserError, "locked"):
            draw.action_reverse()
        self.assertEqual(line.entry_ids, draw)
        self.assertEqual(draw.state, "posted")

    def test_unconfigured_branch_keeps_the_sub_ledger_only(self):
        fields_ = [
            name
            for name in self.env["res.company"]._fields
            if name.startswith("microloan_")
            and (name.endswith("_account_id") or name.endswith("_journal_id"))
        ]
        self.company.write(dict.fromkeys(fields_, False))
        line = self._credit_line()
        draw = self.env["microloan.credit.line.entry"].browse(
            line.draw(50000.0, self.D0)
        )
        repay = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(20166.67, self.D10)
        )
        repay.action_reverse()
        self.assertFalse((line.entry_ids).move_ids)
        self.assertFalse((draw + repay).payment_id)
        self.assertEqual(line.principal_outstanding, 50000.0)

    def test_branch_books(self):
        branch = self.env["res.company"].create(
            {
                "name": "Shanghai Branch",
                "parent_id": self.company.id,
                "microloan_branch_code": "SH",
            }
        )
        self.env.cr.precommit.run()
        self.env.user.company_ids |= branch
        if not self.env["account.journal"].search(
            [("company_id", "=", branch.id), ("type", "=", "bank")]
        ):
            self.env["account.journal"].create(
                {
                    "name": "Bank SH",
                    "code": "BKSH",
                    "type": "bank",
                    "company_id": branch.id,
                }
            )
        branch.action_microloan_default_accounts()
        line_bj = self._credit_line()
        line_sh = self._credit_line(company=branch)
        line_bj.draw(50000.0, self.D0)
        line_sh.draw(30000.0, self.D0)
        line_sh.register_repayment(10100.0, self.D10)
        accounts_sh = self.revolving._get_microloan_accounts(branch)
        for line, company, journal in (
            (line_bj, self.company, self.accounts["payment_journal"]),
            (line_sh, branch, accounts_sh["payment_journal"]),
        ):
            moves = line.entry_ids.move_ids
            self.assertTrue(moves)
            self.assertEqual(moves.company_id, company)
            self.assertEqual(line.entry_ids.move_id.journal_id, journal)
            self.assertEqual(line.entry_ids.payment_id.company_id, company)
        self.assertNotEqual(accounts_sh["loan_journal"], self.accounts["loan_journal"])
        principal = self.accounts["principal"]
        self.assertEqual(self._balance(principal, line_sh), 20000.0)
        self.assertEqual(self._ledger_balance(principal, company=branch), 20000.0)
        self.assertEqual(self._ledger_balance(principal, company=self.company), 50000.0)
        Line = self.env["microloan.credit.line"]
        self.assertFalse(Line._check_ledger_agreement(self.D10, self.company | branch))

    def test_entry_list_shows_the_journal_entry(self):
        arch = self.env["microloan.credit.line.entry"].get_view(
            self.env.ref("microloan_base.microloan_credit_line_entry_view_list").id
        )["arch"]
        self.assertIn('name="move_id"', arch)
