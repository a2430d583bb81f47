from odoo import api, fields, models


class MicroloanLedgerControlLine(models.TransientModel):
    _name = "microloan.ledger.control.line"
    _description = "Loan Ledger Difference"
    _order = "company_id, loan_id, kind"

    control_id = fields.Many2one(
        "microloan.ledger.control", required=True, ondelete="cascade"
    )
    kind = fields.Selection(
        selection=[
            ("ledger", "Ledger and Sub-Ledger"),
            ("schedule", "Schedule and Disbursed Principal"),
            ("credit", "Borrower Credit and Its Account"),
            ("disbursement", "Active Loan Without Disbursement"),
        ],
        required=True,
        default="ledger",
        readonly=True,
    )
    loan_id = fields.Many2one("microloan.loan", string="Loan", readonly=True)
    # Stored for the record rule: a line shows its loan's number, borrower and
    # amounts, so only to users of the loan's branch.
    company_id = fields.Many2one(
        related="loan_id.company_id", string="Branch", store=True, index=True
    )
    partner_id = fields.Many2one(related="loan_id.partner_id", string="Borrower")
    currency_id = fields.Many2one(related="loan_id.currency_id")
    principal_ledger = fields.Monetary(string="Principal (Ledger)", readonly=True)
    principal_subledger = fields.Monetary(
        string="Principal (Sub-Ledger)", readonly=True
    )
    principal_difference = fields.Monetary(compute="_compute_differences")
    interest_ledger = fields.Monetary(
        string="Interest Receivable (Ledger)", readonly=True
    )
    interest_subledger = fields.Monetary(
        string="Interest Receivable (Sub-Ledger)", readonly=True
    )
    interest_difference = fields.Monetary(compute="_compute_differences")
    amount_expected = fields.Monetary(
        string="Expected",
        readonly=True,
        help="Other checks: the principal disbursed, or the borrower credit of "
        "the sub-ledger.",
    )
    amount_found = fields.Monetary(
        string="Found",
        readonly=True,
        help="Other checks: the schedule's principal, or the borrower credit "
        "account's balance.",
    )
    amount_difference = fields.Monetary(compute="_compute_differences")

    @api.depends(
        "principal_ledger",
        "principal_subledger",
        "interest_ledger",
        "interest_subledger",
        "amount_expected",
        "amount_found",
    )
    def _compute_differences(self):
        for line in self:
            line.principal_difference = line.principal_ledger - line.principal_subledger
            line.interest_difference = line.interest_ledger - line.interest_subledger
            line.amount_difference = line.amount_found - line.amount_expected
