import base64

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.microloan_base.tests.common import MicroloanCommon


class CreditCommon(MicroloanCommon):
    """MicroloanCommon's branches and users, a committee member, the product
    with every stage and two required documents, and helpers that take an
    application through its stages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.committee, cls.committee2, cls.committee3 = (
            new_test_user(
                cls.env,
                login=login,
                groups="microloan_credit.group_microloan_committee",
                company_id=cls.branch_bj.id,
                company_ids=[Command.set(cls.branch_bj.ids)],
            )
            for login in ("committee_bj", "committee2_bj", "committee3_bj")
        )
        cls.doc_id = cls.env.ref("microloan_credit.document_type_id_card")
        cls.doc_bank = cls.env.ref("microloan_credit.document_type_bank_statement")
        cls.product.write(
            {
                "credit_investigation": True,
                "credit_review": True,
                "credit_committee": True,
                "credit_document_ids": [
                    Command.create(
                        {"document_type_id": cls.doc_id.id, "stage": "draft"}
                    ),
                    Command.create(
                        {"document_type_id": cls.doc_bank.id, "stage": "review"}
                    ),
                ],
            }
        )
        cls.purpose = cls.env.ref("microloan_credit.loan_purpose_stock")

    @classmethod
    def _application_vals(cls, **vals):
        return {
            "partner_id": cls.borrower.id,
            "product_id": cls.product.id,
            "company_id": cls.branch_bj.id,
            "guarantee_type_id": cls.type_credit.id,
            "amount": 100000.0,
            "term": 12,
            "interest_rate": 12.0,
            "purpose_id": cls.purpose.id,
            "purpose_note": "Stock for the spring season",
            **vals,
        }

    def _create_application(self, user=None, **vals):
        user = user or self.officer
        return (
            self.env["microloan.application"]
            .with_user(user)
            .with_company(self.branch_bj)
            .create(self._application_vals(**vals))
        )

    def _attach(self, application, document_type):
        line = application.document_ids.filtered(
            lambda d: d.document_type_id == document_type
        )
        attachment = self.env["ir.attachment"].create(
            {"name": f"{document_type.code}.pdf", "datas": base64.b64encode(b"%PDF")}
        )
        line.with_user(self.officer).attachment_ids = [Command.link(attachment.id)]

    def _attach_all(self, application):
        for line in application.document_ids:
            self._attach(application, line.document_type_id)

    def _investigate(self, application, **vals):
        """Fill in and hand in the investigation report as the officer."""
        report = application.investigation_id.with_user(self.officer)
        report.write(
            {
                "site_visit_date": "2025-01-03",
                "monthly_income": 30000.0,
                "monthly_expenses": 18000.0,
                "assets_total": 500000.0,
                "liabilities_total": 120000.0,
                "debt_ids": [
                    Command.create(
                        {
                            "creditor": "ICBC",
                            "balance": 50000.0,
                            "monthly_payment": 2000.0,
                        }
                    )
                ],
                "opinion": "Steady shop, six years at the same market.",
                "recommendation": "approve",
                "proposed_amount": 80000.0,
                "proposed_term": 12,
                "proposed_rate": 12.0,
                **vals,
            }
        )
        application.with_user(self.officer).action_finish_investigation()

    def _to_approval(self, application):
        """Submit, investigate, review and pass the committee."""
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        application.with_user(self.risk).action_review("pass", "Cash flow covers it.")
        self._committee_decides(application)
        return application

    def _meeting(self, *applications, members=None, present=None):
        """A meeting of the three committee members, opened, with
        ``applications`` on its agenda."""
        members = members or (self.committee | self.committee2 | self.committee3)
        meeting = (
            self.env["microloan.committee.meeting"]
            .with_user(self.committee)
            .with_company(self.branch_bj)
            .create(
                {
                    "company_id": self.branch_bj.id,
                    "chair_id": self.committee.id,
                    "member_ids": [Command.set(members.ids)],
                    "present_ids": [Command.set((present or members).ids)],
                    "item_ids": [
                        Command.create({"application_id": application.id})
                        for application in applications
                    ],
                }
            )
        )
        meeting.action_open()
        return meeting

    def _committee_decides(self, application, votes=("approve",) * 3):
        """The three members vote ``votes`` on ``application`` and the meeting
        closes."""
        meeting = self._meeting(application)
        item = meeting.item_ids
        for user, vote in zip(
            self.committee | self.committee2 | self.committee3, votes, strict=False
        ):
            item.with_user(user).action_vote(
                vote,
                "Opinion of " + user.login,
                "Quarterly visit" if vote == "approve_conditions" else False,
            )
        meeting.with_user(self.committee).action_close()
        return meeting
