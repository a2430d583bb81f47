from datetime import timedelta

from odoo import api, fields, models


class MicroloanCloseWizard(models.TransientModel):
    """Close up to date: the administrator closes every day still open, up to
    a date, for the branches chosen; the run shows its progress."""

    _name = "microloan.close.wizard"
    _description = "Close up to Date"

    date = fields.Date(
        string="Close To",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=1),
        help="Every day after each branch's last closed day is closed, up to "
        "this one (at the latest yesterday or today).",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        required=True,
        default=lambda self: self.env["res.company"]._microloan_visible_companies(),
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    line_ids = fields.One2many(
        "microloan.close.wizard.line",
        "wizard_id",
        string="Branches to Close",
        compute="_compute_line_ids",
    )

    @api.depends("company_ids", "date")
    def _compute_line_ids(self):
        Loan = self.env["microloan.loan"].sudo()
        for wizard in self:
            lines = [fields.Command.clear()]
            for company in wizard.company_ids:
                first = Loan._get_first_close_day(company._origin)
                days = (
                    (wizard.date - first).days + 1
                    if first and wizard.date and first <= wizard.date
                    else 0
                )
                lines.append(
                    fields.Command.create(
                        {
                            "company_id": company._origin.id,
                            "closed_date": company._origin.microloan_closed_date,
                            "day_count": days,
                        }
                    )
                )
            wizard.line_ids = lines

    def action_close(self):
        """Start the close and open its run."""
        self.ensure_one()
        run = self.env["microloan.close.run"]._start_close_up_to(
            self.date, self.company_ids
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.close.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
