from odoo import api, fields, models

LEVELS = [("yellow", "Yellow"), ("orange", "Orange"), ("red", "Red")]


class MicroloanWarningRule(models.Model):
    """An early-warning rule (预警规则) that users switch on and tune: days
    past due, a guarantor or a related borrower overdue, the collateral's
    loan-to-value above the maximum, an inspection finding, or a manual
    signal."""

    _name = "microloan.warning.rule"
    _description = "Early-Warning Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        selection=[
            ("days_past_due", "Days Past Due"),
            ("guarantor_overdue", "A Guarantor Overdue"),
            ("related_overdue", "A Related Borrower Overdue"),
            ("ltv", "Loan-to-Value Above the Maximum"),
            ("inspection", "Inspection Finding"),
            ("manual", "Manual"),
        ],
        required=True,
    )
    active = fields.Boolean(default=True)
    level = fields.Selection(selection=LEVELS, required=True, default="yellow")
    days = fields.Integer(
        string="Days Past Due",
        default=1,
        help="For the overdue rules: the days past due that raise the signal.",
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Owner",
        help="Who follows the signals of this rule; empty: the loan officer.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty for every company.",
    )

    @api.model
    def _raise_for(self, kind, loans, description):
        """Open a signal of the enabled rules of ``kind`` on each of ``loans``
        that has none open for the rule; return the signals opened."""
        opened = self.env["microloan.warning.signal"].sudo().browse()
        for loan in loans:
            # sudo: the rules apply whatever the caller may read.
            rules = self.sudo().search(
                [
                    ("kind", "=", kind),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "parent_of", loan.company_id.ids),
                ]
            )
            for rule in rules:
                opened |= rule._raise_one(loan, description)
        return opened

    @api.model
    def _cron_evaluate(self):
        """Evaluate the enabled rules on the active loans."""
        # sudo: the scheduled run sees every branch.
        Loan = self.env["microloan.loan"].sudo()
        loans = Loan.search([("state", "=", "active")])
        for rule in self.sudo().search(
            [
                (
                    "kind",
                    "in",
                    ("days_past_due", "guarantor_overdue", "related_overdue", "ltv"),
                )
            ]
        ):
            rule._evaluate(loans)
        return True

    def _evaluate(self, loans):
        """Raise this rule's signals on the ``loans`` it hits."""
        self.ensure_one()
        loans = loans.filtered(
            lambda loan: not self.company_id
            or loan.company_id in self.company_id.child_ids | self.company_id
        )
        overdue = loans.filtered(lambda loan: loan.days_past_due >= self.days)

        def branch_env(loan):
            # A signal is described in its branch's language, not the one of
            # whoever runs the rules.
            return self.with_context(lang=loan.company_id._microloan_lang()).env

        if self.kind == "days_past_due":
            for loan in overdue:
                self._raise_one(
                    loan,
                    branch_env(loan)._(
                        "%(days)s days past due.", days=loan.days_past_due
                    ),
                )
        elif self.kind == "ltv":
            for loan in loans.filtered("ltv_exceeded"):
                self._raise_one(
                    loan,
                    branch_env(loan)._(
                        "Loan-to-value %(ltv).2f%% above the maximum %(max).2f%%.",
                        ltv=loan.ltv,
                        max=loan.max_ltv,
                    ),
                )
        elif self.kind in ("guarantor_overdue", "related_overdue"):
            late = (
                self.env["microloan.loan"]
                .sudo()
                .search(
                    [
                        ("state", "=", "active"),
                        ("days_past_due", ">=", self.days),
                    ]
                )
            )
            late_partners = late.partner_id._microloan_same_person()
            for loan in loans:
                if self.kind == "guarantor_overdue":
                    hit = loan.guarantee_ids.partner_id & late_partners
                else:
                    group = loan.partner_id._microloan_related_group()
                    hit = (group - loan.partner_id._microloan_same_person()) & (
                        late_partners
                    )
                if hit:
                    self._raise_one(
                        loan,
                        branch_env(loan)._(
                            "Overdue: %(partners)s.",
                            partners=", ".join(hit.mapped("display_name")),
                        ),
                    )

    def _raise_one(self, loan, description):
        self.ensure_one()
        Signal = self.env["microloan.warning.signal"].sudo()
        if Signal.search_count(
            [
                ("loan_id", "=", loan.id),
                ("rule_id", "=", self.id),
                ("state", "=", "open"),
            ],
            limit=1,
        ):
            return Signal.browse()
        return Signal.create(
            {
                "loan_id": loan.id,
                "rule_id": self.id,
                "level": self.level,
                "owner_id": (self.owner_id or loan.user_id).id,
                "description": description,
            }
        )
