from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import formatLang

from odoo.addons.microloan_base.tools import identity

from .microloan_product_document import STAGES

OPEN_STATES = ("draft", "investigation", "review", "committee", "approval")
SECONDS_PER_DAY = 86400.0
# Kanban colour indexes of the stage highlight.
KANBAN_RED = 1
KANBAN_YELLOW = 3
CLOSED_STATES = ("contract", "rejected", "withdrawn")
# Loans that still expose the lender: shown as duplicates of an application.
ACTIVE_LOAN_STATES = ("submitted", "approved", "active")
# What the borrower asked for: fixed once the application leaves the draft.
REQUEST_FIELDS = {
    "partner_id",
    "product_id",
    "company_id",
    "amount",
    "term",
    "interest_rate",
    "guarantee_type_id",
    "prospect_name",
    "prospect_id_type",
    "prospect_id_number",
    "prospect_borrower_type",
}


class MicroloanApplication(models.Model):
    """A loan application (贷款申请): what a borrower, or a prospect to be
    made a borrower, asks for, and its way through the stages of its product
    up to the loan contract."""

    _name = "microloan.application"
    _description = "Loan Application"
    _inherit = [
        "microloan.application.tiers",
        "microloan.application.limits",
        "microloan.application.scoring",
        "microloan.application.repeat.pricing",
        "microloan.application.workflow",
        "mail.thread",
        "mail.activity.mixin",
        "microloan.guard.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name", "id_number", "prospect_name"]
    _microloan_guarded_fields = ("state",)

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    state = fields.Selection(
        selection=[*STAGES, ("rejected", "Rejected"), ("withdrawn", "Withdrawn")],
        string="Stage",
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
        group_expand="_group_expand_state",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Loan Officer",
        index=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    channel = fields.Selection(
        selection=[
            ("counter", "Counter"),
            ("visit", "Officer Visit"),
            ("portal", "Portal"),
        ],
        required=True,
        default="counter",
        tracking=True,
    )
    application_date = fields.Date(
        required=True, default=fields.Date.context_today, copy=False
    )

    # Borrower, or a prospect turned into one
    partner_id = fields.Many2one(
        "res.partner",
        string="Borrower",
        index=True,
        check_company=True,
        tracking=True,
        domain="[('microloan_borrower_type', '!=', False)]",
    )
    prospect_name = fields.Char()
    prospect_borrower_type = fields.Selection(
        selection=[
            ("individual", "Individual"),
            ("sole_trader", "Sole Trader"),
            ("enterprise", "Enterprise"),
            ("farmer", "Farmer"),
        ],
        string="Prospect Type",
    )
    prospect_id_type = fields.Selection(
        selection=[
            ("resident_id", "Resident Identity Card"),
            ("uscc", "Unified Social Credit Code"),
            ("passport", "Passport"),
            ("other", "Other"),
        ],
        string="Prospect Identity Document",
    )
    prospect_id_number = fields.Char(string="Prospect Identity Number")
    prospect_phone = fields.Char()
    id_number = fields.Char(
        string="Identity Number",
        compute="_compute_id_number",
        store=True,
        index="btree_not_null",
    )

    # Request
    product_id = fields.Many2one(
        "microloan.product",
        string="Product",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
    )
    repayment_method = fields.Selection(
        related="product_id.repayment_method", string="Method"
    )
    frequency = fields.Selection(related="product_id.frequency")
    amount = fields.Monetary(string="Requested Amount", tracking=True)
    term = fields.Integer(string="Requested Term (Periods)", tracking=True)
    interest_rate = fields.Float(
        string="Requested Annual Rate (%)", digits=(7, 4), tracking=True
    )
    purpose_id = fields.Many2one(
        "microloan.loan.purpose", string="Purpose", check_company=True, tracking=True
    )
    purpose_note = fields.Text(string="Purpose in Detail")
    guarantee_type_id = fields.Many2one(
        "microloan.guarantee.type",
        string="Guarantee Type",
        required=True,
        check_company=True,
        tracking=True,
    )
    collateral_ids = fields.Many2many(
        "microloan.collateral",
        "microloan_application_collateral_rel",
        "application_id",
        "collateral_id",
        string="Proposed Collateral",
        check_company=True,
    )
    guarantor_ids = fields.One2many(
        "microloan.application.guarantor",
        "application_id",
        string="Proposed Guarantors",
        copy=True,
    )
    guarantee_group_id = fields.Many2one(
        "microloan.guarantee.group",
        string="Joint-Guarantee Group",
        check_company=True,
    )
    document_ids = fields.One2many(
        "microloan.application.document", "application_id", string="Documents"
    )
    documents_missing = fields.Integer(compute="_compute_documents_missing")

    # Checks shown on the form
    duplicate_application_ids = fields.Many2many(
        "microloan.application", compute="_compute_duplicates"
    )
    duplicate_loan_ids = fields.Many2many(
        "microloan.loan", compute="_compute_duplicates"
    )
    list_hit_kind = fields.Selection(
        selection=[("blacklist", "Blacklist"), ("watchlist", "Watchlist")],
        compute="_compute_list_hit",
    )
    list_hit_reason = fields.Text(compute="_compute_list_hit")

    # Stages
    stage_date = fields.Datetime(
        string="In Stage Since",
        readonly=True,
        copy=False,
        default=fields.Datetime.now,
    )
    stage_late = fields.Boolean(
        string="Late in Stage",
        compute="_compute_stage_late",
        search="_search_stage_late",
    )
    portal_stage_name = fields.Char(
        string="Stage Name",
        compute="_compute_portal_stage_name",
        help="The stage's label in the reader's language (mails, portal).",
    )
    stage_days = fields.Float(
        string="Days in Stage",
        compute="_compute_stage_late",
        digits=(16, 1),
        help="Days since the application reached its stage (open stages).",
    )
    stage_target_days = fields.Integer(
        string="Target Days in Stage",
        compute="_compute_stage_late",
        help="The product's target for the stage (its target per stage, or the "
        "one of all stages).",
    )
    stage_color = fields.Integer(
        compute="_compute_stage_late",
        help="Kanban highlight: red when late, yellow from 80% of the target.",
    )
    investigation_id = fields.Many2one(
        "microloan.investigation",
        compute="_compute_investigation_id",
        string="Investigation Report",
    )
    investigator_id = fields.Many2one(
        "res.users", string="Investigated By", readonly=True, copy=False
    )
    review_round_ids = fields.One2many(
        "microloan.review.round", "application_id", string="Review Rounds"
    )
    reviewer_id = fields.Many2one(
        "res.users", string="Reviewed By", readonly=True, copy=False
    )
    approved_by_id = fields.Many2one(
        "res.users", string="Approved By", readonly=True, copy=False, tracking=True
    )
    approve_date = fields.Datetime(readonly=True, copy=False)
    approved_amount = fields.Monetary(readonly=True, copy=False, tracking=True)
    approved_term = fields.Integer(
        string="Approved Term (Periods)", readonly=True, copy=False
    )
    approved_rate = fields.Float(
        string="Approved Annual Rate (%)", digits=(7, 4), readonly=True, copy=False
    )
    conditions = fields.Text(
        readonly=True, copy=False, help="Conditions of the approval."
    )
    committee_conditions = fields.Text(
        readonly=True,
        copy=False,
        help="Conditions the credit committee set; they carry into the contract.",
    )
    committee_item_ids = fields.One2many(
        "microloan.committee.item", "application_id", string="Committee Meetings"
    )
    close_reason = fields.Text(string="Reason", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    turnaround_days = fields.Float(
        string="Turnaround (Days)",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Days from the application to its contract, rejection or " "withdrawal.",
    )
    loan_id = fields.Many2one(
        "microloan.loan", string="Loan", readonly=True, copy=False, index=True
    )

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "The application number must be unique per branch.",
        ),
    ]

    @api.model
    def _group_expand_state(self, states, domain):
        return [key for key, _label in STAGES]

    @api.depends("partner_id.microloan_id_number", "prospect_id_number")
    def _compute_id_number(self):
        for application in self:
            application.id_number = (
                application.partner_id.microloan_id_number
                or identity.normalize(application.prospect_id_number)
                or False
            )

    @api.depends("product_id")
    def _compute_currency_id(self):
        for application in self:
            application.currency_id = (
                application.product_id.currency_id or application.company_id.currency_id
            )

    @api.depends("document_ids.received", "document_ids.stage")
    def _compute_documents_missing(self):
        for application in self:
            application.documents_missing = len(
                application.document_ids.filtered(lambda d: d.stage and not d.received)
            )

    @api.depends("id_number", "state", "company_id")
    def _compute_duplicates(self):
        Loan = self.env["microloan.loan"]
        for application in self:
            if not application.id_number:
                application.duplicate_application_ids = False
                application.duplicate_loan_ids = False
                continue
            # Searched with the caller's rights: another branch's records are
            # neither shown nor counted.
            application.duplicate_application_ids = self.search(
                [
                    ("id", "!=", application._origin.id or 0),
                    ("id_number", "=", application.id_number),
                    ("state", "in", OPEN_STATES),
                ]
            )
            application.duplicate_loan_ids = Loan.search(
                [
                    ("partner_id.microloan_id_number", "=", application.id_number),
                    ("state", "in", ACTIVE_LOAN_STATES),
                ]
            )

    @api.depends("id_number", "company_id")
    def _compute_list_hit(self):
        today = fields.Date.context_today(self)
        for application in self:
            hit = (
                self.env["microloan.blacklist"]
                ._get_hits([application.id_number], today, application.company_id)
                .get(application.id_number)
            )
            application.list_hit_kind = hit.kind if hit else False
            application.list_hit_reason = hit.reason if hit else False

    @api.depends("state")
    @api.depends_context("lang")
    def _compute_portal_stage_name(self):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for application in self:
            application.portal_stage_name = labels.get(application.state, "")

    @api.depends("stage_date", "state", "product_id.credit_stage_days")
    def _compute_stage_late(self):
        now = fields.Datetime.now()
        for application in self:
            target = days = 0
            if application.state in OPEN_STATES and application.stage_date:
                target = application.product_id._credit_stage_target(application.state)
                days = (now - application.stage_date).total_seconds() / SECONDS_PER_DAY
            late = bool(target and days >= target)
            application.stage_days = days
            application.stage_target_days = target
            application.stage_late = late
            application.stage_color = (
                KANBAN_RED
                if late
                else KANBAN_YELLOW
                if target and days >= 0.8 * target
                else 0
            )

    def _search_stage_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Late in Stage."))
        late_ids = (
            self.search([("state", "in", OPEN_STATES)]).filtered("stage_late").ids
        )
        in_set = (operator == "=") == value
        return [("id", "in" if in_set else "not in", late_ids)]

    def _compute_investigation_id(self):
        reports = self.env["microloan.investigation"].search(
            [("application_id", "in", self.ids)]
        )
        by_application = {report.application_id.id: report for report in reports}
        for application in self:
            application.investigation_id = by_application.get(application.id, False)

    @api.constrains("partner_id", "prospect_name", "prospect_id_number")
    def _check_borrower(self):
        for application in self:
            if not application.partner_id and not (
                application.prospect_name and application.prospect_id_number
            ):
                raise ValidationError(
                    self.env._(
                        "Choose the borrower, or give the prospect's name and "
                        "identity number."
                    )
                )
            partner = application.partner_id
            if partner and not partner.microloan_borrower_type:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a borrower: set the borrower type and "
                        "identity number on the contact first.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("amount", "term", "interest_rate", "product_id")
    def _check_request(self):
        for application in self:
            product = application.product_id
            currency = application.currency_id
            if (
                currency.compare_amounts(application.amount, product.amount_min) < 0
                or currency.compare_amounts(application.amount, product.amount_max) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The amount asked must be between %(min)s and %(max)s for "
                        "the product %(product)s.",
                        min=currency.format(product.amount_min),
                        max=currency.format(product.amount_max),
                        product=product.name,
                    )
                )
            if product.repayment_method != "revolving" and not (
                product.term_min <= application.term <= product.term_max
            ):
                raise ValidationError(
                    self.env._(
                        "The term asked must be between %(min)s and %(max)s periods "
                        "for the product %(product)s.",
                        min=product.term_min,
                        max=product.term_max,
                        product=product.name,
                    )
                )
            if application.interest_rate and not (
                product.rate_min <= application.interest_rate <= product.rate_max
            ):
                raise ValidationError(
                    self.env._(
                        "The annual rate asked must be between %(min)s%% and "
                        "%(max)s%% for the product %(product)s.",
                        min=formatLang(self.env, product.rate_min, digits=2),
                        max=formatLang(self.env, product.rate_max, digits=2),
                        product=product.name,
                    )
                )

    @api.constrains("guarantee_type_id", "product_id")
    def _check_guarantee_type(self):
        for application in self:
            allowed = application.product_id.guarantee_type_ids
            if allowed and application.guarantee_type_id not in allowed:
                raise ValidationError(
                    self.env._(
                        "The product %(product)s does not allow the guarantee type "
                        "%(type)s.",
                        product=application.product_id.name,
                        type=application.guarantee_type_id.name,
                    )
                )

    @api.constrains("partner_id", "product_id", "state")
    def _check_one_open_application(self):
        for application in self.filtered(
            lambda a: a.partner_id and a.state in OPEN_STATES
        ):
            # sudo: a count over the borrower's applications, whoever may read
            # them; the message names none of them.
            others = (
                self.sudo()
                .search(
                    [
                        ("id", "!=", application.id),
                        ("partner_id", "=", application.partner_id.id),
                        ("product_id", "=", application.product_id.id),
                        ("state", "in", OPEN_STATES),
                    ]
                )
                .mapped("name")
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has an open application for "
                        "%(product)s (%(applications)s): finish or withdraw it "
                        "first.",
                        partner=application.partner_id.display_name,
                        product=application.product_id.name,
                        applications=", ".join(others),
                    )
                )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        product = self.product_id
        if product and not self.amount:
            self.amount = product.amount_default
            self.term = product.term_default
            self.interest_rate = product.rate_default

    @api.model
    def _microloan_create_values(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) in (self.env._("New"), "New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self._get_next_number(company)
            product = self.env["microloan.product"].browse(vals.get("product_id"))
            if product:
                vals.setdefault("amount", product.amount_default)
                vals.setdefault("term", product.term_default)
                vals.setdefault("interest_rate", product.rate_default)
        return super()._microloan_create_values(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        applications = super().create(vals_list)
        for application in applications.filtered("partner_id"):
            application.partner_id._microloan_check_red_signals()
        applications._sync_documents()
        return applications

    def write(self, vals):
        if REQUEST_FIELDS & vals.keys() and not self.env.su:
            locked = self.filtered(lambda a: a.state != "draft")
            if locked:
                raise UserError(
                    self.env._(
                        "What %(applications)s asks for can only change while it "
                        "is a draft.",
                        applications=", ".join(locked.mapped("name")),
                    )
                )
        result = super().write(vals)
        if "product_id" in vals:
            self._sync_documents()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(application.state != "draft" for application in self):
            raise UserError(self.env._("Only draft applications can be deleted."))

    def _get_next_number(self, company):
        """The next application number of ``company``, e.g. ``BJ-SQ2026-00001``."""
        sequence = company._get_microloan_sequence(
            "microloan.application",
            self.env._("Loan applications of %(company)s", company=company.name),
            "SQ%(range_year)s-",
            5,
        )
        return f"{company._get_microloan_branch_code()}-{sequence.next_by_id()}"

    def _sync_documents(self):
        """Add the documents the product requires and the application lacks."""
        for application in self:
            present = application.document_ids.document_type_id
            commands = [
                Command.create(
                    {
                        "document_type_id": requirement.document_type_id.id,
                        "stage": requirement.stage,
                        "sequence": requirement.sequence,
                    }
                )
                for requirement in application.product_id.credit_document_ids
                if requirement.document_type_id not in present
            ]
            if commands:
                # sudo: the lines the product requires, whoever entered the
                # application.
                application.sudo().document_ids = commands
