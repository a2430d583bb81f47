from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.microloan_base.tools.display_names import joined_name


class MicroloanNetAssets(models.Model):
    """The company's net assets at the end of a year (上年末净资产): the base of
    the regulatory limits of the next year."""

    _name = "microloan.net.assets"
    _description = "Net Assets at Year End"
    _inherit = ["mail.thread"]
    _order = "company_id, year desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The company (head office) whose net assets these are; its branches "
        "use them.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(required=True, tracking=True)
    amount = fields.Monetary(string="Net Assets", required=True, tracking=True)
    note = fields.Char(string="Source", help="The audited statement it comes from.")

    _sql_constraints = [
        (
            "company_year_unique",
            "unique(company_id, year)",
            "The net assets of a company are entered once per year.",
        ),
    ]

    @api.constrains("year", "amount")
    def _check_values(self):
        for record in self:
            if not 1970 <= record.year <= 2999:
                raise ValidationError(
                    self.env._("The year must be between 1970 and 2999.")
                )
            if record.currency_id.compare_amounts(record.amount, 0.0) < 0:
                raise ValidationError(self.env._("Net assets cannot be negative."))

    @api.model
    def _get_for(self, company, year):
        """The net assets of ``company`` or of the nearest company above it at
        the end of ``year``."""
        # sudo: the base of the limits, entered by head office.
        records = self.sudo().search(
            [("company_id", "parent_of", company.ids), ("year", "=", year)]
        )
        chain = []
        # sudo: the parent companies of a branch, which its users may not read.
        node = company.sudo()
        while node:
            chain.append(node)
            node = node.parent_id
        for node in chain:
            record = records.filtered(lambda r: r.company_id == node)  # noqa: B023
            if record:
                return record
        return records.browse()

    @api.depends("company_id", "year")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(record.company_id.name, record.year)
