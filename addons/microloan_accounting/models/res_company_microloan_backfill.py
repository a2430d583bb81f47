from odoo import fields, models

# Loan states that have posted transactions.
DISBURSED_STATES = ("active", "closed", "written_off")


class ResCompanyMicroloanBackfill(models.AbstractModel):
    """Booking, once a branch books its loans, the loan history it posted
    before."""

    _name = "res.company.microloan.backfill"
    _description = "Branch: Booking of the Loan History"

    def _microloan_load_chart(self, template_code):
        """Load the chart ``template_code`` (``cn``: l10n_cn) on these head
        offices before their branches book a loan history, as the demo does.

        Odoo loads a chart on the current company at the very end of the
        install that brought the chart's module (account's
        ``_auto_install_template``); by then the branches have booked their
        history, and loading it again on a company with entries is refused.
        The chart is loaded now and that late loading is dropped."""
        for company in self:
            self.env["account.chart.template"].try_loading(
                template_code, company, install_demo=False
            )
        if hasattr(self.env.registry, "_auto_install_template"):
            del self.env.registry._auto_install_template
        return True

    def _microloan_book_history(self, date=None, provision=True):
        """Book the loan history these branches posted before they booked their
        loans, then accrue (and provision) to ``date`` (today by default).

        Once a branch books its loans (Use Default Accounts), the transactions
        of its loans and the entries of its credit lines posted before have no
        journal entry: the ledger does not agree with the sub-ledger. For each
        loan or credit line, what was posted before its first booked
        transaction (all of it when none is) is booked now in the order it
        was posted, as a new transaction is (``_microloan_book``); the
        interest accrual of ``date`` then brings the interest receivable to
        what the sub-ledger owes, and the provisioning the allowance to the
        tiers. Running it again books nothing twice. Branches that do not book
        loans are skipped. Return the loan transactions and credit line
        entries booked.
        """
        # sudo: the backfill books every disbursed loan of the branches.
        Loan = self.env["microloan.loan"].sudo()
        # Today as the scheduled runs and the ledger control see it.
        date = fields.Date.to_date(date) or Loan._microloan_run_date()
        loans = Loan.search(
            [("company_id", "in", self.ids), ("state", "in", DISBURSED_STATES)]
        ).filtered(lambda loan: loan._microloan_accounting_active())
        transactions = self._microloan_unbooked(loans.transaction_ids, "loan_id")
        # sudo: the backfill books every credit line of the branches.
        lines = (
            self.env["microloan.credit.line"]
            .sudo()
            .search([("company_id", "in", self.ids), ("state", "!=", "draft")])
            .filtered(lambda line: line._microloan_accounting_active())
        )
        entries = self._microloan_unbooked(lines.entry_ids, "line_id")
        for record in [*transactions.sorted("id"), *entries.sorted("id")]:
            record._microloan_book()
        accrual_loans = Loan._get_accrual_loans(date, self).filtered(
            lambda loan: loan._microloan_accounting_active()
        )
        if accrual_loans:
            Loan._run_interest_accrual(date, loans=accrual_loans)
        if provision and accrual_loans:
            self.env["microloan.provision"]._run_provisioning(
                date, accrual_loans.company_id
            )
        return transactions, entries

    def _microloan_unbooked(self, records, owner_field):
        """Of ``records`` (loan transactions or credit line entries), those
        posted before the first booked one of their loan or credit line."""
        booked = records.filtered(
            lambda r: r.move_ids
            or r.payment_ids
            or ("move_line_ids" in r._fields and r.move_line_ids)
        )
        first_booked = {}
        for record in booked:
            owner = record[owner_field].id
            first_booked[owner] = min(first_booked.get(owner, record.id), record.id)
        return (records - booked).filtered(
            lambda r: r.id < first_booked.get(r[owner_field].id, r.id + 1)
        )
