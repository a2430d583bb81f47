from odoo import models


class ResLang(models.Model):
    _inherit = "res.lang"

    def _microloan_install_language(self, code, modules=()):
        """Activate the language ``code`` and load its translations of every
        installed module, Odoo's included, as Settings > Languages > Add
        does (``_activate_lang`` alone activates it without them: Odoo's
        records, such as its journals and payment methods, would stay in
        English), and of ``modules``, being installed, whose records the
        demo is about to use (their activity types and model names would
        otherwise be written in English into the messages the demo makes).
        Used by the demo data."""
        # Already active: the installed modules' translations are loaded.
        active = self._lang_get(code)
        lang = self._activate_lang(code)
        domain = [("name", "in", list(modules))]
        if not active:
            domain = ["|", ("state", "=", "installed"), *domain]
        self.env["ir.module.module"].search(domain)._update_translations(code)
        # The translations are written by SQL: names read before are stale.
        self.env.invalidate_all()
        return lang.id
