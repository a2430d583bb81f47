from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import identity

ID_NUMBER_FIELDS = ("microloan_id_type", "microloan_id_number")
MICROLOAN_USER = "microloan_base.group_microloan_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    microloan_borrower_type = fields.Selection(
        selection=[
            ("individual", "Individual"),
            ("sole_trader", "Sole Trader"),
            ("enterprise", "Enterprise"),
            ("farmer", "Farmer"),
        ],
        string="Borrower Type",
        index=True,
        tracking=True,
        help="Individual (个人), sole trader (个体工商户), enterprise (企业) or "
        "farmer (农户). Set it to make the contact a borrower.",
    )
    microloan_id_type = fields.Selection(
        selection=[
            ("resident_id", "Resident Identity Card"),
            ("uscc", "Unified Social Credit Code"),
            ("passport", "Passport"),
            ("other", "Other"),
        ],
        string="Identity Document",
        tracking=True,
    )
    microloan_id_number = fields.Char(
        string="Identity Number",
        index="btree_not_null",
        copy=False,
        tracking=True,
    )
    microloan_occupation = fields.Char(
        string="Occupation or Business",
        help="Occupation of an individual, or the main business of a sole trader, "
        "farmer or enterprise. Use Industry for the sector.",
    )
    microloan_income_currency_id = fields.Many2one(
        "res.currency",
        string="Income Currency",
        default=lambda self: self.env.company.currency_id,
    )
    microloan_annual_income = fields.Monetary(
        string="Annual Income or Revenue",
        currency_field="microloan_income_currency_id",
    )
    microloan_loan_ids = fields.One2many(
        "microloan.loan",
        "partner_id",
        string="Loans",
        readonly=True,
        groups=MICROLOAN_USER,
    )
    microloan_loan_count = fields.Integer(
        string="Loan Count", compute="_compute_microloan_totals", groups=MICROLOAN_USER
    )
    microloan_amount_total = fields.Monetary(
        string="Amount Lent",
        compute="_compute_microloan_totals",
        currency_field="microloan_totals_currency_id",
        groups=MICROLOAN_USER,
        help="Principal of the approved, active and closed loans of this borrower.",
    )
    microloan_balance = fields.Monetary(
        string="Outstanding Principal",
        compute="_compute_microloan_totals",
        currency_field="microloan_totals_currency_id",
        groups=MICROLOAN_USER,
        help="Principal still owed on the approved and active loans.",
    )
    microloan_totals_currency_id = fields.Many2one(
        "res.currency", compute="_compute_microloan_totals", groups=MICROLOAN_USER
    )
    microloan_guarantee_group_ids = fields.Many2many(
        "microloan.guarantee.group",
        "microloan_guarantee_group_member_rel",
        "partner_id",
        "group_id",
        string="Joint-Guarantee Groups",
        readonly=True,
        groups=MICROLOAN_USER,
    )

    @api.depends_context("company")
    @api.depends("microloan_loan_ids.state", "microloan_loan_ids.amount")
    def _compute_microloan_totals(self):
        currency = self.env.company.currency_id
        today = fields.Date.context_today(self)
        lent_states = ("approved", "active", "closed")
        groups = self.env["microloan.loan"]._read_group(
            [("partner_id", "in", self.ids)],
            groupby=["partner_id", "state", "currency_id", "company_id"],
            aggregates=["__count", "amount:sum", "principal_outstanding:sum"],
        )
        totals = {
            partner.id: {"count": 0, "lent": 0.0, "balance": 0.0} for partner in self
        }
        for partner, state, loan_currency, company, count, lent, balance in groups:
            total = totals[partner.id]
            total["count"] += count
            if state not in lent_states:
                continue
            total["lent"] += loan_currency._convert(lent, currency, company, today)
            total["balance"] += loan_currency._convert(
                balance, currency, company, today
            )
        for partner in self:
            total = totals.get(partner.id, {"count": 0, "lent": 0.0, "balance": 0.0})
            partner.microloan_loan_count = total["count"]
            partner.microloan_amount_total = total["lent"]
            partner.microloan_balance = total["balance"]
            partner.microloan_totals_currency_id = currency

    @api.constrains(*ID_NUMBER_FIELDS, "microloan_borrower_type")
    def _check_microloan_id_number(self):
        labels = dict(
            self._fields["microloan_id_type"]._description_selection(self.env)
        )
        for partner in self:
            number = partner.microloan_id_number
            if partner.microloan_borrower_type and not number:
                raise ValidationError(
                    self.env._(
                        "The borrower %(partner)s needs an identity number.",
                        partner=partner.display_name,
                    )
                )
            if not number:
                continue
            if not partner.microloan_id_type:
                raise ValidationError(
                    self.env._(
                        "Choose the identity document of %(number)s.", number=number
                    )
                )
            if not identity.is_valid(partner.microloan_id_type, number):
                raise ValidationError(
                    self.env._(
                        "%(number)s is not a valid %(document)s number.",
                        number=number,
                        document=labels[partner.microloan_id_type],
                    )
                )

    @api.constrains(*ID_NUMBER_FIELDS, "company_id")
    def _check_microloan_id_number_unique(self):
        # Unique per branch: a branch's contact clashes with the contacts of its
        # branch and the shared ones (which every branch reads), a shared contact
        # with the shared ones only. Another branch's contacts are never looked
        # at, so the message cannot tell that another branch knows the person.
        # sudo: the check sees archived contacts too; the message only repeats
        # the number the user typed.
        partners = self.filtered("microloan_id_number")
        for partner in partners:
            # sudo: a count only, over every contact of the branch and the shared ones.
            duplicate = (
                self.sudo()
                .with_context(active_test=False)
                .search_count(
                    [
                        ("id", "!=", partner.id),
                        ("microloan_id_type", "=", partner.microloan_id_type),
                        ("microloan_id_number", "=", partner.microloan_id_number),
                        (
                            "company_id",
                            "in",
                            [partner.company_id.id, False]
                            if partner.company_id
                            else [False],
                        ),
                    ],
                    limit=1,
                )
            )
            if duplicate:
                raise ValidationError(
                    self.env._(
                        "Another contact of this branch, or shared by all branches, "
                        "already has the identity number %(number)s.",
                        number=partner.microloan_id_number,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._microloan_normalize_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._microloan_normalize_vals(vals)
        return super().write(vals)

    def action_view_microloan_loans(self):
        """Open the loans of this borrower."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "microloan_base.microloan_loan_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.model
    def _microloan_normalize_vals(self, vals):
        if vals.get("microloan_id_number"):
            vals["microloan_id_number"] = identity.normalize(
                vals["microloan_id_number"]
            )
