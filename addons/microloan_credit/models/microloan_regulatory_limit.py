from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_repr

from microloan_engine.limits import guaranteed_exposure, limit_usage, percent_limit

LENT_STATES = ("approved", "active")


class MicroloanRegulatoryLimit(models.Model):
    """A lending limit of 金规〔2024〕26号 (docs/domain.md §3.4) or of the
    company: what one borrower (with the same identity number in every
    branch), or a borrower and his related parties, may owe; a percentage of
    the net assets at the end of the previous year, or an amount; for every
    product or some. Checked before each approval and each disbursement."""

    _name = "microloan.regulatory.limit"
    _description = "Regulatory Limit"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    scope = fields.Selection(
        selection=[
            ("borrower", "One Borrower"),
            ("related", "Borrower and Related Parties"),
        ],
        required=True,
        default="borrower",
        tracking=True,
    )
    basis = fields.Selection(
        selection=[
            ("net_assets", "Percentage of Prior-Year Net Assets"),
            ("amount", "Fixed Amount"),
        ],
        required=True,
        default="net_assets",
        tracking=True,
    )
    percent = fields.Float(
        string="Percentage (%)", digits=(7, 4), tracking=True, default=10.0
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    amount = fields.Monetary(string="Limit Amount", tracking=True)
    product_ids = fields.Many2many(
        "microloan.product",
        string="Products",
        help="Only the loans of these products count and are checked; empty: all.",
    )
    date_from = fields.Date(
        string="Effective From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_to = fields.Date(string="Effective Until", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        default=lambda self: self.env.company,
        help="The company whose branches the limit binds; empty: every company.",
    )

    @api.constrains("percent", "amount", "basis", "date_from", "date_to")
    def _check_values(self):
        for limit in self:
            if limit.basis == "net_assets" and not 0 < limit.percent <= 100:
                raise ValidationError(
                    self.env._("A percentage limit must be above 0 and at most 100.")
                )
            if (
                limit.basis == "amount"
                and limit.currency_id.compare_amounts(limit.amount, 0.0) <= 0
            ):
                raise ValidationError(self.env._("A limit amount must be positive."))
            if limit.date_to and limit.date_to < limit.date_from:
                raise ValidationError(
                    self.env._("The end of a limit cannot precede its start.")
                )

    @api.model
    def _get_in_force(self, company, date, product=None):
        """The limits binding ``company`` on ``date`` (for ``product``)."""
        # sudo: the limits bind every user, whatever he may read.
        limits = self.sudo().search(
            [
                ("date_from", "<=", date),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", date),
                "|",
                ("company_id", "=", False),
                ("company_id", "parent_of", company.ids),
            ]
        )
        if product is not None:
            limits = limits.filtered(
                lambda limit: not limit.product_ids or product in limit.product_ids
            )
        return limits

    def _limit_amount(self, company, date):
        """The amount of this limit for ``company`` on ``date``, in the
        company's currency."""
        self.ensure_one()
        currency = company.currency_id
        if self.basis == "amount":
            return self.currency_id._convert(self.amount, currency, company, date)
        year = date.year - 1
        base = self.env["microloan.net.assets"]._get_for(company, year)
        if not base:
            raise UserError(
                self.env._(
                    "The limit %(limit)s needs the net assets at the end of "
                    "%(year)s: enter them in Microloan > Configuration > Net "
                    "Assets.",
                    limit=self.name,
                    year=year,
                )
            )
        value = base.currency_id._convert(base.amount, currency, company, date)
        return float(
            percent_limit(
                Decimal(float_repr(value, currency.decimal_places)),
                Decimal(float_repr(self.percent, 4)),
                currency.decimal_places,
            )
        )

    def _exposure_parts(self, partner, company, date, exclude_loan=None):
        """What ``partner`` (or his related group) owes, as amounts in the
        company's currency: loans lent, credit lines drawn and guarantees
        given (see microloan_engine.limits)."""
        self.ensure_one()
        currency = company.currency_id
        group = partner._microloan_same_person()
        if self.scope == "related":
            group = group._microloan_related_group()._microloan_same_person()
        # sudo: the exposure counts every branch; only totals are shown.
        Loan = self.env["microloan.loan"].sudo()
        loan_domain = [("partner_id", "in", group.ids), ("state", "in", LENT_STATES)]
        if self.product_ids:
            loan_domain.append(("product_id", "in", self.product_ids.ids))
        if exclude_loan:
            loan_domain.append(("id", "!=", exclude_loan.id))
        parts = [
            loan.currency_id._convert(loan._exposure_amount(), currency, company, date)
            for loan in Loan.search(loan_domain)
        ]
        line_domain = [("partner_id", "in", group.ids), ("state", "=", "active")]
        if self.product_ids:
            line_domain.append(("product_id", "in", self.product_ids.ids))
        parts += [
            line.currency_id._convert(
                line.principal_outstanding, currency, company, date
            )
            for line in self.env["microloan.credit.line"].sudo().search(line_domain)
        ]
        guarantees = (
            self.env["microloan.guarantee"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", group.ids),
                    ("loan_id.state", "in", LENT_STATES),
                    ("loan_id.partner_id", "not in", group.ids),
                ]
            )
        )
        for guarantee in guarantees:
            loan = guarantee.loan_id
            if self.product_ids and loan.product_id not in self.product_ids:
                continue
            if exclude_loan and loan == exclude_loan:
                continue
            decimals = loan.currency_id.decimal_places
            exposure = guaranteed_exposure(
                Decimal(float_repr(guarantee.amount, decimals)),
                Decimal(float_repr(loan._exposure_amount(), decimals)),
            )
            parts.append(
                loan.currency_id._convert(float(exposure), currency, company, date)
            )
        return parts

    def _usage(self, partner, company, date, amount=0.0, exclude_loan=None, base=0.0):
        """The engine's ``LimitUsage`` of this limit by ``partner`` with a new
        ``amount`` (and ``base``: what the excluded loan already owes)."""
        self.ensure_one()
        decimals = company.currency_id.decimal_places
        parts = self._exposure_parts(partner, company, date, exclude_loan)
        if base:
            parts.append(base)
        return limit_usage(
            [Decimal(float_repr(part, decimals)) for part in parts],
            Decimal(float_repr(amount, decimals)),
            Decimal(float_repr(self._limit_amount(company, date), decimals)),
        )

    @api.model
    def _check_new_exposure(
        self, partner, product, company, amount, date, loan=None, base=0.0
    ):
        """Raise when lending ``amount`` more to ``partner`` breaches a limit
        in force: the message names the limit, the exposure, the limit and
        the headroom."""
        for limit in self._get_in_force(company, date, product):
            usage = limit._usage(partner, company, date, amount, loan, base)
            if usage.breached:
                currency = company.currency_id
                raise UserError(
                    self.env._(
                        "The limit %(limit)s is breached: %(partner)s and the "
                        "parties it counts owe %(exposure)s; with %(amount)s more "
                        "that is %(total)s, above the limit of %(maximum)s "
                        "(headroom %(headroom)s).",
                        limit=limit.name,
                        partner=partner.display_name,
                        exposure=currency.format(float(usage.exposure)),
                        amount=currency.format(float(usage.new_amount)),
                        total=currency.format(float(usage.total)),
                        maximum=currency.format(float(usage.limit)),
                        headroom=currency.format(float(usage.headroom)),
                    )
                )
