from odoo import api, fields, models
from odoo.exceptions import UserError

COMPONENTS = [
    ("principal", "Principal"),
    ("interest", "Interest"),
    ("penalty", "Penalty Interest"),
    ("compound", "Compound Interest"),
    ("fee", "Fee"),
    ("excess", "Borrower Credit"),
]


class MicroloanLoanTransactionLine(models.Model):
    _name = "microloan.loan.transaction.line"
    _description = "Loan Transaction Allocation"
    _order = "transaction_id, id"
    _check_company_auto = True

    transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    loan_id = fields.Many2one(
        related="transaction_id.loan_id", store=True, index=True, string="Loan"
    )
    company_id = fields.Many2one(
        related="transaction_id.company_id", store=True, index=True, string="Branch"
    )
    currency_id = fields.Many2one(related="transaction_id.currency_id", store=True)
    date = fields.Date(related="transaction_id.date", store=True)
    kind = fields.Selection(related="transaction_id.kind", store=True)
    installment_id = fields.Many2one(
        "microloan.loan.installment",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    installment_sequence = fields.Integer(
        related="installment_id.sequence", string="Installment No."
    )
    component = fields.Selection(selection=COMPONENTS, required=True, readonly=True)
    effect = fields.Selection(
        selection=[
            ("settle", "Pays"),
            ("charge", "Charges"),
            ("other", "Other"),
        ],
        required=True,
        readonly=True,
        help="Whether the line pays a component of its installment, adds to what "
        "is due, or neither (disbursement, write-off, credit).",
    )
    amount = fields.Monetary(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("microloan_post_transaction"):
            raise UserError(
                self.env._("Allocation lines are written with their transaction.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get("microloan_post_transaction"):
            raise UserError(
                self.env._(
                    "Posted loan transactions cannot be changed: reverse them "
                    "instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        raise UserError(
            self.env._(
                "Posted loan transactions cannot be deleted: reverse them instead."
            )
        )
