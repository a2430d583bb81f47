from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import create_index, float_repr, float_round

from ..tools.sql import insert_rows

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

# The loan's stored totals of its schedule (microloan.loan._schedule_totals).
SCHEDULE_TOTALS = (
    "total_interest",
    "total_payment",
    "fee_amount",
    "total_cost",
    "maturity_date",
)


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

    # SQL conditions the daily close reads the installments with
    # (microloan.loan.close._close_installment_rows), each backed by a partial
    # index (init) so that the close of a loan reads its open installments
    # only, whatever its term. UNCLEARED: something is still owed, or an
    # overdue product is pending (microloan_engine.overdue.is_cleared);
    # CHARGED: penalty or compound interest owed, or a product pending.
    CLOSE_UNCLEARED_SQL = (
        "state != 'cancelled' AND NOT ("
        "COALESCE(principal_paid, 0) = COALESCE(principal, 0)"
        " AND COALESCE(interest_paid, 0) = COALESCE(interest, 0)"
        " AND COALESCE(fee_paid, 0) = COALESCE(fee, 0) + COALESCE(fee_charged, 0)"
        " AND COALESCE(penalty_paid, 0) = COALESCE(penalty, 0)"
        " AND COALESCE(compound_paid, 0) = COALESCE(compound, 0)"
        " AND COALESCE(penalty_product, 0) = 0"
        " AND COALESCE(compound_product, 0) = 0)"
    )
    CLOSE_CHARGED_SQL = (
        "state != 'cancelled' AND ("
        "COALESCE(penalty_paid, 0) != COALESCE(penalty, 0)"
        " OR COALESCE(compound_paid, 0) != COALESCE(compound, 0)"
        " OR COALESCE(penalty_product, 0) != 0"
        " OR COALESCE(compound_product, 0) != 0)"
    )

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
            installment.state = self._state_of(
                installment.loan_id.state,
                installment.currency_id,
                installment.amount_residual,
            )

    @api.model
    def _state_of(self, loan_state, currency, residual):
        """The state of an installment of a loan in ``loan_state`` with
        ``residual`` left to pay (the compute's rule, also given by
        ``_insert_schedule_rows``)."""
        if loan_state in ("draft", "submitted"):
            return "draft"
        if loan_state in ("rejected", "cancelled"):
            return "cancelled"
        if currency.compare_amounts(residual, 0.0) <= 0:
            return "paid"
        return "open"

    def init(self):
        result = super().init()
        # The daily close's reads (see CLOSE_UNCLEARED_SQL): the installments
        # of a loan in engine order, its uncleared ones up to a date, and the
        # few bearing charges.
        create_index(
            self.env.cr,
            "microloan_loan_installment_loan_due_index",
            self._table,
            ["loan_id", "due_date", "sequence"],
        )
        create_index(
            self.env.cr,
            "microloan_loan_installment_uncleared_index",
            self._table,
            ["loan_id", "due_date"],
            where=self.CLOSE_UNCLEARED_SQL,
        )
        create_index(
            self.env.cr,
            "microloan_loan_installment_charged_index",
            self._table,
            ["loan_id"],
            where=self.CLOSE_CHARGED_SQL,
        )
        # The installments list of the web client (open ones by due date,
        # per branch): read in order from the index rather than sorted.
        create_index(
            self.env.cr,
            "microloan_loan_installment_open_due_index",
            self._table,
            ["company_id", "due_date", "id"],
            where="state = 'open'",
        )
        return result

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

    @api.model
    def _insert_schedule_rows(self, vals_list):
        """Create the installments ``vals_list`` (the rows of
        ``microloan.loan._apply_schedule``: ``loan_id``, ``company_id``,
        ``currency_id``, ``partner_id``, ``sequence``, ``due_date``, ``days``
        and the amounts ``principal``, ``interest``, ``fee``, ``amount``,
        ``balance``), the whole schedules of their loans (the installments
        they replace are deleted), in one ``INSERT`` with every stored value
        ``create`` would give them, and return them. Superuser only, like
        ``create`` (``_check_schedule_editable``).

        A batch of loans (the bulk API, ``_build_schedule``) creates
        thousands of installments: through the ORM each one costs a record
        in the cache, its money rounded through its currency at create and
        again at the flush, and the compute of its paid amounts, residual
        and state, most of the loans' creation. New installments have paid
        and charged nothing: what their computes give is known here (the
        amounts paid 0, the residual the installment, the state from the
        loan's, ``_state_of``); ``test_installment_insert.py`` compares the
        rows field by field with installments the ORM creates. The ORM is
        then told through the loans' schedules (``installment_ids``): what
        depends on them (their collection actions) is recomputed as after a
        ``create``; the loans' totals are given from the rows
        (``microloan.loan._schedule_totals``, the compute's rule) rather than
        read back."""
        if not vals_list:
            return self.browse()
        loans = self.env["microloan.loan"].browse(
            {vals["loan_id"] for vals in vals_list}
        )
        loans._check_schedule_editable()
        # The loans' states and currencies, and no pending write of an
        # installment (the unique number per loan is checked by the table).
        loans.fetch(["state", "currency_id"])
        self.flush_model()
        currencies = {loan.id: loan.currency_id for loan in loans}
        states = {loan.id: loan.state for loan in loans}
        uid = self.env.uid
        now = self.env.cr.now()
        money_columns = ("principal", "interest", "fee", "amount", "balance")
        zero_columns = (
            "principal_paid",
            "interest_paid",
            "fee_paid",
            "penalty",
            "compound",
            "fee_charged",
            "penalty_paid",
            "compound_paid",
            "amount_paid",
        )
        columns = (
            ("loan_id", "company_id", "currency_id", "partner_id", "sequence")
            + ("due_date", "days", "kind", "state")
            + money_columns
            + zero_columns
            + ("amount_residual", "create_uid", "write_uid", "create_date")
            + ("write_date",)
        )
        # As fields.Monetary stores an amount: rounded as its currency rounds
        # it (res.currency.round), with the currency's decimals.
        precisions = {
            currency.id: (currency.rounding, currency.decimal_places)
            for currency in loans.currency_id
        }
        rows = []
        for vals in vals_list:
            currency = currencies[vals["loan_id"]]
            rounding, digits = precisions[currency.id]
            zero = float_repr(0.0, digits)

            def money(value, rounding=rounding, digits=digits):
                return float_repr(
                    float_round(value or 0.0, precision_rounding=rounding), digits
                )

            amount = float_round(vals.get("amount") or 0.0, precision_rounding=rounding)
            rows.append(
                (
                    vals["loan_id"],
                    vals["company_id"],
                    currency.id,
                    vals["partner_id"],
                    vals["sequence"],
                    vals["due_date"],
                    vals["days"],
                    "scheduled",
                    self._state_of(states[vals["loan_id"]], currency, amount),
                    *(money(vals.get(name)) for name in money_columns),
                    *(zero for _name in zero_columns),
                    money(amount),
                    uid,
                    uid,
                    now,
                    now,
                )
            )
        ids = insert_rows(self.env, self._table, columns, rows)
        loans.invalidate_recordset(["installment_ids"])
        loans.modified(["installment_ids"])
        # The loans' totals, from the rows rather than read back (the rows
        # are their whole schedules).
        Loan = self.env["microloan.loan"]
        totals = [Loan._fields[name] for name in SCHEDULE_TOTALS]
        positions = [columns.index(name) for name in ("amount", "interest", "fee")]
        lines = defaultdict(list)
        for vals, row in zip(vals_list, rows, strict=True):
            lines[vals["loan_id"]].append(
                (
                    vals["sequence"],
                    *(float(row[position]) for position in positions),
                    vals["due_date"],
                )
            )
        with self.env.protecting(totals, loans):
            for loan in loans:
                # In the order of the loan's installments (its compute's).
                loan.update(
                    loan._schedule_totals([line[1:] for line in sorted(lines[loan.id])])
                )
        for field in totals:
            self.env.remove_to_compute(field, loans)
        return self.browse(ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fixed_schedule(self):
        self.loan_id._check_schedule_editable()
