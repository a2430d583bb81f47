from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

# Kinds whose money goes through a payment of the payment journal:
# kind -> payment type.
PAYMENT_TYPES = {
    "disbursement": "outbound",
    "repayment": "inbound",
    "recovery": "inbound",
    "refund": "outbound",
}
# Income account of each interest-like component.
INCOME_KEYS = {
    "interest": "interest_income",
    "penalty": "penalty_income",
    "compound": "compound_income",
}


class MicroloanLoanTransaction(models.Model):
    _inherit = "microloan.loan.transaction"

    move_ids = fields.One2many(
        "account.move", "microloan_transaction_id", string="Journal Entries"
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        compute="_compute_move_id",
        store=True,
        index="btree_not_null",
        help="Entry of the loan journal booking this transaction.",
    )
    payment_ids = fields.One2many(
        "account.payment", "microloan_transaction_id", string="Payments"
    )
    payment_id = fields.Many2one(
        "account.payment",
        string="Payment",
        compute="_compute_payment_id",
        store=True,
        index="btree_not_null",
        help="Payment of the bank journal moving this transaction's money.",
    )

    @api.depends("move_ids.origin_payment_id")
    def _compute_move_id(self):
        for transaction in self:
            moves = transaction.move_ids.filtered(lambda m: not m.origin_payment_id)
            transaction.move_id = moves[:1]

    @api.depends("payment_ids")
    def _compute_payment_id(self):
        for transaction in self:
            transaction.payment_id = transaction.payment_ids[:1]

    @api.model_create_multi
    def create(self, vals_list):
        transactions = super().create(vals_list)
        transactions._microloan_book_all()
        return transactions

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------

    def _microloan_book_all(self):
        """Book these transactions in order (see :meth:`_microloan_book`). The
        entries of transactions that move no money (charges, fees, waivers,
        write-offs: the month-end close posts thousands) are created and posted
        together, one entry per transaction, in one ``create``."""
        checked = {}
        pending = []

        def flush():
            if pending:
                moves = self.env["account.move"].sudo().create(pending)
                moves.action_post()
                pending.clear()

        for transaction in self:
            loan = transaction.loan_id
            if not loan._microloan_accounting_active():
                continue
            # The check depends on these only (the borrower's receivable
            # account included): once per distinct key in a batch.
            key = (loan.product_id, loan.company_id, loan.partner_id, transaction.date)
            if key not in checked:
                checked[key] = loan._microloan_check_accounting(transaction.date)
            accounts = checked[key]
            if transaction.kind == "reversal" or transaction.kind in PAYMENT_TYPES:
                flush()
                transaction._microloan_book(accounts)
                continue
            specs = transaction._prepare_microloan_line_specs(accounts)
            if specs:
                pending.append(
                    transaction._prepare_microloan_move_vals(accounts, specs)
                )
        flush()

    def _microloan_book(self, accounts=None):
        """Book this transaction in the branch's journals, in the same database
        transaction: a reversal reverses the entries of the transaction it
        reverses; any other kind gets one entry of the loan journal and, when
        money moves, a payment of the payment journal reconciled with it."""
        self.ensure_one()
        loan = self.loan_id
        if accounts is None:
            if not loan._microloan_accounting_active():
                return
            accounts = loan._microloan_check_accounting(self.date)
        if self.kind == "reversal":
            self._microloan_book_reversal()
            return
        specs = self._prepare_microloan_line_specs(accounts)
        if not specs:
            return
        moves = self.env["account.move"].sudo()
        move = moves.create(self._prepare_microloan_move_vals(accounts, specs))
        move.action_post()
        if self.kind in PAYMENT_TYPES:
            self._microloan_pay(accounts, move)

    def _prepare_microloan_line_specs(self, accounts):
        """Lines of this transaction's loan entry, as a list of dicts
        ``{"account": account.account, "amount": float}`` in the loan's
        currency, ``amount`` > 0 for a debit; one line per account.

        Rule for interest (the accrual run of this module relies on it):

        - normal interest is income only through the monthly accrual
          (Dr interest receivable / Cr interest income, scheduled interest pro
          rata by days); a repayment of interest always credits the interest
          receivable (1132), so an installment paid on its due date leaves 1132
          at zero for it; paid before its accrual ran, 1132 is credit until the
          run catches up;
        - penalty and compound interest are income when charged
          (Dr 1132 / Cr penalty or compound income) and their payment credits
          1132;
        - while the loan is non-accrual (``loan.non_accrual``), charges are not
          booked (they live off balance) and interest, penalty and compound
          paid are credited straight to income; the accrual run reverses the
          loan's whole 1132 balance into the off-balance memo at the switch;
        - fees: a charged fee is Dr fee receivable / Cr fee income; a fee paid
          credits the fee receivable for what was charged on its installment
          and fee income for the scheduled fee.
        """
        self.ensure_one()
        kind = self.kind
        non_accrual = self.loan_id.non_accrual
        totals = defaultdict(float)

        def add(key, amount, _component):
            totals[accounts[key]] += amount

        fee_charged_open = self._microloan_fee_charged_open()
        for line in self.line_ids:
            component, amount = line.component, line.amount
            if component == "excess":
                add("borrower_credit", -amount, component)
                continue
            if kind == "disbursement":
                add("principal", amount, component)
            elif kind in ("penalty", "compound"):
                if not non_accrual:
                    add("interest_receivable", amount, component)
                    add(INCOME_KEYS[component], -amount, component)
            elif kind == "fee":
                add("fee_receivable", amount, component)
                add("fee_income", -amount, component)
            elif kind == "repayment":
                self._microloan_add_settlement(add, line, non_accrual, fee_charged_open)
            elif kind == "recovery":
                add("recovery_income", -amount, component)
            elif kind == "waiver":
                self._microloan_add_waiver(add, line, non_accrual, fee_charged_open)
            elif kind == "write_off":
                self._microloan_add_write_off(add, line, non_accrual, fee_charged_open)
        if kind in PAYMENT_TYPES:
            # The money side: the borrower's receivable, cleared by the payment.
            sign = 1 if PAYMENT_TYPES[kind] == "inbound" else -1
            totals[self._microloan_clearing_account()] += sign * self.amount
        currency = self.currency_id
        return [
            {"account": account, "amount": currency.round(amount)}
            for account, amount in totals.items()
            if not currency.is_zero(amount)
        ]

    def _microloan_add_settlement(self, add, line, non_accrual, fee_charged_open):
        component, amount = line.component, line.amount
        if component == "principal":
            add("principal", -amount, component)
        elif component in INCOME_KEYS:
            key = INCOME_KEYS[component] if non_accrual else "interest_receivable"
            add(key, -amount, component)
        elif component == "fee":
            charged = self._microloan_take_charged_fee(line, fee_charged_open)
            add("fee_receivable", -charged, component)
            add("fee_income", -(amount - charged), component)

    def _microloan_add_waiver(self, add, line, non_accrual, fee_charged_open):
        component, amount = line.component, line.amount
        if component == "principal":
            add("impairment_expense", amount, component)
            add("principal", -amount, component)
        elif component in INCOME_KEYS:
            if not non_accrual:
                add(INCOME_KEYS[component], amount, component)
                add("interest_receivable", -amount, component)
        elif component == "fee":
            charged = self._microloan_take_charged_fee(line, fee_charged_open)
            add("fee_income", charged, component)
            add("fee_receivable", -charged, component)

    def _microloan_add_write_off(self, add, line, non_accrual, fee_charged_open):
        component, amount = line.component, line.amount
        if component == "principal":
            add("allowance", amount, component)
            add("principal", -amount, component)
        elif component in INCOME_KEYS:
            if not non_accrual:
                add("allowance", amount, component)
                add("interest_receivable", -amount, component)
        elif component == "fee":
            charged = self._microloan_take_charged_fee(line, fee_charged_open)
            add("allowance", charged, component)
            add("fee_receivable", -charged, component)

    def _microloan_fee_charged_open(self):
        """Charged fees not yet settled, per installment id, before this
        transaction (charged fees are taken as settled first)."""
        open_amounts = defaultdict(float)
        earlier = self.loan_id.transaction_ids.filtered(
            lambda t: t.id < self.id and t.state == "posted"
        )
        for line in earlier.line_ids.filtered(lambda x: x.component == "fee"):
            if line.effect == "charge":
                open_amounts[line.installment_id.id] += line.amount
            elif line.effect == "settle" or line.kind == "write_off":
                open_amounts[line.installment_id.id] -= line.amount
        return open_amounts

    def _microloan_take_charged_fee(self, line, fee_charged_open):
        key = line.installment_id.id
        charged = max(0.0, min(line.amount, fee_charged_open[key]))
        fee_charged_open[key] -= charged
        return charged

    def _microloan_clearing_account(self):
        """The borrower's receivable account, through which the loan entry and
        the payment are reconciled."""
        account = self.partner_id.with_company(
            self.company_id
        ).property_account_receivable_id
        if not account:
            raise UserError(
                self.env._(
                    "The borrower %(partner)s has no receivable account in "
                    "%(company)s.",
                    partner=self.partner_id.display_name,
                    company=self.company_id.name,
                )
            )
        return account

    def _prepare_microloan_move_vals(self, accounts, specs):
        """Values of the loan entry of this transaction from its line specs
        (see :meth:`_prepare_microloan_line_specs`), converted to the company
        currency at Odoo's rate of the transaction date."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        company_currency = company.currency_id
        label = self._microloan_label()
        line_vals = []
        for spec in specs:
            balance = currency._convert(
                spec["amount"], company_currency, company, self.date
            )
            line_vals.append(
                {
                    "account_id": spec["account"].id,
                    "partner_id": self.partner_id.id,
                    "name": label,
                    "currency_id": currency.id,
                    "amount_currency": spec["amount"],
                    "balance": balance,
                    **self._microloan_line_link_vals(),
                }
            )
        # Conversion rounding goes to the largest line.
        difference = company_currency.round(sum(v["balance"] for v in line_vals))
        if not company_currency.is_zero(difference):
            largest = max(line_vals, key=lambda v: abs(v["balance"]))
            largest["balance"] -= difference
        return {
            "move_type": "entry",
            "journal_id": accounts["loan_journal"].id,
            "company_id": company.id,
            "date": self.date,
            "ref": self._microloan_memo(),
            "currency_id": currency.id,
            "partner_id": self.partner_id.id,
            **self._microloan_move_link_vals(),
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def _microloan_move_link_vals(self):
        """Values linking an entry or a payment to what it books. The helpers
        building entries and payments read the record through these hooks, so
        credit line entries share them (microloan_credit_line_entry.py)."""
        return {"microloan_transaction_id": self.id}

    def _microloan_line_link_vals(self):
        return {"microloan_loan_id": self.loan_id.id}

    def _microloan_payment_type(self):
        return PAYMENT_TYPES[self.kind]

    def _microloan_label(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return self.env._(
            "%(loan)s %(kind)s %(number)s",
            loan=self.loan_id.name,
            kind=kinds[self.kind],
            number=self.name,
        )

    def _microloan_memo(self):
        """Memo of the entry and the payment: the bank reference when there is
        one (to match the bank statement line), else the transaction number."""
        return self.reference or self.name

    def _microloan_pay(self, accounts, move):
        """Create and post the payment of this transaction's money and reconcile
        it with the receivable line of ``move``."""
        clearing = self._microloan_clearing_account()
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(self._prepare_microloan_payment_vals(accounts, clearing))
        )
        payment.action_post()
        if not payment.move_id:
            raise UserError(
                self.env._(
                    "The payment method of the journal %(journal)s has no "
                    "outstanding account: loan payments need one.",
                    journal=payment.journal_id.display_name,
                )
            )
        payment.move_id.write(self._microloan_move_link_vals())
        payment.move_id.line_ids.write(self._microloan_line_link_vals())
        lines = (move.line_ids + payment.move_id.line_ids).filtered(
            lambda line: line.account_id == clearing and not line.reconciled
        )
        lines.reconcile()
        return payment

    def _prepare_microloan_payment_vals(self, accounts, clearing):
        self.ensure_one()
        payment_type = self._microloan_payment_type()
        journal = accounts["payment_journal"]
        method_lines = journal._get_available_payment_method_lines(payment_type)
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.partner_id.id,
            "amount": self.amount,
            "currency_id": self.currency_id.id,
            "date": self.date,
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "payment_method_line_id": method_lines[:1].id,
            "memo": self._microloan_memo(),
            "destination_account_id": clearing.id,
            **self._microloan_move_link_vals(),
        }

    def _microloan_book_reversal(self):
        """Reverse the entries (loan entry and payment entry) of the
        transaction this one reverses, on the same date, and reconcile the
        reversals with what they reverse."""
        original = self.reversal_of_id
        moves = original.move_ids.filtered(lambda m: m.state == "posted")
        if not moves:
            return
        reversals = moves._reverse_moves(
            [
                {
                    "date": self.date,
                    "ref": self.env._("Reversal of %(ref)s", ref=move.ref or move.name),
                    **self._microloan_move_link_vals(),
                }
                for move in moves
            ]
        )
        reversals.action_post()
        for account in reversals.line_ids.account_id.filtered("reconcile"):
            lines = (moves.line_ids + reversals.line_ids).filtered(
                lambda line, account=account: line.account_id == account
                and not line.reconciled
            )
            if len(lines) > 1:
                lines.reconcile()
        if original.payment_id:
            original.payment_id.sudo().write({"state": "canceled"})
