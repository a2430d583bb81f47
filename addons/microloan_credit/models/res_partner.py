from odoo import fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    microloan_related_partner_ids = fields.Many2many(
        "res.partner",
        "microloan_partner_related_rel",
        "partner_id",
        "related_id",
        string="Related Parties",
        help="Related parties (关联方) of the borrower: their exposure counts with "
        "his under the related-party limit.",
    )

    microloan_red_signal = fields.Boolean(
        string="Open Red Signal",
        compute="_compute_microloan_red_signal",
        help="An open red early-warning signal on one of the borrower's loans: no "
        "new application until it is closed.",
    )

    def _compute_microloan_red_signal(self):
        # sudo: whether the person has an open red signal in any branch; no
        # signal is shown.
        signals = (
            self.env["microloan.warning.signal"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self._microloan_same_person().ids),
                    ("state", "=", "open"),
                    ("level", "=", "red"),
                ]
            )
        )
        numbers = set(signals.partner_id.mapped("microloan_id_number"))
        for partner in self:
            partner.microloan_red_signal = partner in signals.partner_id or (
                bool(partner.microloan_id_number)
                and partner.microloan_id_number in numbers
            )

    def _microloan_related_group(self):
        """The borrower, his related parties (either way), his commercial
        entity and its contacts: the group of the related-party limit."""
        # sudo: the group is counted whatever branch its members belong to.
        partners = self.sudo()
        group = partners | partners.commercial_partner_id
        group |= self.sudo().search([("commercial_partner_id", "in", group.ids)])
        group |= group.microloan_related_partner_ids
        group |= self.sudo().search(
            [("microloan_related_partner_ids", "in", group.ids)]
        )
        return group

    def _microloan_same_person(self):
        """The partners of every branch with the same identity numbers."""
        numbers = [n for n in self.sudo().mapped("microloan_id_number") if n]
        if not numbers:
            return self.sudo()
        # sudo: the same person known in several branches.
        return self.sudo() | self.sudo().with_context(active_test=False).search(
            [("microloan_id_number", "in", numbers)]
        )

    def _microloan_check_red_signals(self):
        """Refuse a new application of a borrower with an open red signal."""
        # sudo: the signals of the person in every branch; the message names
        # none of them.
        signals = (
            self.env["microloan.warning.signal"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self._microloan_same_person().ids),
                    ("state", "=", "open"),
                    ("level", "=", "red"),
                ],
                limit=1,
            )
        )
        if signals:
            raise UserError(
                self.env._(
                    "%(partner)s has an open red early-warning signal: no new "
                    "application until it is closed.",
                    partner=self.display_name,
                )
            )
