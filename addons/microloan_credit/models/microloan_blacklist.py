from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.microloan_base.tools import identity


class MicroloanBlacklist(models.Model):
    _name = "microloan.blacklist"
    _description = "Blacklist and Watchlist Entry"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _rec_name = "id_number"

    id_number = fields.Char(
        string="Identity Number", required=True, index=True, tracking=True
    )
    name = fields.Char(string="Person or Company", tracking=True)
    kind = fields.Selection(
        selection=[("blacklist", "Blacklist"), ("watchlist", "Watchlist")],
        required=True,
        default="blacklist",
        tracking=True,
        help="A blacklisted identity cannot go further than a draft application; "
        "a watchlisted one is shown as a warning.",
    )
    reason = fields.Text(required=True, tracking=True)
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_to = fields.Date(string="Until", tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty for an entry every branch sees.",
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for entry in self:
            if entry.date_to and entry.date_to < entry.date_from:
                raise ValidationError(
                    self.env._("The end of a list entry cannot precede its start.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("id_number"):
                vals["id_number"] = identity.normalize(vals["id_number"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("id_number"):
            vals["id_number"] = identity.normalize(vals["id_number"])
        return super().write(vals)

    @api.model
    def _get_hits(self, id_numbers, date, company):
        """The entries in force on ``date`` for ``id_numbers`` that ``company``
        sees (its own and the shared ones), by identity number."""
        numbers = [n for n in id_numbers if n]
        if not numbers:
            return {}
        # sudo: the lists apply whatever the caller may read; the caller sees
        # only the reason and the dates of an entry that concerns his record.
        entries = self.sudo().search(
            [
                ("id_number", "in", numbers),
                ("date_from", "<=", date),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", date),
                "|",
                ("company_id", "=", False),
                ("company_id", "parent_of", company.ids),
            ]
        )
        hits = {}
        # A blacklist entry wins over a watchlist one.
        for entry in entries.sorted(lambda e: e.kind != "blacklist"):
            hits.setdefault(entry.id_number, entry)
        return hits
