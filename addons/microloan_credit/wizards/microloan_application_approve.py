from odoo import api, fields, models


class MicroloanApplicationApprove(models.TransientModel):
    _name = "microloan.application.approve"
    _description = "Approve an Application"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "application_id"

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        check_company=True,
    )
    currency_id = fields.Many2one(related="application_id.currency_id")
    amount = fields.Monetary(
        string="Approved Amount",
        compute="_compute_terms",
        store=True,
        readonly=False,
        precompute=True,
    )
    term = fields.Integer(
        string="Approved Term (Periods)",
        compute="_compute_terms",
        store=True,
        readonly=False,
        precompute=True,
    )
    rate = fields.Float(
        string="Approved Annual Rate (%)",
        digits=(7, 4),
        compute="_compute_terms",
        store=True,
        readonly=False,
        precompute=True,
    )
    conditions = fields.Text()
    repeat_rule_id = fields.Many2one(related="application_id.repeat_rule_id")
    max_amount = fields.Monetary(
        string="Maximum Amount",
        compute="_compute_terms",
        store=True,
        precompute=True,
        help="The maximum by score, raised by the repeat-borrower rule (empty: "
        "no maximum).",
    )

    @api.depends("application_id")
    def _compute_terms(self):
        for wizard in self:
            # sudo: the terms of an application of the wizard's branch (the
            # branch mixin and the rule keep other branches out).
            application = wizard.sudo().application_id
            if application.company_id != wizard.company_id:
                wizard.max_amount = 0.0
                continue
            report = application.investigation_id
            wizard.amount = report.proposed_amount or application.amount
            wizard.term = report.proposed_term or application.term
            wizard.rate = application._credit_adjusted_rate(
                report.proposed_rate or application.interest_rate
            )
            wizard.max_amount = application.repeat_max_amount

    def action_approve(self):
        """Approve the application on these terms and open its loan."""
        self.ensure_one()
        self.application_id.action_approve(
            self.amount, self.term, self.rate, self.conditions or False
        )
        return self.application_id.action_view_loan()
