from odoo import fields, models
from odoo.tools import SQL

# Loans in these states owe nothing more to follow up: their reminders and
# overdue activities are marked done.
FINISHED_STATES = ("closed", "written_off", "cancelled", "rejected")
SERVICING_ACTIVITY_TYPES = (
    "microloan_base.mail_activity_type_repayment_reminder",
    "microloan_base.mail_activity_type_overdue",
)


class MicroloanLoanActivities(models.AbstractModel):
    """The loan officer's servicing activities of a loan (microloan.loan):
    the reminders and overdue activities of the daily close are marked done
    when their installment is paid, and all of them when the loan is closed,
    written off or cancelled."""

    _name = "microloan.loan.activities"
    _description = "Loan: Servicing Activities"

    # The loan's own fields (microloan.loan), declared here for the next
    # installment's figures.
    currency_id = fields.Many2one("res.currency")
    next_due_date = fields.Date(
        compute="_compute_next_installment",
        help="Due date of the oldest installment not yet paid.",
    )
    next_due_amount = fields.Monetary(
        string="Next Amount Due",
        compute="_compute_next_installment",
        help="What remains to pay of the oldest installment not yet paid.",
    )

    def _compute_next_installment(self):
        # No dependencies: read when shown. A list of loans (the officer's
        # desk) reads the oldest open installment of each in one query, not
        # every installment of every loan.
        stored = [loan_id for loan_id in self.ids if isinstance(loan_id, int)]
        found = {}
        if stored:
            Installment = self.env["microloan.loan.installment"]
            Installment.flush_model(["loan_id", "state", "due_date", "amount_residual"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT ON (loan_id) loan_id, due_date, amount_residual"
                    " FROM %s WHERE loan_id IN %s AND state = 'open'"
                    " ORDER BY loan_id, due_date, sequence",
                    SQL.identifier(Installment._table),
                    tuple(stored),
                )
            )
            found = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for loan in self:
            if isinstance(loan.id, int):
                due_date, residual = found.get(loan.id, (False, 0.0))
                loan.next_due_date = due_date
                loan.next_due_amount = residual
                continue
            installment = loan.installment_ids.filtered(
                lambda i: i.state == "open"
            ).sorted("due_date")[:1]
            loan.next_due_date = installment.due_date
            loan.next_due_amount = installment.amount_residual

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") in FINISHED_STATES:
            self._done_servicing_activities()
        return result

    def _close_if_settled(self):
        # Every repayment ends here (microloan.loan.servicing): the
        # installments it paid need no reminder any more.
        result = super()._close_if_settled()
        self._done_servicing_activities()
        return result

    def _done_servicing_activities(self):
        """Mark done the open reminders and overdue activities of these loans
        whose installment is paid (all of them on a loan no longer active)."""
        # The ids from the cached xmlid lookup (a deleted type matches no
        # activity): every repayment ends here.
        Data = self.env["ir.model.data"]
        type_ids = [
            type_id
            for xmlid in SERVICING_ACTIVITY_TYPES
            if (type_id := Data._xmlid_to_res_id(xmlid, raise_if_not_found=False))
        ]
        if not self.ids or not type_ids:
            return
        # sudo: the activities belong to the loan officers, whoever pays.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "microloan.loan"),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "in", type_ids),
                ]
            )
        )
        finished = set(self.filtered(lambda loan: loan.state in FINISHED_STATES).ids)
        done = activities.filtered(
            lambda activity: activity.res_id in finished
            or activity.microloan_installment_id.state in ("paid", "cancelled")
        )
        if done:
            done.action_feedback(feedback=self.env._("Settled by the loan's payments."))
