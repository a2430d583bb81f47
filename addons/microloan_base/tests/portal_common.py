from odoo import Command
from odoo.tests import new_test_user

from .common import make_resident_id
from .lifecycle_common import LifecycleCommon


class PortalCommon(LifecycleCommon):
    """Two borrowers of branch BJ with a portal account each (password =
    login): ``portal_a`` (the base borrower) and ``portal_b``; an active loan
    of each with a repayment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.borrower_b = cls.env["res.partner"].create(
            {
                "name": "Wang Wu",
                "company_id": cls.branch_bj.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": make_resident_id("11010519800101002"),
            }
        )

        def portal_user(login, partner):
            return new_test_user(
                cls.env,
                login=login,
                name=partner.name,
                groups="base.group_portal",
                partner_id=partner.id,
                company_id=cls.branch_bj.id,
                company_ids=[Command.set(cls.branch_bj.ids)],
            )

        cls.portal_a = portal_user("portal_a", cls.borrower)
        cls.portal_b = portal_user("portal_b", cls.borrower_b)
        cls.loan_a = cls._active_loan()
        cls.loan_b = cls._active_loan(partner_id=cls.borrower_b.id)
        for loan in cls.loan_a | cls.loan_b:
            loan.register_repayment(8884.88, loan.installment_ids[0].due_date)
        cls.repayment_a = cls.loan_a.transaction_ids.filtered(
            lambda t: t.kind == "repayment"
        )
        cls.repayment_b = cls.loan_b.transaction_ids.filtered(
            lambda t: t.kind == "repayment"
        )
