import calendar
from datetime import date, timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

from microloan_engine.classification import TIERS
from microloan_engine.limits import limit_usage, percent_limit
from microloan_engine.performance import funding_leverage

MONTHS = [(str(month), str(month)) for month in range(1, 13)]
# Single-borrower limit in percent of the net assets (金规〔2024〕26号).
SINGLE_BORROWER_PERCENT = Decimal("10")


class MicroloanRegulatoryReturn(models.TransientModel):
    """Collects the month and the company of the monthly statistical return
    of a 小额贷款公司 and exports it as XLSX
    (report.microloan_reports.report_regulatory_return_xlsx). The company's
    figures include its branches (the companies under it) the user works
    in."""

    _name = "microloan.regulatory.return"
    _description = "Monthly Regulatory Return"

    company_id = fields.Many2one(
        "res.company",
        string="Company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    year = fields.Integer(
        required=True, default=lambda self: self._default_period().year
    )
    month = fields.Selection(
        selection=MONTHS,
        required=True,
        default=lambda self: str(self._default_period().month),
    )

    @api.model
    def _default_period(self):
        """The previous month: the return is made after the month's close."""
        today = fields.Date.context_today(self)
        return today.replace(day=1) - timedelta(days=1)

    @api.constrains("year", "month", "company_id")
    def _check_period(self):
        for wizard in self:
            if not 2000 <= wizard.year <= 2999:
                raise ValidationError(
                    self.env._("The year of the return must lie between 2000 and 2999.")
                )
            if wizard.company_id not in self.env.user.company_ids:
                raise ValidationError(
                    self.env._("You can only make the return of a company you work in.")
                )

    def action_export(self):
        """Download the return as XLSX."""
        self.ensure_one()
        return self.env.ref(
            "microloan_reports.action_report_regulatory_return_xlsx"
        ).report_action(self)

    # -- figures -----------------------------------------------------------

    @property
    def _month_start(self):
        return date(self.year, int(self.month), 1)

    @property
    def _month_end(self):
        return date(
            self.year,
            int(self.month),
            calendar.monthrange(self.year, int(self.month))[1],
        )

    def _companies(self):
        """The company and its branches the user works in."""
        self.ensure_one()
        # sudo: the companies' tree, whichever are active in the switcher.
        path = self.company_id.sudo().parent_path
        return self.env.user.company_ids.filtered(
            lambda company: company.sudo().parent_path.startswith(path)
        )

    @api.model
    def _money(self, value):
        return Decimal(float_repr(value or 0.0, 2))

    def _categories(self, field_name):
        """The rows of a breakdown: ``[(key, label)]``, every category even
        when empty (the layout is fixed)."""
        Report = self.env["microloan.performance.report"]
        field = Report._fields[field_name]
        if field.type == "selection":
            selection = field._description_selection(self.env)
            if field_name == "risk_tier":
                labels = dict(selection)
                return [(tier, labels.get(tier, tier)) for tier in TIERS]
            return selection
        types = self.env["microloan.guarantee.type"].search([], order="sequence, id")
        return [(record.id, record.display_name) for record in types]

    def _get_return(self):
        """The figures of the return as plain Python: ``{"total": row,
        "sections": [(title, [(label, row)])], "funding": {...}}`` where a
        row is ``{"balance", "loans", "borrowers", "new_amount", "new_loans",
        "ytd_amount"}`` (Decimal money, int counts): the principal balance at
        the month's end (the sub-ledger's, equal to the general ledger's), the
        loans and borrowers owing at the month's end, the loans first
        disbursed in the month and their amount, and the amount disbursed
        since the start of the year.

        The loans' figures are the month view's, read by one query per table
        over the book (``microloan.performance.report._get_month_end_rows``);
        every breakdown is summed from them in ``Decimal``."""
        self.ensure_one()
        companies = self._companies()
        Report = self.env["microloan.performance.report"]
        # The rows are read in SQL: the user's right to the month view is
        # checked here, the companies by _check_period and _companies.
        Report.check_access("read")
        rows = Report._get_month_end_rows(companies, self._month_start, self._month_end)
        dims = [field_name for field_name, _title in self._breakdowns()]
        sums = {}
        balances_by_borrower = {}

        def figures(key):
            return sums.setdefault(key, self._empty_row() | {"partners": set()})

        for loan in rows.values():
            balance = loan["balance_end"]
            new_amount = loan["disbursed_amount"]
            ytd_amount = loan["ytd_amount"]
            keys = [None] + [(dim, loan[dim]) for dim in dims]
            for key in keys:
                row = figures(key)
                row["balance"] += balance
                row["new_amount"] += new_amount
                row["new_loans"] += loan["new_loan_count"]
                row["ytd_amount"] += ytd_amount
                if balance:
                    row["loans"] += 1
                    row["partners"].add(loan["partner_id"])
            if balance:
                partner = loan["partner_id"]
                balances_by_borrower[partner] = (
                    balances_by_borrower.get(partner, Decimal(0)) + balance
                )
        for row in sums.values():
            row["borrowers"] = len(row.pop("partners"))

        total = sums.get(None, self._empty_row())
        sections = []
        for field_name, title in self._breakdowns():
            lines = []
            for key, label in self._categories(field_name):
                lines.append(
                    (label, sums.pop((field_name, key), None) or self._empty_row())
                )
            for key in [k for k in sums if k and k[0] == field_name]:
                lines.append((self.env._("Undefined"), sums.pop(key)))
            sections.append((title, lines))
        largest = max(balances_by_borrower.values(), default=Decimal(0))
        return {
            "companies": companies,
            "month_end": self._month_end,
            "total": total,
            "sections": sections,
            "funding": self._get_funding(companies, total, largest),
        }

    @api.model
    def _breakdowns(self):
        """The return's breakdowns: (field of the month view, title)."""
        _ = self.env._
        return (
            ("borrower_type", _("By Borrower Type")),
            ("term_band", _("By Term")),
            ("guarantee_type_id", _("By Guarantee Method")),
            ("rate_band", _("By Annual Rate")),
            ("risk_tier", _("By Classification")),
        )

    @api.model
    def _empty_row(self):
        zero = Decimal("0.00")
        return {
            "balance": zero,
            "loans": 0,
            "borrowers": 0,
            "new_amount": zero,
            "new_loans": 0,
            "ytd_amount": zero,
        }

    def _gl_balance(self, companies, date_to, domain):
        """The balance (debit − credit) of the posted items of ``companies``
        up to ``date_to`` matching ``domain``."""
        # sudo: the return's figures come from the general ledger of the
        # companies the user was checked to work in.
        rows = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", date_to),
                ]
                + domain,
                [],
                ["balance:sum"],
            )
        )
        return self._money(rows[0][0] if rows else 0.0)

    def _get_funding(self, companies, total, largest):
        """Funding sources at the month's end (credit balances of the
        accounts each company names), the net assets at the end of the
        previous year (assets less liabilities in the general ledger) and the
        engine's limits (docs/domain.md §3.4)."""
        self.ensure_one()
        sources = {}
        for key in ("bank", "shareholder", "bond", "abs"):
            accounts = companies.sudo()[f"microloan_{key}_funding_account_ids"]
            sources[key] = (
                -self._gl_balance(
                    companies, self._month_end, [("account_id", "in", accounts.ids)]
                )
                if accounts
                else Decimal("0.00")
            )
        previous_year_end = date(self.year - 1, 12, 31)
        net_assets = self._gl_balance(
            companies,
            previous_year_end,
            [("account_id.internal_group", "in", ("asset", "liability"))],
        )
        leverage = funding_leverage(
            net_assets,
            max(sources["bank"], Decimal(0)),
            max(sources["shareholder"], Decimal(0)),
            max(sources["bond"], Decimal(0)),
            max(sources["abs"], Decimal(0)),
        )
        single_limit = percent_limit(
            max(net_assets, Decimal(0)), SINGLE_BORROWER_PERCENT
        )
        return {
            "sources": sources,
            "net_assets": net_assets,
            "leverage": leverage,
            "loan_balance": total["balance"],
            "single_borrower": limit_usage([largest], Decimal(0), single_limit),
        }
