from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.microloan_base.tools.display_names import joined_name, selection_label

MEMO_TYPES = [
    ("interest", "Off-Balance Interest Receivable (表外应收未收利息)"),
    ("written_off", "Loans Written Off (已核销贷款)"),
]


class MicroloanMemoEntry(models.Model):
    """Off-balance-sheet memo ledger (表外登记簿): 收 (in) and 付 (out) entries
    per loan. They never touch the journals."""

    _name = "microloan.memo.entry"
    _description = "Off-Balance Memo Entry"
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
    partner_id = fields.Many2one(related="loan_id.partner_id", string="Borrower")
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, index=True)
    memo_type = fields.Selection(
        selection=MEMO_TYPES, string="Memo Account", required=True, readonly=True
    )
    direction = fields.Selection(
        selection=[("in", "In (收)"), ("out", "Out (付)")],
        required=True,
        readonly=True,
    )
    amount = fields.Monetary(readonly=True)
    signed_amount = fields.Monetary(
        compute="_compute_signed_amount",
        store=True,
        help="Positive for 收, negative for 付: their sum is the memo balance.",
    )
    note = fields.Char(readonly=True)

    @api.depends("direction", "amount")
    def _compute_signed_amount(self):
        for entry in self:
            sign = 1 if entry.direction == "in" else -1
            entry.signed_amount = sign * entry.amount

    @api.model_create_multi
    def create(self, vals_list):
        # Posted by the accrual run through sudo() only.
        if not self.env.su:
            raise UserError(
                self.env._("Off-balance memo entries are posted by the accrual run.")
            )
        return super().create(vals_list)

    def write(self, vals):
        # an empty write changes nothing: only a change is refused
        if vals:
            raise UserError(self.env._("Off-balance memo entries cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        raise UserError(self.env._("Off-balance memo entries cannot be deleted."))

    @api.depends("loan_id", "date", "memo_type")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.loan_id.name,
                record.date and format_date(self.env, record.date),
                selection_label(record, "memo_type"),
            )
