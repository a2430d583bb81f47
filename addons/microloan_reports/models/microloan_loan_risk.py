from odoo import fields, models


class MicroloanLoanRisk(models.AbstractModel):
    """A change of classification (41) and the closing of a loan (20) are
    reported when they are written, by the close, an override or a
    settlement."""

    _inherit = "microloan.loan.risk"

    def write(self, vals):
        watched = "risk_tier" in vals or vals.get("state") == "closed"
        before = (
            {loan.id: (loan.risk_tier, loan.state) for loan in self} if watched else {}
        )
        result = super().write(vals)
        if not watched:
            return result
        Event = self.env["microloan.credit.report.event"]
        today = fields.Date.context_today(self)
        reclassified = self.filtered(
            lambda loan: before[loan.id][0] and loan.risk_tier != before[loan.id][0]
        )
        for day, loans in reclassified.grouped(
            lambda loan: loan.risk_tier_date or today
        ).items():
            Event._record(loans, "41", day)
        closed = self.filtered(
            lambda loan: loan.state == "closed" and before[loan.id][1] != "closed"
        )
        if closed:
            Event._record_closing(closed)
        return result
