from odoo import fields, models

MOVES_DOMAIN_FIELD = "microloan_loan_id"
PAYMENTS_DOMAIN_FIELD = "microloan_transaction_id.loan_id"


class MicroloanLoanAccountingLinks(models.AbstractModel):
    """The journal entries and payments of a loan (microloan.loan), one click
    away from it: counts for the smart buttons and the actions opening
    them."""

    _name = "microloan.loan.accounting.links"
    _description = "Loan: Entries and Payments"

    microloan_move_count = fields.Integer(
        string="Journal Entries", compute="_compute_microloan_link_counts"
    )
    microloan_payment_count = fields.Integer(
        string="Payments", compute="_compute_microloan_link_counts"
    )

    def _compute_microloan_link_counts(self):
        moves = dict(
            self.env["account.move"]._read_group(
                [(MOVES_DOMAIN_FIELD, "in", self.ids)],
                [MOVES_DOMAIN_FIELD],
                ["__count"],
            )
        )
        payments = {}
        for transaction, count in self.env["account.payment"]._read_group(
            [(PAYMENTS_DOMAIN_FIELD, "in", self.ids)],
            ["microloan_transaction_id"],
            ["__count"],
        ):
            loan = transaction.loan_id
            payments[loan] = payments.get(loan, 0) + count
        for loan in self:
            loan.microloan_move_count = moves.get(loan, 0)
            loan.microloan_payment_count = payments.get(loan, 0)

    def action_view_microloan_moves(self):
        """Open the journal entries of the loan: its transactions' entries and
        their payments' entries."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action.update(
            domain=[(MOVES_DOMAIN_FIELD, "=", self.id)],
            context={"create": False, "search_default_posted": 0},
        )
        return action

    def action_view_microloan_payments(self):
        """Open the payments moving the loan's money (disbursements,
        repayments, recoveries, refunds)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_account_all_payments"
        )
        action.update(
            domain=[(PAYMENTS_DOMAIN_FIELD, "=", self.id)],
            context={"create": False},
        )
        return action
