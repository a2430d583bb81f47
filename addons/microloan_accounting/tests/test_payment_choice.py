from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestPaymentChoice(MicroloanAccountingCommon):
    """Disbursement and repayment take the bank or cash journal and the
    payment method (the branch's payment journal by default), and the loan
    and the borrower open their entries and payments in one click (issue 12,
    item 2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.accounts["payment_journal"]
        cls.cash = cls.company_data["default_journal_cash"]
        outstanding = cls.bank.inbound_payment_method_line_ids.filtered(
            "payment_account_id"
        )[:1].payment_account_id
        for line in (
            cls.cash.inbound_payment_method_line_ids
            | cls.cash.outbound_payment_method_line_ids
        ):
            line.payment_account_id = outstanding
        cls.finance = cls._microloan_user("finance_acc", "finance", cls.company)

    def _form(self, loan, action):
        return Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        )

    def test_wizards_default_to_the_branch_journal_and_take_another(self):
        loan = self._approved_loan()
        form = self._form(loan, loan.action_open_disburse_wizard())
        self.assertTrue(form.microloan_books)
        self.assertEqual(form.journal_id, self.bank)
        self.assertEqual(form.payment_method_line_id.journal_id, self.bank)
        self.assertEqual(form.payment_method_line_id.payment_type, "outbound")
        form.date = "2025-01-10"
        form.save().action_disburse()
        disbursement = loan.transaction_ids
        self.assertEqual(disbursement.payment_id.journal_id, self.bank)

        form = self._form(loan, loan.action_open_repay_wizard())
        form.date = "2025-02-10"
        self.assertEqual(form.amount, 8884.88)
        form.journal_id = self.cash
        self.assertEqual(form.payment_method_line_id.journal_id, self.cash)
        self.assertEqual(form.payment_method_line_id.payment_type, "inbound")
        form.save().action_repay()
        repayment = loan.transaction_ids.filtered(lambda t: t.kind == "repayment")
        self.assertEqual(repayment.payment_journal_id, self.cash)
        self.assertEqual(repayment.payment_id.journal_id, self.cash)
        self.assertEqual(
            repayment.payment_id.payment_method_line_id, form.payment_method_line_id
        )
        self.assertEqual(repayment.payment_id.state, disbursement.payment_id.state)

        # One click from the loan and from the borrower.
        self.assertEqual(loan.microloan_payment_count, 2)
        action = loan.action_view_microloan_payments()
        payments = self.env["account.payment"].search(action["domain"])
        self.assertEqual(payments.journal_id, self.bank | self.cash)
        action = loan.action_view_microloan_moves()
        moves = self.env["account.move"].search(action["domain"])
        self.assertEqual(loan.microloan_move_count, len(moves))
        self.assertIn(repayment.move_id, moves)
        self.assertIn(repayment.payment_id.move_id, moves)
        self.assertEqual(self.borrower.microloan_move_count, len(moves))
        action = self.borrower.action_view_microloan_moves()
        self.assertEqual(self.env["account.move"].search(action["domain"]), moves)

    def test_a_replayed_repayment_keeps_its_journal(self):
        loan = self._active_loan()
        loan.register_repayment(
            8884.88, "2025-02-20", journal_id=self.cash.id, reference="LATE"
        )
        # Back-dated: the 02-20 repayment is reversed and posted again.
        loan.register_repayment(100.0, "2025-02-15")
        reposted = loan.transaction_ids.filtered(
            lambda t: t.kind == "repayment" and t.state == "posted" and t.amount > 8000
        )
        self.assertEqual(reposted.payment_journal_id, self.cash)
        self.assertEqual(reposted.payment_id.journal_id, self.cash)

    def test_bad_choices_are_refused_and_change_nothing(self):
        loan = self._active_loan()
        other = self.setup_other_company(name="Other Branch")
        sales = self.company_data["default_journal_sale"]
        method_out = self.bank.outbound_payment_method_line_ids[:1]
        for kwargs in (
            {"journal_id": other["default_journal_bank"].id},
            {"journal_id": sales.id},
            {"journal_id": "1"},
            {"journal_id": 10**9},
            {"payment_method_line_id": method_out.id},
            {"journal_id": self.cash.id, "payment_method_line_id": method_out.id},
        ):
            with self.assertRaises(UserError) as context:
                loan.register_repayment(100.0, "2025-02-10", **kwargs)
            self.assertNotIn("Other Branch", str(context.exception))
        self.assertEqual(len(loan.transaction_ids), 1)

    def test_loan_and_borrower_forms_show_the_buttons(self):
        for model, buttons in (
            (
                "microloan.loan",
                ("action_view_microloan_moves", "action_view_microloan_payments"),
            ),
            ("res.partner", ("action_view_microloan_moves",)),
        ):
            arch = (
                self.env[model]
                .with_user(self.finance)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            for button in buttons:
                self.assertIn(button, arch)

    def test_finance_reads_the_lines_of_the_loan_entries(self):
        """Issue 12, item 7: finance sees debit and credit without Odoo's full
        accounting features; the auditor reads them too."""
        loan = self._active_loan()
        auditor = self._microloan_user("auditor_acc", "auditor", self.company)
        for user in (self.finance, auditor):
            self.assertTrue(user.has_group("account.group_account_readonly"))
            lines = (
                self.env["account.move.line"]
                .with_user(user)
                .search_read([("microloan_loan_id", "=", loan.id)], ["debit", "credit"])
            )
            self.assertTrue(lines)
            self.assertEqual(
                sum(line["debit"] for line in lines),
                sum(line["credit"] for line in lines),
            )
        self.assertFalse(self.finance.has_group("account.group_account_manager"))
