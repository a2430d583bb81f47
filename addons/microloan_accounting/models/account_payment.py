from odoo import fields, models


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = [
        "account.payment",
        "microloan.link.guard.mixin",
    ]

    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    microloan_credit_line_entry_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Credit Line Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def _get_aml_default_display_name_list(self):
        # The label of the payment's journal items names its method in the
        # user's language (account.payment.method.line).
        values = super()._get_aml_default_display_name_list()
        label = (
            self.payment_method_line_id
            and self.payment_method_line_id._microloan_translated_name()
        )
        if not label:
            return values
        return [(key, label if key == "label" else value) for key, value in values]
