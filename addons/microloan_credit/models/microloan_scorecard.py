from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from odoo.addons.microloan_base.tools.engine_messages import engine_message

from microloan_engine import EngineError
from microloan_engine.scoring import (
    Bin,
    Characteristic,
    Cutoff,
    ScoredLoan,
    backtest,
    check_bins,
    grade,
    score,
    worst_days_past_due,
)

RISK = "microloan_base.group_microloan_risk"
ADMIN = "microloan_base.group_microloan_admin"
# Loans of the back-test: those that were lent.
BOOK_STATES = ("approved", "active", "closed", "written_off")


def _decimal(value, digits=4):
    return Decimal(float_repr(value or 0.0, digits))


class MicroloanScorecard(models.Model):
    """A credit scorecard, one version of it: characteristics with bins and
    points, and cut-offs that give a grade, a decision, a maximum amount and a
    rate adjustment. Only a draft is edited; activating it retires the
    previous active version of the same code."""

    _name = "microloan.scorecard"
    _description = "Scorecard"
    _inherit = ["mail.thread", "microloan.guard.mixin"]
    _order = "code, version desc"
    _check_company_auto = True
    _microloan_guarded_fields = ("state",)

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True, help="Shared by the versions of the same scorecard."
    )
    version = fields.Integer(readonly=True, default=1, copy=False)
    state = fields.Selection(
        selection=[("draft", "Draft"), ("active", "Active"), ("retired", "Retired")],
        required=True,
        default="draft",
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        index=True,
        help="Leave empty to share the scorecard with every branch.",
    )
    product_ids = fields.Many2many(
        "microloan.product",
        string="Products",
        check_company=True,
        help="Leave empty to score the applications of every product.",
    )
    characteristic_ids = fields.One2many(
        "microloan.scorecard.characteristic",
        "scorecard_id",
        string="Characteristics",
        copy=True,
    )
    cutoff_ids = fields.One2many(
        "microloan.scorecard.cutoff", "scorecard_id", string="Cut-offs", copy=True
    )
    note = fields.Text()
    backtest_date = fields.Datetime(string="Back-Tested On", readonly=True, copy=False)
    backtest_loans = fields.Integer(
        string="Loans Back-Tested", readonly=True, copy=False
    )
    backtest_gini = fields.Float(
        string="Gini", digits=(5, 4), readonly=True, copy=False
    )
    backtest_ks = fields.Float(string="KS", digits=(5, 4), readonly=True, copy=False)
    backtest_line_ids = fields.One2many(
        "microloan.scorecard.backtest.line",
        "scorecard_id",
        string="Back-Test by Grade",
        readonly=True,
    )

    _sql_constraints = [
        (
            "code_version_unique",
            "unique(code, version, company_id)",
            "A scorecard version must be unique.",
        ),
    ]

    @api.depends("name", "version")
    def _compute_display_name(self):
        for scorecard in self:
            scorecard.display_name = self.env._(
                "%(name)s (v%(version)s)",
                name=scorecard.name or "",
                version=scorecard.version,
            )

    def write(self, vals):
        # The name, the note and the chatter's fields may change on any version.
        if not self.env.su and any(
            key not in ("name", "note") and not key.startswith("message_")
            for key in vals
        ):
            self._check_draft()
        return super().write(vals)

    def _check_draft(self):
        frozen = self.filtered(lambda s: s.state != "draft")
        if frozen:
            raise UserError(
                self.env._(
                    "%(scorecard)s is in use or retired: make a new version to "
                    "change it.",
                    scorecard=frozen[0].display_name,
                )
            )

    def _check_manager(self):
        if not self.env.su and not (
            self.env.user.has_group(RISK) or self.env.user.has_group(ADMIN)
        ):
            raise UserError(
                self.env._("Only risk officers and administrators manage scorecards.")
            )

    def action_activate(self):
        """Put draft scorecards in use; the active version of the same code
        is retired."""
        self._check_manager()
        for scorecard in self:
            if scorecard.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft scorecard can be activated: %(scorecard)s.",
                        scorecard=scorecard.display_name,
                    )
                )
            scorecard._engine_characteristics()
            scorecard._engine_cutoffs()
            if not scorecard.characteristic_ids or not scorecard.cutoff_ids:
                raise UserError(
                    self.env._(
                        "%(scorecard)s needs characteristics and cut-offs.",
                        scorecard=scorecard.display_name,
                    )
                )
            previous = self.search(
                [
                    ("code", "=", scorecard.code),
                    ("company_id", "=", scorecard.company_id.id),
                    ("state", "=", "active"),
                    ("id", "!=", scorecard.id),
                ]
            )
            # sudo: the state is guarded; the caller was checked.
            previous.sudo().state = "retired"
            scorecard.sudo().state = "active"
        return True

    def action_new_version(self):
        """Copy the scorecard into the next draft version and open it."""
        scorecard = self.ensure_one()
        scorecard._check_manager()
        last = self.with_context(active_test=False).search(
            [
                ("code", "=", scorecard.code),
                ("company_id", "=", scorecard.company_id.id),
            ],
            order="version desc",
            limit=1,
        )
        # sudo: the version number is guarded; the caller was checked.
        new = scorecard.sudo().copy({"version": last.version + 1})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }

    # Engine adapters

    def _engine_characteristics(self):
        """The scorecard's characteristics as ``microloan_engine.scoring``
        ones; overlapping or empty bins are refused."""
        self.ensure_one()
        result = []
        for characteristic in self.characteristic_ids:
            bins = tuple(
                Bin(
                    points=_decimal(item.points),
                    lower=None if item.lower_open else _decimal(item.lower),
                    upper=None if item.upper_open else _decimal(item.upper),
                    values=item._values_tuple(),
                )
                for item in characteristic.bin_ids
            )
            try:
                check_bins(bins, characteristic.source)
            except EngineError as error:
                raise UserError(
                    self.env._(
                        "The bins of %(characteristic)s: %(error)s",
                        characteristic=characteristic.display_name,
                        error=engine_message(self.env, error)[1],
                    )
                ) from error
            result.append(
                Characteristic(
                    name=characteristic.source,
                    bins=bins,
                    default_points=_decimal(characteristic.default_points),
                )
            )
        return tuple(result)

    def _engine_cutoffs(self):
        self.ensure_one()
        return tuple(
            Cutoff(
                min_score=_decimal(cutoff.min_score),
                grade=cutoff.grade,
                decision=cutoff.decision,
                max_amount=_decimal(cutoff.max_amount, 2)
                if cutoff.max_amount
                else None,
                rate_adjustment=_decimal(cutoff.rate_adjustment),
            )
            for cutoff in self.cutoff_ids
        )

    def _engine_cutoffs_by_grade(self):
        return {cutoff.grade: cutoff for cutoff in self._engine_cutoffs()}

    def _score(self, values):
        """Score ``values`` (by source, see
        microloan.scorecard.characteristic) and grade the total: ``(result,
        cutoff)`` of the engine."""
        self.ensure_one()
        result = score(self._engine_characteristics(), values)
        return result, grade(result.total, self._engine_cutoffs())

    @api.model
    def _find_for(self, product, company):
        """The active scorecard of ``product`` that ``company`` sees: one
        made for the product first, else one for every product."""
        candidates = self.search(
            [
                ("state", "=", "active"),
                "|",
                ("company_id", "=", False),
                ("company_id", "parent_of", company.ids),
            ]
        )
        for_product = candidates.filtered(lambda s: product in s.product_ids)
        return (for_product or candidates.filtered(lambda s: not s.product_ids))[:1]

    # Back-test

    def action_backtest(self):
        """Score every loan of the book (approved, active, closed or written
        off) of the caller's branches on this scorecard and record, per grade,
        the loans and those that ever reached 30+ and 90+ days past due, with
        the Gini and KS (bad: 90+ days)."""
        scorecard = self.ensure_one()
        scorecard._check_manager()
        loans = self.env["microloan.loan"].search([("state", "in", BOOK_STATES)])
        today = fields.Date.context_today(self)
        characteristics = scorecard._engine_characteristics()
        cutoffs = scorecard._engine_cutoffs()
        if not cutoffs:
            raise UserError(
                self.env._(
                    "%(scorecard)s needs characteristics and cut-offs.",
                    scorecard=scorecard.display_name,
                )
            )
        scored = []
        for loan in loans:
            result = score(characteristics, loan._credit_score_values())
            scored.append(
                ScoredLoan(
                    score=result.total,
                    grade=grade(result.total, cutoffs).grade,
                    max_days_past_due=max(
                        loan.days_past_due,
                        worst_days_past_due(loan._credit_installment_dates(), today),
                    ),
                )
            )
        figures = backtest(scored)
        # sudo: the back-test figures are guarded; the caller was checked.
        scorecard.sudo().write(
            {
                "backtest_date": fields.Datetime.now(),
                "backtest_loans": len(scored),
                "backtest_gini": float(figures.separation.gini),
                "backtest_ks": float(figures.separation.ks),
                "backtest_line_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "grade": row.grade,
                            "loans": row.loans,
                            "dpd30": row.dpd30,
                            "dpd90": row.dpd90,
                            "dpd30_share": float(row.dpd30_share) * 100,
                            "dpd90_share": float(row.dpd90_share) * 100,
                        }
                    )
                    for row in figures.grades
                ],
            }
        )
        return True

    @api.model
    def _values_for(self, partner, terms, report):
        """The values a characteristic may score (see SOURCES in
        microloan_scorecard_characteristic.py): the borrower ``partner``, the
        ``terms`` dict (``amount``, ``term``, ``channel``, ``purpose``,
        ``guarantee_type``) and the investigation ``report`` (may be empty).
        Unknown values are ``None``."""
        # sudo: the count of the borrower's settled loans, whatever branch.
        settled = (
            self.env["microloan.loan"]
            .sudo()
            .search_count([("partner_id", "=", partner.id), ("state", "=", "closed")])
            if partner
            else 0
        )
        values = {
            "borrower_type": partner.microloan_borrower_type or None,
            "annual_income": _decimal(partner.microloan_annual_income, 2)
            if partner
            else None,
            "loans_settled": Decimal(settled),
            **terms,
        }
        if report:
            values.update(
                {
                    "business_years": Decimal(report.business_years),
                    "monthly_income": _decimal(report.monthly_income, 2),
                    "debt_service_ratio": _decimal(report.debt_service_ratio, 2),
                    "net_worth": _decimal(report.net_worth, 2),
                }
            )
        return values
