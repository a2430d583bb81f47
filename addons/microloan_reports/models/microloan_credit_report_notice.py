from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.microloan_base.tools.risk_tiers import RISK_TIERS

NOTICE_TEMPLATE = "microloan_reports.mail_template_credit_report_notice"
COMPLIANCE_GROUP = "microloan_reports.group_microloan_credit_reporting"


class MicroloanCreditReportNotice(models.Model):
    """The notice sent to a borrower before negative information of a loan is
    reported to the credit bureau (征信业管理条例: the individual is told
    first): the mail and the figures it gave."""

    _name = "microloan.credit.report.notice"
    _description = "Negative Credit Information Notice"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True)
    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", string="Branch", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one("res.partner", string="Borrower", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(string="Sent On", required=True, readonly=True, index=True)
    sent_by_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    message_id = fields.Many2one("mail.message", string="Mail", readonly=True)
    days_past_due = fields.Integer(readonly=True)
    overdue_total = fields.Monetary(readonly=True)
    risk_tier = fields.Selection(RISK_TIERS, string="Classification", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Notices are recorded when they are sent, by the action.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("A notice sent cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A notice sent is kept: it cannot be deleted."))

    @api.model
    def notify_loans(self, loan_ids):
        """Notify the borrowers of the loans ``loan_ids`` (a list of ids); return
        the ids of the notices. See :meth:`_notify`."""
        if not isinstance(loan_ids, list | tuple) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in loan_ids
        ):
            raise UserError(self.env._("Give the loans as a list of ids."))
        loans = self.env["microloan.loan"].browse(loan_ids).exists()
        if len(loans) != len(set(loan_ids)):
            raise UserError(self.env._("Choose loans of the branches you work in."))
        return self._notify(loans).ids

    @api.model
    def _notify(self, loans):
        """Send each borrower of ``loans`` the notice of the negative
        information about to be reported (the mail template
        ``mail_template_credit_report_notice``, in the borrower's language,
        posted on the loan) and record it. For a credit-reporting officer of
        the loans' branches. Returns the notices."""
        if not self.env.user.has_group(COMPLIANCE_GROUP):
            raise AccessError(
                self.env._("Only a credit-reporting officer notifies borrowers.")
            )
        loans.check_access("read")
        loans = loans.filtered(lambda loan: loan.company_id in self.env.companies)
        if not loans:
            raise UserError(self.env._("Choose loans of the branches you work in."))
        template = self.env.ref(NOTICE_TEMPLATE)
        today = fields.Date.context_today(self)
        vals_list = []
        for loan in loans:
            if not loan.partner_id.email:
                raise UserError(
                    self.env._(
                        "%(borrower)s has no email address: the notice of %(loan)s "
                        "cannot be sent.",
                        borrower=loan.partner_id.display_name,
                        loan=loan.name,
                    )
                )
            # sudo: the notice is posted on the loan by the compliance action.
            message = loan.sudo().message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=loan.partner_id.ids,
            )
            total = self.env["microloan.credit.report.event"]._prepare_snapshot_vals(
                loan, today
            )[0]
            vals_list.append(
                {
                    "name": self.env._(
                        "Notice %(loan)s %(date)s", loan=loan.name, date=today
                    ),
                    "loan_id": loan.id,
                    "company_id": loan.company_id.id,
                    "partner_id": loan.partner_id.id,
                    "currency_id": loan.currency_id.id,
                    "date": today,
                    "sent_by_id": self.env.user.id,
                    "message_id": message.id if message else False,
                    "days_past_due": loan.days_past_due,
                    "overdue_total": total["overdue_total"],
                    "risk_tier": loan.risk_tier or False,
                }
            )
        # sudo: notices are recorded by this action only.
        return self.sudo().create(vals_list).sudo(False)
