from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

CONTRACT_REPORT = "microloan_reports.report_loan_contract"
# A contract is kept once the loan is approved: before, a print is a draft.
CONTRACT_STATES = ("approved", "active", "closed", "written_off")


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"

    contract_ids = fields.One2many(
        "microloan.loan.contract", "loan_id", string="Printed Contracts"
    )
    contract_count = fields.Integer(compute="_compute_contract_count")

    @api.depends("contract_ids")
    def _compute_contract_count(self):
        for loan in self:
            loan.contract_count = len(loan.contract_ids)

    def action_view_contracts(self):
        """The printed versions of the loan's contract."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Printed Contracts"),
            "res_model": "microloan.loan.contract",
            "view_mode": "list,form",
            "domain": [("loan_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_print_contract_version(self):
        """Print a new version of the contract: a new PDF attached to the loan
        beside the earlier ones, which stay as they were. For a loan officer or
        an approver of the loan's branch, once the loan is approved."""
        self.ensure_one()
        self.check_access("read")
        if not (
            self.env.user.has_group("microloan_base.group_microloan_officer")
            or self.env.user.has_group("microloan_base.group_microloan_approver")
        ):
            raise AccessError(
                self.env._("Only a loan officer or an approver prints a contract.")
            )
        if self.state not in CONTRACT_STATES:
            raise UserError(
                self.env._(
                    "%(loan)s is not approved: its contract is printed as a draft "
                    "from the Print menu.",
                    loan=self.name,
                )
            )
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(report_pdf_no_attachment=True)
            ._render_qweb_pdf(CONTRACT_REPORT, self.ids)
        )
        contract = self._store_contract(pdf)
        return contract.action_download()

    def _latest_contract(self):
        """The latest printed version of the contract (sudo), or nothing."""
        self.ensure_one()
        # sudo: the loan was read with the caller's rights; its contracts follow.
        return (
            self.env["microloan.loan.contract"]
            .sudo()
            .search([("loan_id", "=", self.id)], order="version desc", limit=1)
        )

    def _next_contract_version(self):
        return self._latest_contract().version + 1

    def _latest_contract_attachment(self):
        """The PDF of the latest printed contract, or an empty recordset."""
        self.ensure_one()
        if self.state not in CONTRACT_STATES:
            return self.env["ir.attachment"]
        return self._latest_contract().attachment_id

    def _store_contract(self, pdf):
        """Keep ``pdf`` as the next version of the loan's printed contract and
        return it; nothing is kept for a loan not yet approved."""
        self.ensure_one()
        if self.state not in CONTRACT_STATES:
            return self.env["microloan.loan.contract"]
        version = self._next_contract_version()
        name = self.env._(
            "Loan Contract %(loan)s v%(version)s", loan=self.name, version=version
        )
        # sudo: printed contracts and their files are created here only; no user
        # may create, change or delete them.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name + ".pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "microloan.loan.contract",
                    "company_id": self.company_id.id,
                }
            )
        )
        contract = (
            self.env["microloan.loan.contract"]
            .sudo()
            .create(
                {
                    "name": name,
                    "loan_id": self.id,
                    "company_id": self.company_id.id,
                    "version": version,
                    "attachment_id": attachment.id,
                    "printed_by_id": self.env.user.id,
                    "printed_on": fields.Datetime.now(),
                }
            )
        )
        attachment.res_id = contract.id
        return contract.sudo(False)
