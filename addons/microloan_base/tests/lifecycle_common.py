from datetime import date, timedelta

from .common import MicroloanCommon


class LifecycleCommon(MicroloanCommon):
    """Active loans of the docs/domain.md §1.1 terms (100,000 at 12% over 12 months,
    disbursed 2025-01-10, due on the 10th) and helpers for the daily close."""

    @classmethod
    def _active_loan(cls, **vals):
        """A loan submitted by its officer, approved and disbursed."""
        loan = cls._create_loan(**vals)
        loan.with_user(cls.officer).with_company(loan.company_id).action_submit()
        loan.action_approve()
        if hasattr(loan, "disburse"):
            loan.disburse(loan.amount, loan.disbursement_date)
        else:
            loan.action_activate()
        return loan

    @classmethod
    def _active_loan_sh(cls, **vals):
        vals.setdefault("company_id", cls.branch_sh.id)
        vals.setdefault("partner_id", cls.borrower_sh.id)
        vals.setdefault("user_id", cls.officer_sh.id)
        loan = cls.env["microloan.loan"].create(cls._loan_vals(**vals))
        loan.with_user(cls.officer_sh).with_company(cls.branch_sh).action_submit()
        loan.action_approve()
        if hasattr(loan, "disburse"):
            loan.disburse(loan.amount, loan.disbursement_date)
        else:
            loan.action_activate()
        return loan

    def _close(self, day, companies=None):
        self.env["microloan.loan"]._run_daily_close(
            day, companies if companies is not None else self.branch_bj
        )

    def _close_each_day(self, start, end, companies=None):
        day = start
        while day <= end:
            self._close(day, companies)
            day += timedelta(days=1)

    def _charges(self, loan):
        """Posted penalty and compound charges: ``[(kind, date, amount)]``."""
        return sorted(
            (t.kind, t.date, t.amount)
            for t in loan.transaction_ids
            if t.kind in ("penalty", "compound")
        )

    @staticmethod
    def d(text):
        return date.fromisoformat(text)
