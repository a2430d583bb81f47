from collections import Counter, defaultdict

from odoo import api, fields, models

# Key of the cursor's cache (not of the context: nothing a caller sends) under
# which the partner ranks increased by the posting of a grouped loan entry are
# gathered, {field: Counter(partner id: n)}, to be increased once
# (account.move._microloan_create_grouped).
PENDING_RANKS = "microloan_pending_ranks"


class ResPartner(models.Model):
    _inherit = "res.partner"

    microloan_move_count = fields.Integer(
        string="Loan Entries", compute="_compute_microloan_move_count"
    )

    def _increase_rank(self, field, n=1):
        # While a grouped loan entry is posted (thousands of items, each of a
        # borrower, on a receivable account) Odoo increases the rank of each
        # borrower alone: a savepoint, a lock and an UPDATE per partner. They
        # are gathered and increased once after the posting.
        pending = self.env.cr.cache.get(PENDING_RANKS)
        if pending is not None and field in pending:
            for partner_id in self.ids:
                pending[field][partner_id] += n
            return None
        return super()._increase_rank(field, n=n)

    @api.model
    def _microloan_increase_ranks(self, pending):
        """Increase the ranks gathered in ``pending`` (``{field:
        Counter(partner id: n)}``) as Odoo's ``_increase_rank`` does, in one
        call per field and increment rather than one per partner."""
        for field, counts in pending.items():
            by_increment = defaultdict(list)
            for partner_id, increment in counts.items():
                by_increment[increment].append(partner_id)
            for increment, partner_ids in sorted(by_increment.items()):
                self.browse(sorted(partner_ids))._increase_rank(field, increment)

    @api.model
    def _microloan_pending_ranks(self):
        """Start gathering the partner ranks increased (``_increase_rank``);
        return the dict they are gathered in."""
        pending = {"customer_rank": Counter(), "supplier_rank": Counter()}
        self.env.cr.cache[PENDING_RANKS] = pending
        return pending

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
