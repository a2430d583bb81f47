from decimal import Decimal

from odoo import fields, models
from odoo.tools import float_repr

from odoo.addons.microloan_base.tools import inputs


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The application whose approval created this loan.",
    )

    def _disburse(self, amount, date, reference=False, note=False):
        """Check the regulatory limits before the money goes out."""
        self.ensure_one()
        company = self.company_id
        day = fields.Date.to_date(date) if date else None
        currency = self.currency_id
        # Bad values are refused by the disbursement itself, after this.
        if day and isinstance(amount, int | float) and amount > 0:
            # What this loan already owes: nothing before its first
            # disbursement (its approved amount is what it pays out).
            drawn = self.principal_outstanding if self.state == "active" else 0.0
            self.env["microloan.regulatory.limit"]._check_new_exposure(
                self.partner_id,
                self.product_id,
                company,
                currency._convert(amount, company.currency_id, company, day),
                day,
                loan=self,
                base=currency._convert(drawn, company.currency_id, company, day),
            )
        return super()._disburse(amount, date, reference=reference, note=note)

    def action_approve(self):
        """Check the regulatory limits before the loan is approved."""
        Limit = self.env["microloan.regulatory.limit"]
        for loan in self.filtered(lambda loan: loan.state == "submitted"):
            company = loan.company_id
            day = fields.Date.context_today(self)
            Limit._check_new_exposure(
                loan.partner_id,
                loan.product_id,
                company,
                loan.currency_id._convert(
                    loan.amount, company.currency_id, company, day
                ),
                day,
                loan=loan,
            )
        return super().action_approve()

    def action_view_application(self):
        """Open the application this loan comes from."""
        loan = inputs.one(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.application",
            "res_id": loan.application_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _credit_score_values(self):
        """What a scorecard scores on this loan: its borrower and terms, and
        the investigation of the application it came from (for the
        back-test)."""
        self.ensure_one()
        application = self.application_id
        return self.env["microloan.scorecard"]._values_for(
            self.partner_id,
            {
                "amount": Decimal(
                    float_repr(self.amount, self.currency_id.decimal_places)
                ),
                "term": Decimal(self.term),
                "channel": application.channel or None,
                "purpose": application.purpose_id.code or None,
                "guarantee_type": self.guarantee_type_id.code or None,
            },
            application.investigation_id,
        )

    def _credit_installment_dates(self):
        """``(due date, date cleared or None)`` of each installment, for the
        engine's worst days past due."""
        self.ensure_one()
        result = []
        for installment in self.installment_ids:
            if installment.state == "cancelled":
                continue
            cleared = None
            if installment.state == "paid":
                dates = installment.transaction_line_ids.mapped("date")
                cleared = max(dates) if dates else installment.due_date
            result.append((installment.due_date, cleared))
        return result
