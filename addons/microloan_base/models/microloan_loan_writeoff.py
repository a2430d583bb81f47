from collections import defaultdict
from decimal import Decimal

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from microloan_engine import EngineError
from microloan_engine.classification import tier_rank
from microloan_engine.writeoff import WriteOffLine, allocate_recovery, write_off_lines

from ..tools import inputs


class MicroloanLoanWriteoff(models.AbstractModel):
    """Write-off (核销) of a loan (microloan.loan) and the recoveries after it.
    The ``written_off`` state is the loan's own (microloan_loan.py)."""

    _name = "microloan.loan.writeoff"
    _description = "Loan: Write-Off"

    # The loan's own currency field (microloan.loan), declared here for the
    # amounts of this mixin.
    currency_id = fields.Many2one("res.currency")

    write_off_date = fields.Date(readonly=True, copy=False, tracking=True)
    write_off_reason = fields.Text(readonly=True, copy=False, tracking=True)
    write_off_evidence = fields.Char(
        string="Write-Off Evidence",
        readonly=True,
        copy=False,
        tracking=True,
        help="The document proving the loss (court ruling, death or bankruptcy "
        "certificate...), attached to the loan.",
    )
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

    def write_off(self, date, reason, evidence=None, attachment_ids=None):
        """Write the loan off (核销) on ``date`` for ``reason``: a decision of the
        product's write-off group (approvers by default).

        The product's conditions apply: the loan is classified at least
        ``write_off_min_tier`` and at least ``write_off_min_days_past_due`` days
        past due, and, when ``write_off_requires_evidence``, ``evidence`` names
        the document proving the loss; ``attachment_ids`` (documents uploaded
        for it) are attached to the loan.

        Pending penalty and compound interest are charged first, then one
        ``write_off`` transaction lists what is written off per installment
        and component: all the principal, and the interest, fees and charges
        due by ``date``. The loan becomes ``written_off``; later money comes in
        through :meth:`register_recovery`. Returns True.
        """
        inputs.one(self)
        date = inputs.day(self.env, date, self.env._("The date of the write-off"))
        reason = inputs.text(self.env, reason, self.env._("The reason"))
        if evidence is not None and evidence is not False:
            evidence = inputs.text(self.env, evidence, self.env._("The evidence"))
        self._check_user_group(
            "microloan_base.group_microloan_approver",
            self.env._("Only approvers can write loans off."),
        )
        group = self.product_id.write_off_group_id
        if group and not self.env.su and group not in self.env.user.groups_id:
            # sudo: the group's name for the message only (users may not read groups).
            raise AccessError(
                self.env._(
                    "Loans of %(product)s are written off by the group %(group)s.",
                    product=self.product_id.name,
                    # sudo: the group's name for the message only.
                    group=group.sudo().full_name,
                )
            )
        self._check_state(
            {"active"},
            self.env._("Only active loans can be written off: %(loan)s is %(state)s."),
        )
        if not reason or not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason of the write-off."))
        evidence = evidence.strip() if isinstance(evidence, str) else ""
        self._check_write_off_conditions(evidence)
        attachments = self._write_off_attachments(attachment_ids)
        date = self._check_posting_date(date)
        self._lock_for_posting()
        position = self._engine_position(date)
        try:
            position = self._post_overdue_charges(position, date, date)
        except EngineError as error:
            raise self._engine_user_error(error) from error
        # sudo: the accrual state is the engine's; the caller was checked above.
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
        # sudo: state and stamps are guarded; the caller was checked.
        self.sudo().write(
            {
                "state": "written_off",
                "write_off_date": date,
                "write_off_reason": reason.strip(),
                "write_off_evidence": evidence or False,
                "write_off_user_id": self.env.user.id,
            }
        )
        if attachments:
            # sudo: the evidence uploaded in the wizard now belongs to the loan.
            attachments.sudo().write({"res_model": self._name, "res_id": self.id})
        return True

    def _check_write_off_conditions(self, evidence):
        """Raise unless the loan meets its product's write-off conditions."""
        self.ensure_one()
        product = self.product_id
        labels = dict(self._fields["risk_tier"]._description_selection(self.env))
        tier = self.risk_tier or "normal"
        if tier_rank(tier) < tier_rank(product.write_off_min_tier):
            raise UserError(
                self.env._(
                    "%(loan)s is classified %(tier)s: loans of %(product)s are "
                    "written off once classified %(min)s or worse.",
                    loan=self.name,
                    tier=labels[tier],
                    product=product.name,
                    min=labels[product.write_off_min_tier],
                )
            )
        if self.days_past_due < product.write_off_min_days_past_due:
            raise UserError(
                self.env._(
                    "%(loan)s is %(days)s days past due: loans of %(product)s are "
                    "written off once %(min)s days past due.",
                    loan=self.name,
                    days=self.days_past_due,
                    product=product.name,
                    min=product.write_off_min_days_past_due,
                )
            )
        if product.write_off_requires_evidence and not evidence:
            raise UserError(
                self.env._(
                    "Name the document that proves the loss of %(loan)s (court "
                    "ruling, death or bankruptcy certificate...).",
                    loan=self.name,
                )
            )

    def _write_off_attachments(self, attachment_ids):
        """The attachments ``attachment_ids`` the caller may read, as records."""
        if not attachment_ids:
            return self.env["ir.attachment"]
        if not isinstance(attachment_ids, list | tuple) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in attachment_ids
        ):
            raise UserError(self.env._("The evidence must be a list of attachments."))
        attachments = self.env["ir.attachment"].browse(attachment_ids).exists()
        if len(attachments) != len(set(attachment_ids)):
            raise UserError(self.env._("An attachment of the evidence was not found."))
        attachments.check("read")
        return attachments

    def register_recovery(self, amount, date, reference=False):
        """Register ``amount`` recovered on ``date`` from a written-off loan;
        return the id of the recovery transaction (see
        :meth:`_register_recovery`)."""
        loan = inputs.one(self)
        env = self.env
        amount = inputs.money(
            env, amount, loan.currency_id, env._("The amount recovered")
        )
        date = inputs.day(env, date, env._("The date of the recovery"))
        reference = inputs.reference(env, reference)
        return loan._register_recovery(amount, date, reference=reference).id

    def _register_recovery(self, amount, date, reference=False):
        """Register ``amount`` recovered on ``date`` from a written-off loan
        and return the transaction.

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
        recovered, excess = allocate_recovery(
            self._get_recoverable(), self._money(amount)
        )
        lines = [
            {
                "installment_id": line.n,
                "component": line.component,
                "amount": float(line.amount),
            }
            for line in recovered
        ]
        if excess:
            lines.append(
                {
                    "installment_id": False,
                    "component": "excess",
                    "amount": float(excess),
                }
            )
        transaction = self._post_transaction(
            "recovery", date, currency.round(amount), lines=lines, reference=reference
        )
        if not self._get_recoverable():
            # sudo: the state and its stamp are guarded; the recovery checked
            # the caller.
            self.sudo().write({"state": "closed", "settlement_date": date})
        return transaction

    def _get_write_off_lines(self, date):
        """Lines of a write-off on ``date``: principal outstanding, and interest,
        fees and charges of the installments due by then, component by
        component (``microloan_engine.writeoff.write_off_lines``)."""
        self.ensure_one()
        records = self._records_by_n()
        return [
            {
                "installment_id": records[line.n].id,
                "component": line.component,
                "amount": float(line.amount),
            }
            for line in write_off_lines(self._engine_position(), date)
        ]

    def _get_recoverable(self):
        """``microloan_engine.writeoff.WriteOffLine`` written off and not yet
        recovered, in the order the write-off listed them (``n`` is the
        installment's id)."""
        self.ensure_one()
        open_amounts = defaultdict(Decimal)
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
                    open_amounts[key] += sign * self._money(line.amount)
        return [
            WriteOffLine(installment_id, component, value)
            for (installment_id, component), value in open_amounts.items()
            if value > 0
        ]
