from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_date, formatLang

from microloan_engine import EngineError
from microloan_engine.allocation import allocate_with_credit, use_credit
from microloan_engine.due import due_amounts
from microloan_engine.fees import disbursement as fee_disbursement

from ..tools import inputs


class MicroloanLoanGuidance(models.AbstractModel):
    """What the repayment desk shows before money is registered on a loan
    (microloan.loan): what is overdue and due on a day, the payoff, and how
    the engine would split an amount. Every figure comes from the engine;
    nothing is written."""

    _name = "microloan.loan.guidance"
    _description = "Loan: Repayment Guidance"

    fee_table = fields.Html(
        string="Fee Lines",
        compute="_compute_rate_explanation",
        sanitize=False,
        help="Each fee of the product: when it is due, its amount on this loan "
        "and what is paid of it.",
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
            loan.rate_explanation = loan._get_rate_explanation()
            loan.fee_table = loan._get_fee_table()

    def _get_fee_table(self):
        """The fees of the loan as a table: name, when due, amount on this
        loan and what is paid (with the first disbursement, or with how many
        installments)."""
        self.ensure_one()
        env = self.env
        fees = self.product_id.fee_ids
        if not fees:
            return Markup('<p class="text-muted mb-0">%s</p>') % env._("No fees")
        currency = self.currency_id
        timings = dict(fees._fields["timing"]._description_selection(env))
        disbursement = self.transaction_ids.filtered(
            lambda t: t.kind == "disbursement"
            and t.state == "posted"
            and not currency.is_zero(t.fee_amount)
        ).sorted("date")[:1]
        installments = self.installment_ids.filtered(lambda i: i.state != "cancelled")
        rows = []
        for fee in fees:
            amount = fee._get_amount(self.amount)
            if fee.timing == "installment":
                shown = env._(
                    "%(amount)s with each of %(count)s installments",
                    amount=currency.format(amount),
                    count=len(installments),
                )
                paid_count = len(
                    installments.filtered(
                        lambda i: i.fee
                        and currency.compare_amounts(i.fee_paid, i.fee) >= 0
                    )
                )
                paid = env._(
                    "paid with %(paid)s of %(count)s installments",
                    paid=paid_count,
                    count=len(installments),
                )
            else:
                shown = currency.format(amount)
                if disbursement:
                    paid = (
                        env._(
                            "deducted on %(date)s (%(number)s)",
                            date=format_date(env, disbursement.date),
                            number=disbursement.name,
                        )
                        if fee.timing == "deducted"
                        else env._(
                            "paid on %(date)s (%(number)s)",
                            date=format_date(env, disbursement.date),
                            number=disbursement.name,
                        )
                    )
                else:
                    paid = env._("due at disbursement")
            rows.append((fee.name, timings[fee.timing], shown, paid))
        head = Markup("").join(
            Markup("<th>%s</th>") % label
            for label in (
                env._("Fee"),
                env._("When Due"),
                env._("Amount"),
                env._("Collected"),
            )
        )
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(Markup("<td>%s</td>") % cell for cell in row)
            for row in rows
        )
        return Markup(
            '<table class="table table-sm mb-0 o_microloan_fee_table">'
            "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, body)

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
        else:
            rows.append(
                env._(
                    "Fees over the loan: %(fees)s; total cost of credit (interest "
                    "and fees): %(cost)s",
                    fees=currency.format(self.fee_amount),
                    cost=currency.format(self.total_cost),
                )
            )
        totals = self._get_fee_totals()
        if totals.upfront and self.currency_id.compare_amounts(self.amount, 0.0) > 0:
            try:
                paid = fee_disbursement(self._money(self.amount), totals)
            except EngineError:
                paid = None
            if paid:
                rows.append(
                    env._(
                        "Principal in use: %(amount)s lent less %(fees)s of fees at "
                        "disbursement = %(used)s (paid out: %(paid_out)s)",
                        amount=currency.format(self.amount),
                        fees=currency.format(float(paid.fees)),
                        used=currency.format(float(paid.principal_in_use)),
                        paid_out=currency.format(float(paid.paid_out)),
                    )
                )
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
