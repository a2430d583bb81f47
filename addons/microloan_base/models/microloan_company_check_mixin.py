from odoo import models
from odoo.exceptions import UserError


class MicroloanCompanyCheckMixin(models.AbstractModel):
    """Keeps ``_check_company`` from naming another branch's records in its
    error message. Inherited by the guard mixin and by the wizards,
    which take a loan or a credit line chosen by the client."""

    _name = "microloan.company.check.mixin"
    _description = "Company Check Naming No Other Branch"

    def _check_company(self, fnames=None):
        try:
            return super()._check_company(fnames=fnames)
        except UserError as error:
            # Odoo's message names the records of the other company: say only
            # which field is wrong.
            raise UserError(
                self.env._(
                    "A record chosen on %(model)s belongs to another branch, or to "
                    "no branch this record may use: choose one of its own branch.",
                    model=self._microloan_model_label(),
                )
            ) from error

    def _microloan_model_label(self):
        # sudo: the model's translated name, readable whatever the caller's groups.
        return self.env["ir.model"].sudo()._get(self._name).name or self._description
