"""XML-RPC calls as the demo users of the two demo branches, for the security
tests of every module (the password of a demo user is its login)."""

import xmlrpc.client

from odoo.tests import HttpCase

ROLES = ("officer", "risk", "approver", "finance", "auditor")
# Context keys the module once trusted; a client can send any of them.
FORGED_CONTEXT = {
    "microloan_schedule_change": True,
    "microloan_terms_change": True,
    "microloan_post_transaction": True,
    "microloan_credit_line_posting": True,
    "microloan_accrual_run": True,
    "microloan_provision_run": True,
}


class SecurityRpcCommon(HttpCase):
    """The demo users of both branches and an XML-RPC caller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.branch = {
            "cd": ref("microloan_base.company_chengdu"),
            "hz": ref("microloan_base.company_hangzhou"),
        }
        cls.users = {
            (role, branch): ref(f"microloan_base.user_{role}_{branch}")
            for role in ROLES
            for branch in ("cd", "hz")
        }
        cls.loan_active = ref("microloan_base.loan_cd_active")
        cls.loan_draft = ref("microloan_base.loan_cd_draft")
        cls.loan_submitted = ref("microloan_base.loan_cd_submitted")
        cls.loan_hz = ref("microloan_base.loan_hz_active_zhang")

    def setUp(self):
        super().setUp()
        self.uids = {}

    # ------------------------------------------------------------------
    def call(self, role, branch, model, method, *args, **kwargs):
        """``execute_kw`` over XML-RPC as the demo user ``role_branch``."""
        user = self.users[(role, branch)]
        db = self.env.cr.dbname
        if user.id not in self.uids:
            uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
            self.assertEqual(uid, user.id)
            self.uids[user.id] = uid
        return self.xmlrpc_object.execute_kw(
            db, user.id, user.login, model, method, list(args), kwargs
        )

    def check_branch_isolation(self, models):
        """For every model of ``models`` and every demo user: ``search`` finds
        records of the user's branch only, and ``read`` of a record of the
        other branch is refused without naming it. Returns the checks made."""
        checked = 0
        for model in models:
            Model = self.env[model].sudo()
            records = {
                branch: Model.search([("company_id", "=", company.id)], limit=1)
                for branch, company in self.branch.items()
            }
            for (role, branch), user in self.users.items():
                other = "hz" if branch == "cd" else "cd"
                if not self.env[model].with_user(user).has_access("read"):
                    with self.assertFault():
                        self.call(role, branch, model, "search", [])
                    checked += 1
                    continue
                ids = self.call(role, branch, model, "search", [])
                companies = set(Model.browse(ids).mapped("company_id").ids)
                self.assertLessEqual(
                    companies, {self.branch[branch].id}, f"{model} {role}_{branch}"
                )
                foreign = records[other]
                if not foreign:
                    continue
                with self.assertFault() as fault:
                    self.call(
                        role, branch, model, "read", [foreign.id], ["display_name"]
                    )
                name = foreign.display_name
                if len(name) > 3 and not name.isdigit():  # not a bare number
                    self.assertNotIn(name, fault.message)
                checked += 2
        return checked

    def assertFault(self, text=None):
        return FaultContext(self, text)


class FaultContext:
    """``with self.assertFault() as fault``: the block must raise an XML-RPC
    fault (a refused call); ``fault.message`` is what the client was told."""

    def __init__(self, case, text=None):
        self.case = case
        self.text = text
        self.message = ""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.case.fail("the call was accepted")
        if not issubclass(exc_type, xmlrpc.client.Fault):
            return False
        self.message = exc.faultString
        # A refusal (user, access or validation error), never a crash: code 1
        # is Odoo's "application error", which carries a traceback.
        self.case.assertNotEqual(exc.faultCode, 1, exc.faultString)
        if self.text:
            self.case.assertIn(self.text, self.message)
        return True
