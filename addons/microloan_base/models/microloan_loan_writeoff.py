from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError

from microloan_engine import EngineError

# Order in which a write-off lists, and a recovery pays back, the amounts.
WRITE_OFF_COMPONENTS = ("principal", "interest", "fee", "penalty", "compound")


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"  # pylint: disable=consider-merging-classes-inherited

    state = fields.Selection(
        selection_add=[("closed",), ("written_off", "Written Off")],
        ondelete={"written_off": lambda loans: loans.write({"state": "active"})},
    )
    write_off_date = fields.Date(readonly=True, copy=False, tracking=True)
    write_off_reason = fields.Text(readonly=True, copy=False, tracking=True)
    write_off_user_id = fields.Many2one(
        "res.users", string="Write-Off Approved By", readonly=True, copy=False
    )
    write_off_amount = fields.Monetary(
        string="Written Off",
        compute="_compute_ledger_balances",
        store=True,
        help="Principal, interest due, fees and charges written off (核销).",
    )
    recovered_amount = fields.Monetary(
        string="Recovered",
        compute="_compute_ledger_balances",
        store=True,
        help="Money recovered after the write-off.",
    )
    settlement_date = fields.Date(
        string="Settled On",
        readonly=True,
        copy=False,
        help="Day the loan was settled (结清): everything owed was paid.",
    )

    def write(self, vals):
        if vals.get("state") == "closed" and "settlement_date" not in vals:
            vals = dict(vals, settlement_date=fields.Date.context_today(self))
        return super().write(vals)

    def action_open_write_off_wizard(self):
        """Open the write-off (核销) wizard."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write Off Loan"),
            "res_model": "microloan.loan.write.off",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id},
        }

    def action_open_recovery_wizard(self):
        """Open the wizard registering money recovered after the write-off."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Register Recovery"),
            "res_model": "microloan.loan.recover",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id},
        }

    def write_off(self, date, reason):
        """Write the loan off (核销) on ``date`` for ``reason``: an approver's
        decision.

        Pending penalty and compound interest are charged first, then one
        ``write_off`` transaction lists what is written off per installment
        and component: all the principal, and the interest, fees and charges
        due by ``date``. The loan becomes ``written_off``; later money comes in
        through :meth:`register_recovery`.
        """
        self.ensure_one()
        self._check_user_group(
            "microloan_base.group_microloan_approver",
            self.env._("Only approvers can write loans off."),
        )
        self._check_state(
            {"active"},
            self.env._("Only active loans can be written off: %(loan)s is %(state)s."),
        )
        if not reason or not reason.strip():
            raise UserError(self.env._("Give the reason of the write-off."))
        date = self._check_posting_date(date)
        self._lock_for_posting()
        position = self._engine_position(date)
        try:
            position = self._post_overdue_charges(position, date, date)
        except EngineError as error:
            raise self._engine_user_error(error) from error
        self.sudo()._write_engine_state(position)
        lines = self._get_write_off_lines(date)
        if not lines:
            raise UserError(
                self.env._("%(loan)s owes nothing to write off.", loan=self.name)
            )
        self._post_transaction(
            "write_off",
            date,
            sum(line["amount"] for line in lines),
            lines=lines,
            note=reason.strip(),
        )
        self.write(
            {
                "state": "written_off",
                "write_off_date": date,
                "write_off_reason": reason.strip(),
                "write_off_user_id": self.env.user.id,
            }
        )
        return True

    def register_recovery(self, amount, date, reference=False):
        """Register ``amount`` recovered on ``date`` from a written-off loan.

        The recovery pays back the written-off amounts, principal first, oldest
        installment first; anything beyond is kept as the borrower's credit.
        Once everything written off is recovered, the loan is settled.
        """
        self.ensure_one()
        self._check_user_group(
            "microloan_base.group_microloan_finance",
            self.env._("Only finance users can register recoveries."),
        )
        self._check_state(
            {"written_off"},
            self.env._(
                "Recoveries are registered on written-off loans: %(loan)s is "
                "%(state)s."
            ),
        )
        currency = self.currency_id
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._("The amount recovered must be positive."))
        date = self._check_posting_date(date)
        if date < self.write_off_date:
            raise UserError(
                self.env._(
                    "A recovery of %(loan)s cannot precede its write-off on "
                    "%(date)s.",
                    loan=self.name,
                    date=self.write_off_date,
                )
            )
        self._lock_for_posting()
        remaining = currency.round(amount)
        lines = []
        for (installment_id, component), open_amount in self._get_recoverable():
            if currency.is_zero(remaining):
                break
            paid = min(open_amount, remaining)
            remaining = currency.round(remaining - paid)
            lines.append(
                {
                    "installment_id": installment_id,
                    "component": component,
                    "amount": paid,
                }
            )
        if not currency.is_zero(remaining):
            lines.append(
                {"installment_id": False, "component": "excess", "amount": remaining}
            )
        transaction = self._post_transaction(
            "recovery", date, currency.round(amount), lines=lines, reference=reference
        )
        if not self._get_recoverable():
            self.write({"state": "closed", "settlement_date": date})
        return transaction

    def _get_write_off_lines(self, date):
        """Lines of a write-off on ``date``: principal outstanding, and interest,
        fees and charges of the installments due by then, component by
        component."""
        self.ensure_one()
        currency = self.currency_id
        lines = []
        installments = self._engine_installments()
        for component in WRITE_OFF_COMPONENTS:
            for inst in installments:
                if component == "principal":
                    open_amount = inst.principal - inst.principal_paid
                elif component == "interest":
                    if inst.due_date > date:
                        continue
                    open_amount = inst.interest - inst.interest_paid
                elif component == "fee":
                    if inst.due_date > date:
                        continue
                    open_amount = inst.fee + inst.fee_charged - inst.fee_paid
                else:
                    open_amount = inst[component] - inst[component + "_paid"]
                open_amount = currency.round(open_amount)
                if currency.compare_amounts(open_amount, 0.0) > 0:
                    lines.append(
                        {
                            "installment_id": inst.id,
                            "component": component,
                            "amount": open_amount,
                        }
                    )
        return lines

    def _get_recoverable(self):
        """``[((installment_id, component), amount)]`` written off and not yet
        recovered, in the order the write-off listed them."""
        self.ensure_one()
        currency = self.currency_id
        open_amounts = defaultdict(float)
        for transaction in self.transaction_ids.sorted("id"):
            if transaction.state != "posted":
                continue
            if transaction.kind == "write_off":
                sign = 1
            elif transaction.kind == "recovery":
                sign = -1
            else:
                continue
            for line in transaction.line_ids:
                if line.component != "excess":
                    key = (line.installment_id.id, line.component)
                    open_amounts[key] += sign * line.amount
        return [
            (key, currency.round(value))
            for key, value in open_amounts.items()
            if currency.compare_amounts(value, 0.0) > 0
        ]
