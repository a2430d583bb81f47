from odoo import api, fields, models

LENT_STATES = ("approved", "active")


class MicroloanLimitUsage(models.TransientModel):
    """How much of each limit in force each borrower uses: the limit-usage
    view of head office (computed when opened)."""

    _name = "microloan.limit.usage"
    _description = "Regulatory Limit Usage"
    _order = "usage desc, id"

    limit_id = fields.Many2one(
        "microloan.regulatory.limit", string="Limit", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Borrower", required=True)
    company_id = fields.Many2one("res.company", string="Company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    exposure = fields.Monetary()
    # Grouped by limit, the exposures add up; the limits and headrooms do not.
    limit_amount = fields.Monetary(aggregator=None)
    headroom = fields.Monetary(aggregator="min")
    usage = fields.Float(string="Usage (%)", digits=(7, 2), aggregator="max")
    breached = fields.Boolean()

    @api.model
    def action_open(self):
        """Compute the usage of every limit in force by the borrowers of the
        caller's companies that owe something, and open it."""
        company = self.env.company
        today = fields.Date.context_today(self)
        limits = self.env["microloan.regulatory.limit"]._get_in_force(company, today)
        # Head office sees its branches: the companies below the current one
        # that the user may work in.
        branches = self.env.user.company_ids.filtered_domain(
            [("id", "child_of", company.id)]
        )
        # sudo: the loans of those branches, whichever is selected in the
        # switcher; the user works in every one of them.
        borrowers = (
            self.env["microloan.loan"]
            .sudo()
            .search([("state", "in", LENT_STATES), ("company_id", "in", branches.ids)])
            .partner_id
        )
        # One line per person: the partner of the caller's current company
        # first.
        seen = set()
        vals_list = []
        for partner in borrowers.sorted(lambda p: p.company_id != company):
            key = partner.microloan_id_number or partner.id
            if key in seen:
                continue
            seen.add(key)
            for limit in limits:
                usage = limit._usage(partner, company, today)
                if not usage.exposure:
                    continue
                vals_list.append(
                    {
                        "limit_id": limit.id,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "exposure": float(usage.exposure),
                        "limit_amount": float(usage.limit),
                        "headroom": float(usage.headroom),
                        "usage": float(usage.usage),
                        "breached": usage.exposure > usage.limit,
                    }
                )
        lines = self.create(vals_list)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Limit Usage"),
            "res_model": self._name,
            "view_mode": "list",
            "domain": [("id", "in", lines.ids)],
            "context": {"search_default_group_limit": 1},
        }
