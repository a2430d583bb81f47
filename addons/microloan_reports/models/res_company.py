from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    microloan_credit_bureau_code = fields.Char(
        string="Credit-Bureau Institution Code",
        size=14,
        help="The 14-character code (金融机构代码) under which the branch reports "
        "to the credit bureau (征信).",
    )
    microloan_credit_notice_days = fields.Integer(
        string="Days Between Notice and Report",
        default=0,
        help="Negative information is reported only after the borrower was "
        "notified, and at least this many days after the notice.",
    )

    @api.constrains("microloan_credit_bureau_code", "microloan_credit_notice_days")
    def _check_microloan_credit_bureau(self):
        for company in self:
            code = company.microloan_credit_bureau_code
            if code and not (code.isalnum() and len(code) == 14):
                raise ValidationError(
                    self.env._(
                        "The credit-bureau institution code has 14 letters or digits."
                    )
                )
            if not 0 <= company.microloan_credit_notice_days <= 365:
                raise ValidationError(
                    self.env._(
                        "The days between notice and report are between 0 and 365."
                    )
                )
