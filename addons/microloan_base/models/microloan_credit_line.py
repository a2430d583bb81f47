from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_repr, formatLang

from microloan_engine import EngineError
from microloan_engine.interest import (
    CreditLine,
    CreditLineEntry,
    CreditLineRepayment,
    credit_line_owed,
    credit_line_totals,
)

from ..tools import inputs
from ..tools.engine_messages import engine_message
from ..tools.locking import lock_rows
from .microloan_product import DAY_COUNTS

RATE_DIGITS = 6
# Terms fixed once the line is active.
LOCKED_FIELDS = {"partner_id", "product_id", "company_id", "interest_rate", "day_count"}


class MicroloanCreditLine(models.Model):
    """A draw-and-repay credit line (随借随还) charged by the 积数 method.

    Its ledger is ``entry_ids``: draws and repayments, immutable once posted and
    corrected by reversals. The interest arithmetic is the engine's
    ``microloan_engine.interest.CreditLine``, rebuilt from the posted entries by
    :meth:`_engine_ledger`. Every repayment settles (结息) the interest accrued
    up to its date and pays it before principal; interest it cannot pay stays
    due (``interest_due``) and is paid first by the next repayment.
    """

    _name = "microloan.credit.line"
    _description = "Credit Line"
    _inherit = ["mail.thread", "mail.activity.mixin", "microloan.guard.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name"]
    # Besides its read-only fields (number, ledger totals, figures), the state
    # changes only through action_activate and action_close.
    _microloan_guarded_fields = ("state",)

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Borrower",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('microloan_borrower_type', '!=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Loan Officer",
        index=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    product_id = fields.Many2one(
        "microloan.product",
        string="Product",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('repayment_method', '=', 'revolving')]",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
    )
    limit_amount = fields.Monetary(
        string="Credit Limit",
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="The outstanding principal may never exceed it.",
    )
    interest_rate = fields.Float(
        string="Annual Rate (%)",
        digits=(7, 4),
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    day_count = fields.Selection(
        selection=DAY_COUNTS,
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    date_start = fields.Date(
        string="Valid From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(
        string="Valid Until",
        required=True,
        tracking=True,
        help="Draws are accepted from the first to the last day of validity; "
        "repayments at any time.",
    )
    note = fields.Html()

    entry_ids = fields.One2many(
        "microloan.credit.line.entry", "line_id", string="Ledger", readonly=True
    )
    principal_outstanding = fields.Monetary(
        compute="_compute_ledger_totals",
        store=True,
        help="Principal drawn and not repaid, after every posted entry.",
    )
    interest_due = fields.Monetary(
        string="Settled Interest Due",
        compute="_compute_ledger_totals",
        store=True,
        help="Interest settled by earlier repayments and not yet paid.",
    )
    interest_settled_to = fields.Date(
        compute="_compute_ledger_totals",
        store=True,
        help="Interest is settled up to this date (the last repayment): entries "
        "cannot be dated before it.",
    )
    total_drawn = fields.Monetary(compute="_compute_ledger_totals", store=True)
    total_interest_paid = fields.Monetary(compute="_compute_ledger_totals", store=True)
    total_accumulated_product = fields.Float(
        string="Settled 积数",
        digits=(20, 2),
        compute="_compute_ledger_totals",
        store=True,
        help="Accumulated product (balance × days) settled by the repayments.",
    )
    figures_date = fields.Date(
        string="Figures On",
        compute="_compute_figures",
        help="Today: the date of the figures below.",
    )
    available_amount = fields.Monetary(string="Available", compute="_compute_figures")
    accumulated_product = fields.Float(
        string="积数 Since Settlement",
        digits=(20, 2),
        compute="_compute_figures",
        help="Σ balance × days from the last settlement (or the first draw) to "
        "today, start day counted, end day not (算头不算尾).",
    )
    accrued_interest = fields.Monetary(
        compute="_compute_figures",
        help="积数 × annual rate / year basis, rounded once.",
    )
    payoff_amount = fields.Monetary(
        string="Payoff Today",
        compute="_compute_figures",
        help="Principal, settled interest due and accrued interest.",
    )
    entry_count = fields.Integer(compute="_compute_ledger_totals", store=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "The credit line number must be unique per branch.",
        ),
    ]

    @api.depends("product_id")
    def _compute_currency_id(self):
        for line in self:
            line.currency_id = (
                line.product_id.currency_id or line.company_id.currency_id
            )

    @api.depends("product_id")
    def _compute_product_terms(self):
        for line in self:
            product = line.product_id
            line.limit_amount = product.amount_default
            line.interest_rate = product.rate_default
            line.day_count = product.day_count or "ACT/360"

    @api.depends(
        "entry_ids.state",
        "entry_ids.kind",
        "entry_ids.amount",
        "entry_ids.principal_amount",
        "entry_ids.interest_amount",
        "entry_ids.interest_accrued",
        "entry_ids.accumulated_product",
        "entry_ids.date",
    )
    def _compute_ledger_totals(self):
        for line in self:
            entries = line.entry_ids._filter_effective()
            totals = line._engine_totals(entries)
            line.total_drawn = float(totals.drawn)
            line.principal_outstanding = float(totals.principal_outstanding)
            line.total_interest_paid = float(totals.interest_paid)
            line.interest_due = float(totals.interest_due)
            line.interest_settled_to = max(
                entries.filtered(lambda e: e.kind == "repayment").mapped("date"),
                default=False,
            )
            line.total_accumulated_product = float(totals.accumulated_product)
            line.entry_count = len(line.entry_ids)

    @api.depends(
        "state",
        "limit_amount",
        "interest_rate",
        "day_count",
        "principal_outstanding",
        "interest_due",
        "interest_settled_to",
    )
    def _compute_figures(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.update(line._figures_at(today))

    def _figures_at(self, day):
        """The line's figures on ``day`` as a dict of the computed fields
        (``figures_date``, ``available_amount``, ``accumulated_product``,
        ``accrued_interest``, ``payoff_amount``): what the form shows for today."""
        self.ensure_one()
        figures = {
            "figures_date": day,
            "available_amount": 0.0,
            "accumulated_product": 0.0,
            "accrued_interest": 0.0,
            "payoff_amount": float(
                credit_line_owed(
                    self._to_decimal(self.principal_outstanding),
                    self._to_decimal(self.interest_due),
                )
            ),
        }
        if self.state == "draft" or not self.id:
            figures["available_amount"] = self.limit_amount
            return figures
        try:
            ledger = self._engine_ledger()
        except EngineError:
            return figures
        if not self.interest_settled_to or day >= self.interest_settled_to:
            payoff = ledger.payoff(day)
            figures["accumulated_product"] = float(payoff.accumulated_product)
            figures["accrued_interest"] = float(payoff.interest)
            figures["payoff_amount"] = float(payoff.total)
        if self.state == "active" and self.date_start <= day <= self.date_end:
            figures["available_amount"] = float(ledger.available(day))
        return figures

    @api.constrains("limit_amount", "interest_rate", "product_id")
    def _check_terms(self):
        for line in self:
            currency = line.currency_id
            product = line.product_id
            if product.repayment_method != "revolving":
                raise ValidationError(
                    self.env._(
                        "The product %(product)s is not a revolving credit line "
                        "product.",
                        product=product.name,
                    )
                )
            if currency.compare_amounts(line.limit_amount, 0.0) <= 0:
                raise ValidationError(self.env._("The credit limit must be positive."))
            if (
                currency.compare_amounts(line.limit_amount, product.amount_min) < 0
                or currency.compare_amounts(line.limit_amount, product.amount_max) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The credit limit of %(line)s must be between %(min)s and "
                        "%(max)s for the product %(product)s.",
                        line=line.name,
                        min=currency.format(product.amount_min),
                        max=currency.format(product.amount_max),
                        product=product.name,
                    )
                )
            if not (
                product.rate_min - 10**-RATE_DIGITS
                <= line.interest_rate
                <= product.rate_max + 10**-RATE_DIGITS
            ):
                raise ValidationError(
                    self.env._(
                        "The annual rate of %(line)s must be between %(min)s%% and "
                        "%(max)s%% for the product %(product)s.",
                        line=line.name,
                        min=formatLang(self.env, product.rate_min, digits=2),
                        max=formatLang(self.env, product.rate_max, digits=2),
                        product=product.name,
                    )
                )
            if line.state != "draft" and line.entry_ids:
                # A lower limit must still hold over the whole posted history.
                line._engine_ledger()

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for line in self:
            if line.date_end < line.date_start:
                raise ValidationError(
                    self.env._(
                        "The validity of %(line)s cannot end before it starts.",
                        line=line.name,
                    )
                )

    @api.model
    def _microloan_create_values(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) in (self.env._("New"), "New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self._get_next_number(company, vals.get("date_start"))
        return super()._microloan_create_values(vals_list)

    def write(self, vals):
        locked = {
            "partner_id",
            "product_id",
            "company_id",
            "interest_rate",
            "day_count",
        }
        if locked & vals.keys() and any(line.state != "draft" for line in self):
            raise UserError(
                self.env._(
                    "The borrower, product, branch, rate and day count of a credit "
                    "line can only change while it is a draft."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(line.state != "draft" for line in self):
            raise UserError(self.env._("Only draft credit lines can be deleted."))

    def action_activate(self):
        """Open draft credit lines for draws (approver)."""
        self._check_user_group(
            "microloan_base.group_microloan_approver",
            self.env._("Only approvers can activate credit lines."),
        )
        self._check_line_state(
            {"draft"},
            self.env._(
                "Only draft credit lines can be activated: %(line)s is %(state)s."
            ),
        )
        # sudo: the state is guarded; the caller's group and the state were checked.
        self.sudo().write({"state": "active"})
        return True

    def action_close(self):
        """Close active credit lines that owe nothing (finance)."""
        self._check_user_group(
            "microloan_base.group_microloan_finance",
            self.env._("Only finance users can close credit lines."),
        )
        self._check_line_state(
            {"active"},
            self.env._(
                "Only active credit lines can be closed: %(line)s is %(state)s."
            ),
        )
        for line in self:
            currency = line.currency_id
            if not (
                currency.is_zero(line.principal_outstanding)
                and currency.is_zero(line.interest_due)
            ):
                raise UserError(
                    self.env._(
                        "%(line)s still owes %(principal)s of principal and "
                        "%(interest)s of settled interest.",
                        line=line.name,
                        principal=currency.format(line.principal_outstanding),
                        interest=currency.format(line.interest_due),
                    )
                )
        # sudo: the state is guarded; the caller's group and the balances were
        # checked.
        self.sudo().write({"state": "closed"})
        return True

    def action_open_draw_wizard(self):
        """Open the wizard recording a draw."""
        return self._open_wizard("microloan.credit.line.draw", self.env._("Draw"))

    def action_open_repay_wizard(self):
        """Open the wizard recording a repayment."""
        return self._open_wizard(
            "microloan.credit.line.repay", self.env._("Register Repayment")
        )

    def _open_wizard(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    # Business methods (stable API for wizards and integrations)

    def draw(self, amount, date):
        """Draw ``amount`` on ``date``; return the id of the posted entry (see
        :meth:`_draw`)."""
        line = inputs.one(self)
        env = self.env
        amount = inputs.money(env, amount, line.currency_id, env._("The amount"))
        date = inputs.day(env, date, env._("The date of the entry"))
        return line._draw(amount, date).id

    def _draw(self, amount, date):
        """Draw ``amount`` on ``date``; return the posted entry.

        Refused outside the validity dates, beyond the limit at any point of
        the line's history, before the settled interest date or in the future.
        """
        self.ensure_one()
        self._check_user_group(
            "microloan_base.group_microloan_finance",
            self.env._("Only finance users can record draws."),
        )
        self._lock()
        self._check_line_state(
            {"active"},
            self.env._("Draws need an active credit line: %(line)s is %(state)s."),
        )
        date = fields.Date.to_date(date)
        amount = self._check_entry_input(amount, date)
        if not self.date_start <= date <= self.date_end:
            raise UserError(
                self.env._(
                    "%(line)s accepts draws from %(start)s to %(end)s only.",
                    line=self.name,
                    start=self.date_start,
                    end=self.date_end,
                )
            )
        ledger = self._engine_ledger()
        try:
            ledger.draw(date, amount)
        except EngineError as error:
            self._raise_engine_error(error, ledger, date)
        return self._create_entry(
            {"kind": "draw", "date": date, "amount": float(amount)}
        )

    def register_repayment(self, amount, date, reference=None):
        """Repay ``amount`` on ``date``; return the id of the posted entry (see
        :meth:`_register_repayment`)."""
        line = inputs.one(self)
        env = self.env
        amount = inputs.money(env, amount, line.currency_id, env._("The amount"))
        date = inputs.day(env, date, env._("The date of the entry"))
        reference = inputs.reference(env, reference)
        return line._register_repayment(amount, date, reference=reference).id

    def _register_repayment(self, amount, date, reference=None):
        """Repay ``amount`` on ``date``; return the posted entry.

        The repayment settles the interest accrued up to ``date`` and pays
        interest first, then principal. More than the payoff is refused.
        ``reference`` (e.g. a bank statement line) is unique per branch, so a
        retried import is refused instead of being applied twice.
        """
        self.ensure_one()
        self._check_user_group(
            "microloan_base.group_microloan_finance",
            self.env._("Only finance users can record repayments."),
        )
        self._lock()
        self._check_line_state(
            {"active"},
            self.env._("Repayments need an active credit line: %(line)s is %(state)s."),
        )
        date = fields.Date.to_date(date)
        amount = self._check_entry_input(amount, date)
        if reference:
            self.env["microloan.credit.line.entry"]._check_reference(
                reference, self.company_id
            )
        currency = self.currency_id
        ledger = self._engine_ledger()
        if not ledger.entries or ledger.entries[0].on > date:
            raise UserError(
                self.env._(
                    "%(line)s has nothing to repay on %(date)s.",
                    line=self.name,
                    date=date,
                )
            )
        try:
            _settled, repayment = ledger.repayment(date, amount)
        except EngineError as error:
            if error.code == "repayment_exceeds_payoff":
                raise UserError(
                    self.env._(
                        "%(amount)s is more than the payoff of %(line)s on %(date)s: "
                        "%(payoff)s.",
                        amount=currency.format(float(amount)),
                        line=self.name,
                        date=date,
                        payoff=currency.format(float(ledger.payoff(date).total)),
                    )
                ) from error
            self._raise_engine_error(error, ledger, date)
        return self._create_entry(
            {
                "kind": "repayment",
                "date": date,
                "amount": float(repayment.amount),
                "interest_amount": float(repayment.interest_paid),
                "principal_amount": float(repayment.principal),
                "interest_accrued": float(repayment.interest_accrued),
                "accumulated_product": float(repayment.accumulated_product),
                "interest_from": repayment.interest_from,
                "reference": reference or False,
            }
        )

    def payoff_quote(self, date):
        """What settles the line on ``date``, as a dict of floats: ``principal``,
        ``interest_due`` (settled, unpaid), ``interest`` (accrued since the last
        settlement), ``total``, ``accumulated_product`` (积数) and ``date``
        (ISO text)."""
        inputs.one(self)
        date = inputs.day(self.env, date, self.env._("The date of the quote"))
        ledger = self._engine_ledger()
        if self.interest_settled_to and date < self.interest_settled_to:
            raise UserError(
                self.env._(
                    "Interest of %(line)s is settled up to %(settled)s: no quote "
                    "can be given for %(date)s.",
                    line=self.name,
                    settled=self.interest_settled_to,
                    date=date,
                )
            )
        payoff = ledger.payoff(date)
        return {
            "date": fields.Date.to_string(date),
            "principal": float(payoff.principal),
            "interest_due": float(payoff.interest_due),
            "interest": float(payoff.interest),
            "total": float(payoff.total),
            "accumulated_product": float(payoff.accumulated_product),
        }

    def _get_next_number(self, company, date=None):
        """Return the next credit line number of ``company``, e.g.
        ``BJ-CL2025-0001``, from a sequence per branch created on first use."""
        sequence = company._get_microloan_sequence(
            "microloan.credit.line",
            self.env._("Credit lines of %(company)s", company=company.name),
            "CL%(range_year)s-",
            4,
            implementation="no_gap",
        )
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        number = sequence.next_by_id(sequence_date=date)
        return f"{company._get_microloan_branch_code()}-{number}"

    def _check_user_group(self, group_xmlid, message):
        if not self.env.su and not self.env.user.has_group(group_xmlid):
            raise AccessError(message)

    def _check_line_state(self, allowed, message):
        """Raise ``message`` (translated, with ``%(line)s`` and ``%(state)s``)
        for the first line whose state is not in ``allowed``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for line in self:
            if line.state not in allowed:
                raise UserError(
                    message % {"line": line.name, "state": labels[line.state]}
                )

    def _check_entry_input(self, amount, date):
        """Validate an entry's amount and date; return the amount as Decimal."""
        currency = self.currency_id
        if not date:
            raise UserError(self.env._("The entry needs a date."))
        if date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "An entry cannot be dated in the future (%(date)s).", date=date
                )
            )
        try:
            amount = float(amount)
        except (TypeError, ValueError):
            amount = 0.0
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._("The amount must be positive."))
        return self._to_decimal(amount)

    def _to_decimal(self, amount):
        return Decimal(float_repr(amount, self.currency_id.decimal_places))

    def _engine_totals(self, entries):
        """Return the ``microloan_engine.interest.CreditLineTotals`` of
        ``entries``, effective draws and repayments of this line."""
        self.ensure_one()
        draws = entries.filtered(lambda e: e.kind == "draw")
        return credit_line_totals(
            [self._to_decimal(entry.amount) for entry in draws],
            [
                CreditLineRepayment(
                    on=entry.date,
                    amount=self._to_decimal(entry.amount),
                    interest_from=entry.interest_from or entry.date,
                    interest_accrued=self._to_decimal(entry.interest_accrued),
                    accumulated_product=Decimal(
                        float_repr(entry.accumulated_product, 2)
                    ),
                    interest_paid=self._to_decimal(entry.interest_amount),
                    principal=self._to_decimal(entry.principal_amount),
                )
                for entry in entries - draws
            ],
        )

    def _lock(self):
        """Lock the line's row until the end of the transaction, so that two
        entries posted at once are computed one after the other."""
        lock_rows(
            self,
            self.env._(
                "This credit line is being updated by another posting: nothing "
                "was recorded, try again in a moment."
            ),
        )
        self.invalidate_recordset()
        self.entry_ids.invalidate_recordset()

    def _engine_ledger(self):
        """Return the ``microloan_engine.interest.CreditLine`` of the posted,
        non-reversed entries (repayments count with their principal part) and
        the date interest is settled to."""
        self.ensure_one()
        currency = self.currency_id
        entries = []
        for entry in self.entry_ids._filter_effective().sorted(
            lambda e: (e.date, e.sequence, e.id)
        ):
            if entry.kind == "draw":
                entries.append(
                    CreditLineEntry(entry.date, "draw", self._to_decimal(entry.amount))
                )
            elif not currency.is_zero(entry.principal_amount):
                entries.append(
                    CreditLineEntry(
                        entry.date, "repay", self._to_decimal(entry.principal_amount)
                    )
                )
        try:
            return CreditLine(
                limit=self._to_decimal(self.limit_amount),
                annual_rate=Decimal(float_repr(self.interest_rate, RATE_DIGITS)) / 100,
                day_count=self.day_count,
                entries=tuple(entries),
                interest_paid_to=self.interest_settled_to or None,
                decimals=currency.decimal_places,
                rounding=self.product_id.rounding or "half_up",
                interest_due=self._to_decimal(self.interest_due),
            )
        except EngineError as error:
            self._raise_engine_error(error)

    def _raise_engine_error(self, error, ledger=None, date=None):
        """Turn an engine refusal into a translated error."""
        if error.field == "amount" and "limit" in error.message:
            available = ledger.available(date) if ledger and date else None
            if available is not None:
                message = self.env._(
                    "The draw would take %(line)s beyond its limit of %(limit)s: "
                    "%(available)s is available on %(date)s, taking later entries "
                    "into account.",
                    line=self.name,
                    limit=self.currency_id.format(self.limit_amount),
                    available=self.currency_id.format(float(available)),
                    date=date,
                )
            else:
                message = self.env._(
                    "The posted entries of %(line)s would exceed the limit of "
                    "%(limit)s.",
                    line=self.name,
                    limit=self.currency_id.format(self.limit_amount),
                )
        elif error.field == "amount" and "outstanding" in error.message:
            message = self.env._(
                "The repayment exceeds the principal outstanding on %(line)s.",
                line=self.name,
            )
        elif error.field == "on":
            message = self.env._(
                "Interest of %(line)s is settled up to %(settled)s: an entry cannot "
                "be dated before it. Reverse the later repayments first.",
                line=self.name,
                settled=self.interest_settled_to,
            )
        elif error.field == "amount":
            message = self.env._(
                "The amount must be positive, in whole cents of %(currency)s.",
                currency=self.currency_id.name,
            )
        else:
            field, reason = engine_message(self.env, error)
            message = self.env._(
                "The credit line %(line)s cannot be computed (%(field)s: %(reason)s).",
                line=self.name,
                field=field,
                reason=reason,
            )
        raise UserError(message) from error

    def _create_entry(self, vals):
        self.ensure_one()
        sequence = max(self.entry_ids.mapped("sequence"), default=0) + 1
        # sudo: entries are posted by draw(), register_repayment() and
        # _reverse() only, once they have checked the caller and the engine.
        entry = (
            self.env["microloan.credit.line.entry"]
            .sudo()
            .create({"line_id": self.id, "sequence": sequence, **vals})
            # sudo(self.env.su): back to the caller's rights for the entry returned.
            .sudo(self.env.su)
        )
        self.invalidate_recordset()
        return entry
