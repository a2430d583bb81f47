from odoo import api, fields, models

from .account_move import check_microloan_links


class AccountPayment(models.Model):
    _inherit = "account.payment"  # pylint: disable=consider-merging-classes-inherited

    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_microloan_links(self.browse(), vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_microloan_links(self, [vals])
        return super().write(vals)
