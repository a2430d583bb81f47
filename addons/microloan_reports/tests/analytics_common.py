from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common import ReportsCommon


class AnalyticsCommon(ReportsCommon):
    """The book of the analysis and return tests, computed by hand:

    * BJ: the §1.1 loan (100,000 at 12% over 12 months, disbursed 2025-01-10),
      its first installment 8,884.88 repaid on 2025-02-10 (principal
      7,884.88, interest 1,000.00), balance 92,115.12; a loan of 50,000 over 6
      months, 3,000 repaid on 2025-02-10 (interest 500.00, principal
      2,500.00), balance 47,500.00; both of Zhang San (individual, Beijing,
      agriculture), officer_bj of team "East";
    * SH: 100,000 over 12 months, nothing repaid;
    * the daily close run to 2025-05-20: the first loan 71 days past due
      (关注), the second and SH's 99 (次级);
    * BJ's books: capital of 5,000,000 paid in on 2024-12-31 (the net assets
      at the end of 2024) and 1,000,000 borrowed from a bank on 2025-03-01."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.company_ids |= cls.branch_bj | cls.branch_sh
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.head_office, install_demo=False
        )
        (cls.branch_bj | cls.branch_sh).action_microloan_default_accounts()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "East",
                "company_id": cls.branch_bj.id,
                "crm_team_member_ids": [Command.create({"user_id": cls.officer.id})],
            }
        )
        cls.borrower.write(
            {
                "industry_id": cls.env.ref("base.res_partner_industry_A").id,
                "state_id": cls.env.ref("base.state_cn_BJ").id,
            }
        )
        cls.loan = cls._active_loan()
        cls.loan_2 = cls._active_loan(amount=50000.0, term=6)
        cls.loan_sh = cls._active_loan_sh()
        # Submitted 36 hours before the approval: a turnaround of 1.5 days.
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE microloan_loan SET submit_date = approve_date - interval "
            "'36 hours' WHERE id = %s",
            [cls.loan.id],
        )
        cls.env.invalidate_all()
        finance = cls.finance_user
        cls.loan.with_user(finance).register_repayment(8884.88, "2025-02-10")
        cls.loan_2.with_user(finance).register_repayment(3000.00, "2025-02-10")
        cls.env["microloan.loan"]._run_daily_close(
            date(2025, 5, 20), cls.branch_bj | cls.branch_sh
        )
        cls._post_funding()
        cls.finance_sh = new_test_user(
            cls.env,
            login="finance_sh",
            groups="microloan_base.group_microloan_finance",
            company_id=cls.branch_sh.id,
            company_ids=[Command.set(cls.branch_sh.ids)],
        )

    @classmethod
    def _post_funding(cls):
        """The capital and the bank loan of BJ, in the journal its loans book in."""
        loan_move = (
            cls.env["account.move.line"]
            .search([("microloan_loan_id", "=", cls.loan.id)], limit=1)
            .move_id
        )
        Account = cls.env["account.account"].with_company(cls.head_office)
        cash = Account.search(
            [
                ("account_type", "=", "asset_cash"),
                ("company_ids", "in", cls.head_office.id),
            ],
            limit=1,
        )
        cls.capital_account = Account.create(
            {"name": "Paid-in Capital", "code": "400100", "account_type": "equity"}
        )
        cls.bank_loan_account = Account.create(
            {
                "name": "Short-Term Bank Loans",
                "code": "200100",
                "account_type": "liability_current",
            }
        )
        cls.branch_bj.microloan_bank_funding_account_ids = cls.bank_loan_account

        def entry(day, credit_account, amount):
            move = (
                cls.env["account.move"]
                .with_company(cls.branch_bj)
                .create(
                    {
                        "move_type": "entry",
                        "company_id": cls.branch_bj.id,
                        "journal_id": loan_move.journal_id.id,
                        "date": day,
                        "line_ids": [
                            Command.create(
                                {"account_id": cash.id, "debit": amount, "credit": 0}
                            ),
                            Command.create(
                                {
                                    "account_id": credit_account.id,
                                    "debit": 0,
                                    "credit": amount,
                                }
                            ),
                        ],
                    }
                )
            )
            move.action_post()
            return move

        cls.capital_move = entry("2024-12-31", cls.capital_account, 5000000.0)
        cls.bank_move = entry("2025-03-01", cls.bank_loan_account, 1000000.0)
