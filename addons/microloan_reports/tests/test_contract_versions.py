"""A printed contract is attached to the loan and never changes: printing it
again gives the same PDF; a new version is a new attachment."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestContractVersions(ReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._active_loan()

    def test_first_print_is_kept_and_reprinted_as_it_was(self):
        self.assertFalse(self.loan.contract_ids)
        pdf, _text = self.render_pdf(
            "report_loan_contract", self.loan, user=self.officer
        )
        contract = self.loan.contract_ids
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.version, 1)
        self.assertEqual(contract.printed_by_id, self.officer)
        self.assertEqual(contract.attachment_id.raw, pdf)
        self.assertEqual(contract.attachment_id.res_model, "microloan.loan.contract")
        # the loan changes its purpose: the contract printed stays as it was
        self.loan.sudo().purpose = "Something else"
        again, _text = self.render_pdf(
            "report_loan_contract", self.loan, user=self.approver
        )
        self.assertEqual(again, pdf)
        self.assertEqual(self.loan.contract_count, 1)

    def test_new_version_is_a_new_attachment(self):
        first, _text = self.render_pdf("report_loan_contract", self.loan)
        v1 = self.loan.contract_ids
        checksum = v1.checksum
        action = (
            self.loan.with_user(self.officer)
            .with_company(self.branch_bj)
            .with_context(force_report_rendering=True)
            .action_print_contract_version()
        )
        self.assertEqual(self.loan.contract_count, 2)
        v2 = self.loan.contract_ids.filtered(lambda c: c.version == 2)
        self.assertIn(f"/web/content/{v2.attachment_id.id}", action["url"])
        self.assertNotEqual(v2.attachment_id, v1.attachment_id)
        self.assertIn("版本 2", self.pdf_text(v2.attachment_id.raw))
        self.assertEqual(v1.checksum, checksum)
        self.assertEqual(v1.attachment_id.raw, first)
        # the Print menu now gives the latest version
        latest, _text = self.render_pdf("report_loan_contract", self.loan)
        self.assertEqual(latest, v2.attachment_id.raw)

    def test_nobody_changes_or_deletes_a_printed_contract(self):
        self.render_pdf("report_loan_contract", self.loan)
        contract = self.loan.contract_ids
        for user in (self.officer, self.approver, self.finance, self.admin):
            as_user = contract.with_user(user)
            with self.assertRaises(UserError):
                as_user.write({"version": 9})
            with self.assertRaises(UserError):
                as_user.unlink()
            with self.assertRaises(AccessError):
                as_user.attachment_id.write({"raw": b"%PDF forged"})
            with self.assertRaises(AccessError):
                as_user.attachment_id.unlink()
            with self.assertRaises(AccessError):
                self.env["microloan.loan.contract"].with_user(user).create(
                    {
                        "name": "Forged",
                        "loan_id": self.loan.id,
                        "company_id": self.branch_bj.id,
                        "version": 7,
                    }
                )
        with self.assertRaises(UserError):
            contract.sudo().write({"version": 9})
        with self.assertRaises(UserError):
            contract.sudo().unlink()
        self.assertEqual(contract.version, 1)

    def test_a_draft_is_printed_but_not_kept(self):
        draft = self._create_loan()
        _pdf, text = self.render_pdf("report_loan_contract", draft)
        self.assertIn("草稿", text)
        self.assertFalse(draft.contract_ids)
        with self.assertRaises(UserError):
            draft.with_user(self.officer).with_company(
                self.branch_bj
            ).action_print_contract_version()

    def test_only_officers_and_approvers_print_versions(self):
        with self.assertRaises(AccessError):
            self.loan.with_user(self.finance).with_company(
                self.branch_bj
            ).action_print_contract_version()
        self.assertFalse(self.loan.contract_ids)
