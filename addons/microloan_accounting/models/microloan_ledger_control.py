from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanLedgerControl(models.TransientModel):
    _name = "microloan.ledger.control"
    _description = "Loan Ledger Control"

    date = fields.Date(
        required=True,
        default=lambda self: self.env["microloan.loan"]._microloan_run_date(),
        help="The books are compared as the accrual left them on this date: by "
        "default today as the scheduled daily close and accrual see it.",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        default=lambda self: self.env["res.company"]._microloan_visible_companies(),
        help="Branches checked; by default those selected in the company switcher "
        "and their branches.",
    )
    line_ids = fields.One2many(
        "microloan.ledger.control.line", "control_id", string="Differences"
    )
    difference_count = fields.Integer(compute="_compute_difference_count")
    checked = fields.Boolean(readonly=True)

    @api.depends("line_ids")
    def _compute_difference_count(self):
        for control in self:
            control.difference_count = len(control.line_ids)

    @api.constrains("company_ids")
    def _check_company_ids(self):
        # The lines name loans and borrowers: only the caller's branches.
        for control in self:
            visible = self.env["res.company"]._microloan_visible_companies()
            if not control.env.su and control.company_ids - visible:
                raise ValidationError(
                    self.env._(
                        "The ledger control checks only the branches you see: "
                        "those selected in the company switcher and their "
                        "branches."
                    )
                )

    def action_check(self):
        """List every loan whose ledger balance of principal or interest
        receivable differs from the sub-ledger on the date."""
        self.ensure_one()
        Loan = self.env["microloan.loan"]
        differences = Loan._check_ledger_agreement(self.date, self.company_ids)
        checks = Loan._check_subledger_integrity(self.date, self.company_ids)
        self.line_ids = (
            [fields.Command.clear()]
            + [
                fields.Command.create(
                    {
                        "kind": "ledger",
                        "loan_id": diff["loan"].id,
                        "principal_ledger": diff["principal_ledger"],
                        "principal_subledger": diff["principal_subledger"],
                        "interest_ledger": diff["interest_ledger"],
                        "interest_subledger": diff["interest_subledger"],
                    }
                )
                for diff in differences
            ]
            + [
                fields.Command.create(
                    {
                        "kind": diff["check"],
                        "loan_id": diff["loan"].id,
                        "amount_expected": diff["expected"],
                        "amount_found": diff["found"],
                    }
                )
                for diff in checks
            ]
        )
        self.checked = True
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "name": self.env._("Ledger Control"),
        }
