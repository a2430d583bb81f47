from odoo import api, fields, models


class MicroloanLedgerControlLine(models.TransientModel):
    _name = "microloan.ledger.control.line"
    _description = "Loan Ledger Difference"
    _order = "company_id, loan_id"

    control_id = fields.Many2one(
        "microloan.ledger.control", required=True, ondelete="cascade"
    )
    loan_id = fields.Many2one("microloan.loan", string="Loan", readonly=True)
    company_id = fields.Many2one(related="loan_id.company_id", string="Branch")
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

    @api.depends(
        "principal_ledger",
        "principal_subledger",
        "interest_ledger",
        "interest_subledger",
    )
    def _compute_differences(self):
        for line in self:
            line.principal_difference = line.principal_ledger - line.principal_subledger
            line.interest_difference = line.interest_ledger - line.interest_subledger
