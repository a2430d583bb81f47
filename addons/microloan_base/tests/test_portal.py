import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .portal_common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalLoans(HttpCase, PortalCommon):
    """A portal borrower sees his loans, their schedules and transactions on
    /my/loans, and never another borrower's (by URL or by RPC)."""

    def _rpc(self, user, model, method, *args, **kwargs):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
        self.assertEqual(uid, user.id)
        return self.xmlrpc_object.execute_kw(
            db, uid, user.login, model, method, list(args), kwargs
        )

    def test_own_loan_pages(self):
        self.authenticate("portal_a", "portal_a")
        listing = self.url_open("/my/loans", timeout=60)
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.loan_a.name, listing.text)
        self.assertNotIn(self.loan_b.name, listing.text)
        page = self.url_open(f"/my/loans/{self.loan_a.id}", timeout=60).text
        self.assertIn(self.loan_a.name, page)
        # The schedule (one row per installment) and the repayment.
        for installment in self.loan_a.installment_ids:
            self.assertIn(f"<td>{installment.sequence}</td>", page)
        self.assertIn(self.repayment_a.name, page)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["microloan_loan_count"]}
        )
        self.assertEqual(counters["microloan_loan_count"], 1)

    def test_other_borrowers_loan_by_url(self):
        for user, theirs in (
            (self.portal_b, self.loan_a),
            (self.portal_a, self.loan_b),
        ):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                response = self.url_open(f"/my/loans/{theirs.id}", timeout=60)
                self.assertTrue(response.url.endswith("/my"), response.url)
                self.assertNotIn(theirs.name, response.text)
                listing = self.url_open("/my/loans", timeout=60).text
                self.assertNotIn(theirs.name, listing)
        # A loan that does not exist: the same answer.
        response = self.url_open("/my/loans/999999999", timeout=60)
        self.assertTrue(response.url.endswith("/my"), response.url)

    def test_other_borrowers_records_by_rpc(self):
        """Each portal user finds only his loan, installments and transactions
        and cannot read nor write the other's (nor his own: read only)."""
        for user, mine_loan, their_loan in (
            (self.portal_b, self.loan_b, self.loan_a),
            (self.portal_a, self.loan_a, self.loan_b),
        ):
            for model, field, vals in (
                ("microloan.loan", None, {"purpose": "x"}),
                ("microloan.loan.installment", "installment_ids", {"days": 1}),
                ("microloan.loan.transaction", "transaction_ids", {"reference": "x"}),
            ):
                mine = mine_loan[field] if field else mine_loan
                theirs = their_loan[field] if field else their_loan
                with self.subTest(user=user.login, model=model):
                    found = self._rpc(user, model, "search", [])
                    self.assertEqual(sorted(found), sorted(mine.ids))
                    with self.assertRaises(xmlrpc.client.Fault):
                        self._rpc(user, model, "read", theirs[:1].ids, fields=["id"])
                    with self.assertRaises(AccessError):
                        theirs.with_user(user).read(["id"])
                    # Read only, even his own.
                    with self.assertRaises(xmlrpc.client.Fault):
                        self._rpc(user, model, "write", mine[:1].ids, vals)
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(
                self.portal_b,
                "microloan.loan",
                "disburse",
                self.loan_b.ids,
                1.0,
                "2025-02-01",
            )
