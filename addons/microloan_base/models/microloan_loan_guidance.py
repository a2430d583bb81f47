from markupsafe import Markup

from odoo import fields, models
from odoo.tools import formatLang

from microloan_engine import EngineError
from microloan_engine.allocation import allocate_with_credit, use_credit
from microloan_engine.due import due_amounts

from ..tools import inputs


class MicroloanLoanGuidance(models.AbstractModel):
    """What the repayment desk shows before money is registered on a loan
    (microloan.loan): what is overdue and due on a day, the payoff, and how
    the engine would split an amount. Every figure comes from the engine;
    nothing is written."""

    _name = "microloan.loan.guidance"
    _description = "Loan: Repayment Guidance"

    # The loan's own currency field (microloan.loan), declared here for the
    # fee amount.
    currency_id = fields.Many2one("res.currency")
    upfront_fee_amount = fields.Monetary(
        string="Fees at Disbursement",
        compute="_compute_rate_explanation",
        help="Fees of the product due when the loan is paid out; with the fees "
        "of each installment they are counted in the annualized rate.",
    )
    rate_explanation = fields.Html(
        string="How the Annualized Rate Is Made",
        compute="_compute_rate_explanation",
        sanitize=False,
    )

    def _compute_rate_explanation(self):
        # No dependencies: read when shown. The fee amounts come from the
        # engine (microloan.product.fee, microloan_engine.fees).
        for loan in self:
            loan.upfront_fee_amount = loan._get_fees()[0]
            loan.rate_explanation = loan._get_rate_explanation()

    def _get_rate_explanation(self):
        """The annualized rate broken down: the nominal rate, each fee of the
        product with when it is due and its amount, then the annualized rate
        of PBOC announcement [2021] No. 3 (interest and every fee over the
        principal in use)."""
        self.ensure_one()
        env = self.env
        currency = self.currency_id
        timings = dict(
            env["microloan.product.fee"]._fields["timing"]._description_selection(env)
        )
        rows = [
            env._(
                "Nominal annual rate: %(rate)s%%",
                rate=formatLang(env, self.interest_rate, digits=2),
            )
        ]
        if self.product_id.interest_basis == "daily":
            rows.append(
                env._(
                    "Interest on the actual days of each period (%(day_count)s)",
                    day_count=self.product_id.day_count,
                )
            )
        for fee in self.product_id.fee_ids:
            rows.append(
                env._(
                    "%(fee)s, %(timing)s: %(amount)s",
                    fee=fee.name,
                    timing=timings[fee.timing],
                    amount=currency.format(fee._get_amount(self.amount)),
                )
            )
        if not self.product_id.fee_ids:
            rows.append(env._("No fees"))
        rows.append(
            env._(
                "Annualized rate (simple, PBOC announcement [2021] No. 3, "
                "interest and every fee over the principal in use): %(rate)s%%",
                rate=formatLang(env, self.annualized_rate, digits=2),
            )
        )
        return Markup('<ul class="mb-0 ps-3">%s</ul>') % Markup("").join(
            Markup("<li>%s</li>") % row for row in rows
        )

    def repayment_guidance(self, date, amount=None):
        """What a repayment of ``amount`` on ``date`` would do, as a dict of
        floats and ISO dates: ``overdue``, ``due`` (overdue plus what falls
        due on ``date``), ``charges`` (penalty and compound interest owed),
        ``next_amount`` and ``next_due_date`` (the next installment),
        ``suggested`` (what is due, else the next installment, less the
        borrower's credit), ``credit``, ``payoff`` (the payoff quote's amount
        to collect); with ``amount``: ``allocation`` (per component),
        ``lines`` (per installment), ``excess`` (the borrower's credit after
        it) and ``above_payoff``."""
        loan = inputs.one(self)
        env = self.env
        date = inputs.day(env, date, env._("The date of the repayment"))
        if amount is not None:
            amount = inputs.money(
                env, amount, loan.currency_id, env._("The amount repaid"), False
            )
        loan._check_state(
            {"active"},
            env._(
                "Repayments are registered on active loans only: %(loan)s is %(state)s."
            ),
        )
        position = loan._position_at(date)
        credit = loan._money(loan.credit_balance)
        payoff = loan.payoff_quote(date)
        try:
            due = due_amounts(position, date)
        except EngineError as error:
            raise loan._engine_user_error(error) from error
        result = {
            "date": fields.Date.to_string(date),
            "overdue": float(due.overdue),
            "due": float(due.due),
            "charges": float(due.charges),
            "next_amount": float(due.next_amount),
            "next_due_date": fields.Date.to_string(due.next_due_date),
            "credit": float(credit),
            "suggested": float(use_credit(due.suggested, credit).due),
            "payoff": payoff["amount_due"],
        }
        if amount is None:
            return result
        order, by_installment = loan.product_id._get_allocation_order()
        try:
            allocation = allocate_with_credit(
                position,
                loan._money(amount),
                credit,
                date,
                order,
                by_installment=by_installment,
            )
        except EngineError as error:
            raise loan._engine_user_error(error) from error
        records = loan._records_by_n()
        result.update(
            allocation={c: float(v) for c, v in allocation.by_component},
            lines=[
                {
                    "installment_id": records[line.n].id,
                    "sequence": line.n,
                    "due_date": fields.Date.to_string(line.due_date),
                    "component": line.component,
                    "amount": float(line.amount),
                }
                for line in allocation.lines
            ],
            excess=float(allocation.excess),
            above_payoff=loan.currency_id.compare_amounts(amount, payoff["amount_due"])
            > 0,
        )
        return result
