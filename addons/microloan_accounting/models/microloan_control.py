from collections import defaultdict

from odoo import api, fields, models

from .microloan_accrual import INCOME_KEYS

# Transaction kinds whose "other" principal lines pay the loan out (a
# disbursement, or the reversal of one with opposite amounts).
DISBURSING_KINDS = ("disbursement", "reversal")
# Settling kinds that reduce the receivables; a recovery pays back amounts
# already written off.
RECEIVABLE_SETTLING_KINDS = ("repayment", "waiver", "reversal")


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _check_ledger_agreement(self, date=None, companies=None, loans=None):
        """Compare, for every loan of ``companies`` (or ``loans``), the ledger
        balance of its principal and interest receivable accounts with the
        sub-ledger on ``date`` (today by default); return the differences as
        a list of dicts ``{"loan", "principal_ledger", "principal_subledger",
        "interest_ledger", "interest_subledger"}`` (floats, loan currency).
        An empty list means the books agree to the fen.

        Sub-ledger principal: disbursed less repaid, waived and written off.
        Sub-ledger interest receivable: what the accrual owes the books on
        ``date`` (``_get_accrual_targets``): scheduled interest pro rata by
        days less what was paid, plus penalty and compound interest charged
        and unpaid; nothing for a loan in non-accrual or written off. Run the
        accrual of ``date`` first: a payment of interest not yet accrued is
        a difference until it runs. The ledger side are the
        posted journal items of the loan on the accounts of its product.
        """
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        Loan = self.sudo()
        if loans is None:
            if companies is None:
                companies = self.env["res.company"].sudo().search([])
            loans = Loan.search(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", ("active", "closed", "written_off")),
                ]
            )
        loans = loans.sudo()
        subledger = loans._get_subledger_balances(date)
        ledger = loans._get_ledger_balances(date)
        differences = []
        for loan in loans:
            currency = loan.currency_id
            sub = subledger[loan.id]
            led = ledger[loan.id]
            if currency.compare_amounts(
                sub["principal"], led["principal"]
            ) or currency.compare_amounts(sub["interest"], led["interest"]):
                differences.append(
                    {
                        "loan": loan,
                        "principal_ledger": currency.round(led["principal"]),
                        "principal_subledger": currency.round(sub["principal"]),
                        "interest_ledger": currency.round(led["interest"]),
                        "interest_subledger": currency.round(sub["interest"]),
                    }
                )
        return differences

    def _get_subledger_balances(self, date):
        result = defaultdict(lambda: {"principal": 0.0, "interest": 0.0})
        rows = self.env["microloan.loan.transaction.line"]._read_group(
            [
                ("loan_id", "in", self.ids),
                ("date", "<=", date),
                ("component", "=", "principal"),
            ],
            ["loan_id", "kind", "effect"],
            ["amount:sum"],
        )
        for loan, kind, effect, amount in rows:
            if effect == "other" and kind in DISBURSING_KINDS:
                result[loan.id]["principal"] += amount
            elif effect == "settle" and kind in RECEIVABLE_SETTLING_KINDS:
                result[loan.id]["principal"] -= amount
            elif kind == "write_off":
                result[loan.id]["principal"] -= amount
        for loan_id, target in self._get_accrual_targets(date).items():
            result[loan_id]["interest"] = float(
                sum((target[component] for component in INCOME_KEYS), 0)
            )
        return result

    def _get_ledger_balances(self, date):
        accounts = {}
        for company in self.company_id:
            for product in self.filtered(
                lambda x, c=company: x.company_id == c
            ).product_id:
                mapping = product._get_microloan_accounts(company)
                accounts[company.id, product.id] = (
                    mapping["principal"],
                    mapping["interest_receivable"],
                )
        account_ids = {account.id for pair in accounts.values() for account in pair}
        rows = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("microloan_loan_id", "in", self.ids),
                    ("account_id", "in", list(account_ids)),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", date),
                ],
                ["microloan_loan_id", "account_id", "currency_id"],
                ["amount_currency:sum", "balance:sum"],
            )
        )
        result = defaultdict(lambda: {"principal": 0.0, "interest": 0.0})
        for loan, account, currency, amount_currency, balance in rows:
            principal, interest = accounts[loan.company_id.id, loan.product_id.id]
            if currency == loan.currency_id:
                amount = amount_currency
            elif loan.currency_id == loan.company_id.currency_id:
                amount = balance
            else:
                amount = loan.company_id.currency_id._convert(
                    balance, loan.currency_id, loan.company_id, date
                )
            if account == principal:
                result[loan.id]["principal"] += amount
            if account == interest:
                result[loan.id]["interest"] += amount
        return result


class MicroloanLedgerControl(models.TransientModel):
    _name = "microloan.ledger.control"
    _description = "Loan Ledger Control"

    date = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self)
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        default=lambda self: self.env.companies,
        help="Branches checked; all those selected in the company switcher by "
        "default.",
    )
    line_ids = fields.One2many(
        "microloan.ledger.control.line", "control_id", string="Differences"
    )
    difference_count = fields.Integer(compute="_compute_difference_count")
    checked = fields.Boolean(readonly=True)

    @api.depends("line_ids")
    def _compute_difference_count(self):
        for control in self:
            control.difference_count = len(control.line_ids)

    def action_check(self):
        """List every loan whose ledger balance of principal or interest
        receivable differs from the sub-ledger on the date."""
        self.ensure_one()
        differences = self.env["microloan.loan"]._check_ledger_agreement(
            self.date, self.company_ids
        )
        self.line_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {
                    "loan_id": diff["loan"].id,
                    "principal_ledger": diff["principal_ledger"],
                    "principal_subledger": diff["principal_subledger"],
                    "interest_ledger": diff["interest_ledger"],
                    "interest_subledger": diff["interest_subledger"],
                }
            )
            for diff in differences
        ]
        self.checked = True
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
            "name": self.env._("Ledger Control"),
        }
