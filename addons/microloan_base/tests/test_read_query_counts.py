from odoo.tests import tagged

from .common import MicroloanCommon

LIST = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "principal_outstanding": {},
    "is_overdue": {},
    "next_due_date": {},
    "next_due_amount": {},
    "state": {},
}


@tagged("post_install", "-at_install")
class TestReadQueryCounts(MicroloanCommon):
    """The loan lists of the web client (issue 13, item 7): the overdue flag
    and the next installment of a page of loans are read in one query each,
    whatever the number of loans on the page."""

    def _active(self, count):
        loans = self.env["microloan.loan"].create(
            [self._loan_vals(user_id=self.officer.id) for _index in range(count)]
        )
        loans.with_user(self.officer).action_submit()
        loans.with_user(self.approver).action_approve()
        for loan in loans:
            loan.with_user(self.finance).disburse(100000.0, "2025-01-10")
        return loans

    def _list_queries(self, loans):
        self.env.flush_all()
        self.env.invalidate_all()
        Loan = self.env["microloan.loan"].with_user(self.finance)
        start = self.env.cr.sql_log_count
        result = Loan.web_search_read(
            [("id", "in", loans.ids)], LIST, offset=0, limit=80, count_limit=10001
        )
        return self.env.cr.sql_log_count - start, result["records"]

    def test_list_queries_do_not_grow(self):
        few, records = self._list_queries(self._active(1))
        self.assertTrue(records[0]["is_overdue"])
        self.assertEqual(str(records[0]["next_due_date"]), "2025-02-10")
        self.assertAlmostEqual(records[0]["next_due_amount"], 8884.88)
        many, records = self._list_queries(self._active(6))
        self.assertEqual(len(records), 6)
        self.assertTrue(all(record["is_overdue"] for record in records))
        # Measured: the same count for one loan and for six.
        self.assertLessEqual(many - few, 1, (few, many))
