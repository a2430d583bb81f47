from odoo import api, fields, models
from odoo.exceptions import UserError

ACCRUAL_COMPONENTS = [
    ("interest", "Interest"),
    ("penalty", "Penalty Interest"),
    ("compound", "Compound Interest"),
]


class MicroloanLoanAccrual(models.Model):
    """One loan's share of an accrual entry: what the accrual run recognized
    (positive) or took back (negative) of one component on one date.

    Interest lines accrue the scheduled interest (权责发生制); when a loan goes
    into non-accrual, lines take back the interest, penalty and compound
    interest receivable still unpaid (表外利息, kept in the memo ledger).
    """

    _name = "microloan.loan.accrual"
    _description = "Loan Interest Accrual"
    _inherit = ["microloan.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", string="Branch", required=True, readonly=True, index=True
    )
    product_id = fields.Many2one(
        "microloan.product", string="Product", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, index=True)
    component = fields.Selection(
        selection=ACCRUAL_COMPONENTS, required=True, readonly=True
    )
    kind = fields.Selection(
        selection=[
            ("accrual", "Accrual"),
            ("adjustment", "Adjustment"),
            ("non_accrual", "Non-Accrual Reversal"),
        ],
        required=True,
        readonly=True,
        help="Accrual: scheduled interest earned by days. Adjustment: the "
        "schedule changed (prepayment, restructuring). Non-accrual reversal: "
        "interest recognized and unpaid taken back to the off-balance memo.",
    )
    amount = fields.Monetary(readonly=True)
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Posted by the accrual run through sudo(): no client creates an
        # accrual, whatever context it sends.
        if not self.env.su:
            raise UserError(
                self.env._("Interest accruals are posted by the accrual run.")
            )
        return super().create(vals_list)

    def write(self, vals):
        # an empty write changes nothing: only a change is refused
        if vals:
            raise UserError(
                self.env._(
                    "Posted accruals cannot be changed: the next run corrects them."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        raise UserError(
            self.env._("Posted accruals cannot be deleted: the next run corrects them.")
        )
