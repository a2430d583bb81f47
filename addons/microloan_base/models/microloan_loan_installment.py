from odoo import api, fields, models

# Written by the engine only (see microloan.loan._apply_schedule); every other
# field too: a client writes no installment (see _check_schedule_editable).
SCHEDULE_FIELDS = {
    "loan_id",
    "sequence",
    "due_date",
    "days",
    "principal",
    "interest",
    "fee",
    "amount",
    "balance",
}


class MicroloanLoanInstallment(models.Model):
    _name = "microloan.loan.installment"
    _description = "Loan Installment"
    # The servicing (amounts paid and charged) and what the daily close sent.
    _inherit = [
        "microloan.loan.installment.close",
        "microloan.loan.installment.servicing",
    ]
    _order = "loan_id, sequence, id"
    _rec_name = "sequence"

    loan_id = fields.Many2one(
        "microloan.loan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="loan_id.company_id", store=True, index=True, string="Branch"
    )
    currency_id = fields.Many2one(related="loan_id.currency_id", store=True)
    partner_id = fields.Many2one(
        related="loan_id.partner_id", store=True, string="Borrower"
    )
    sequence = fields.Integer(string="No.", required=True)
    due_date = fields.Date(required=True, index=True)
    days = fields.Integer(help="Days of interest of the period.")
    principal = fields.Monetary()
    interest = fields.Monetary()
    fee = fields.Monetary(help="Fees collected with the installment.")
    amount = fields.Monetary(string="Installment", help="Principal, interest and fees.")
    balance = fields.Monetary(help="Principal owed after the installment is paid.")
    amount_paid = fields.Monetary(compute="_compute_amount_paid", store=True)
    amount_residual = fields.Monetary(
        string="Amount Due", compute="_compute_amount_paid", store=True
    )
    state = fields.Selection(
        selection=[
            ("draft", "Preview"),
            ("open", "Open"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )

    _sql_constraints = [
        (
            "sequence_loan_unique",
            "unique(loan_id, sequence)",
            "A loan cannot have two installments with the same number.",
        ),
    ]

    @api.depends("amount", "principal_paid", "interest_paid", "fee_paid")
    def _compute_amount_paid(self):
        for installment in self:
            installment.amount_paid = (
                installment.principal_paid
                + installment.interest_paid
                + installment.fee_paid
            )
            installment.amount_residual = installment.amount - installment.amount_paid

    @api.depends("loan_id.state", "amount_residual")
    def _compute_state(self):
        for installment in self:
            loan_state = installment.loan_id.state
            if loan_state in ("draft", "submitted"):
                installment.state = "draft"
            elif loan_state in ("rejected", "cancelled"):
                installment.state = "cancelled"
            elif (
                installment.currency_id.compare_amounts(
                    installment.amount_residual, 0.0
                )
                <= 0
            ):
                installment.state = "paid"
            else:
                installment.state = "open"

    @api.model_create_multi
    def create(self, vals_list):
        loans = self.env["microloan.loan"].browse(
            {vals["loan_id"] for vals in vals_list if vals.get("loan_id")}
        )
        loans._check_schedule_editable()
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            self.loan_id._check_schedule_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fixed_schedule(self):
        self.loan_id._check_schedule_editable()
