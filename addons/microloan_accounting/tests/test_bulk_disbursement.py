from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestBulkDisbursement(MicroloanAccountingCommon):
    """Disbursements of the bulk API booked in batch (issue 13, item 5): a
    payment per loan whose entry carries the allocation, as ``disburse``
    books one; the queries per loan bounded (benchmark:
    tests/bench/bench_bulk_loans.py)."""

    def _approved(self, count):
        return self.env["microloan.loan"].concat(
            *(self._approved_loan() for _index in range(count))
        )

    def _disburse(self, loans, prefix):
        return self.env["microloan.loan"].disburse_loans(
            [
                {
                    "loan_id": loan.id,
                    "amount": loan.amount,
                    "date": "2025-01-10",
                    "reference": f"{prefix}-{loan.id}",
                }
                for loan in loans
            ]
        )

    def _queries(self, function):
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_entries_and_payments_as_single(self):
        single = self._active_loan()
        loans = self._approved(3)
        ids = self._disburse(loans, "B")
        transactions = self.env["microloan.loan.transaction"].browse(ids)
        expected = single.transaction_ids
        self.assertEqual(len(transactions.move_id), 3)
        self.assertEqual(len(transactions.payment_id), 3)
        for transaction in transactions:
            move = transaction.move_id
            self.assertEqual(move.state, "posted")
            self.assertEqual(transaction.move_ids, move)
            self.assertEqual(transaction.payment_id.move_id, move)
            self.assertEqual(move.microloan_transaction_id, transaction)
            self.assertEqual(move.journal_id, self.accounts["payment_journal"])
            self.assertEqual(self._lines(move), self._lines(expected.move_id))
            self.assertEqual(transaction.payment_id.state, "in_process")
            self.assertFalse(move.line_ids.matched_debit_ids)
            self.assertFalse(move.line_ids.matched_credit_ids)
            self.assertFalse(move.message_ids)
            self.assertFalse(move.message_follower_ids)
        self.assertEqual(len(set(transactions.move_id.mapped("name"))), 3)
        self.assertFalse(
            self.env["microloan.loan"]._check_ledger_agreement(
                "2025-01-10", loans=loans | single
            )
        )

    def test_entry_names_as_odoo_gives_them(self):
        """The payment entries of a batch get the names Odoo gives them one
        entry at a time (sequence.mixin: the format read once per journal,
        kind and date, see account.move._get_next_sequence_format):
        consecutive and unique, over two dates, and the next entry of the
        journal posted by Odoo continues the sequence."""
        loans = self._approved(4)
        rows = [
            {
                "loan_id": loan.id,
                "amount": loan.amount,
                "date": date,
                "reference": f"N-{loan.id}",
            }
            for loan, date in zip(
                loans,
                ["2025-01-10", "2025-01-10", "2025-01-12", "2025-01-12"],
                strict=False,
            )
        ]
        Loan = self.env["microloan.loan"]
        Transaction = self.env["microloan.loan.transaction"]
        # Odoo one entry at a time: each disbursement posted by a call of its
        # own, then undone.
        with self.env.cr.savepoint() as savepoint:
            expected = [
                Transaction.browse(Loan.disburse_loans([row])).move_id.name
                for row in rows
            ]
            savepoint.rollback()
        self.env.invalidate_all()
        # Odoo's transaction cache of the numbers it drew (sequence.mixin).
        self.env.cr.precommit.data.pop("sequence.mixin", None)
        moves = Transaction.browse(Loan.disburse_loans(rows)).move_id
        self.assertEqual(moves.mapped("name"), expected)
        self.assertEqual(len(set(expected)), 4)
        self.assertEqual(len(set(moves.mapped("sequence_prefix"))), 1)
        numbers = moves.mapped("sequence_number")
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 4)))
        journal = self.accounts["payment_journal"]
        # An Odoo payment of the journal: its entry continues the sequence.
        payment = self.env["account.payment"].create(
            {
                "payment_type": "outbound",
                "partner_type": "customer",
                "partner_id": self.borrower.id,
                "amount": 1.0,
                "date": "2025-01-12",
                "journal_id": journal.id,
            }
        )
        payment.action_post()
        later = payment.move_id
        self.assertEqual(later.sequence_prefix, moves[0].sequence_prefix)
        self.assertEqual(later.sequence_number, numbers[-1] + 1)

    def test_locked_period_refused(self):
        """The accounting setup and lock dates are checked once per branch,
        product and date of a batch, for every loan of it: a locked period
        refuses the whole call."""
        loans = self._approved(2)
        self.company.sudo().fiscalyear_lock_date = "2025-01-31"
        with self.assertRefused(UserError, "locked until"):
            self._disburse(loans, "L")
        self.assertEqual(set(loans.mapped("state")), {"approved"})
        self.assertFalse(loans.transaction_ids)

    def test_query_count_per_loan(self):
        """A further loan of a bulk disbursement costs a bounded number of
        queries (its entry and payment are created with the others)."""
        self._disburse(self._approved(1), "W")  # warm-up: number ranges
        loans = self._approved(1)
        one = self._queries(lambda: self._disburse(loans, "O"))
        loans = self._approved(6)
        six = self._queries(lambda: self._disburse(loans, "S"))
        # Measured: 52 queries for one loan, 58 for six, 1.2 per further
        # loan: the items of the payment entries inserted in one query, their
        # names drawn with one read of the journal's sequence (57, 84 and 5.4
        # with the items created by the ORM and a name read per entry; 124,
        # 261 and 27 with a loan entry and a payment entry per loan,
        # reconciled).
        self.assertLessEqual((six - one) / 5, 2, (one, six))
        self.assertLessEqual(one, 55, one)
