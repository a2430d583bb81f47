from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanCreditReportPeriod(models.TransientModel):
    """Collects the branch and the period of a credit-bureau export and
    calls ``microloan.credit.report.export._export_period``."""

    _name = "microloan.credit.report.period"
    _description = "Export a Credit-Bureau Period"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self._default_date_from(),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The period's start date is after its end.")
                )

    def action_export(self):
        """Export the period and open the export, its file attached."""
        self.ensure_one()
        export = self.env["microloan.credit.report.export"]._export_period(
            self.company_id, self.date_from, self.date_to
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.credit.report.export",
            "res_id": export.id,
            "view_mode": "form",
            "target": "current",
        }
