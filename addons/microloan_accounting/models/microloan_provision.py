from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr, format_date, formatLang

from microloan_engine import EngineError
from microloan_engine.classification import TIERS
from microloan_engine.provisioning import ProvisionRates, provision

from .microloan_product_provisioning import RATE_FIELDS

ZERO = Decimal(0)
PROVISIONED_STATES = ("active",)


class MicroloanProvision(models.Model):
    """One provisioning of a loan product in a branch on a date: the allowance
    the five tiers require (``microloan_engine.provisioning``), the allowance
    the books held, and the entry moving the one to the other."""

    _name = "microloan.provision"
    _description = "Loan-Loss Provisioning"
    _inherit = ["microloan.guard.mixin"]
    _order = "date desc, company_id, product_id, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    product_id = fields.Many2one(
        "microloan.product",
        string="Product",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id", string="Currency", store=True
    )
    date = fields.Date(required=True, readonly=True, index=True)
    balance_normal = fields.Monetary(string="Normal (正常)", readonly=True)
    balance_special_mention = fields.Monetary(
        string="Special Mention (关注)", readonly=True
    )
    balance_substandard = fields.Monetary(string="Substandard (次级)", readonly=True)
    balance_doubtful = fields.Monetary(string="Doubtful (可疑)", readonly=True)
    balance_loss = fields.Monetary(string="Loss (损失)", readonly=True)
    total_loans = fields.Monetary(readonly=True)
    npl = fields.Monetary(string="Non-Performing Loans", readonly=True)
    specific_provision = fields.Monetary(readonly=True)
    general_provision = fields.Monetary(readonly=True)
    target_allowance = fields.Monetary(
        string="Required Allowance",
        readonly=True,
        help="Specific provision of each tier plus the general provision.",
    )
    allowance_before = fields.Monetary(
        string="Allowance Held",
        readonly=True,
        help="Balance of the loan-loss allowance of the product before this "
        "provisioning (after write-offs against it).",
    )
    amount = fields.Monetary(
        string="Provision (Release)",
        readonly=True,
        help="Charged to impairment when positive, released when negative.",
    )
    # The rates of the product this provisioning used (in percent), and the
    # allowance held before it split into what was provisioned and what
    # write-offs took from it: the row explains its figures with them.
    rate_normal = fields.Float(string="Normal Rate (%)", digits=(7, 4), readonly=True)
    rate_special_mention = fields.Float(
        string="Special Mention Rate (%)", digits=(7, 4), readonly=True
    )
    rate_substandard = fields.Float(
        string="Substandard Rate (%)", digits=(7, 4), readonly=True
    )
    rate_doubtful = fields.Float(
        string="Doubtful Rate (%)", digits=(7, 4), readonly=True
    )
    rate_loss = fields.Float(string="Loss Rate (%)", digits=(7, 4), readonly=True)
    rate_general = fields.Float(
        string="General Provision Rate (%)", digits=(7, 4), readonly=True
    )
    allowance_provisioned = fields.Monetary(
        string="Provisions Booked Before",
        readonly=True,
        help="The provisions (net of releases) of the product booked before "
        "this one.",
    )
    allowance_written_off = fields.Monetary(
        string="Write-Offs Against the Allowance",
        readonly=True,
        help="Principal and interest of the product's loans written off against "
        "the allowance (net of reinstatements) before this provisioning.",
    )
    explanation = fields.Html(
        string="How It Is Made",
        compute="_compute_explanation",
        sanitize=False,
        help="Each tier's base, rate and provision, the general provision, the "
        "allowance held before and why it is negative, and the charge or release.",
    )
    summary = fields.Char(
        string="Explanation",
        compute="_compute_explanation",
        help="The required allowance, the allowance held and the difference "
        "booked; why the allowance held is negative.",
    )
    npl_ratio = fields.Float(string="NPL Ratio (%)", digits=(7, 2), readonly=True)
    coverage_ratio = fields.Float(
        string="Coverage Ratio (%)",
        digits=(9, 2),
        readonly=True,
        help="拨备覆盖率: allowance over non-performing loans (0 without NPL).",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )

    @api.depends("product_id", "date")
    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._(
                "%(product)s, %(date)s",
                product=row.product_id.display_name or "",
                date=format_date(self.env, row.date),
            )

    @api.depends_context("lang")
    def _compute_explanation(self):
        for row in self:
            rows, summary = row._get_explanation()
            row.summary = summary
            row.explanation = Markup('<ul class="mb-0 ps-3">%s</ul>') % Markup("").join(
                Markup("<li>%s</li>") % text for text in rows
            )

    def _rates_used(self):
        """The ``ProvisionRates`` this provisioning used."""
        return ProvisionRates(
            **{
                key: Decimal(float_repr(self[f"rate_{key.removesuffix('_rate')}"], 4))
                / 100
                for key in RATE_FIELDS
            }
        )

    def _get_explanation(self):
        """``(rows, summary)``: the provisioning explained line by line (each
        tier's base × rate = provision from the engine, the general provision,
        the allowance held before and the charge or release) and in one
        sentence."""
        self.ensure_one()
        env = self.env
        currency = self.currency_id

        def money(value):
            return currency.format(float(value))

        def rate(value):
            return formatLang(env, float(value * 100), digits=2)

        tiers = dict(
            env["microloan.loan"]._fields["risk_tier"]._description_selection(env)
        )
        book = {
            tier: Decimal(float_repr(self[f"balance_{tier}"], currency.decimal_places))
            for tier in TIERS
        }
        rates = self._rates_used()
        report = provision(book, rates, decimals=currency.decimal_places)
        rows = []
        for tier, amount in report.specific_by_tier:
            if not book[tier]:
                continue
            rows.append(
                env._(
                    "%(tier)s: base %(base)s × %(rate)s%% = %(provision)s",
                    tier=tiers.get(tier, tier),
                    base=money(book[tier]),
                    rate=rate(rates.rate(tier)),
                    provision=money(amount),
                )
            )
        rows.append(
            env._(
                "General provision: all loans %(base)s × %(rate)s%% = %(provision)s",
                base=money(report.total_loans),
                rate=rate(rates.general_rate),
                provision=money(report.general),
            )
        )
        rows.append(
            env._(
                "New provision (required allowance): %(target)s",
                target=money(self.target_allowance),
            )
        )
        rows.append(
            env._(
                "Previous provision (allowance held): %(held)s = provisions "
                "booked %(provisioned)s less write-offs against the allowance "
                "%(written_off)s",
                held=money(self.allowance_before),
                provisioned=money(self.allowance_provisioned),
                written_off=money(self.allowance_written_off),
            )
        )
        negative = currency.compare_amounts(self.allowance_before, 0.0) < 0
        if negative:
            rows.append(
                env._(
                    "The allowance held is negative: loans written off "
                    "(%(written_off)s) were charged against it beyond what had "
                    "been provisioned (%(provisioned)s); this provisioning "
                    "charges the difference.",
                    written_off=money(self.allowance_written_off),
                    provisioned=money(self.allowance_provisioned),
                )
            )
        if currency.compare_amounts(self.amount, 0.0) >= 0:
            rows.append(
                env._(
                    "Charged to impairment: %(amount)s (new less previous)",
                    amount=money(self.amount),
                )
            )
        else:
            rows.append(
                env._(
                    "Released: %(amount)s (previous above new)",
                    amount=money(-self.amount),
                )
            )
        if negative:
            summary = env._(
                "Held is negative: write-offs %(written_off)s above provisions "
                "booked %(provisioned)s",
                written_off=money(self.allowance_written_off),
                provisioned=money(self.allowance_provisioned),
            )
        else:
            summary = env._(
                "Specific %(specific)s + general %(general)s",
                specific=money(self.specific_provision),
                general=money(self.general_provision),
            )
        return rows, summary

    @api.model_create_multi
    def create(self, vals_list):
        # Posted by the provisioning run through sudo() only.
        if not self.env.su:
            raise UserError(
                self.env._("Provisions are posted by the month-end provisioning run.")
            )
        return super().create(vals_list)

    def write(self, vals):
        # an empty write changes nothing: only a change is refused
        if vals:
            raise UserError(
                self.env._(
                    "Posted provisions cannot be changed: the next run corrects them."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        raise UserError(
            self.env._(
                "Posted provisions cannot be deleted: the next run corrects them."
            )
        )

    @api.model
    def _run_provisioning(self, date, companies=None):
        """Provision every loan product of ``companies`` (all by default) on
        ``date`` and return the entries posted.

        For each company and product: the principal outstanding per tier (in
        the company's currency at ``date``'s rate), the allowance the
        product's rates require (``microloan_engine.provisioning.provision``),
        and an entry Dr impairment / Cr allowance for the shortfall, or the
        reverse for a release. Running again for the same date posts nothing
        new unless the loans changed. Every product's configuration is
        checked before anything is written.
        """
        date = fields.Date.to_date(date)
        if companies is None:
            # sudo: the month-end provisioning runs for every branch.
            companies = self.env["res.company"].sudo().search([])
        moves = self.env["account.move"]
        # sudo: the lock-date check of the accrual run, made as that run makes it.
        Loan = self.env["microloan.loan"].sudo()
        for company in companies:
            balances = self._get_tier_balances(company, date)
            # Products with loans, and those still holding an allowance.
            products = (
                self.env["microloan.product"]
                # sudo: the products of every loan and provision of the branch.
                .sudo()
                .browse({product_id for product_id, _tier in balances})
            ) | self.sudo().search([("company_id", "=", company.id)]).product_id
            if not products:
                continue
            accounts = {
                product: product._get_microloan_accounts(company)
                for product in products
            }
            for product in products:
                Loan._check_accrual_lock_date(company, accounts[product], date)
            # The entries are labelled in the branch's language.
            in_branch_lang = self.with_context(lang=company._microloan_lang())
            for product in products.sorted("id"):
                moves |= in_branch_lang._provision_product(
                    company, product, accounts[product], date, balances
                )
        return moves

    @api.model
    def _get_tier_balances(self, company, date):
        """``{(product_id, tier): Decimal}``: principal outstanding of the active
        loans of ``company`` per product and tier, in the company's currency."""
        currency = company.currency_id
        result = defaultdict(Decimal)
        # sudo: the provisioning covers every active loan of the branch.
        rows = (
            self.env["microloan.loan"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", PROVISIONED_STATES),
                    ("disbursement_date", "<=", date),
                ],
                ["product_id", "risk_tier", "currency_id"],
                ["principal_outstanding:sum"],
            )
        )
        for product, tier, loan_currency, amount in rows:
            if loan_currency != currency:
                amount = loan_currency._convert(amount, currency, company, date)
            value = Decimal(float_repr(amount, currency.decimal_places))
            result[product.id, tier or "normal"] += max(value, ZERO)
        return result

    def _provision_product(self, company, product, accounts, date, balances):
        currency = company.currency_id
        book = {tier: balances.get((product.id, tier), ZERO) for tier in TIERS}
        try:
            report = provision(
                book,
                product._engine_provision_rates(),
                decimals=currency.decimal_places,
                rounding=product.rounding or "half_up",
            )
        except EngineError as error:
            raise UserError(
                self.env._(
                    "The provisioning of %(product)s cannot be computed "
                    "(%(field)s: %(reason)s).",
                    product=product.display_name,
                    field=error.field,
                    reason=error.message,
                )
            ) from error
        provisioned, written_off = self._get_allowance_parts(
            company, product, accounts["allowance"]
        )
        held = currency.round(provisioned - written_off)
        target = float(report.total_allowance)
        amount = currency.round(target - held)
        # sudo: only counts whether the day is provisioned, whatever the caller reads.
        existing = self.sudo().search_count(
            [
                ("company_id", "=", company.id),
                ("product_id", "=", product.id),
                ("date", "=", date),
            ],
            limit=1,
        )
        if currency.is_zero(amount) and (existing or not report.total_loans):
            return self.env["account.move"]
        move = self.env["account.move"]
        if not currency.is_zero(amount):
            move = self._create_provision_move(company, product, accounts, date, amount)
        # sudo: provisions are posted by this run only, never by a client.
        self.sudo().create(
            {
                "company_id": company.id,
                "product_id": product.id,
                "date": date,
                **{
                    f"balance_{tier}": float(amount_)
                    for tier, amount_ in report.balances
                },
                "total_loans": float(report.total_loans),
                "npl": float(report.npl),
                "specific_provision": float(report.specific),
                "general_provision": float(report.general),
                "target_allowance": target,
                "allowance_before": held,
                "allowance_provisioned": provisioned,
                "allowance_written_off": written_off,
                **{
                    f"rate_{key.removesuffix('_rate')}": product[field]
                    for key, field in RATE_FIELDS.items()
                },
                "amount": amount,
                "npl_ratio": float(report.npl_ratio * 100),
                "coverage_ratio": float(report.coverage_ratio * 100)
                if report.coverage_ratio is not None
                else 0.0,
                "move_id": move.id,
            }
        )
        return move

    @api.model
    def _get_allowance_held(self, company, product, account):
        """Credit balance of the allowance ``account`` for ``product`` in
        ``company``: the provisioning entries of the product, less the
        write-offs (and plus the reinstatements) of its loans."""
        provisioned, written_off = self._get_allowance_parts(company, product, account)
        return company.currency_id.round(provisioned - written_off)

    @api.model
    def _get_allowance_parts(self, company, product, account):
        """``(provisioned, written_off)``: the credit balance of the allowance
        ``account`` for ``product`` in ``company`` from its provisioning
        entries, and the debit balance its loans' write-offs (less their
        reinstatements) left on it."""
        # sudo: the allowance held is the ledger's balance, whatever the caller reads.
        Line = self.env["account.move.line"].sudo()
        # sudo: every provision of the product in the branch counts.
        provision_moves = (
            self.sudo()
            .search([("company_id", "=", company.id), ("product_id", "=", product.id)])
            .move_id
        )
        base = [
            ("company_id", "=", company.id),
            ("account_id", "=", account.id),
            ("parent_state", "=", "posted"),
        ]
        parts = []
        for domain in (
            [("move_id", "in", provision_moves.ids)],
            [("microloan_loan_id.product_id", "=", product.id)],
        ):
            rows = Line._read_group(base + domain, [], ["balance:sum"])
            parts.append(rows[0][0] or 0.0)
        round_ = company.currency_id.round
        # Provisions credit the allowance; write-offs debit it.
        return round_(-parts[0]), round_(parts[1])

    def _create_provision_move(self, company, product, accounts, date, amount):
        label = (
            self.env._("Loan-loss provision %(product)s", product=product.display_name)
            if amount > 0
            else self.env._(
                "Loan-loss provision released %(product)s",
                product=product.display_name,
            )
        )
        # sudo: the run posts the provision entry; loan users cannot create entries.
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": accounts["loan_journal"].id,
                    "date": date,
                    "ref": self.env._(
                        "Provisioning %(product)s %(date)s",
                        product=product.display_name,
                        date=date,
                    ),
                    "line_ids": [
                        fields.Command.create(
                            {
                                "name": label,
                                "account_id": accounts["impairment_expense"].id,
                                "balance": amount,
                            }
                        ),
                        fields.Command.create(
                            {
                                "name": label,
                                "account_id": accounts["allowance"].id,
                                "balance": -amount,
                            }
                        ),
                    ],
                }
            )
        )
        move._post(soft=False)
        return move
