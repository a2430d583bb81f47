from collections import defaultdict
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

    def _exposure_parts(
        self, partner, company, date, exclude_loan=None, group=None, exclude_loans=None
    ):
        """What ``partner`` (or his related group) owes, as amounts in the
        company's currency: loans lent, credit lines drawn and guarantees
        given (see microloan_engine.limits). ``group``: the partners counted,
        when the caller has it (``_exposure_group``); ``exclude_loans``: loans
        left out besides ``exclude_loan`` (a batch the caller counts itself)."""
        self.ensure_one()
        currency = company.currency_id
        if group is None:
            group = self._exposure_group(partner)
        excluded = (exclude_loans or self.env["microloan.loan"]) | (
            exclude_loan or self.env["microloan.loan"]
        )
        # sudo: the exposure counts every branch; only totals are shown.
        Loan = self.env["microloan.loan"].sudo()
        loan_domain = [("partner_id", "in", group.ids), ("state", "in", LENT_STATES)]
        if self.product_ids:
            loan_domain.append(("product_id", "in", self.product_ids.ids))
        if excluded:
            loan_domain.append(("id", "not in", excluded.ids))
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
            if loan in excluded:
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

    def _exposure_group(self, partner):
        """The partners whose debts count against this limit for ``partner``:
        the same person in every branch, with the related parties for a
        related-party limit."""
        self.ensure_one()
        group = partner._microloan_same_person()
        if self.scope == "related":
            group = group._microloan_related_group()._microloan_same_person()
        return group

    def _exposure_groups(self, partners):
        """``_exposure_group`` of each of ``partners`` (a dict partner id ->
        set of partner ids), read with a few queries for all of them."""
        self.ensure_one()
        # sudo: the groups are counted whatever branch their members belong to.
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        partners = partners.sudo()

        def same_person(groups):
            members = Partner.browse(set().union(*groups.values()))
            numbers = {p.id: p.microloan_id_number for p in members}
            wanted = {n for n in numbers.values() if n}
            holders = defaultdict(set)
            if wanted:
                for row in Partner.search_read(
                    [("microloan_id_number", "in", list(wanted))],
                    ["microloan_id_number"],
                ):
                    holders[row["microloan_id_number"]].add(row["id"])
            return {
                key: ids.union(*(holders[numbers[i]] for i in ids if numbers[i]))
                for key, ids in groups.items()
            }

        groups = same_person({p.id: {p.id} for p in partners})
        if self.scope != "related":
            return groups
        # The related group (res.partner._microloan_related_group) of each.
        members = Partner.browse(set().union(*groups.values()))
        commercial = {p.id: p.commercial_partner_id.id for p in members}
        groups = {
            key: ids | {commercial[i] for i in ids if commercial[i]}
            for key, ids in groups.items()
        }
        everyone = list(set().union(*groups.values()))
        by_commercial = defaultdict(set)
        # Active contacts only, as res.partner._microloan_related_group reads.
        Active = self.env["res.partner"].sudo()
        for row in Active.search_read(
            [("commercial_partner_id", "in", everyone)], ["commercial_partner_id"]
        ):
            by_commercial[row["commercial_partner_id"][0]].add(row["id"])
        groups = {
            key: ids.union(*(by_commercial[i] for i in ids))
            for key, ids in groups.items()
        }
        members = Partner.browse(set().union(*groups.values()))
        related = {p.id: set(p.microloan_related_partner_ids.ids) for p in members}
        groups = {
            key: ids.union(*(related[i] for i in ids)) for key, ids in groups.items()
        }
        everyone = list(set().union(*groups.values()))
        relating = defaultdict(set)
        for partner in Active.search(
            [("microloan_related_partner_ids", "in", everyone)]
        ):
            for target in partner.microloan_related_partner_ids.ids:
                relating[target].add(partner.id)
        groups = {
            key: ids.union(*(relating[i] for i in ids)) for key, ids in groups.items()
        }
        return same_person(groups)

    def _exposure_parts_many(self, groups, company, date, exclude_loans):
        """``_exposure_parts`` of several borrowers at once: ``groups`` is
        what ``_exposure_groups`` returns; the loans, credit lines and
        guarantees of all of them are read in one query each. Returns a dict
        partner id -> list of amounts in the company's currency."""
        self.ensure_one()
        currency = company.currency_id
        everyone = list(set().union(*groups.values()))
        product_ids = self.product_ids.ids
        # sudo: the exposure counts every branch; only totals are shown.
        Loan = self.env["microloan.loan"].sudo()
        loan_domain = [("partner_id", "in", everyone), ("state", "in", LENT_STATES)]
        if product_ids:
            loan_domain.append(("product_id", "in", product_ids))
        if exclude_loans:
            loan_domain.append(("id", "not in", exclude_loans.ids))
        owed = defaultdict(list)
        for loan in Loan.search(loan_domain):
            owed[loan.partner_id.id].append(
                loan.currency_id._convert(
                    loan._exposure_amount(), currency, company, date
                )
            )
        line_domain = [("partner_id", "in", everyone), ("state", "=", "active")]
        if product_ids:
            line_domain.append(("product_id", "in", product_ids))
        for line in self.env["microloan.credit.line"].sudo().search(line_domain):
            owed[line.partner_id.id].append(
                line.currency_id._convert(
                    line.principal_outstanding, currency, company, date
                )
            )
        guarantees = (
            self.env["microloan.guarantee"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", everyone),
                    ("loan_id.state", "in", LENT_STATES),
                ]
            )
        )
        result = {}
        for key, ids in groups.items():
            parts = [part for i in ids for part in owed.get(i, ())]
            for guarantee in guarantees:
                loan = guarantee.loan_id
                if (
                    guarantee.partner_id.id not in ids
                    or loan.partner_id.id in ids
                    or (product_ids and loan.product_id.id not in product_ids)
                    or loan in exclude_loans
                ):
                    continue
                decimals = loan.currency_id.decimal_places
                exposure = guaranteed_exposure(
                    Decimal(float_repr(guarantee.amount, decimals)),
                    Decimal(float_repr(loan._exposure_amount(), decimals)),
                )
                parts.append(
                    loan.currency_id._convert(float(exposure), currency, company, date)
                )
            result[key] = parts
        return result

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
                limit._raise_breached(partner, company, usage)

    def _raise_breached(self, partner, company, usage):
        """Refuse a new exposure of ``partner`` that breaches this limit."""
        currency = company.currency_id
        raise UserError(
            self.env._(
                "The limit %(limit)s is breached: %(partner)s and the "
                "parties it counts owe %(exposure)s; with %(amount)s more "
                "that is %(total)s, above the limit of %(maximum)s "
                "(headroom %(headroom)s).",
                limit=self.name,
                partner=partner.display_name,
                exposure=currency.format(float(usage.exposure)),
                amount=currency.format(float(usage.new_amount)),
                total=currency.format(float(usage.total)),
                maximum=currency.format(float(usage.limit)),
                headroom=currency.format(float(usage.headroom)),
            )
        )

    @api.model
    def _check_new_exposures(self, entries):
        """``_check_new_exposure`` for a batch of loans, as if they were taken
        one after the other in the order of ``entries``: dicts ``{"loan",
        "partner", "product", "company", "date", "amount", "base", "after"}``
        (``amount`` and ``base`` in the company's currency as for
        ``_check_new_exposure``; ``after``: what the loan counts, in its
        currency, once its own step is done: its amount once approved, the
        amount paid out once disbursed). The exposure outside the batch is
        read once per limit and borrower; each loan of the batch counts for
        the others at ``after`` when it comes earlier, at what it counts now
        when it comes later."""
        Loan = self.env["microloan.loan"]
        batch = Loan.browse([entry["loan"].id for entry in entries])
        for entry in entries:
            loan = entry["loan"]
            entry["before"] = (
                loan._exposure_amount() if loan.state in LENT_STATES else 0.0
            )
        in_force = {}
        prepared = {}
        links = {}
        for index, entry in enumerate(entries):
            company, date, partner = entry["company"], entry["date"], entry["partner"]
            if (company, date) not in in_force:
                in_force[company, date] = self._get_in_force(company, date)
            product = entry["product"]
            decimals = company.currency_id.decimal_places
            for limit in in_force[company, date]:
                if limit.product_ids and product not in limit.product_ids:
                    continue
                if (limit, company, date) not in prepared:
                    # Once per limit, branch and date: the groups and the
                    # exposure outside the batch of every borrower of it.
                    borrowers = self.env["res.partner"].browse(
                        {
                            other["partner"].id
                            for other in entries
                            if other["company"] == company and other["date"] == date
                        }
                    )
                    groups = limit._exposure_groups(borrowers)
                    prepared[limit, company, date] = (
                        groups,
                        limit._exposure_parts_many(groups, company, date, batch),
                        limit._limit_amount(company, date),
                    )
                if limit not in links:
                    links[limit] = limit._batch_links(entries)
                groups, outside, maximum = prepared[limit, company, date]
                group = self.env["res.partner"].browse(groups[partner.id])
                parts = outside[partner.id] + limit._batch_parts(
                    entries, index, group, company, date, links[limit]
                )
                if entry["base"]:
                    parts.append(entry["base"])
                usage = limit_usage(
                    [Decimal(float_repr(part, decimals)) for part in parts],
                    Decimal(float_repr(entry["amount"], decimals)),
                    Decimal(float_repr(maximum, decimals)),
                )
                if usage.breached:
                    limit._raise_breached(partner, company, usage)

    def _batch_parts(self, entries, index, group, company, date, links=None):
        """What the other loans of a batch (``_check_new_exposures``) count
        against this limit for the loan at ``index``, whose borrower's
        ``group`` is given: their own debt when their borrower is in it, the
        guarantees its members gave on them otherwise. ``links``: the
        batch's loans by borrower and guarantor (``_batch_links``), built
        once per limit rather than every loan of the batch read for every
        other."""
        self.ensure_one()
        if links is None:
            links = self._batch_links(entries)
        currency = company.currency_id
        members = set(group.ids)
        owed = set()
        guaranteed = []
        for member in members:
            owed.update(links["borrower"].get(member, ()))
            guaranteed += links["guarantor"].get(member, ())
        parts = []
        for other_index in sorted(owed | {i for i, _guarantee in guaranteed}):
            if other_index == index:
                continue
            other = entries[other_index]
            value = other["after"] if other_index < index else other["before"]
            if not value:
                continue
            loan = other["loan"]
            if other_index in owed:
                parts.append(loan.currency_id._convert(value, currency, company, date))
                continue
            decimals = loan.currency_id.decimal_places
            for guarantee in loan.guarantee_ids:
                if guarantee.partner_id.id not in members:
                    continue
                exposure = guaranteed_exposure(
                    Decimal(float_repr(guarantee.amount, decimals)),
                    Decimal(float_repr(value, decimals)),
                )
                parts.append(
                    loan.currency_id._convert(float(exposure), currency, company, date)
                )
        return parts

    def _batch_links(self, entries):
        """The loans of a batch (``_check_new_exposures``) that count against
        this limit, by index: ``{"borrower": {partner_id: {index}},
        "guarantor": {partner_id: [(index, guarantee)]}}``."""
        self.ensure_one()
        links = {"borrower": defaultdict(set), "guarantor": defaultdict(list)}
        for index, entry in enumerate(entries):
            loan = entry["loan"]
            if self.product_ids and loan.product_id not in self.product_ids:
                continue
            links["borrower"][loan.partner_id.id].add(index)
            for guarantee in loan.guarantee_ids:
                links["guarantor"][guarantee.partner_id.id].append((index, guarantee))
        return links
