from odoo import models


class MicroloanPortfolioReport(models.Model):
    """Rebuilds the portfolio view when this module installs, so that its
    approval turnaround is the credit application's
    (``microloan.report.bands._turnaround_sql``)."""

    _inherit = "microloan.portfolio.report"
    _depends = {"microloan.application": ["loan_id", "turnaround_days"]}
