from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    microloan_installment_id = fields.Many2one(
        "microloan.loan.installment",
        string="Installment",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="Installment a repayment reminder or an overdue activity is about: "
        "it is marked done once the installment is paid.",
    )
