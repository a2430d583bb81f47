"""The role × model × operation matrix over XML-RPC, with the demo users of the two
demo branches (成都 CD and 杭州 HZ; the password is the login).

Each call goes through the RPC layer a client uses, so a context key, a forged
field or a record of the other branch is exactly what a client can send."""

from odoo.tests import tagged

from .common import make_resident_id
from .rpc_common import FORGED_CONTEXT, ROLES, SecurityRpcCommon

# Models whose records belong to one branch, readable by every role of it.
BRANCH_MODELS = (
    "microloan.loan",
    "microloan.loan.installment",
    "microloan.loan.transaction",
    "microloan.loan.transaction.line",
    "microloan.credit.line",
    "microloan.credit.line.entry",
    "microloan.collateral",
    "microloan.guarantee",
    "microloan.collection.action",
)
# Fields of microloan.loan that only the module's actions set.
LOAN_GUARDED = {
    "state": "active",
    "name": "CD-2026-99999",
    "approved_by_id": None,  # the approver's id, set in the test
    "submitted_by_id": None,
    "approve_date": "2026-01-01 00:00:00",
    "risk_tier": "normal",
    "days_past_due": 0,
    "credit_balance": 99999.0,
    "ledger_version": 0,
    "microloan_accrued_to": "2020-01-01",
    "settlement_date": "2026-01-01",
    "write_off_user_id": None,
    "manual_tier": "loss",
}
# Another value for a loan that already holds the one above.
ALTERNATES = {
    "state": "closed",
    "risk_tier": "loss",
    "days_past_due": 77,
    "ledger_version": 99,
    "manual_tier": "doubtful",
}


@tagged("post_install", "-at_install")
class TestSecurityRpc(SecurityRpcCommon):
    # ------------------------------------------------------------------
    def test_branch_isolation_matrix(self):
        """Every role of each branch searches and reads its own branch only;
        a record of the other branch is refused, and the refusal names none
        of its data."""
        self.assertGreater(self.check_branch_isolation(BRANCH_MODELS), 100)

    def test_loan_guarded_fields_refused_for_every_role(self):
        """No role writes a loan's state, stamps, number or figures; no role
        creates a loan with them."""
        approver = self.users[("approver", "cd")]
        values = dict(
            LOAN_GUARDED,
            approved_by_id=approver.id,
            submitted_by_id=approver.id,
            write_off_user_id=approver.id,
        )
        other_user = self.users[("risk", "cd")]
        loans = (self.loan_draft, self.loan_active)
        before = {loan.id: loan.read(list(values))[0] for loan in loans}
        for role in ROLES:
            for loan in loans:
                for field, value in values.items():
                    if (
                        self.loan_draft._fields[field].convert_to_write(
                            loan[field], loan
                        )
                        == value
                    ):
                        # The same value changes nothing (and is accepted).
                        value = ALTERNATES.get(field, other_user.id)
                    with self.assertFault():
                        self.call(
                            role,
                            "cd",
                            "microloan.loan",
                            "write",
                            [loan.id],
                            {field: value},
                        )
        vals = self.loan_draft.copy_data()[0]
        vals = {
            key: (value.id if hasattr(value, "id") else value)
            for key, value in vals.items()
            if not isinstance(value, list)
        }
        for field in ("state", "name", "approved_by_id", "risk_tier"):
            with self.assertFault():
                self.call(
                    "officer",
                    "cd",
                    "microloan.loan",
                    "create",
                    dict(vals, **{field: values[field]}),
                )
        self.env.invalidate_all()
        for loan in loans:
            self.assertEqual(loan.read(list(values))[0], before[loan.id])

    def test_officer_cannot_approve_or_activate_alone(self):
        """The reproduction of the issue: the officer writes the approval on
        his own new loan, or activates or closes a loan: each is refused."""
        loan = self.loan_draft
        approver = self.users[("approver", "cd")]
        for vals in (
            {"state": "approved", "approved_by_id": approver.id},
            {"state": "active"},
            {"state": "closed"},
        ):
            with self.assertFault():
                self.call("officer", "cd", "microloan.loan", "write", [loan.id], vals)
        for role in ROLES:
            with self.assertFault():
                self.call(
                    role,
                    "cd",
                    "microloan.loan",
                    "write",
                    [self.loan_active.id],
                    {"state": "closed"},
                )
        self.assertEqual(loan.state, "draft")
        self.assertEqual(self.loan_active.state, "active")

    def test_forged_context_unlocks_nothing(self):
        """The flags the module once read from the context open nothing."""
        context = dict(FORGED_CONTEXT)
        installments = self.loan_active.installment_ids
        for role in ROLES:
            with self.assertFault():
                self.call(
                    role,
                    "cd",
                    "microloan.loan.installment",
                    "write",
                    installments[:1].ids,
                    {"principal": 0.0, "interest": 0.0},
                    context=context,
                )
            with self.assertFault():
                self.call(
                    role,
                    "cd",
                    "microloan.loan.installment",
                    "unlink",
                    installments.ids,
                    context=context,
                )
            with self.assertFault():
                self.call(
                    role,
                    "cd",
                    "microloan.loan",
                    "write",
                    [self.loan_active.id],
                    {"amount": 1.0, "interest_rate": 0.0},
                    context=context,
                )
            with self.assertFault():
                self.call(
                    role,
                    "cd",
                    "microloan.loan.transaction",
                    "create",
                    {
                        "loan_id": self.loan_active.id,
                        "company_id": self.branch["cd"].id,
                        "currency_id": self.loan_active.currency_id.id,
                        "date": "2026-01-01",
                        "kind": "repayment",
                        "amount": 1000000.0,
                    },
                    context=context,
                )
        self.env.invalidate_all()
        self.assertEqual(self.loan_active.installment_ids, installments)
        self.assertNotEqual(self.loan_active.amount, 1.0)

    def test_actions_need_their_role_and_branch(self):
        """Each public action of a loan refuses the roles it is not for, and
        every role of the other branch."""
        cases = [
            ("action_submit", self.loan_draft, [], {"officer"}),
            ("action_approve", self.loan_submitted, [], {"approver"}),
            ("action_reject", self.loan_submitted, ["Too risky"], {"approver"}),
            ("register_repayment", self.loan_active, [10.0, "2026-01-01"], {"finance"}),
            ("payoff_quote", self.loan_active, ["2026-01-01"], set(ROLES)),
            (
                "action_override_classification",
                self.loan_active,
                ["loss", "Fraud"],
                {"risk"},
            ),
            (
                "write_off",
                self.loan_active,
                ["2026-01-01", "Lost", "Court ruling"],
                {"approver"},
            ),
        ]
        refused = 0
        for method, loan, args, allowed in cases:
            for role in ROLES:
                if role in allowed:
                    continue
                with self.assertFault():
                    self.call(role, "cd", "microloan.loan", method, [loan.id], *args)
                refused += 1
            for role in ROLES:
                with self.assertFault() as fault:
                    self.call(role, "hz", "microloan.loan", method, [loan.id], *args)
                self.assertNotIn(loan.name, fault.message)
                refused += 1
        self.assertGreater(refused, 40)
        self.env.invalidate_all()
        self.assertEqual(self.loan_draft.state, "draft")
        self.assertEqual(self.loan_submitted.state, "submitted")

    def test_officer_creates_borrowers_of_his_branch(self):
        partner_id = self.call(
            "officer",
            "cd",
            "res.partner",
            "create",
            {
                "name": "王小明",
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": make_resident_id("51010719900101123"),
                "company_id": self.branch["cd"].id,
            },
        )
        partner = self.env["res.partner"].browse(partner_id)
        self.assertEqual(partner.company_id, self.branch["cd"])
