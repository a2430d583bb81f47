from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.microloan_base.tools.display_names import joined_name, selection_label
from odoo.addons.microloan_base.tools.sql import insert_rows

ACCRUAL_COMPONENTS = [
    ("interest", "Interest"),
    ("penalty", "Penalty Interest"),
    ("compound", "Compound Interest"),
]
# Values each accrual row inserted by _insert_accruals is given, in order
# (besides its period and the log columns, computed there).
INSERT_VALUES = (
    "loan_id",
    "company_id",
    "product_id",
    "currency_id",
    "date",
    "component",
    "kind",
    "amount",
    "date_from",
    "move_id",
)
INSERT_COLUMNS = (
    *INSERT_VALUES,
    "days",
    "catch_up",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


def accrual_period(date_from, date):
    """``(days, catch_up)`` of an accrual row of ``date`` accruing from
    ``date_from``: the days accrued, and whether they begin before the
    previous month end (a run for an earlier month end left the loan out)."""
    if not (date_from and date):
        return 0, False
    previous_month_end = date.replace(day=1) - timedelta(days=1)
    return (date - date_from).days, date_from < previous_month_end


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
    date_from = fields.Date(
        string="Accrued From",
        readonly=True,
        help="The loan's previous accrual (or its disbursement): the row "
        "accrues the days from this date to its date.",
    )
    days = fields.Integer(
        compute="_compute_period",
        store=True,
        help="Days from the previous accrual (or the disbursement) to this one.",
    )
    catch_up = fields.Boolean(
        string="Catch-Up",
        compute="_compute_period",
        store=True,
        help="The row accrues days before the previous month end: a run for "
        "earlier month ends did not accrue this loan (it was disbursed or "
        "changed back-dated, or the run was late).",
    )
    description = fields.Char(
        compute="_compute_description",
        help="What the row is: the accrual of which period, a catch-up with "
        "the days caught up, an adjustment or a non-accrual reversal.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )

    @api.depends("date", "date_from")
    def _compute_period(self):
        for accrual in self:
            accrual.days, accrual.catch_up = accrual_period(
                accrual.date_from, accrual.date
            )

    @api.depends("date", "date_from", "days", "catch_up", "kind")
    @api.depends_context("lang")
    def _compute_description(self):
        # The component and the kind have their own columns: the text says
        # the period, the catch-up and the reason.
        env = self.env
        for accrual in self:
            values = {
                "start": format_date(env, accrual.date_from),
                "end": format_date(env, accrual.date),
                "days": accrual.days,
            }
            if accrual.kind == "non_accrual":
                text = env._(
                    "Unpaid on %(end)s, taken to the off-balance memo (non-accrual)",
                    **values,
                )
            elif not accrual.date_from:
                text = env._("To %(end)s", **values)
            elif accrual.kind == "adjustment":
                text = env._(
                    "%(start)s – %(end)s: the schedule or the payments changed",
                    **values,
                )
            elif accrual.catch_up:
                text = env._(
                    "Catch-up %(start)s – %(end)s: %(days)s days caught up", **values
                )
            else:
                text = env._("%(start)s – %(end)s, %(days)s days", **values)
            accrual.description = text

    @api.model_create_multi
    def create(self, vals_list):
        # Posted by the accrual run through sudo(): no client creates an
        # accrual, whatever context it sends.
        if not self.env.su:
            raise UserError(
                self.env._("Interest accruals are posted by the accrual run.")
            )
        return super().create(vals_list)

    @api.model
    def _insert_accruals(self, vals_list):
        """Insert the accrual rows ``vals_list`` of the month-end run (dicts
        of ``INSERT_VALUES``: ids, dates, selections and the ``Decimal``
        amount rounded to the currency) in one query per 5,000 rows, with
        every stored value ``create`` would give them (the period's days and
        catch-up as ``_compute_period`` computes them; a test compares them
        with rows the ORM creates); return their ids.

        The run creates an accrual row per loan and component: through the
        ORM each costs a record to compute and the INSERT of its batch. Like
        ``create``, only the accrual run (as superuser) inserts them."""
        if not self.env.su:
            raise UserError(
                self.env._("Interest accruals are posted by the accrual run.")
            )
        if not vals_list:
            return []
        uid = self.env.uid
        now = self.env.cr.now()
        rows = []
        for vals in vals_list:
            values = {name: vals.get(name) or None for name in INSERT_VALUES}
            values["amount"] = vals.get("amount") or 0
            rows.append(
                (
                    *values.values(),
                    *accrual_period(values["date_from"], vals["date"]),
                    uid,
                    uid,
                    now,
                    now,
                )
            )
        self.flush_model()
        ids = insert_rows(self.env, "microloan_loan_accrual", INSERT_COLUMNS, rows)
        # The loans' accrual lists in the cache lack the new rows; what
        # depends on the rows is told of them.
        self.env["microloan.loan"].invalidate_model(["accrual_ids"])
        accruals = self.browse(ids)
        accruals.modified(INSERT_VALUES, create=True)
        for field in self._fields.values():
            if field.compute and field.store:
                self.env.remove_to_compute(field, accruals)
        return ids

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

    @api.depends("loan_id", "date", "component")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.loan_id.name,
                record.date and format_date(self.env, record.date),
                selection_label(record, "component"),
            )
