from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _creation_message(self):
        """A microloan record created without a language (a scheduled run, the
        demo, an RPC call that sets none) is logged in its branch's language
        (a shared record in its company's): its chatter says "贷款 创建" in a
        Chinese branch, not "Loan created"."""
        if self._name.startswith("microloan.") and not self.env.context.get("lang"):
            # Shared configuration (no branch): the language of the company
            # it is created in.
            company = self["company_id"] if "company_id" in self._fields else None
            lang = (company or self.env.company)._microloan_lang()
            if lang != self.env.lang:
                return super(
                    MailThread, self.with_context(lang=lang)
                )._creation_message()
        return super()._creation_message()
