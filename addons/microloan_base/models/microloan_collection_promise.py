from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .microloan_collection_action import UNDISBURSED_STATES

# Loan transactions that bring the borrower's money in.
PAYING_KINDS = ("repayment", "recovery")


class MicroloanCollectionPromise(models.Model):
    """A promise to pay (承诺还款) made by a borrower during collection.

    Kept when the borrower pays at least the promised amount from the day the
    promise is made up to the promised date; broken when the promised date has
    passed without that; open until then.
    """

    _name = "microloan.collection.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "microloan.guard.mixin"]
    _order = "promised_date desc, id desc"
    _check_company_auto = True
    _rec_name = "loan_id"

    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        index=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        precompute=True,
    )
    partner_id = fields.Many2one(
        related="loan_id.partner_id", store=True, index=True, string="Borrower"
    )
    currency_id = fields.Many2one(related="loan_id.currency_id", store=True)
    action_id = fields.Many2one(
        "microloan.collection.action",
        string="Collection Action",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    date = fields.Date(
        string="Promise Made On",
        required=True,
        default=fields.Date.context_today,
        index=True,
    )
    promised_date = fields.Date(required=True, index=True, tracking=True)
    promised_amount = fields.Monetary(required=True, tracking=True)
    amount_paid = fields.Monetary(
        string="Paid Since",
        compute="_compute_state",
        store=True,
        help="Paid on the loan from the day of the promise to the promised date.",
    )
    state = fields.Selection(
        selection=[("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    note = fields.Text(string="Notes")

    @api.depends("loan_id")
    def _compute_company_id(self):
        for promise in self:
            promise.company_id = promise.loan_id.company_id or self.env.company

    @api.depends(
        "date",
        "promised_date",
        "promised_amount",
        "loan_id.transaction_ids.state",
        "loan_id.transaction_ids.amount",
        "loan_id.transaction_ids.date",
    )
    def _compute_state(self):
        today = fields.Date.context_today(self)
        paid = self._get_amounts_paid()
        for promise in self:
            promise.amount_paid = paid.get(promise, 0.0)
            currency = promise.currency_id or promise.company_id.currency_id
            if not promise.promised_date or not promise.loan_id:
                promise.state = "open"
            elif (
                currency.compare_amounts(promise.amount_paid, promise.promised_amount)
                >= 0
            ):
                promise.state = "kept"
            elif promise.promised_date < today:
                promise.state = "broken"
            else:
                promise.state = "open"

    @api.constrains("date", "promised_date", "promised_amount", "loan_id")
    def _check_promise(self):
        for promise in self:
            currency = promise.currency_id or promise.company_id.currency_id
            if currency.compare_amounts(promise.promised_amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._("The promised amount must be positive.")
                )
            if promise.promised_date < promise.date:
                raise ValidationError(
                    self.env._(
                        "The promised date of %(loan)s cannot come before the day "
                        "the promise was made (%(date)s).",
                        loan=promise.loan_id.name,
                        date=promise.date,
                    )
                )
            if promise.loan_id.state in UNDISBURSED_STATES:
                raise ValidationError(
                    self.env._(
                        "Promises to pay are recorded on disbursed loans only: "
                        "%(loan)s is not.",
                        loan=promise.loan_id.name,
                    )
                )

    def _get_amounts_paid(self):
        """Return ``{promise: amount}`` paid on each promise's loan from the day
        of the promise to the promised date, both included, in one query."""
        promises = self.filtered(lambda p: p.loan_id and p.date and p.promised_date)
        if not promises:
            return {}
        # sudo: the stored state counts every payment on the loan, whoever computes it.
        transactions = (
            self.env["microloan.loan.transaction"]
            .sudo()
            .search_read(
                [
                    ("loan_id", "in", promises.loan_id.ids),
                    ("kind", "in", PAYING_KINDS),
                    ("state", "=", "posted"),
                    ("date", ">=", min(promises.mapped("date"))),
                    ("date", "<=", max(promises.mapped("promised_date"))),
                ],
                ["loan_id", "date", "amount"],
            )
        )
        result = {}
        for promise in promises:
            result[promise] = sum(
                tx["amount"]
                for tx in transactions
                if tx["loan_id"][0] == promise.loan_id.id
                and promise.date <= tx["date"] <= promise.promised_date
            )
        return result

    def _cron_update_state(self):
        """Mark the open promises whose date has passed as kept or broken."""
        promises = self.search(
            [
                ("state", "=", "open"),
                ("promised_date", "<", fields.Date.context_today(self)),
            ]
        )
        self.env.add_to_compute(self._fields["state"], promises)
        self.env.add_to_compute(self._fields["amount_paid"], promises)
        promises.flush_recordset(["state", "amount_paid"])
