from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# Loans a borrower does not see on the portal: never granted.
PORTAL_HIDDEN_LOAN_STATES = ("draft", "cancelled", "rejected")
LOANS_PER_PAGE = 20


class MicroloanPortal(CustomerPortal):
    """The borrower's loans on the portal (/my/loans): their schedules and
    transactions. The record rules of the portal group let a borrower read
    only his own loans; a page is rendered through ``sudo()`` only after
    ``_document_check_access`` checked that the user may read the loan."""

    def _microloan_loan_domain(self):
        # The record rules restrict a portal user to his own loans; the
        # domain does it for an internal user too.
        partner = request.env.user.commercial_partner_id
        return [
            ("partner_id", "child_of", partner.ids),
            ("state", "not in", PORTAL_HIDDEN_LOAN_STATES),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "microloan_loan_count" in counters:
            Loan = request.env["microloan.loan"]
            values["microloan_loan_count"] = (
                Loan.search_count(self._microloan_loan_domain())
                if Loan.has_access("read")
                else 0
            )
        return values

    def _microloan_check_loan(self, loan_id):
        """The loan ``loan_id`` (sudo) if the user may read it, else raise."""
        loan_sudo = self._document_check_access("microloan.loan", loan_id)
        if loan_sudo.state in PORTAL_HIDDEN_LOAN_STATES:
            raise MissingError(request.env._("This document does not exist."))
        return loan_sudo

    @http.route(
        ["/my/loans", "/my/loans/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_microloan_loans(self, page=1, **kw):
        Loan = request.env["microloan.loan"]
        domain = self._microloan_loan_domain()
        count = Loan.search_count(domain)
        pager = portal_pager(
            url="/my/loans", total=count, page=page, step=LOANS_PER_PAGE
        )
        loans = Loan.search(
            domain,
            order="id desc",
            limit=LOANS_PER_PAGE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: the search above ran with the user's record rules.
                "loans": loans.sudo(),
                "page_name": "microloan_loan",
                "pager": pager,
                "default_url": "/my/loans",
            }
        )
        return request.render("microloan_base.portal_my_microloan_loans", values)

    @http.route(["/my/loans/<int:loan_id>"], type="http", auth="user", website=True)
    def portal_my_microloan_loan(self, loan_id, **kw):
        try:
            loan_sudo = self._microloan_check_loan(loan_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "loan": loan_sudo,
                "installments": loan_sudo.installment_ids.filtered(
                    lambda i: i.state != "draft"
                ).sorted("sequence"),
                "transactions": loan_sudo.transaction_ids.filtered(
                    lambda t: t.state == "posted"
                ).sorted(lambda t: (t.date, t.id)),
                "page_name": "microloan_loan",
            }
        )
        return request.render("microloan_base.portal_my_microloan_loan", values)
