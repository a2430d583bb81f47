from odoo import api, models


class AccountPaymentMethodLine(models.Model):
    """A payment method of a journal shown in the user's language.

    Odoo stores a journal's method line with the name of its method in the
    language of the moment the journal was made (English for the journals of
    a chart) and does not translate "Manual Payment" into Chinese: a line
    still named after its method shows the method's name in the user's
    language instead (a name the company typed stays as typed)."""

    _inherit = "account.payment.method.line"

    @api.depends("name", "payment_method_id.name", "journal_id")
    @api.depends_context("lang", "hide_payment_journal_id")
    def _compute_display_name(self):
        result = super()._compute_display_name()
        for line in self:
            label = line._microloan_translated_name()
            if not label:
                continue
            if self.env.context.get("hide_payment_journal_id"):
                line.display_name = label
            else:
                line.display_name = self.env._(
                    "%(method)s (%(journal)s)",
                    method=label,
                    journal=line.journal_id.name,
                )
        return result

    def _microloan_translated_name(self):
        """The line's name in the user's language when it is still its
        method's own name, else ``False``."""
        self.ensure_one()
        method = self.payment_method_id
        if not method or self.name != method.with_context(lang="en_US").name:
            return False
        if method.code == "manual":
            # Odoo's zh_CN leaves it in English.
            return self.env._("Manual Payment")
        return method.name
