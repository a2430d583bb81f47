from odoo import api, models

from microloan_engine.fees import loan_cost


class ReportLoanSchedule(models.AbstractModel):
    """还款计划表: the loan's repayment schedule with its totals."""

    _name = "report.microloan_reports.report_loan_schedule"
    _inherit = "microloan.document"
    _description = "Repayment Schedule Document"

    @api.model
    def _get_document_values(self, docs, data):
        return {"figures": {loan.id: self._loan_figures(loan) for loan in docs}}

    @api.model
    def _loan_figures(self, loan):
        """The terms, the installments and the totals the documents print for
        ``loan``: the stored schedule (from the engine) and its totals."""
        currency = loan.currency_id
        installments = loan.installment_ids.filtered(
            lambda i: i.state != "cancelled"
        ).sorted(lambda i: (i.due_date, i.sequence))
        # The schedule table's own totals (microloan_engine.fees.loan_cost of
        # its installments); the loan's fees and total repayment (还款总额)
        # also count the fees due at disbursement.
        money = loan._money
        schedule = loan_cost(
            [(money(i.amount), money(i.interest), money(i.fee)) for i in installments],
            money(0.0),
        )
        return {
            "amount_words": self._capitals(loan.amount, currency),
            "installments": installments,
            "total_principal": loan.amount,
            "total_interest": loan.total_interest,
            "total_fee": loan.fee_amount,
            "schedule_fee": float(schedule.fees),
            "schedule_payment": float(schedule.total_payment),
            "upfront_fee": loan.upfront_fee_amount,
            "fee_deducted": loan.fee_deducted_amount,
            "total_payment": loan.total_payment,
            "total_payment_words": self._capitals(loan.total_payment, currency),
            "method": dict(
                loan._fields["repayment_method"]._description_selection(loan.env)
            ).get(loan.repayment_method, ""),
        }
