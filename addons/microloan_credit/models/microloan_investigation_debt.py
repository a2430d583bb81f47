from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanInvestigationDebt(models.Model):
    _name = "microloan.investigation.debt"
    _description = "Other Debt of the Borrower"
    _order = "investigation_id, id"
    _check_company_auto = True

    investigation_id = fields.Many2one(
        "microloan.investigation",
        string="Investigation",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="investigation_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="investigation_id.currency_id")
    creditor = fields.Char(required=True)
    kind = fields.Selection(
        selection=[
            ("bank", "Bank Loan"),
            ("microloan", "Other Microloan"),
            ("private", "Private Lending"),
            ("card", "Credit Card"),
            ("guarantee", "Guarantee Given"),
            ("other", "Other"),
        ],
        required=True,
        default="bank",
    )
    balance = fields.Monetary()
    monthly_payment = fields.Monetary()
    maturity_date = fields.Date()

    @api.constrains("balance", "monthly_payment")
    def _check_amounts(self):
        for debt in self:
            currency = debt.currency_id
            if (
                currency.compare_amounts(debt.balance, 0.0) < 0
                or currency.compare_amounts(debt.monthly_payment, 0.0) < 0
            ):
                raise ValidationError(
                    self.env._("A debt's balance and payment cannot be negative.")
                )

    @api.depends("creditor")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record.creditor or ""
