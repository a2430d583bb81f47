from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_repr

from microloan_engine.accrual import AccrualPeriod, accrual_target

BATCH_SIZE = 2000
ZERO = Decimal(0)
# Income account of each accrual component (keys of
# ``microloan.product._get_microloan_accounts``).
INCOME_KEYS = {
    "interest": "interest_income",
    "penalty": "penalty_income",
    "compound": "compound_income",
}


class MicroloanLoanAccruing(models.AbstractModel):
    """Interest accrual of a loan (microloan.loan): the daily accrual of the
    interest earned, the off-balance memo of a loan in non-accrual, and its
    catching up after each daily close."""

    _name = "microloan.loan.accruing"
    _description = "Loan: Interest Accrual"

    # The loan's own currency field (microloan.loan), declared here for the
    # amounts of this mixin.
    currency_id = fields.Many2one("res.currency")

    accrual_ids = fields.One2many(
        "microloan.loan.accrual", "loan_id", string="Accruals", readonly=True
    )
    memo_entry_ids = fields.One2many(
        "microloan.memo.entry", "loan_id", string="Off-Balance Memo", readonly=True
    )
    interest_accrued_to = fields.Date(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Last date the interest accrual ran for this loan.",
    )
    accrual_version = fields.Integer(
        readonly=True,
        copy=False,
        help="Ledger version of the loan when the accrual last caught up with "
        "all its transactions.",
    )
    accrual_pending = fields.Boolean(
        compute="_compute_accrual_pending",
        store=True,
        index=True,
        help="The loan posted transactions the accrual has not caught up with.",
    )
    off_balance_interest = fields.Monetary(
        string="Off-Balance Interest",
        compute="_compute_accrual_figures",
        help="Interest owed but not recognized (表外应收未收利息).",
    )

    @api.depends("ledger_version", "accrual_version")
    def _compute_accrual_pending(self):
        for loan in self:
            loan.accrual_pending = loan.ledger_version != loan.accrual_version

    @api.depends("memo_entry_ids.signed_amount")
    def _compute_accrual_figures(self):
        # sudo: a figure of the loan: whoever reads the loan reads it.
        memo = dict(
            self.env["microloan.memo.entry"]
            .sudo()
            ._read_group(
                [("loan_id", "in", self.ids), ("memo_type", "=", "interest")],
                ["loan_id"],
                ["signed_amount:sum"],
            )
        )
        for loan in self:
            loan.off_balance_interest = memo.get(loan, 0.0)

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------

    @api.model
    def _iter_close_company_day(self, company, day, stats=None):
        # After the daily close of a branch's day: accrue what fell due, was
        # paid or switched to non-accrual that day, and every loan at month
        # end, so the interest receivable follows the sub-ledger.
        yield from super()._iter_close_company_day(company, day, stats=stats)
        loans = self._get_accrual_loans(
            day, company, events_only=(day + timedelta(days=1)).day != 1
        ).filtered(lambda loan: loan._microloan_accounting_active())
        if loans:
            self._run_interest_accrual(day, loans=loans)
            yield company

    @api.model
    def _cron_month_end(self):
        """Scheduled action: the month-end interest accrual and provisioning of
        every company for the last month end; nothing when the daily close
        runs it (``_close_runs_month_end``: ``microloan_queue``'s jobs)."""
        if self._close_runs_month_end():
            return
        month_end = fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        self._run_month_end(month_end)

    @api.model
    def _run_month_end(self, date, companies=None):
        """Month-end close of the books on ``date``: interest accrual of every
        loan, then provisioning. Running it again for the same date posts only
        what changed since (nothing when nothing did). Return the journal
        entries posted."""
        moves = self._run_interest_accrual(date, companies)
        moves |= self.env["microloan.provision"]._run_provisioning(date, companies)
        return moves

    @api.model
    def _run_interest_accrual(self, date, companies=None, loans=None):
        """Accrue the interest of ``loans`` (by default every loan of
        ``companies`` on ``date``) up to ``date`` and return the entries.

        For each loan the run computes what the books should recognize on
        ``date`` and posts the difference with what they already do: the
        scheduled interest pro rata by days (at least what was paid), or, for
        a loan in non-accrual, only what was paid (the rest is taken back and
        kept in the off-balance memo). One entry per company, product and
        date, with a receivable line per loan. Configuration is checked for
        every product before anything is written.
        """
        date = fields.Date.to_date(date)
        if loans is None:
            loans = self._get_accrual_loans(date, companies)
        # sudo: the accrual posts for every loan given, whatever its caller reads.
        loans = loans.sudo()
        moves = self.env["account.move"]
        for company in loans.company_id:
            company_loans = loans.filtered(lambda loan, c=company: loan.company_id == c)
            # The entries are labelled in the branch's language.
            company_loans = company_loans.with_context(lang=company._microloan_lang())
            moves |= company_loans._accrue_company(company, date)
        return moves

    @api.model
    def _get_accrual_loans(self, date, companies=None, events_only=False):
        """Loans the accrual of ``date`` looks at: every active loan disbursed
        by then and the loans settled since their last accrual; with
        ``events_only`` (the daily close) only those with something due,
        paid or switched on ``date``."""
        if companies is None:
            # sudo: the accrual runs for every branch and loan.
            companies = self.env["res.company"].sudo().search([])
        Loan = self.sudo()
        base = [
            ("company_id", "in", companies.ids),
            ("disbursement_date", "<=", date),
        ]
        # Settled and written-off loans until the run caught up with their
        # last transaction (payoff, write-off, recovery).
        settled = Loan.search(
            [
                *base,
                ("state", "in", ("closed", "written_off")),
                ("accrual_pending", "=", True),
            ]
        )
        active = [*base, ("state", "=", "active")]
        if events_only:
            active += [
                "|",
                "|",
                "|",
                ("installment_ids.due_date", "=", date),
                ("transaction_ids.date", "=", date),
                ("non_accrual_date", "=", date),
                ("write_off_date", "=", date),
            ]
        return Loan.search(active, order="id") | settled

    def _accrue_company(self, company, date):
        """Accrue these loans of ``company`` on ``date``; return the entries."""
        products = self.product_id
        accounts = {
            product: product._get_microloan_accounts(company) for product in products
        }
        for product in products:
            self._check_accrual_lock_date(company, accounts[product], date)
        changes = []
        memo_vals = []
        for start in range(0, len(self), BATCH_SIZE):
            batch = self[start : start + BATCH_SIZE]
            batch_changes, batch_memo = batch._get_accrual_changes(date)
            changes += batch_changes
            memo_vals += batch_memo
            batch._mark_accrued(date)
        by_product = defaultdict(list)
        for change in changes:
            by_product[change["loan"].product_id].append(change)
        moves = self.env["account.move"]
        # sudo: accruals and memo entries are posted by this run only, never by
        # a client; the run is started by the scheduler or the daily close.
        Accrual = self.env["microloan.loan.accrual"].sudo()
        for product, product_changes in by_product.items():
            move = self._create_accrual_move(
                company, product, accounts[product], date, product_changes
            )
            moves |= move
            # One INSERT with every stored value (the run's thousands of rows).
            Accrual._insert_accruals(
                [
                    {
                        "loan_id": change["loan"].id,
                        "company_id": company.id,
                        "product_id": product.id,
                        "currency_id": change["loan"].currency_id.id,
                        "date": date,
                        "component": change["component"],
                        "kind": change["kind"],
                        "amount": change["amount"],
                        "date_from": change.get("date_from") or False,
                        "move_id": move.id,
                    }
                    for change in product_changes
                ]
            )
        if memo_vals:
            # sudo: memo entries are written by the accrual only.
            self.env["microloan.memo.entry"].sudo().create(memo_vals)
        return moves

    def _mark_accrued(self, date):
        """Record the accrual of ``date`` on these loans; a loan has caught up
        when no transaction of it is dated later.

        One UPDATE for the batch (the run marks thousands of loans): the
        accrued date, the ledger version caught up with and ``accrual_pending``
        as its compute would set it; through the ORM each loan's write
        prepared its tracking and recomputed its pending flag."""
        if not self:
            return
        later = [
            loan.id
            for (loan,) in self.env["microloan.loan.transaction"]._read_group(
                [("loan_id", "in", self.ids), ("date", ">", date)], ["loan_id"]
            )
        ]
        self.flush_recordset(["ledger_version", "accrual_version"])
        self.env.execute_query(
            SQL(
                """
                UPDATE microloan_loan
                   SET interest_accrued_to = %(date)s,
                       accrual_version = CASE WHEN id = ANY(%(later)s)
                           THEN accrual_version ELSE ledger_version END,
                       accrual_pending = COALESCE(ledger_version, 0) != COALESCE(
                           CASE WHEN id = ANY(%(later)s)
                                THEN accrual_version ELSE ledger_version END, 0),
                       write_uid = %(uid)s,
                       write_date = %(now)s
                 WHERE id = ANY(%(ids)s)
                """,
                date=date,
                later=later,
                uid=self.env.uid,
                now=self.env.cr.now(),
                ids=self.ids,
            )
        )
        self.invalidate_recordset(
            [
                "interest_accrued_to",
                "accrual_version",
                "accrual_pending",
                "write_uid",
                "write_date",
            ],
            flush=False,
        )
        self.invalidate_recordset()

    def _check_accrual_lock_date(self, company, accounts, date):
        journal = accounts["loan_journal"]
        lock_date = company._get_user_fiscal_lock_date(journal)
        if date <= lock_date:
            raise UserError(
                self.env._(
                    "The books of %(company)s are locked up to %(lock)s: the "
                    "accrual of %(date)s cannot be posted.",
                    company=company.name,
                    lock=lock_date,
                    date=date,
                )
            )

    def _get_accrual_changes(self, date):
        """Return ``(changes, memo_vals)`` for these loans on ``date``:
        ``changes`` are dicts ``{"loan", "component", "kind", "amount"}`` (a
        ``Decimal``, positive to recognize, negative to take back) and
        ``memo_vals`` the values of the off-balance memo entries."""
        targets = self._get_accrual_targets(date)
        booked = self._get_receivable_booked()
        memo = defaultdict(Decimal)
        for loan, memo_type, amount in self.env["microloan.memo.entry"]._read_group(
            [("loan_id", "in", self.ids)],
            ["loan_id", "memo_type"],
            ["signed_amount:sum"],
        ):
            memo[loan.id, memo_type] = loan._money(amount)
        changes = []
        memo_vals = []
        for loan in self:
            target = targets[loan.id]
            for component in INCOME_KEYS:
                delta = target[component] - booked[loan.id, component]
                if not delta:
                    continue
                if target["non_accrual"] and delta < 0:
                    kind = "non_accrual"
                elif component == "interest" and delta > 0:
                    kind = "accrual"
                else:
                    kind = "adjustment"
                changes.append(
                    {
                        "loan": loan,
                        "component": component,
                        "kind": kind,
                        "amount": delta,
                        # The period the row accrues (explained on the row).
                        "date_from": loan.interest_accrued_to
                        or loan.first_disbursement_date,
                    }
                )
            for memo_type in ("interest", "written_off"):
                delta = target["memo_" + memo_type] - memo[loan.id, memo_type]
                if delta:
                    memo_vals.append(loan._prepare_memo_vals(memo_type, date, delta))
        return changes, memo_vals

    def _accrual_money(self):
        """``{loan_id: function}`` turning an amount read by SQL (a float, as
        Odoo reads numeric columns) into a ``Decimal`` of the loan's currency,
        as ``_money`` does, the currencies' decimals read once."""
        decimals = {loan.id: loan.currency_id.decimal_places for loan in self}
        return {
            loan_id: (lambda value, d=places: Decimal(float_repr(value or 0.0, d)))
            for loan_id, places in decimals.items()
        }

    def _get_receivable_booked(self):
        """``{(loan_id, component): Decimal}``: interest receivable (1132) the
        books hold for these loans per component, from the accruals of this
        module and from the loan transactions whose entry went through the
        receivable (those booked while the loan was accruing; see
        ``microloan.loan.transaction._prepare_microloan_line_specs``)."""
        result = defaultdict(Decimal)
        money = self._accrual_money()
        receivable_accounts = self.env["account.account"]
        for company in self.company_id:
            for product in self.filtered(
                lambda x, c=company: x.company_id == c
            ).product_id:
                receivable_accounts |= product._get_microloan_accounts(company)[
                    "interest_receivable"
                ]
        for model in (
            "microloan.loan.accrual",
            "account.move",
            "account.move.line",
            "microloan.loan.transaction.line",
        ):
            self.env[model].flush_model()
        # The accruals, and the transactions booked through the receivable:
        # by their own entry, or (the grouped charges) by an item each. Two
        # queries for the batch, whatever its history (amounts are read as
        # floats, as Odoo reads numeric columns).
        accrued = SQL(
            """
            SELECT loan_id, component, SUM(amount)
              FROM microloan_loan_accrual
             WHERE loan_id = ANY(%(loan_ids)s)
             GROUP BY loan_id, component
            """,
            loan_ids=self.ids,
        )
        booked = SQL(
            """
            WITH booked AS (
                SELECT m.microloan_transaction_id AS id
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.microloan_loan_id = ANY(%(loan_ids)s)
                   AND aml.account_id = ANY(%(accounts)s)
                   AND aml.parent_state = 'posted'
                   AND m.microloan_transaction_id IS NOT NULL
                UNION
                SELECT aml.microloan_transaction_id
                  FROM account_move_line aml
                 WHERE aml.microloan_loan_id = ANY(%(loan_ids)s)
                   AND aml.account_id = ANY(%(accounts)s)
                   AND aml.parent_state = 'posted'
                   AND aml.microloan_transaction_id IS NOT NULL
            )
            SELECT l.loan_id, l.kind, l.component, l.effect, SUM(l.amount)
              FROM microloan_loan_transaction_line l
              JOIN booked ON booked.id = l.transaction_id
             WHERE l.component IN %(components)s
             GROUP BY l.loan_id, l.kind, l.component, l.effect
            """,
            loan_ids=self.ids,
            accounts=receivable_accounts.ids,
            components=tuple(INCOME_KEYS),
        )
        for loan_id, component, amount in self.env.execute_query(accrued):
            result[loan_id, component] += money[loan_id](amount)
        Loan = self.env["microloan.loan"]
        for loan_id, kind, component, effect, amount in self.env.execute_query(booked):
            if loan_id in money:
                value = money[loan_id](amount)
            else:
                value = Loan.browse(loan_id)._money(amount or 0.0)
            if effect == "charge":
                result[loan_id, component] += value
            elif effect == "settle" or kind == "write_off":
                result[loan_id, component] -= value
        return result

    def _prepare_memo_vals(self, memo_type, date, delta):
        self.ensure_one()
        return {
            "loan_id": self.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "date": date,
            "memo_type": memo_type,
            "direction": "in" if delta > 0 else "out",
            "amount": float(abs(delta)),
        }

    def _get_accrual_targets(self, date):
        """What the books should hold for each of these loans on ``date``:
        ``{loan_id: {"interest", "penalty", "compound", "memo_interest",
        "memo_written_off", "non_accrual"}}`` (``Decimal`` amounts).

        ``interest``/``penalty``/``compound``: the interest receivable (1132)
        of an accruing loan: each installment's scheduled interest pro rata by
        days up to ``date`` (all of it once due) less what was paid, and the
        penalty and compound interest charged and unpaid. A loan in
        non-accrual or written off holds none: ``memo_interest`` keeps what a
        non-accrual loan owes off balance, ``memo_written_off`` what a
        written-off loan still owes (written off less recovered). Amounts
        paid and charged are the sub-ledger's up to ``date``.
        """
        charged = self._get_accrual_charged(date)
        periods = self._get_accrual_periods(date)
        targets = {}
        for loan in self:
            written_off = bool(loan.write_off_date and loan.write_off_date <= date)
            target = accrual_target(
                periods[loan.id],
                loan.first_disbursement_date or loan.disbursement_date,
                date,
                penalty_due=charged[loan.id, "penalty", "charge"]
                - charged[loan.id, "penalty", "settle"],
                compound_due=charged[loan.id, "compound", "charge"]
                - charged[loan.id, "compound", "settle"],
                non_accrual=bool(
                    loan.non_accrual
                    and loan.non_accrual_date
                    and loan.non_accrual_date <= date
                ),
                written_off=written_off,
                written_off_balance=loan._money(
                    loan.write_off_amount - loan.recovered_amount
                ),
                decimals=loan.currency_id.decimal_places,
                rounding=loan.product_id.rounding or "half_up",
            )
            targets[loan.id] = {
                **{key: target.receivable(key) for key in INCOME_KEYS},
                "non_accrual": target.non_accrual,
                "memo_interest": target.memo_interest,
                "memo_written_off": target.memo_written_off,
            }
        return targets

    def _get_accrual_charged(self, date):
        """``{(loan_id, component, effect): Decimal}``: the penalty and
        compound interest charged and paid (recoveries aside) up to ``date``
        by these loans, in one query."""
        result = defaultdict(Decimal)
        query = SQL(
            """
            SELECT l.loan_id, l.component, l.effect, SUM(l.amount)
              FROM microloan_loan_transaction_line l
             WHERE l.loan_id = ANY(%(loan_ids)s) AND l.date <= %(date)s
               AND l.effect IN ('settle', 'charge')
               AND l.kind != 'recovery'
               AND l.component IN ('penalty', 'compound')
             GROUP BY l.loan_id, l.component, l.effect
            """,
            loan_ids=self.ids,
            date=date,
        )
        self.env["microloan.loan.transaction.line"].flush_model()
        money = self._accrual_money()
        for loan_id, component, effect, amount in self.env.execute_query(query):
            result[loan_id, component, effect] = money[loan_id](amount)
        return result

    def _get_accrual_periods(self, date):
        """``{loan_id: [AccrualPeriod]}``: the installments of these loans
        that count in their interest receivable on ``date``, in one query,
        each with the interest paid on it up to ``date`` (recoveries aside):
        those due by then whose interest is not paid (or was paid later),
        and the period running on ``date`` (the first due after it), with
        its start. The others add nothing
        (``microloan_engine.accrual.AccrualPeriod``), so the cost of a loan
        does not grow with its term or its history."""
        self.env["microloan.loan.installment"].flush_model()
        self.env["microloan.loan.transaction.line"].flush_model()
        query = SQL(
            """
            WITH picked AS (
                SELECT i.id FROM microloan_loan_installment i
                 WHERE i.loan_id = ANY(%(loan_ids)s) AND i.state != 'cancelled'
                   AND i.due_date <= %(date)s
                   AND (COALESCE(i.interest_paid, 0) < COALESCE(i.interest, 0)
                        OR EXISTS (
                            SELECT 1 FROM microloan_loan_transaction_line l
                             WHERE l.installment_id = i.id
                               AND l.component = 'interest'
                               AND l.effect = 'settle'
                               AND (l.date > %(date)s OR l.kind = 'recovery')
                        ))
                UNION
                SELECT i.id FROM microloan_loan_installment i
                  JOIN (
                        SELECT n.loan_id, MIN(n.due_date) AS due_date
                          FROM microloan_loan_installment n
                         WHERE n.loan_id = ANY(%(loan_ids)s)
                           AND n.state != 'cancelled' AND n.due_date > %(date)s
                         GROUP BY n.loan_id
                       ) AS running
                    ON running.loan_id = i.loan_id
                   AND running.due_date = i.due_date
                 WHERE i.state != 'cancelled'
            )
            SELECT i.loan_id, i.due_date, COALESCE(i.interest, 0), (
                       SELECT COALESCE(SUM(l.amount), 0)
                         FROM microloan_loan_transaction_line l
                        WHERE l.installment_id = i.id AND l.date <= %(date)s
                          AND l.component = 'interest' AND l.effect = 'settle'
                          AND l.kind != 'recovery'
                   ), CASE WHEN i.due_date > %(date)s THEN (
                       SELECT p.due_date FROM microloan_loan_installment p
                        WHERE p.loan_id = i.loan_id AND p.state != 'cancelled'
                          AND (p.due_date, p.sequence, p.id)
                              < (i.due_date, i.sequence, i.id)
                        ORDER BY p.due_date DESC, p.sequence DESC, p.id DESC
                        LIMIT 1
                   ) END
              FROM microloan_loan_installment i
              JOIN picked ON picked.id = i.id
             ORDER BY i.loan_id, i.due_date, i.sequence, i.id
            """,
            loan_ids=self.ids,
            date=date,
        )
        starts = {
            loan.id: loan.first_disbursement_date or loan.disbursement_date
            for loan in self
        }
        money = self._accrual_money()
        periods = defaultdict(list)
        for loan_id, due_date, interest, paid, start in self.env.execute_query(query):
            to_money = money[loan_id]
            # An installment due by ``date`` has earned all its interest,
            # whenever its period began: only the running one needs its start.
            if due_date > date:
                start = start or starts[loan_id]
            periods[loan_id].append(
                AccrualPeriod(due_date, to_money(interest), to_money(paid), start=start)
            )
        return periods

    def _create_accrual_move(self, company, product, accounts, date, changes):
        """Post the accrual entry of ``product`` in ``company`` on ``date``:
        a receivable line per loan and component, an income line per
        component and currency."""
        company_currency = company.currency_id
        lines = []
        income = defaultdict(lambda: [ZERO, 0.0])
        for change in changes:
            loan = change["loan"]
            amount = change["amount"]
            balance = loan._accrual_balance(amount, company, date)
            lines.append(
                {
                    "name": self._accrual_label(change),
                    "account_id": accounts["interest_receivable"].id,
                    "partner_id": loan.partner_id.id,
                    "currency_id": loan.currency_id.id,
                    "amount_currency": float(amount),
                    "balance": balance,
                    "microloan_loan_id": loan.id,
                }
            )
            key = (change["component"], loan.currency_id)
            income[key][0] += amount
            income[key][1] += balance
        labels = {
            "interest": self.env._("Interest income accrued"),
            "penalty": self.env._("Penalty interest income"),
            "compound": self.env._("Compound interest income"),
        }
        for (component, currency), (amount, balance) in income.items():
            lines.append(
                {
                    "name": labels[component],
                    "account_id": accounts[INCOME_KEYS[component]].id,
                    "currency_id": currency.id,
                    "amount_currency": float(-amount),
                    "balance": company_currency.round(-balance),
                }
            )
        company._microloan_fill_analytic_distribution(lines)
        return (
            self.env["account.move"]
            .with_company(company)
            ._microloan_create_grouped(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": accounts["loan_journal"].id,
                    "date": date,
                    "ref": self.env._(
                        "Interest accrual %(product)s %(date)s",
                        product=product.display_name,
                        date=date,
                    ),
                },
                lines,
            )
        )

    def _accrual_balance(self, amount, company, date):
        """``amount`` of the loan's currency in ``company``'s currency, at
        Odoo's rate of ``date``."""
        self.ensure_one()
        if self.currency_id == company.currency_id:
            return float(amount)
        return self.currency_id._convert(
            float(amount), company.currency_id, company, date
        )

    def _accrual_label(self, change):
        name = change["loan"].name
        kind = change["kind"]
        if kind == "accrual":
            return self.env._("%(loan)s: interest accrued", loan=name)
        if kind == "adjustment":
            return self.env._("%(loan)s: interest receivable adjusted", loan=name)
        return self.env._(
            "%(loan)s: unpaid interest reversed to off-balance (non-accrual)",
            loan=name,
        )
