from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.display_names import joined_name, selection_label
from .microloan_loan_transaction import KINDS, TRANSACTION_LINE_FIELDS

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
    # The transaction's values, copied when the line is created (lines never
    # change): stored for searches and reports, and inserted with the line
    # rather than updated after it as related fields would be (the month-end
    # close inserts tens of thousands of lines).
    loan_id = fields.Many2one(
        "microloan.loan", string="Loan", readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", string="Branch", readonly=True, index=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(readonly=True)
    kind = fields.Selection(selection=KINDS, readonly=True)
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
        if not self.env.su:
            raise UserError(
                self.env._("Allocation lines are written with their transaction.")
            )
        # The transaction's values, read once per transaction of the batch.
        transactions = self.env["microloan.loan.transaction"].browse(
            {vals["transaction_id"] for vals in vals_list if vals.get("transaction_id")}
        )
        copied = {}
        for vals in vals_list:
            transaction_id = vals.get("transaction_id")
            if not transaction_id:
                continue
            if transaction_id not in copied:
                transaction = transactions.browse(transaction_id).with_prefetch(
                    transactions._prefetch_ids
                )
                copied[transaction_id] = transaction._convert_to_write(
                    {name: transaction[name] for name in TRANSACTION_LINE_FIELDS}
                )
            vals.update(copied[transaction_id])
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
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

    @api.depends("transaction_id", "component", "installment_sequence")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.transaction_id.name,
                record.installment_sequence,
                selection_label(record, "component"),
            )
