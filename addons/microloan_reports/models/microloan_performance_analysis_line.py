from odoo import fields, models


class MicroloanPerformanceAnalysisLine(models.TransientModel):
    """One group (branch, team, officer, product, band, borrower type,
    industry, region, guarantee or month) of a performance analysis: the sums
    of the analysis views and the engine's ratios of them, in percent."""

    _name = "microloan.performance.analysis.line"
    _description = "Performance Analysis Line"
    _order = "sort_key, id"

    wizard_id = fields.Many2one(
        "microloan.performance.analysis", required=True, ondelete="cascade"
    )
    name = fields.Char(string="Group", readonly=True)
    sort_key = fields.Char(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    new_loan_count = fields.Integer(string="New Loans", readonly=True)
    disbursed_amount = fields.Monetary(string="Disbursed", readonly=True)
    loan_count = fields.Integer(string="Loans", readonly=True)
    balance = fields.Monetary(string="Principal Balance", readonly=True)
    par1_balance = fields.Monetary(string="Balance at Risk > 1 Day", readonly=True)
    par30_balance = fields.Monetary(string="Balance at Risk > 30 Days", readonly=True)
    par90_balance = fields.Monetary(string="Balance at Risk > 90 Days", readonly=True)
    npl_balance = fields.Monetary(string="Non-Performing Balance", readonly=True)
    due_amount = fields.Monetary(string="Due", readonly=True)
    collected_amount = fields.Monetary(string="Collected", readonly=True)
    income_amount = fields.Monetary(
        string="Interest and Charges Received", readonly=True
    )
    accumulation = fields.Monetary(string="Balance Accumulation", readonly=True)
    write_off_amount = fields.Monetary(string="Written Off", readonly=True)
    recovery_amount = fields.Monetary(string="Recovered", readonly=True)
    yield_rate = fields.Float(
        string="Yield (%)",
        digits=(16, 2),
        readonly=True,
        aggregator=None,
        help="Interest and charges received over the average balance, a year long.",
    )
    collection_rate = fields.Float(
        string="Collection Rate (%)", digits=(16, 2), readonly=True, aggregator=None
    )
    par1 = fields.Float(
        string="PAR1 (%)", digits=(16, 2), readonly=True, aggregator=None
    )
    par30 = fields.Float(
        string="PAR30 (%)", digits=(16, 2), readonly=True, aggregator=None
    )
    par90 = fields.Float(
        string="PAR90 (%)", digits=(16, 2), readonly=True, aggregator=None
    )
    npl_ratio = fields.Float(
        string="NPL Ratio (%)", digits=(16, 2), readonly=True, aggregator=None
    )
    average_turnaround = fields.Float(
        string="Average Approval Turnaround (Days)",
        digits=(16, 2),
        readonly=True,
        aggregator=None,
    )
