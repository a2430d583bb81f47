from odoo.tests import HttpCase, tagged

from odoo.addons.microloan_base.tests.portal_common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalDocuments(HttpCase, PortalCommon):
    """The borrower downloads the schedule, statement and receipts of his own
    loans from the portal, never another borrower's."""

    def _get(self, url):
        return self.url_open(url, timeout=120)

    def test_own_documents(self):
        self.authenticate("portal_a", "portal_a")
        loan = self.loan_a
        page = self._get(f"/my/loans/{loan.id}").text
        self.assertIn(f"/my/loans/{loan.id}/document/schedule", page)
        self.assertIn(f"/my/loans/{loan.id}/receipt/{self.repayment_a.id}", page)
        # Only a closed loan has a settlement certificate.
        self.assertNotIn(f"/my/loans/{loan.id}/document/settlement", page)
        for url in (
            f"/my/loans/{loan.id}/document/schedule",
            f"/my/loans/{loan.id}/document/statement?date_from=2025-01-01&date_to=2025-12-31",
            f"/my/loans/{loan.id}/receipt/{self.repayment_a.id}",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("attachment", response.headers["Content-Disposition"])
                # Tests render the report as HTML (no wkhtmltopdf): its text.
                self.assertIn(loan.name, response.text)
        response = self._get(f"/my/loans/{loan.id}/document/settlement")
        self.assertEqual(response.status_code, 404)

    def test_bad_statement_dates(self):
        self.authenticate("portal_a", "portal_a")
        for query in (
            "date_from=2025-13-45",
            "date_from=2025-12-31&date_to=2025-01-01",
        ):
            with self.subTest(query=query):
                response = self._get(
                    f"/my/loans/{self.loan_a.id}/document/statement?{query}"
                )
                self.assertIn("statement_error=1", response.url)
                self.assertIn("dates are not valid.", response.text)

    def test_other_borrowers_documents(self):
        self.authenticate("portal_b", "portal_b")
        loan = self.loan_a
        for url in (
            f"/my/loans/{loan.id}/document/schedule",
            f"/my/loans/{loan.id}/document/statement",
            f"/my/loans/{loan.id}/receipt/{self.repayment_a.id}",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertTrue(response.url.endswith("/my"), response.url)
                self.assertNotIn(loan.name, response.text)
        # His own loan with the other's receipt: refused too.
        response = self._get(
            f"/my/loans/{self.loan_b.id}/receipt/{self.repayment_a.id}"
        )
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn(self.repayment_a.name, response.text)
        # An unknown document kind.
        response = self._get(f"/my/loans/{self.loan_b.id}/document/contract")
        self.assertEqual(response.status_code, 404)
