"""The accounting side of the role × model × operation matrix, over XML-RPC with
the demo users of the two demo branches (成都 CD and 杭州 HZ; password = login):
the accrual, memo, provisioning and control records and the journal entries of
loans are read per branch and written by the runs only, whatever a client sends."""

from odoo.tests import tagged

from odoo.addons.microloan_base.tests.rpc_common import (
    FORGED_CONTEXT,
    ROLES,
    SecurityRpcCommon,
)

ACCOUNTING_MODELS = (
    "microloan.loan.accrual",
    "microloan.memo.entry",
    "microloan.provision",
    "microloan.ledger.control.line",
)


@tagged("post_install", "-at_install")
class TestAccountingSecurityRpc(SecurityRpcCommon):
    def test_branch_isolation_matrix(self):
        """Every role of each branch reads its own branch's accounting records
        only, and is refused another branch's without a word of its data."""
        checked = self.check_branch_isolation(ACCOUNTING_MODELS)
        self.assertGreater(checked, 40)

    def test_runs_only_create_accounting_records(self):
        """No role creates, writes or deletes an accrual, memo entry or
        provision, whatever context it sends (the old run flags included)."""
        loan = self.loan_active
        accrual = (
            self.env["microloan.loan.accrual"]
            .sudo()
            .search([("company_id", "=", self.branch["cd"].id)], limit=1)
        )
        provision = (
            self.env["microloan.provision"]
            .sudo()
            .search([("company_id", "=", self.branch["cd"].id)], limit=1)
        )
        counts = {
            model: self.env[model].sudo().search_count([])
            for model in ACCOUNTING_MODELS[:3]
        }
        for role in ROLES:
            for model, vals in (
                (
                    "microloan.loan.accrual",
                    {"loan_id": loan.id, "date": "2026-01-31", "amount": 1000.0},
                ),
                (
                    "microloan.memo.entry",
                    {"loan_id": loan.id, "date": "2026-01-31", "amount": 1000.0},
                ),
                (
                    "microloan.provision",
                    {"company_id": self.branch["cd"].id, "date": "2026-01-31"},
                ),
            ):
                with self.assertFault():
                    self.call(role, "cd", model, "create", vals, context=FORGED_CONTEXT)
            for record in (accrual, provision):
                if not record:
                    continue
                with self.assertFault():
                    self.call(
                        role,
                        "cd",
                        record._name,
                        "write",
                        record.ids,
                        {"amount": 0.0},
                        context=FORGED_CONTEXT,
                    )
                with self.assertFault():
                    self.call(role, "cd", record._name, "unlink", record.ids)
        for model, count in counts.items():
            self.assertEqual(self.env[model].sudo().search_count([]), count, model)

    def test_loan_entries_keep_their_links(self):
        """A journal entry of a loan cannot be moved to another loan, and a
        manual entry cannot be put on a loan's ledger."""
        move = (
            self.env["account.move"]
            .sudo()
            .search([("microloan_loan_id", "=", self.loan_active.id)], limit=1)
        )
        self.assertTrue(move)
        for role in ("finance", "approver", "auditor"):
            with self.assertFault():
                self.call(
                    role,
                    "cd",
                    "account.move",
                    "write",
                    move.ids,
                    {"microloan_loan_id": self.loan_draft.id},
                )
        self.assertEqual(move.microloan_loan_id, self.loan_active)
