from odoo import api, fields, models


class MicroloanBranchWizardMixin(models.AbstractModel):
    """The branch of a wizard acting on a loan or a credit line.

    A wizard shows the record it acts on through related fields, which Odoo
    reads as superuser: a client giving the id of another branch's loan would
    read its number, borrower and amounts. The wizard's branch is therefore the
    record's branch only when the caller works in it (the companies of the
    context and their branches the caller works in, as the record rules),
    else the caller's current branch; the
    record fields are ``check_company`` and a record rule keeps the wizard in
    the caller's branches, so the wizard of another branch's record is refused
    at creation, by a message that names nothing of it.
    """

    _name = "microloan.branch.wizard.mixin"
    _inherit = ["microloan.company.check.mixin"]
    _description = "Wizard of a Branch Record"
    _check_company_auto = True
    # The field holding the loan(s) or credit line the wizard acts on.
    _microloan_branch_field = None

    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        index=True,
    )

    @api.depends(
        lambda self: [self._microloan_branch_field]
        if self._microloan_branch_field
        else []
    )
    def _compute_company_id(self):
        allowed = self.env["res.company"]._microloan_visible_companies()
        for wizard in self:
            if not self._microloan_branch_field:
                wizard.company_id = self.env.company
                continue
            # sudo: only the branch of the record chosen, compared with the
            # caller's branches and never shown.
            companies = wizard.sudo()[self._microloan_branch_field].company_id
            if len(companies) == 1 and companies <= allowed:
                wizard.company_id = companies
            else:
                wizard.company_id = self.env.company
