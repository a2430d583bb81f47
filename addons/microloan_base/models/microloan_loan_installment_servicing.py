from collections import defaultdict

from odoo import api, fields, models

PAID_FIELDS = {
    "principal": "principal_paid",
    "interest": "interest_paid",
    "fee": "fee_paid",
    "penalty": "penalty_paid",
    "compound": "compound_paid",
}
CHARGED_FIELDS = {
    "penalty": "penalty",
    "compound": "compound",
    "fee": "fee_charged",
}


class MicroloanLoanInstallmentServicing(models.AbstractModel):
    """What was paid and charged on an installment (microloan.loan.installment):
    sums of the posted transaction lines allocated to it."""

    _name = "microloan.loan.installment.servicing"
    _description = "Loan Installment: Servicing"

    # The installment's own currency field (microloan.loan.installment),
    # declared here for the amounts of this mixin.
    currency_id = fields.Many2one("res.currency")

    kind = fields.Selection(
        selection=[("scheduled", "Scheduled"), ("prepayment", "Prepayment")],
        required=True,
        default="scheduled",
        help="A prepayment line records principal repaid before its due date; the "
        "installments after it are re-amortized.",
    )
    transaction_line_ids = fields.One2many(
        "microloan.loan.transaction.line", "installment_id", string="Allocations"
    )
    # Components paid and charged: sums of the posted transaction lines, so a
    # reversal (lines of opposite amounts) restores them.
    principal_paid = fields.Monetary(compute="_compute_ledger_amounts", store=True)
    interest_paid = fields.Monetary(compute="_compute_ledger_amounts", store=True)
    fee_paid = fields.Monetary(compute="_compute_ledger_amounts", store=True)
    penalty = fields.Monetary(
        string="Penalty Interest",
        compute="_compute_ledger_amounts",
        store=True,
        help="Penalty interest (罚息) charged on the overdue principal.",
    )
    compound = fields.Monetary(
        string="Compound Interest",
        compute="_compute_ledger_amounts",
        store=True,
        help="Compound interest (复利) charged on the overdue interest.",
    )
    fee_charged = fields.Monetary(
        string="Fees Charged",
        compute="_compute_ledger_amounts",
        store=True,
        help="Fees charged besides the scheduled fee.",
    )
    penalty_paid = fields.Monetary(compute="_compute_ledger_amounts", store=True)
    compound_paid = fields.Monetary(compute="_compute_ledger_amounts", store=True)
    # Engine accrual state: overdue amount × days (积数) not yet charged, up to
    # the loan's ``microloan_accrued_to`` (see microloan_engine.overdue).
    penalty_product = fields.Float(digits=(20, 2), readonly=True, copy=False)
    compound_product = fields.Float(digits=(20, 2), readonly=True, copy=False)

    @api.depends(
        "transaction_line_ids.amount",
        "transaction_line_ids.component",
        "transaction_line_ids.effect",
    )
    def _compute_ledger_amounts(self):
        names = set(PAID_FIELDS.values()) | set(CHARGED_FIELDS.values())
        # Stored installments: the sums in one query for all of them rather
        # than reading every line (a batch of month-end charges recomputes
        # thousands of installments at once).
        stored = self.filtered("id")
        sums = defaultdict(dict)
        if stored:
            rows = self.env["microloan.loan.transaction.line"]._read_group(
                [
                    ("installment_id", "in", stored.ids),
                    ("effect", "in", ("settle", "charge")),
                ],
                ["installment_id", "effect", "component"],
                ["amount:sum"],
            )
            for installment, effect, component, amount in rows:
                if effect == "settle":
                    name = PAID_FIELDS.get(component)
                else:
                    name = CHARGED_FIELDS.get(component)
                if name:
                    sums[installment.id][name] = amount or 0.0
        for installment in self:
            totals = dict.fromkeys(names, 0.0)
            if installment.id:
                totals.update(sums[installment.id])
            else:
                for line in installment.transaction_line_ids:
                    if line.effect == "settle":
                        name = PAID_FIELDS.get(line.component)
                    elif line.effect == "charge":
                        name = CHARGED_FIELDS.get(line.component)
                    else:
                        name = None
                    if name:
                        totals[name] += line.amount
            installment.update(totals)
