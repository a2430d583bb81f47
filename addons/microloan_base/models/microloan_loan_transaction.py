from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr

from ..tools.sql import insert_rows
from .microloan_loan_installment_servicing import CHARGED_FIELDS

KINDS = [
    ("disbursement", "Disbursement"),
    ("repayment", "Repayment"),
    ("penalty", "Penalty Interest Charged"),
    ("compound", "Compound Interest Charged"),
    ("fee", "Fee Charged"),
    ("waiver", "Waiver"),
    ("write_off", "Write-Off"),
    ("recovery", "Recovery"),
    ("refund", "Credit Refund"),
    ("reversal", "Reversal"),
]
# Lines of these kinds pay (settle) components of installments; lines of the
# charge kinds add to what is due. Reversal lines carry the opposite amounts of
# the transaction they reverse and count like it.
SETTLING_KINDS = ("repayment", "waiver", "recovery")
CHARGE_KINDS = ("penalty", "compound", "fee")
# Components of the allocation lines; each has its total on the transaction
# (``<component>_amount``).
COMPONENTS = ("principal", "interest", "penalty", "compound", "fee", "excess")
# Fields a reversal may still write on a posted transaction.
REVERSAL_FIELDS = {"state", "reversed_by_id"}
# Fields of the transaction its lines carry too (see
# microloan.loan.transaction.line); rows per INSERT of _insert_charges.
TRANSACTION_LINE_FIELDS = ("loan_id", "company_id", "currency_id", "date", "kind")


class MicroloanLoanTransaction(models.Model):
    _name = "microloan.loan.transaction"
    _description = "Loan Transaction"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, copy=False, readonly=True, index="trigram"
    )
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
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Borrower", readonly=True, index=True
    )
    date = fields.Date(required=True, readonly=True, index=True)
    kind = fields.Selection(selection=KINDS, required=True, readonly=True, index=True)
    amount = fields.Monetary(readonly=True, help="Amount of money of the transaction.")
    state = fields.Selection(
        selection=[("posted", "Posted"), ("reversed", "Reversed")],
        required=True,
        default="posted",
        readonly=True,
        copy=False,
        index=True,
    )
    reference = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="External reference of the payment (bank or import), unique per branch "
        "among repayments that are not reversed.",
    )
    reversal_of_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Reverses",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    reversed_by_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Reversed By",
        readonly=True,
        copy=False,
        check_company=True,
    )
    line_ids = fields.One2many(
        "microloan.loan.transaction.line",
        "transaction_id",
        string="Allocation",
        readonly=True,
    )
    # Totals of the lines per component, set when the transaction is created
    # with its lines (neither ever changes).
    principal_amount = fields.Monetary(string="Principal", readonly=True)
    interest_amount = fields.Monetary(string="Interest", readonly=True)
    penalty_amount = fields.Monetary(string="Penalty", readonly=True)
    compound_amount = fields.Monetary(string="Compound", readonly=True)
    fee_amount = fields.Monetary(string="Fees", readonly=True)
    excess_amount = fields.Monetary(
        string="Credit",
        readonly=True,
        help="Part of the payment kept as the borrower's credit (negative when "
        "credit is used or refunded).",
    )
    paid_out_amount = fields.Monetary(
        string="Paid Out",
        readonly=True,
        help="Of a disbursement: the money paid to the borrower, the principal "
        "less the fees deducted.",
    )
    fee_deducted_amount = fields.Monetary(
        string="Fees Deducted",
        readonly=True,
        help="Of a first disbursement: the product's fees deducted from the "
        "amount paid out.",
    )
    fee_collected_amount = fields.Monetary(
        string="Fees Paid at Disbursement",
        readonly=True,
        help="Of a first disbursement: the product's fees the borrower paid at "
        "it, besides the amount paid out.",
    )
    payment_charge = fields.Boolean(
        string="Charged at Payment",
        readonly=True,
        help="Penalty or compound interest charged because a repayment settled "
        "it (rather than by the month-end close).",
    )
    note = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "The transaction number must be unique per branch.",
        ),
    ]

    def init(self):
        # The constraint below explains; this index also holds between two
        # imports of the same payment in concurrent transactions.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS "
                "microloan_loan_transaction_reference_unique "
                "ON microloan_loan_transaction (company_id, reference) "
                "WHERE kind = 'repayment' AND state = 'posted' "
                "AND reference IS NOT NULL"
            )
        )

    @api.constrains("reference", "kind", "state", "company_id")
    def _check_reference(self):
        for transaction in self.filtered(
            lambda t: t.reference and t.kind == "repayment" and t.state == "posted"
        ):
            # sudo: a reference is unique in the branch; only a count is read.
            duplicate = self.sudo().search_count(
                [
                    ("id", "!=", transaction.id),
                    ("reference", "=", transaction.reference),
                    ("kind", "=", "repayment"),
                    ("state", "=", "posted"),
                    ("company_id", "=", transaction.company_id.id),
                ],
                limit=1,
            )
            if duplicate:
                raise UserError(
                    self.env._(
                        "A repayment with the reference %(reference)s is already "
                        "posted in %(company)s.",
                        reference=transaction.reference,
                        company=transaction.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # Posted by the loan's actions, through sudo() once they checked the
        # caller: no client creates a transaction, whatever context it sends.
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Loan transactions are posted by the loan's actions "
                    "(disbursement, repayment, reversal...)."
                )
            )
        self._complete_vals_list(vals_list)
        return super().create(vals_list)

    def _complete_vals_list(self, vals_list):
        """Give the transactions ``vals_list`` (with their lines as
        ``Command.create``) their totals per component and, when they have
        none, their numbers: those of a batch (the month-end close posts
        thousands) drawn per branch at once."""
        for vals in vals_list:
            totals = dict.fromkeys(COMPONENTS, 0.0)
            for command in vals.get("line_ids", ()):
                if command[0] != fields.Command.CREATE:
                    raise UserError(
                        self.env._(
                            "Allocation lines are written with their transaction."
                        )
                    )
                totals[command[2]["component"]] += command[2]["amount"]
            for component, total in totals.items():
                vals[f"{component}_amount"] = total
        unnamed = defaultdict(list)
        for vals in vals_list:
            if not vals.get("name"):
                unnamed[vals["company_id"]].append(vals)
        today = fields.Date.context_today(self)
        for company_id, group in unnamed.items():
            names = self._get_next_numbers(
                self.env["res.company"].browse(company_id),
                [fields.Date.to_date(vals.get("date")) or today for vals in group],
            )
            for vals, name in zip(group, names, strict=True):
                vals["name"] = name

    @api.model
    def _insert_charges(self, vals_list, installment_values=None):
        """Post the charges ``vals_list`` (penalty, compound interest or fee
        transactions as ``microloan.loan.servicing._prepare_transaction_vals_list``
        gives them, their lines as ``Command.create``; the month-end close
        posts thousands) in one INSERT of the transactions and one of their
        lines (per 5,000 rows), with every stored value ``create`` gives them
        (their totals, their numbers drawn per branch at once; a test compares
        them field by field with charges the ORM creates), and the charged
        figures of their installments in one UPDATE; return their ids, in
        order. ``installment_values``: ``{installment id: {field: value}}``,
        further values of installments written in that UPDATE (the close's
        products of the installments it charges, rather than an UPDATE of
        their own).

        Through the ORM each transaction cost its records, its lines' copies
        of its fields, and a recompute of its installments' figures from
        every line of them: most of a month end's time. The ORM is told of
        the new rows as ``create`` tells it (what depends on the transactions:
        the loans' sums); the installments' charged figures are written here
        from the lines' amounts, so their compute is not run again (nothing
        else depends on the charge lines: they pay nothing). Like ``create``,
        only the servicing (as superuser) posts them; the loan, branch,
        currency and borrower of each come from its loan, as the company
        checks of ``create`` want them. A module acting on the transactions
        ``create`` makes acts on these too by extending this method (as
        ``microloan_accounting`` books them)."""
        if not self.env.su:
            raise UserError(
                self.env._(
                    "Loan transactions are posted by the loan's actions "
                    "(disbursement, repayment, reversal...)."
                )
            )
        if not vals_list:
            return []
        if any(vals["kind"] not in CHARGE_KINDS for vals in vals_list):
            raise ValueError("_insert_charges posts charges only")
        self._complete_vals_list(vals_list)
        Line = self.env["microloan.loan.transaction.line"]
        # What the close wrote before reaches the tables first.
        self.env.flush_all()
        currencies = self.env["res.currency"].browse(
            {vals["currency_id"] for vals in vals_list}
        )
        rounding = {currency.id: currency.round for currency in currencies}
        uid = self.env.uid
        now = self.env.cr.now()
        log = {
            "create_uid": uid,
            "write_uid": uid,
            "create_date": now,
            "write_date": now,
        }
        defaults = {
            name: value
            for name, value in self._add_missing_default_values({}).items()
            if self._fields[name].store and self._fields[name].column_type
        }
        columns = sorted(
            {name for vals in vals_list for name in vals if name != "line_ids"}
            | defaults.keys()
        )
        rows = []
        for vals in vals_list:
            values = {**defaults, **vals}
            rows.append(
                [
                    *(
                        self._insert_column_value(
                            name, values.get(name), rounding[vals["currency_id"]]
                        )
                        for name in columns
                    ),
                    *log.values(),
                ]
            )
        ids = self._insert_rows(self._table, [*columns, *log], rows)
        line_columns = [
            "transaction_id",
            *TRANSACTION_LINE_FIELDS,
            "installment_id",
            "component",
            "effect",
            "amount",
            *log,
        ]
        line_rows = []
        charged = defaultdict(lambda: dict.fromkeys(CHARGED_FIELDS.values(), 0.0))
        for transaction_id, vals in zip(ids, vals_list, strict=True):
            currency_round = rounding[vals["currency_id"]]
            for command in vals["line_ids"]:
                line = command[2]
                amount = currency_round(line["amount"])
                line_rows.append(
                    (
                        transaction_id,
                        *(
                            self._insert_column_value(
                                name, vals.get(name), currency_round
                            )
                            for name in TRANSACTION_LINE_FIELDS
                        ),
                        line.get("installment_id") or None,
                        line["component"],
                        line["effect"],
                        amount,
                        *log.values(),
                    )
                )
                field = CHARGED_FIELDS.get(line["component"])
                if line.get("installment_id") and field and line["effect"] == "charge":
                    charged[line["installment_id"]][field] += amount
        self._insert_rows(Line._table, line_columns, line_rows)
        Installment = self.env["microloan.loan.installment"]
        names = list(CHARGED_FIELDS.values())
        # Further values of installments written in the same UPDATE (the
        # close's products of the installments it charges), as their
        # columns store them; an installment without one keeps its own.
        further = installment_values or {}
        extra = sorted({name for values in further.values() for name in values})
        extra_fields = [Installment._fields[name] for name in extra]
        for installment_id in further:
            charged.setdefault(installment_id, dict.fromkeys(names, 0.0))
        if charged:
            # The installments' charged figures as _compute_ledger_amounts
            # sums them (the lines' amounts are rounded as stored).
            assignments = [
                SQL(
                    "%(column)s = COALESCE(i.%(column)s, 0) + v.%(column)s",
                    column=SQL.identifier(name),
                )
                for name in names
            ]
            assignments += [
                SQL(
                    "%(column)s = COALESCE(v.%(column)s, i.%(column)s)",
                    column=SQL.identifier(field.name),
                )
                for field in extra_fields
            ]
            values = []
            for installment_id, sums in charged.items():
                own = further.get(installment_id, {})
                cells = [
                    SQL("%s::numeric", float_repr(sums[name], 6)) for name in names
                ]
                cells += [
                    SQL(
                        "%s::%s",
                        field.convert_to_column(own[field.name], Installment)
                        if field.name in own
                        else None,
                        SQL(field.column_type[1]),
                    )
                    for field in extra_fields
                ]
                values.append(SQL("(%s, %s)", installment_id, SQL(", ").join(cells)))
            self.env.execute_query(
                SQL(
                    """
                    UPDATE microloan_loan_installment AS i
                       SET %(assignments)s, write_uid = %(uid)s, write_date = %(now)s
                      FROM (VALUES %(values)s) AS v(id, %(columns)s)
                     WHERE i.id = v.id
                    """,
                    assignments=SQL(", ").join(assignments),
                    uid=uid,
                    now=now,
                    values=SQL(", ").join(values),
                    columns=SQL(", ").join(map(SQL.identifier, [*names, *extra])),
                )
            )
        # The caches that list the transactions and lines, and the
        # installments' figures, no longer hold.
        installments = Installment.browse(list(charged))
        self.env["microloan.loan"].invalidate_model(["transaction_ids"])
        Installment.invalidate_model(["transaction_line_ids"])
        installments.invalidate_recordset([*names, *extra, "write_uid", "write_date"])
        # What depends on the new transactions (the loans' sums) is told as
        # create tells it. What depends on the lines is reached through the
        # installments' lines: their ledger figures and, through the paid
        # ones, their amounts due and state, the loans' outstanding
        # principal... A charge line changes the charged figures only,
        # written above: those are told of (nothing else changes).
        self.browse(ids).modified([*columns, *log], create=True)
        installments.modified([*names, *extra])
        return ids

    def _insert_column_value(self, name, value, currency_round):
        """``value`` of the field ``name`` as ``_insert_charges`` inserts it
        (as ``create`` stores it: money rounded to the currency, empty values
        as NULL)."""
        field = self._fields[name]
        if field.type == "monetary":
            return currency_round(value or 0.0)
        if field.type == "boolean":
            return bool(value)
        return value or None

    def _insert_rows(self, table, columns, rows):
        """Insert ``rows`` into ``table`` (5,000 per query); return their ids."""
        return insert_rows(self.env, table, columns, rows)

    def write(self, vals):
        if vals.keys() - REVERSAL_FIELDS or not self.env.su:
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

    def action_reverse(self):
        """Reverse the transactions (finance): the loan restores its balances
        and replays what came after."""
        for transaction in self:
            transaction.loan_id._reverse_transaction(transaction)
        return True

    def _get_repost_values(self):
        """Values a replay gives the repayment it posts again in place of this
        one (see ``microloan.loan.servicing._replay``): besides amount,
        reference and note, what modules store of how the money moved."""
        self.ensure_one()
        return {}

    def _get_next_numbers(self, company, dates):
        """Return the next transaction numbers of ``company`` for transactions
        dated ``dates`` (a list), e.g. ``BJ-TX-2026-000001``, in that order
        (see ``res.company._microloan_next_numbers``)."""
        code = company._get_microloan_branch_code()
        numbers = company._microloan_next_numbers(self._get_sequence(company), dates)
        return [f"{code}-TX-{number}" for number in numbers]

    def _get_sequence(self, company):
        """Return the transaction-number sequence of ``company``, creating it on
        first use (one per branch, restarting every year)."""
        return company._get_microloan_sequence(
            "microloan.loan.transaction",
            self.env._("Loan transactions of %(company)s", company=company.name),
            "%(range_year)s-",
            6,
        )
