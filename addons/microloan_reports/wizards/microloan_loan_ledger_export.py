from odoo import api, fields, models
from odoo.exceptions import ValidationError

LEDGERS = [
    ("portfolio", "Loan Ledger (台账)"),
    ("overdue", "Overdue Loans"),
    ("classification", "Classification and Provisioning"),
    ("disbursements", "Disbursements of the Period"),
    ("repayments", "Repayments of the Period"),
]
BORROWER_SCOPES = [
    ("all", "All Borrowers"),
    ("farmer", "Farmers (农户)"),
    ("individual", "Individuals and Sole Traders"),
    ("enterprise", "Enterprises"),
]


class MicroloanLoanLedgerExport(models.TransientModel):
    """Collects the ledger to export and its filters, and prints it as XLSX
    (report.microloan_reports.report_loan_ledger_xlsx)."""

    _name = "microloan.loan.ledger.export"
    _description = "Export a Loan Ledger"

    ledger = fields.Selection(selection=LEDGERS, required=True, default="portfolio")
    borrower_scope = fields.Selection(
        selection=BORROWER_SCOPES, string="Borrowers", required=True, default="all"
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_date_from(),
        help="Start of the period of the disbursements and repayments.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=fields.Date.context_today,
        help="End of the period; the balances are those of this day.",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        default=lambda self: self.env["res.company"]._microloan_visible_companies(),
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="Empty: every branch you work in.",
    )
    product_ids = fields.Many2many("microloan.product", string="Products")
    user_ids = fields.Many2many("res.users", string="Loan Officers")
    guarantee_type_ids = fields.Many2many(
        "microloan.guarantee.type", string="Guarantee Types"
    )
    risk_tier = fields.Selection(
        selection=lambda self: self.env["microloan.loan"]
        ._fields["risk_tier"]
        ._description_selection(self.env),
        string="Classification",
    )
    amount_min = fields.Float(string="Amount From", digits=(16, 2))
    amount_max = fields.Float(string="Amount To", digits=(16, 2))

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    @api.constrains("date_from", "date_to", "amount_min", "amount_max")
    def _check_filters(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The period's start date is after its end date.")
                )
            if wizard.amount_min < 0 or wizard.amount_max < 0:
                raise ValidationError(self.env._("Amounts cannot be negative."))
            if wizard.amount_max and wizard.amount_min > wizard.amount_max:
                raise ValidationError(
                    self.env._("The amount band starts above its end.")
                )

    def action_export(self):
        """Export the ledger as an XLSX file."""
        self.ensure_one()
        return self.env.ref(
            "microloan_reports.action_report_loan_ledger_xlsx"
        ).report_action(self, config=False)
