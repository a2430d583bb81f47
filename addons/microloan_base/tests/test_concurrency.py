from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.service import model as service_model
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..tools.locking import LOCK_TRIES
from .common import make_resident_id

# Every statement of the test's own connections gives up instead of waiting:
# a lock held by the other connection of the same thread would otherwise hang
# the test forever. ``SET LOCAL`` ends with the transaction (nothing leaks into
# the connection pool), so it is set again at the start of each transaction.
TIMEOUTS = SQL("SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '60s'")


def set_timeouts(cr):
    cr.execute(TIMEOUTS)


@tagged("post_install", "-at_install")
class TestRepaymentConcurrency(TransactionCase):
    """Two repayments posted at the same time on the same loan, each in its own
    database connection, never allocate the same installment twice: the loan
    row is locked and marked before allocating, so the transaction that read
    the loan before the other one posted fails to serialize and is retried,
    as Odoo retries a request (the interleaving of Odoo's own sequence
    concurrency test, without threads)."""

    def setUp(self):
        super().setUp()
        self.registry = self.env.registry
        with self.registry.cursor() as cr:
            set_timeouts(cr)
            env = api.Environment(
                cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
            )
            self.sequence_max = self._max_id(cr, "ir_sequence")
            company = env.ref("base.main_company")
            product = env["microloan.product"].create(
                {
                    "name": "Concurrency Test Loan",
                    "code": "CONC",
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "repayment_method": "annuity",
                    "rate_min": 6.0,
                    "rate_max": 24.0,
                    "guarantee_type_ids": [
                        (6, 0, [env.ref("microloan_base.guarantee_type_credit").id])
                    ],
                }
            )
            borrower = env["res.partner"].create(
                {
                    "name": "Concurrency Borrower",
                    "company_id": company.id,
                    "microloan_borrower_type": "individual",
                    "microloan_id_type": "resident_id",
                    "microloan_id_number": make_resident_id("44030519850101007"),
                }
            )
            loan = env["microloan.loan"].create(
                {
                    "partner_id": borrower.id,
                    "product_id": product.id,
                    "company_id": company.id,
                    "guarantee_type_id": env.ref(
                        "microloan_base.guarantee_type_credit"
                    ).id,
                    "amount": 100000.0,
                    "interest_rate": 12.0,
                    "term": 12,
                    "application_date": "2025-01-05",
                    "disbursement_date": "2025-01-15",
                    "user_id": False,
                }
            )
            # Approval is tested elsewhere; this test only needs an approved loan.
            loan.write({"state": "approved"})
            loan.disburse(100000.0, "2025-01-15")
            cr.commit()  # pylint: disable=invalid-commit
            self.ids = {
                "product": product.id,
                "borrower": borrower.id,
                "loan": loan.id,
            }
        self.addCleanup(self._clean_up)

    @staticmethod
    def _max_id(cr, table):
        cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
        return cr.fetchone()[0]

    def _clean_up(self):
        with self.registry.cursor() as cr:
            set_timeouts(cr)
            loan_id = self.ids["loan"]
            for query in (
                SQL(
                    "DELETE FROM microloan_loan_transaction_line WHERE loan_id = %s",
                    loan_id,
                ),
                SQL(
                    "DELETE FROM microloan_loan_transaction WHERE loan_id = %s",
                    loan_id,
                ),
                SQL(
                    "DELETE FROM microloan_loan_installment WHERE loan_id = %s",
                    loan_id,
                ),
                SQL(
                    "DELETE FROM mail_followers WHERE res_model = 'microloan.loan' "
                    "AND res_id = %s",
                    loan_id,
                ),
                SQL(
                    "DELETE FROM mail_message WHERE model = 'microloan.loan' "
                    "AND res_id = %s",
                    loan_id,
                ),
                SQL("DELETE FROM microloan_loan WHERE id = %s", loan_id),
                SQL("DELETE FROM res_partner WHERE id = %s", self.ids["borrower"]),
                SQL("DELETE FROM microloan_product WHERE id = %s", self.ids["product"]),
                SQL(
                    "DELETE FROM ir_sequence_date_range WHERE sequence_id > %s",
                    self.sequence_max,
                ),
                SQL("DELETE FROM ir_sequence WHERE id > %s", self.sequence_max),
            ):
                cr.execute(query)
            cr.commit()  # pylint: disable=invalid-commit

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_repayments_at_once(self):
        calls = []

        def post(env, amount, reference):
            # A retry starts a new transaction: its timeouts are set again (a
            # lock wait beyond them is retried, then fails, never hangs).
            set_timeouts(env.cr)
            calls.append(reference)
            loan = env["microloan.loan"].browse(self.ids["loan"])
            return loan.register_repayment(amount, "2025-02-15", reference=reference)

        context = {"tracking_disable": True}
        with (
            self.registry.cursor() as cr1,
            self.registry.cursor() as cr2,
        ):
            set_timeouts(cr1)
            set_timeouts(cr2)
            env1 = api.Environment(cr1, SUPERUSER_ID, context)
            env2 = api.Environment(cr2, SUPERUSER_ID, context)
            # The first connection reads the loan: its snapshot predates the
            # repayment the second connection posts and commits meanwhile.
            loan1 = env1["microloan.loan"].browse(self.ids["loan"])
            self.assertEqual(loan1.installment_ids[0].amount_paid, 0.0)
            first = retrying(partial(post, env2, 5000.0, "CONC-A"), env2)
            second = retrying(partial(post, env1, 6000.0, "CONC-B"), env1)
            # The servicing API returns ids.
            transaction_ids = [first, second]

        # The first connection met the committed lock holder's change and was
        # retried, as Odoo retries a request.
        self.assertEqual(calls, ["CONC-A", "CONC-B", "CONC-B"])
        with self.registry.cursor() as cr:
            set_timeouts(cr)
            env = api.Environment(cr, SUPERUSER_ID, {})
            loan = env["microloan.loan"].browse(self.ids["loan"])
            repayments = loan.transaction_ids.filtered(lambda t: t.kind == "repayment")
            self.assertEqual(sorted(repayments.ids), sorted(transaction_ids))
            self.assertEqual(sorted(repayments.mapped("amount")), [5000.0, 6000.0])
            installments = loan.installment_ids.sorted("sequence")
            self.assertRecordValues(
                installments[:2],
                [
                    {"interest_paid": 1000.0, "principal_paid": 7884.88},
                    {"interest_paid": 0.0, "principal_paid": 0.0},
                ],
            )
            self.assertEqual(installments[0].state, "paid")
            self.assertAlmostEqual(loan.credit_balance, 11000.0 - 8884.88)
            self.assertEqual(loan.ledger_version, 3)

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_busy_loan_is_a_clear_message(self):
        """While another connection holds the loan (a posting still running),
        a repayment waits a little, is retried like an Odoo request, and then
        gets a translated "being updated, try again" error: never a raw
        database error, and nothing is posted."""
        calls = []

        def post(env):
            set_timeouts(env.cr)
            calls.append(1)
            loan = env["microloan.loan"].browse(self.ids["loan"])
            return loan.register_repayment(100.0, "2025-02-15", reference="BUSY-1")

        context = {"tracking_disable": True}
        with (
            self.registry.cursor() as holder,
            self.registry.cursor() as cr,
        ):
            set_timeouts(holder)
            holder.execute(
                SQL(
                    "SELECT id FROM microloan_loan WHERE id = %s FOR UPDATE",
                    self.ids["loan"],
                )
            )
            env = api.Environment(cr, SUPERUSER_ID, context)
            with (
                patch.object(service_model, "time", _NoSleep),
                self.assertRaisesRegex(UserError, "being updated by another posting"),
            ):
                retrying(partial(post, env), env)
            holder.rollback()
        # The lock was tried LOCK_TRIES times (Odoo retried the first ones).
        self.assertEqual(len(calls), LOCK_TRIES)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            loan = env["microloan.loan"].browse(self.ids["loan"])
            self.assertFalse(loan.transaction_ids.filtered("reference"))
            self.assertEqual(loan.ledger_version, 1)


class _NoSleep:
    """``time`` for Odoo's retry loop without its pauses."""

    @staticmethod
    def sleep(_seconds):
        return None
