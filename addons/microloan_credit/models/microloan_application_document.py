from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.microloan_base.tools.display_names import joined_name

from ..tools import attachments
from .microloan_product_document import DOCUMENT_STAGES


class MicroloanApplicationDocument(models.Model):
    _name = "microloan.application.document"
    _description = "Application Document"
    _order = "application_id, sequence, id"
    _check_company_auto = True

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="application_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    document_type_id = fields.Many2one(
        "microloan.document.type",
        string="Document",
        required=True,
        check_company=True,
    )
    stage = fields.Selection(
        selection=DOCUMENT_STAGES,
        string="Required to Leave",
        help="Empty: an extra document, not required.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "microloan_application_document_attachment_rel",
        "document_id",
        "attachment_id",
        string="Files",
    )
    received = fields.Boolean(compute="_compute_received", store=True)
    note = fields.Char()

    @api.depends("attachment_ids")
    def _compute_received(self):
        for document in self:
            document.received = bool(document.attachment_ids)

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        attachments.claim(documents, "attachment_ids")
        return documents

    def write(self, vals):
        result = super().write(vals)
        if "attachment_ids" in vals:
            attachments.claim(self, "attachment_ids")
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_required(self):
        if any(document.stage for document in self):
            raise UserError(
                self.env._("A document the product requires cannot be removed.")
            )

    @api.depends("application_id", "document_type_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.application_id.name, record.document_type_id.name
            )
