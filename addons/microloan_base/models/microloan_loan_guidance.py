from odoo import fields, models

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
