from odoo import api, fields, models
from odoo.exceptions import UserError

# What a reversal may change on the entry it reverses.
REVERSAL_FIELDS = {"state", "reversed_by_id"}


class MicroloanCreditLineEntry(models.Model):
    """A posted draw or repayment of a credit line, or the reversal of one.

    Entries are written only by ``microloan.credit.line.draw()`` and
    ``register_repayment()`` and never change afterwards, except that a
    reversal marks the entry it reverses.
    """

    _name = "microloan.credit.line.entry"
    _description = "Credit Line Entry"
    _inherit = ["microloan.guard.mixin"]
    _order = "line_id, date, sequence, id"
    _check_company_auto = True

    line_id = fields.Many2one(
        "microloan.credit.line",
        string="Credit Line",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="line_id.company_id", store=True, index=True, string="Branch"
    )
    currency_id = fields.Many2one(related="line_id.currency_id", store=True)
    partner_id = fields.Many2one(
        related="line_id.partner_id", store=True, string="Borrower", index=True
    )
    sequence = fields.Integer(
        string="No.", required=True, help="Posting order within the credit line."
    )
    kind = fields.Selection(
        selection=[
            ("draw", "Draw"),
            ("repayment", "Repayment"),
            ("reversal", "Reversal"),
        ],
        required=True,
        index=True,
    )
    state = fields.Selection(
        selection=[("posted", "Posted"), ("reversed", "Reversed")],
        required=True,
        default="posted",
        index=True,
    )
    date = fields.Date(required=True, index=True)
    amount = fields.Monetary(required=True)
    interest_amount = fields.Monetary(
        string="Interest Paid", help="Part of a repayment that paid interest."
    )
    principal_amount = fields.Monetary(
        string="Principal Paid", help="Part of a repayment that paid principal."
    )
    interest_accrued = fields.Monetary(
        string="Interest Settled",
        help="Interest accrued from the previous settlement to this repayment "
        "(积数 × rate / year basis), settled by it.",
    )
    accumulated_product = fields.Float(
        string="积数",
        digits=(20, 2),
        help="Σ balance × days from the previous settlement to this repayment.",
    )
    interest_from = fields.Date(help="Start of the interest settled by this repayment.")
    reference = fields.Char(
        copy=False,
        index="btree_not_null",
        help="External reference of the payment, unique per branch.",
    )
    reversal_of_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Reverses",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    reversed_by_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Reversed By",
        readonly=True,
        check_company=True,
    )
    balance = fields.Monetary(
        string="Balance After",
        compute="_compute_balance",
        help="Principal outstanding after this entry, in date order.",
    )

    _sql_constraints = [
        (
            "sequence_line_unique",
            "unique(line_id, sequence)",
            "Two entries of a credit line cannot have the same number.",
        ),
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "The amount of a credit line entry must be positive.",
        ),
    ]

    @api.depends(
        "line_id.entry_ids.state",
        "line_id.entry_ids.amount",
        "line_id.entry_ids.principal_amount",
    )
    def _compute_balance(self):
        for line in self.line_id:
            balance = 0.0
            entries = line.entry_ids.sorted(lambda e: (e.date, e.sequence, e.id))
            effective = entries._filter_effective()
            for entry in entries:
                if entry in effective:
                    if entry.kind == "draw":
                        balance += entry.amount
                    else:
                        balance -= entry.principal_amount
                if entry in self:
                    entry.balance = balance
        for entry in self.filtered(lambda e: not e.line_id):
            entry.balance = 0.0

    @api.depends("line_id.name", "sequence", "kind")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for entry in self:
            entry.display_name = self.env._(
                "%(line)s/%(number)s %(kind)s",
                line=entry.line_id.name or "",
                number=entry.sequence,
                kind=labels.get(entry.kind, ""),
            )

    @api.model_create_multi
    def create(self, vals_list):
        # Posted by the credit line's actions through sudo() once they checked
        # the caller: no client creates an entry, whatever context it sends.
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Credit line entries are posted by the draw and repayment "
                    "actions of the credit line."
                )
            )
        for vals in vals_list:
            line = self.env["microloan.credit.line"].browse(vals.get("line_id"))
            line.company_id._check_microloan_lock_date(vals.get("date"), line.name)
        return super().create(vals_list)

    def write(self, vals):
        if not (self.env.su and vals.keys() <= REVERSAL_FIELDS):
            raise UserError(
                self.env._(
                    "Posted credit line entries cannot be changed: reverse them "
                    "instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Posted credit line entries cannot be deleted: reverse them instead."
            )
        )

    def action_reverse(self):
        """Reverse posted draws and repayments (finance); return the reversals."""
        reversals = self.browse()
        for entry in self:
            reversals |= entry._reverse()
        return reversals

    def _reverse(self):
        self.ensure_one()
        line = self.line_id
        line._check_user_group(
            "microloan_base.group_microloan_finance",
            self.env._("Only finance users can reverse credit line entries."),
        )
        line._lock()
        if self.kind == "reversal" or self.state != "posted":
            raise UserError(
                self.env._(
                    "%(entry)s is a reversal or already reversed.",
                    entry=self.display_name,
                )
            )
        if line.state != "active":
            raise UserError(
                self.env._(
                    "Entries of %(line)s can only be reversed while it is active.",
                    line=line.name,
                )
            )
        later = line.entry_ids._filter_effective().filtered(
            lambda e: e.kind == "repayment"
            and e != self
            and (e.date, e.sequence) > (self.date, self.sequence)
        )
        if later:
            raise UserError(
                self.env._(
                    "%(entry)s is followed by repayments that settled interest on "
                    "it: reverse %(later)s first.",
                    entry=self.display_name,
                    later=", ".join(later.mapped("display_name")),
                )
            )
        reversal = line._create_entry(
            {
                "kind": "reversal",
                "date": self.date,
                "amount": self.amount,
                "reversal_of_id": self.id,
            }
        )
        # sudo: only a reversal marks the entry it reverses.
        self.sudo().write({"state": "reversed", "reversed_by_id": reversal.id})
        line.invalidate_recordset()
        # Without the entry, the remaining history must still respect the limit
        # and never repay more than was drawn.
        line._engine_ledger()
        return reversal

    def _filter_effective(self):
        """The draws and repayments that count: posted and not reversed."""
        return self.filtered(
            lambda e: e.state == "posted" and e.kind in ("draw", "repayment")
        )

    def _check_reference(self, reference, company):
        """Refuse ``reference`` when a non-reversed repayment of ``company``
        already carries it."""
        # sudo: a reference is unique in the branch, whatever entries the caller reads.
        duplicate = self.sudo().search(
            [
                ("reference", "=", reference),
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("kind", "=", "repayment"),
            ],
            limit=1,
        )
        if duplicate:
            raise UserError(
                self.env._(
                    "The payment %(reference)s is already recorded on %(entry)s.",
                    reference=reference,
                    entry=duplicate.display_name,
                )
            )
