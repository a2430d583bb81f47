import functools
import subprocess
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr
from odoo.tools.misc import find_in_path

from microloan_engine import EngineError
from microloan_engine.capitals import cny_capitals

# The borrower's documents are Chinese: rendered in Simplified Chinese when the
# language is active on the database, else in the user's language.
DOCUMENT_LANG = "zh_CN"


@functools.cache
def wkhtmltopdf_has_patched_qt():
    """Whether wkhtmltopdf prints the layout's header and footer: a build
    without patched Qt (Debian's) ignores them, so the documents then carry
    the letterhead in the page and get their page numbers stamped."""
    try:
        version = subprocess.run(
            [find_in_path("wkhtmltopdf"), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError, TypeError):
        return False
    return "patched qt" in version


class MicroloanDocument(models.AbstractModel):
    """What every borrower document's report model shares: the records it
    prints (read with the caller's rights), the document language and the
    amounts in Chinese capitals from the engine. The report models
    (``report.microloan_reports.*``) compute the figures; QWeb only displays
    them."""

    _name = "microloan.document"
    _description = "Microloan Document Values"

    _document_model = "microloan.loan"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env[self._document_model].browse(docids)
        # Record rules apply to the caller: another branch's document is refused.
        docs.check_access("read")
        lang = self._document_lang()
        values = {
            "doc_ids": docs.ids,
            "doc_model": self._document_model,
            "docs": docs.with_context(lang=lang),
            "lang": lang,
            # ir.actions.report._render_template renders the whole document in it
            "microloan_document_lang": lang,
            "capitals": self._capitals,
            "print_date": fields.Date.context_today(self),
            "letterhead_in_body": not wkhtmltopdf_has_patched_qt(),
            "data": data or {},
        }
        values.update(self._get_document_values(docs.with_context(lang=lang), data))
        return values

    @api.model
    def _get_document_values(self, docs, data):
        """Hook of each report model: the figures of ``docs`` (a dict merged
        into the values)."""
        raise NotImplementedError

    @api.model
    def _document_lang(self):
        if self.env["res.lang"]._lang_get(DOCUMENT_LANG):
            return DOCUMENT_LANG
        return self.env.lang or "en_US"

    @api.model
    def _capitals(self, amount, currency):
        """``amount`` of ``currency`` in Chinese capitals (大写金额), from the
        engine; empty for a currency other than the yuan."""
        if currency.name != "CNY":
            return ""
        try:
            return cny_capitals(
                Decimal(float_repr(currency.round(amount), currency.decimal_places))
            )
        except EngineError as error:
            raise UserError(
                self.env._(
                    "The amount %(amount)s cannot be written in Chinese capitals.",
                    amount=currency.format(amount),
                )
            ) from error
