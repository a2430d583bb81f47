import io
import re

from odoo import models

from ..tools.pdf_text import postprocess_document
from .microloan_document import wkhtmltopdf_has_patched_qt
from .microloan_loan import CONTRACT_REPORT

DOCUMENT_REPORTS = {
    CONTRACT_REPORT,
    "microloan_reports.report_loan_schedule",
    "microloan_reports.report_loan_receipt",
    "microloan_reports.report_loan_statement",
    "microloan_reports.report_loan_overdue_notice",
    "microloan_reports.report_loan_settlement",
    "microloan_reports.report_loan_extension",
}
# The documents' bodies load style sheets and no script (web.minimal_layout),
# and write in the system's CJK fonts (no web font to wait for), so wkhtmltopdf
# need not wait Odoo's report.print_delay (1 s by default) before it prints
# them; this parameter sets another wait (ms).
PRINT_DELAY_PARAM = "microloan_reports.document_print_delay"
PRINT_DELAY_ARG = "data-report-microloan-print-delay"
# The documents' pages link the report's style sheet bundles, which wkhtmltopdf
# would fetch over HTTP from report.url (Odoo itself, a worker per request):
# they are written into the page instead, from the bundle's attachment (the
# version is in its URL); a bundle not built yet stays a link.
ASSET_LINK = re.compile(
    r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="(/web/assets/[^"]+\.css)"[^>]*>'
)
_ASSET_CSS_CACHE = {}
_ASSET_CSS_CACHE_SIZE = 16


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _microloan_document_reports(self):
        """The report names of the documents whose PDFs get their text layer
        fixed (and page numbers stamped): bridge modules add theirs."""
        return set(DOCUMENT_REPORTS)

    def retrieve_attachment(self, record):
        # A loan's contract, once printed, is printed again as it was.
        if self.report_name == CONTRACT_REPORT:
            return record._latest_contract_attachment() or None
        return super().retrieve_attachment(record)

    def _render_template(self, template, values=None):
        # The borrower's documents are rendered in their language, layout
        # included (the report model chose it: microloan.document).
        lang = (values or {}).get("microloan_document_lang")
        report = self.with_context(lang=lang) if lang else self
        return super(IrActionsReport, report)._render_template(template, values)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        streams = super()._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=res_ids
        )
        report = self._get_report(report_ref)
        if report.report_name in self._microloan_document_reports():
            # Real characters in the text layer; page numbers when wkhtmltopdf
            # could not print the layout's footer.
            page_numbers = not wkhtmltopdf_has_patched_qt()
            for stream_data in streams.values():
                if stream_data["stream"] and not stream_data["attachment"]:
                    stream_data["stream"] = io.BytesIO(
                        postprocess_document(
                            stream_data["stream"].getvalue(), page_numbers
                        )
                    )
        return streams

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        if (
            report_ref
            and self._get_report(report_ref).report_name
            in self._microloan_document_reports()
        ):
            delay = self.env["ir.config_parameter"].sudo().get_param(PRINT_DELAY_PARAM)
            specific_paperformat_args = {
                **(specific_paperformat_args or {}),
                PRINT_DELAY_ARG: delay or "0",
            }
            bodies = [self._microloan_inline_styles(body) for body in bodies]
            header = header and self._microloan_inline_styles(header)
            footer = footer and self._microloan_inline_styles(footer)
        return super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )

    def _microloan_inline_styles(self, html):
        """``html`` with the asset bundles' style sheets it links written
        inline (``<style>``), those whose attachment exists."""

        def inline(match):
            css = self._microloan_asset_css(match.group(1))
            if css is None:
                return match.group(0)
            return f"<style>{css}</style>"

        return ASSET_LINK.sub(inline, str(html))

    def _microloan_asset_css(self, url):
        """The CSS of the bundle at ``url`` (its attachment's), or None."""
        key = (self.env.cr.dbname, url)
        if key not in _ASSET_CSS_CACHE:
            # sudo: the bundles are public attachments of ir.ui.view
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .search([("url", "=", url), ("res_model", "=", "ir.ui.view")], limit=1)
            )
            if not attachment:
                return None
            css = attachment.raw.decode()
            if "</style" in css.lower():
                return None
            if len(_ASSET_CSS_CACHE) >= _ASSET_CSS_CACHE_SIZE:
                _ASSET_CSS_CACHE.clear()
            _ASSET_CSS_CACHE[key] = css
        return _ASSET_CSS_CACHE[key]

    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        delay = (specific_paperformat_args or {}).get(PRINT_DELAY_ARG)
        if delay is not None and "--javascript-delay" in args:
            args[args.index("--javascript-delay") + 1] = str(delay)
        return args

    def _prepare_pdf_report_attachment_vals_list(self, report, streams):
        if report.report_name != CONTRACT_REPORT:
            return super()._prepare_pdf_report_attachment_vals_list(report, streams)
        for res_id, stream_data in streams.items():
            if res_id and stream_data["stream"] and not stream_data["attachment"]:
                loan = self.env[report.model].browse(res_id)
                loan._store_contract(stream_data["stream"].getvalue())
        return []
