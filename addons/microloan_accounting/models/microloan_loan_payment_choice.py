from odoo import models
from odoo.exceptions import UserError


class MicroloanLoanPaymentChoice(models.AbstractModel):
    """The bank or cash journal and payment method of a disbursement or a
    repayment (microloan.loan): given to ``disburse`` and
    ``register_repayment`` as ``journal_id`` and ``payment_method_line_id``,
    checked here, stored on the transaction and used by its payment."""

    _name = "microloan.loan.payment.choice"
    _description = "Loan: Payment Journal Choice"

    def _microloan_default_payment_journal(self):
        """The journal a payment of the loan goes through unless another is
        chosen: the product's payment journal in the branch, else the
        branch's (Use Default Accounts); an empty recordset when none is
        set."""
        self.ensure_one()
        field = "microloan_payment_journal_id"
        # sudo: the product's and branch's mapping, read to offer a default.
        product = self.product_id.sudo().with_company(self.company_id)
        journal = product[field] or self.company_id.sudo()[field]
        return journal.sudo(self.env.su)

    def _get_payment_values(self, direction, options):
        options = dict(options)
        journal_id = options.pop("journal_id", None)
        method_id = options.pop("payment_method_line_id", None)
        values = super()._get_payment_values(direction, options)
        if not journal_id and not method_id:
            return values
        journal, method = self._microloan_check_payment_choice(
            direction, journal_id, method_id
        )
        values["payment_journal_id"] = journal.id
        values["payment_method_line_id"] = method.id
        return values

    def _microloan_check_payment_choice(self, direction, journal_id, method_id):
        """``(journal, method)`` of the ids given, after checking that the
        journal is a bank or cash journal of the loan's branch (or its head
        office) and the method one of its methods of ``direction`` with an
        outstanding account; a translated ``UserError`` naming nothing of
        another branch otherwise."""
        self.ensure_one()
        env = self.env
        refused = UserError(
            env._(
                "Choose a bank or cash journal of %(company)s and one of its "
                "payment methods for %(loan)s.",
                company=self.company_id.name,
                loan=self.name,
            )
        )
        for value in (journal_id, method_id):
            if value not in (None, False) and (
                not isinstance(value, int) or isinstance(value, bool) or value <= 0
            ):
                raise refused
        # sudo: the journal and method are checked against the loan's branch
        # before anything of them is used or shown.
        Method = env["account.payment.method.line"].sudo()
        method = Method.browse(method_id).exists() if method_id else Method
        journal = env["account.journal"].sudo().browse(journal_id or []).exists()
        if method_id and not method:
            raise refused
        if not journal:
            journal = method.journal_id
        if (
            not journal
            or journal.type not in ("bank", "cash")
            or not journal.active
            or journal.company_id not in self.company_id.parent_ids
        ):
            raise refused
        if not method:
            method = journal._get_available_payment_method_lines(direction)[:1]
        if (
            method.journal_id != journal
            or method.payment_type != direction
            or not method.payment_account_id
        ):
            raise refused
        return journal, method
