from odoo import api, fields, models


class MicroloanPaymentChoiceMixin(models.AbstractModel):
    """The bank or cash journal and the payment method a servicing wizard
    moves the loan's money through: by default the branch's payment journal
    (or the product's, Use Default Accounts) and its first method of the
    wizard's direction (``_microloan_payment_type``)."""

    _name = "microloan.payment.choice.mixin"
    _description = "Wizard Choosing a Payment Journal"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"
    # "inbound" (repayment) or "outbound" (disbursement).
    _microloan_payment_type = None

    # The loan of the wizard (microloan.loan.repay, microloan.loan.disburse).
    loan_id = fields.Many2one(
        "microloan.loan", required=True, readonly=True, check_company=True
    )
    payment_type = fields.Selection(
        selection=[("inbound", "Incoming"), ("outbound", "Outgoing")],
        compute="_compute_payment_type",
    )
    microloan_books = fields.Boolean(
        string="Booked in the Journals", compute="_compute_microloan_books"
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank or Cash Journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Journal the money moves through; the branch's payment journal by "
        "default.",
    )
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line",
        string="Payment Method",
        compute="_compute_payment_method_line_id",
        store=True,
        readonly=False,
        domain="[('journal_id', '=', journal_id), ('payment_type', '=', payment_type), "
        "('payment_account_id', '!=', False)]",
        help="Only methods with an outstanding account can move loan money.",
    )

    def _compute_payment_type(self):
        for wizard in self:
            wizard.payment_type = self._microloan_payment_type

    @api.depends("loan_id")
    def _compute_microloan_books(self):
        for wizard in self:
            wizard.microloan_books = bool(
                wizard.loan_id and wizard.loan_id._microloan_accounting_active()
            )

    @api.depends("loan_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.loan_id._microloan_default_payment_journal()

    @api.depends("journal_id")
    def _compute_payment_method_line_id(self):
        for wizard in self:
            journal = wizard.journal_id
            methods = (
                journal._get_available_payment_method_lines(
                    self._microloan_payment_type
                ).filtered("payment_account_id")
                if journal
                else self.env["account.payment.method.line"]
            )
            wizard.payment_method_line_id = methods[:1]

    def _get_payment_options(self):
        options = super()._get_payment_options()
        if self.microloan_books and self.journal_id:
            options["journal_id"] = self.journal_id.id
            if self.payment_method_line_id:
                options["payment_method_line_id"] = self.payment_method_line_id.id
        return options
