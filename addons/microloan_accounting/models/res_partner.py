from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    microloan_move_count = fields.Integer(
        string="Loan Entries", compute="_compute_microloan_move_count"
    )

    def _compute_microloan_move_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("microloan_loan_id.partner_id", "in", self.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.microloan_move_count = counts.get(partner, 0)

    def action_view_microloan_moves(self):
        """Open the journal entries of the borrower's loans."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action.update(
            domain=[("microloan_loan_id.partner_id", "=", self.id)],
            context={"create": False},
        )
        return action
