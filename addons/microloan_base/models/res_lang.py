from odoo import models


class ResLang(models.Model):
    _inherit = "res.lang"

    def _microloan_install_language(self, code):
        """Activate the language ``code`` and load its translations of every
        installed module, Odoo's included, as Settings > Languages > Add
        does (``_activate_lang`` alone activates it without them: Odoo's
        records, such as its journals and payment methods, would stay in
        English). Used by the demo data."""
        lang = self._activate_lang(code)
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        installed._update_translations(code)
        return lang.id
