from odoo import api, models

# The models of the chart whose records Odoo names in English.
ODOO_NAMED_MODELS = (
    "account.account",
    "account.journal",
    "account.payment.term",
    "account.reconcile.model",
)


class AccountChartTemplate(models.AbstractModel):
    """Names of the chart's records that Odoo's own catalogues leave in
    English (Odoo's zh_CN translates "Bank Suspense Account" as "Bank Suspense
    Account"): when Odoo translates a chart, these get the translation of this
    module's catalogue."""

    _inherit = "account.chart.template"

    def _microloan_odoo_terms(self):
        """``{English name: name in the environment's language}`` of the
        accounts, journals, payment terms and reconciliation models Odoo's
        chart creates with a name its catalogues do not translate."""
        env = self.env
        return {
            "Bank Suspense Account": env._("Bank Suspense Account"),
            "Outstanding Receipts": env._("Outstanding Receipts"),
            "Outstanding Payments": env._("Outstanding Payments"),
            "Miscellaneous Operations": env._("Miscellaneous Operations"),
            "Undistributed Profits/Losses": env._("Undistributed Profits/Losses"),
            "Foreign Exchange Gain": env._("Foreign Exchange Gain"),
            "Foreign Exchange Loss": env._("Foreign Exchange Loss"),
            "Cash on Hand": env._("Cash on Hand"),
            "End of Following Month": env._("End of Following Month"),
            "Create Bill": env._("Create Bill"),
            "Line with Bank Fees": env._("Line with Bank Fees"),
        }

    def _load_translations(self, langs=None, companies=None, template_data=None):
        result = super()._load_translations(
            langs=langs, companies=companies, template_data=template_data
        )
        self._microloan_translate_odoo_names(langs)
        return result

    @api.model
    def _microloan_translate_odoo_names(self, langs=None):
        """Give the records of ``ODOO_NAMED_MODELS`` named after one of
        :meth:`_microloan_odoo_terms` their name in each of ``langs`` (every
        installed language by default) where Odoo left the English one; a name
        the company changed is left as it is."""
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        langs = [lang for lang in (langs or installed) if lang != "en_US"]
        english = self._microloan_odoo_terms()
        if not langs:
            return
        # sudo: the chart's names, for every company, whoever loads a language.
        records = [
            self.env[model]
            .sudo()
            .with_context(lang="en_US", active_test=False)
            .search([("name", "in", list(english))])
            for model in ODOO_NAMED_MODELS
        ]
        for lang in langs:
            terms = self.with_context(lang=lang)._microloan_odoo_terms()
            for model_records in records:
                for record in model_records:
                    name = record.name
                    translated = terms.get(name)
                    if not translated or translated == name:
                        continue
                    if record.with_context(lang=lang).name == name:
                        record.with_context(lang=lang).name = translated
