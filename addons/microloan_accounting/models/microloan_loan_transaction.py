from collections import defaultdict

from odoo import api, fields, models

# Kinds whose money goes through a payment of the payment journal:
# kind -> payment type.
PAYMENT_TYPES = {
    "disbursement": "outbound",
    "repayment": "inbound",
    "recovery": "inbound",
    "refund": "outbound",
}
# Kinds booked in grouped entries (one per branch, product and date).
CHARGE_ENTRY_KINDS = ("penalty", "compound")
# Income account of each interest-like component.
INCOME_KEYS = {
    "interest": "interest_income",
    "penalty": "penalty_income",
    "compound": "compound_income",
}


class MicroloanLoanTransaction(models.Model):
    # The entry, payment and reversal helpers are shared with credit line
    # entries (microloan_booking_mixin.py).
    _name = "microloan.loan.transaction"
    _inherit = ["microloan.loan.transaction", "microloan.booking.mixin"]

    move_ids = fields.One2many(
        "account.move", "microloan_transaction_id", string="Journal Entries"
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        compute="_compute_move_id",
        store=True,
        index="btree_not_null",
        help="Entry booking this transaction: the entry of its payment when "
        "money moves, else an entry of the loan journal.",
    )
    move_line_ids = fields.One2many(
        "account.move.line",
        "microloan_transaction_id",
        string="Journal Items",
        help="Items booking this penalty or compound charge in its grouped " "entry.",
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
    payment_journal_id = fields.Many2one(
        "account.journal",
        string="Bank or Cash Journal",
        readonly=True,
        help="Journal chosen for this transaction's money; empty for the "
        "branch's payment journal.",
    )
    payment_method_line_id = fields.Many2one(
        "account.payment.method.line",
        string="Payment Method",
        readonly=True,
    )

    @api.depends("move_ids", "move_line_ids")
    def _compute_move_id(self):
        for transaction in self:
            transaction.move_id = (
                transaction._microloan_main_entry()
                or transaction.move_line_ids.move_id[:1]
            )

    @api.depends("payment_ids")
    def _compute_payment_id(self):
        for transaction in self:
            # The payment of the transaction's own direction: a disbursement
            # may also have the payment of the fees collected at it.
            payments = transaction.payment_ids
            transaction.payment_id = (
                payments.filtered(
                    lambda p, t=transaction: p.payment_type == PAYMENT_TYPES.get(t.kind)
                )[:1]
                or payments[:1]
            )

    @api.model_create_multi
    def create(self, vals_list):
        transactions = super().create(vals_list)
        transactions._microloan_book_all()
        return transactions

    @api.model
    def _insert_charges(self, vals_list, installment_values=None):
        # The grouped entries first, so that the charges are inserted with
        # their entry (move_id) rather than given it by a second write once
        # their items are.
        checked = {}
        # Only the servicing (superuser) posts them: super() refuses the rest.
        entries = (
            self._microloan_charge_entries(vals_list, checked) if self.env.su else {}
        )
        ids = super()._insert_charges(vals_list, installment_values=installment_values)
        self.browse(ids)._microloan_book_all(charge_entries=entries, checked=checked)
        return ids

    @api.model
    def _microloan_charge_entries(self, vals_list, checked):
        """Create the draft grouped entries (without items) of the penalty
        and compound charges ``vals_list`` about to be inserted
        (``_insert_charges``) whose branch books its loans: one per branch,
        product, date and currency, as ``_microloan_book_all`` groups them;
        give each charge its entry (``move_id``) in ``vals_list``. Return
        ``{(company, product, date, currency): entry}`` for
        ``_microloan_book_all``, which gives each entry its items and posts
        it. The accounts and lock dates are checked before anything is
        created (``checked``: ``{(product, company, date): accounts}``, filled
        for ``_microloan_book_all``)."""
        loans = self.env["microloan.loan"].browse(
            {vals["loan_id"] for vals in vals_list}
        )
        active = {}
        entries = {}
        for vals in vals_list:
            if vals["kind"] not in CHARGE_ENTRY_KINDS:
                continue
            loan = loans.browse(vals["loan_id"])
            company, product = loan.company_id, loan.product_id
            if (company, product) not in active:
                active[company, product] = loan._microloan_accounting_active()
            if not active[company, product]:
                continue
            date = fields.Date.to_date(vals["date"])
            currency = self.env["res.currency"].browse(vals["currency_id"])
            key = (company, product, date, currency)
            if key not in entries:
                if (product, company, date) not in checked:
                    checked[product, company, date] = loan._microloan_check_accounting(
                        date
                    )
                accounts = checked[product, company, date]
                entries[key] = self._microloan_charge_entry(
                    company, product, date, currency, accounts
                )
            vals["move_id"] = entries[key].id
        return entries

    @api.model
    def _microloan_charge_entry_values(
        self, company, product, date, currency, accounts
    ):
        """The values of the grouped entry of the penalty and compound charges
        of ``product`` in ``company`` on ``date``."""
        return {
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": accounts["loan_journal"].id,
            "date": date,
            "currency_id": currency.id,
            "ref": self.env._(
                "Penalty and compound interest %(product)s %(date)s",
                product=product.display_name,
                date=date,
            ),
        }

    @api.model
    def _microloan_charge_entry(self, company, product, date, currency, accounts):
        """The draft grouped entry (without items) of the penalty and
        compound charges of ``product`` in ``company`` on ``date``."""
        # sudo: the bookings are posted by the loan servicing, not by the user.
        return (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .with_context(skip_invoice_sync=True, check_move_validity=False)
            .create(
                self._microloan_charge_entry_values(
                    company, product, date, currency, accounts
                )
            )
        )

    def _get_repost_values(self):
        values = super()._get_repost_values()
        if self.payment_journal_id:
            values["payment_journal_id"] = self.payment_journal_id.id
            values["payment_method_line_id"] = self.payment_method_line_id.id
        return values

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------

    def _microloan_book_all(self, charge_entries=None, checked=None):
        """Book these transactions in order (see :meth:`_microloan_book`). The
        entries of transactions that move no money (fees, waivers,
        write-offs) are created and posted together, one entry per
        transaction, in one ``create``. Penalty and compound interest charged
        (the month-end close posts thousands) are booked grouped like the
        accrual: one entry per branch, product, date and currency, an item
        per charge on the interest receivable, linked to its transaction
        (``microloan_transaction_id``), and an income item per component.
        ``charge_entries``: the draft grouped entries the charges were
        inserted with (``_microloan_charge_entries``), given their items here;
        ``checked``: the accounts already checked per product, branch and
        date."""
        charge_entries = charge_entries or {}
        checked = {} if checked is None else checked
        pending = []
        charges = defaultdict(list)
        disbursements = []
        analytic_cache = {}

        def flush():
            if disbursements:
                self._microloan_book_disbursements(disbursements, analytic_cache)
                disbursements.clear()
            if pending:
                # sudo: loan users cannot create the entries booking the transactions.
                moves = self.env["account.move"].sudo().create(pending)
                moves.action_post()
                pending.clear()
            for key, group in charges.items():
                company, product, date, _currency = key
                self._microloan_book_charges(
                    company,
                    product,
                    date,
                    group,
                    analytic_cache,
                    move=charge_entries.pop(key, None),
                )
            charges.clear()

        active = {}
        for transaction in self:
            loan = transaction.loan_id
            # It depends on the branch and product only: once per pair.
            if (loan.company_id, loan.product_id) not in active:
                active[loan.company_id, loan.product_id] = (
                    loan._microloan_accounting_active()
                )
            if not active[loan.company_id, loan.product_id]:
                continue
            # The check depends on these only: once per distinct key in a
            # batch.
            key = (loan.product_id, loan.company_id, transaction.date)
            if key not in checked:
                checked[key] = loan._microloan_check_accounting(transaction.date)
            accounts = checked[key]
            if transaction.kind == "disbursement":
                # Disbursements of a batch (microloan.loan._disburse_batch):
                # their entries and payments created together.
                specs = transaction._prepare_microloan_line_specs(accounts)
                if specs:
                    disbursements.append((transaction, accounts, specs))
                continue
            if transaction.kind == "reversal" or transaction.kind in PAYMENT_TYPES:
                flush()
                transaction._microloan_book(accounts)
                continue
            specs = transaction._prepare_microloan_line_specs(accounts)
            if specs and transaction.kind in CHARGE_ENTRY_KINDS:
                key = (loan.company_id, loan.product_id, transaction.date)
                charges[(*key, transaction.currency_id)].append(
                    (transaction, accounts, specs)
                )
            elif specs:
                pending.append(
                    transaction._prepare_microloan_move_vals(
                        accounts, specs, analytic_cache
                    )
                )
        flush()
        if charge_entries:
            # Entries created for charges that book nothing (no item): the
            # charges lose them and they are deleted unposted.
            unused = self.env["account.move"].union(*charge_entries.values())
            self.filtered(lambda t: t.move_id in unused).move_id = False
            unused.unlink()

    def _microloan_book_disbursements(self, group, analytic_cache):
        """Book the disbursements ``group`` (a list of ``(transaction,
        accounts, specs)``) in batch, each in ONE entry: the entry of the
        payment of what is paid out (the principal less the fees deducted),
        carrying the principal and the fee income. The fees the borrower pays
        apart at the disbursement (``fee_collected_amount``) come in by a
        payment of their own, whose entry carries their income. All the
        payments are created in one ``create`` and their entries in another
        (``_microloan_book_payments``)."""
        items = []
        for transaction, accounts, specs in group:
            collected = transaction.fee_collected_amount
            currency = transaction.currency_id
            if currency.is_zero(collected):
                items.append(
                    (
                        transaction,
                        transaction._prepare_microloan_payment_vals(accounts),
                        specs,
                    )
                )
                continue
            income = accounts["fee_income"]
            paid_out_specs = []
            for spec in specs:
                amount = spec["amount"]
                if spec["account"] == income:
                    amount = currency.round(amount + collected)
                if not currency.is_zero(amount):
                    paid_out_specs.append({**spec, "amount": amount})
            items.append(
                (
                    transaction,
                    transaction._prepare_microloan_payment_vals(accounts),
                    paid_out_specs,
                )
            )
            items.append(
                (
                    transaction,
                    transaction._prepare_microloan_fee_payment_vals(accounts),
                    [{"account": income, "amount": -collected}],
                )
            )
        return self._microloan_book_payments(items, analytic_cache)

    def _microloan_book_charges(
        self, company, product, date, group, analytic_cache, move=None
    ):
        """Post the grouped entry of the penalty and compound charges
        ``group`` (a list of ``(transaction, accounts, specs)`` of ``product``
        in ``company`` on ``date``, one currency): an item per transaction on
        each account other than the income accounts, linked to it, and an
        income item per account. ``move``: the draft entry (without items)
        the charges were inserted with (``_microloan_charge_entries``);
        without it the entry is created and the charges given it."""
        company_currency = company.currency_id
        accounts = group[0][1]
        currency = group[0][0].currency_id
        income_accounts = {accounts[key] for key in INCOME_KEYS.values()}
        line_vals = []
        income = defaultdict(lambda: [0.0, 0.0])
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for transaction, _accounts, specs in group:
            label = transaction._microloan_label(kinds)
            link = transaction._microloan_line_link_vals()
            for spec in specs:
                amount = spec["amount"]
                balance = (
                    amount
                    if currency == company_currency
                    else currency._convert(amount, company_currency, company, date)
                )
                account = spec["account"]
                if account in income_accounts:
                    income[account][0] += amount
                    income[account][1] += balance
                    continue
                line_vals.append(
                    {
                        "account_id": account.id,
                        "partner_id": transaction.partner_id.id,
                        "name": label,
                        "currency_id": currency.id,
                        "amount_currency": amount,
                        "balance": balance,
                        "microloan_transaction_id": transaction.id,
                        **link,
                    }
                )
        labels = {
            accounts["penalty_income"]: self.env._("Penalty interest income"),
            accounts["compound_income"]: self.env._("Compound interest income"),
        }
        for account, (amount, balance) in income.items():
            line_vals.append(
                {
                    "account_id": account.id,
                    "name": labels[account],
                    "currency_id": currency.id,
                    "amount_currency": currency.round(amount),
                    "balance": company_currency.round(balance),
                }
            )
        company._microloan_fill_analytic_distribution(line_vals, analytic_cache)
        # Conversion rounding goes to the largest item.
        difference = company_currency.round(sum(v["balance"] for v in line_vals))
        if not company_currency.is_zero(difference):
            largest = max(line_vals, key=lambda v: abs(v["balance"]))
            largest["balance"] -= difference
        return (
            self.env["account.move"]
            .with_company(company)
            ._microloan_create_grouped(
                self._microloan_charge_entry_values(
                    company, product, date, currency, accounts
                ),
                line_vals,
                move=move,
            )
        )

    def _microloan_book_reversal(self):
        """A charge booked in a grouped entry is reversed by an entry of its
        own: its items reversed, and the income they brought."""
        original = self.reversal_of_id
        lines = original.move_line_ids.filtered(
            lambda line: line.parent_state == "posted"
        )
        if original.move_ids or not lines:
            result = super()._microloan_book_reversal()
            # The payment of the fees collected at a disbursement is cancelled
            # with it (its entry was reversed above).
            others = original.payment_ids - original.payment_id
            # sudo: the reversal cancels its payments; loan users cannot write them.
            others.filtered(lambda p: p.state != "canceled").sudo().write(
                {"state": "canceled"}
            )
            return result
        accounts = self.loan_id._microloan_check_accounting(self.date)
        income = accounts[INCOME_KEYS[original.kind]]
        totals = defaultdict(float)
        for line in lines:
            totals[line.account_id] -= line.amount_currency
            totals[income] += line.amount_currency
        currency = self.currency_id
        specs = [
            {"account": account, "amount": currency.round(amount)}
            for account, amount in totals.items()
            if not currency.is_zero(amount)
        ]
        if not specs:
            return None
        # sudo: the entry books the transaction; loan users cannot create entries.
        move = (
            self.env["account.move"]
            .sudo()
            .create(self._prepare_microloan_move_vals(accounts, specs))
        )
        move.action_post()
        return move

    def _microloan_book(self, accounts=None):
        """Book this transaction in the branch's journals, in the same database
        transaction: a reversal reverses the entries of the transaction it
        reverses; when money moves, a payment of the bank or cash journal
        whose entry carries the allocation; any other kind, one entry of the
        loan journal."""
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
        if self.kind == "disbursement":
            # As a batch of one: the payment is what is paid out, and the fees
            # the borrower pays at disbursement come in by their own payment.
            self._microloan_book_disbursements([(self, accounts, specs)], {})
            return
        if self.kind in PAYMENT_TYPES:
            self._microloan_book_with_payment(accounts, specs)
            return
        # sudo: the entry books the transaction; loan users cannot create entries.
        moves = self.env["account.move"].sudo()
        move = moves.create(self._prepare_microloan_move_vals(accounts, specs))
        move.action_post()

    def _prepare_microloan_fee_payment_vals(self, accounts):
        """Values of the inbound payment of the fees the borrower pays at this
        disbursement (``fee_collected_amount``), in the disbursement's
        journal."""
        vals = self._prepare_microloan_payment_vals(accounts)
        journal = self.env["account.journal"].sudo().browse(vals["journal_id"])
        method_lines = journal._get_available_payment_method_lines("inbound")
        vals.update(
            payment_type="inbound",
            amount=self.fee_collected_amount,
            payment_method_line_id=method_lines[:1].id,
            memo=self.env._("Fees of %(memo)s", memo=self._microloan_memo()),
        )
        return vals

    def _prepare_microloan_line_specs(self, accounts):
        """Lines of this transaction's entry, as a list of dicts
        ``{"account": account.account, "amount": float}`` in the loan's
        currency, ``amount`` > 0 for a debit; one line per account. When
        money moves (``PAYMENT_TYPES``) they are the allocation items of the
        payment's entry, whose outstanding account takes their total (see
        ``microloan.booking.mixin._microloan_book_payments``).

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

        # The loan's earlier fee lines are read only when this one has fees.
        fee_charged_open = (
            self._microloan_fee_charged_open()
            if any(line.component == "fee" for line in self.line_ids)
            else None
        )
        for line in self.line_ids:
            component, amount = line.component, line.amount
            if component == "excess":
                add("borrower_credit", -amount, component)
                continue
            if kind == "disbursement":
                # The fees charged at the disbursement are income at once.
                if component == "fee":
                    add("fee_income", -amount, component)
                else:
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

    def _microloan_move_link_vals(self):
        return {"microloan_transaction_id": self.id}

    def _microloan_line_link_vals(self):
        return {"microloan_loan_id": self.loan_id.id}

    def _microloan_payment_type(self):
        return PAYMENT_TYPES[self.kind]

    def _prepare_microloan_payment_vals(self, accounts):
        # The journal and method chosen for the money (checked by the loan's
        # _get_payment_values), else the branch's payment journal.
        if self.payment_journal_id:
            accounts = dict(accounts, payment_journal=self.payment_journal_id)
        vals = super()._prepare_microloan_payment_vals(accounts)
        if self.payment_method_line_id:
            vals["payment_method_line_id"] = self.payment_method_line_id.id
        if self.kind == "disbursement" and self.paid_out_amount:
            # What the borrower receives: the principal less the fees deducted.
            vals["amount"] = self.paid_out_amount
        return vals

    def _microloan_label(self, kinds=None):
        """``kinds``: the labels of the kinds, when the caller has them."""
        if kinds is None:
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
