import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.microloan_base.tools import inputs

from microloan_engine import credit_bureau as cb

COMPLIANCE_GROUP = "microloan_reports.group_microloan_credit_reporting"
# How many validation errors an error message lists.
SHOWN_ISSUES = 30


class MicroloanCreditReportExport(models.Model):
    """The credit-bureau (征信) file of a branch for a reporting period: the
    pending events of the period and the pending corrections, validated, as
    the XML file of the 二代 interface's 210/410 records (and 212/214,
    412/414 corrections), attached. Negative events whose borrower was not
    notified are held back, listed, and stay pending."""

    _name = "microloan.credit.report.export"
    _description = "Credit-Bureau Export"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True)
    company_id = fields.Many2one(
        "res.company", string="Branch", required=True, readonly=True, index=True
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    export_date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Exported By", readonly=True)
    event_ids = fields.One2many(
        "microloan.credit.report.event", "export_id", string="Events Sent"
    )
    correction_ids = fields.One2many(
        "microloan.credit.report.correction", "export_id", string="Corrections Sent"
    )
    held_event_ids = fields.Many2many(
        "microloan.credit.report.event",
        "microloan_credit_report_export_held_rel",
        "export_id",
        "event_id",
        string="Held: Borrower Not Notified",
        readonly=True,
    )
    record_count = fields.Integer(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("An export is made by the export action."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("An export made cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An export sent is kept: it cannot be deleted."))

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def action_notify_held(self):
        """Notify the borrowers of the events held back."""
        self.ensure_one()
        return self.held_event_ids.action_notify_borrower()

    @api.model
    def export_period(self, company_id, date_from, date_to):
        """Export the period of branch ``company_id`` (an id) from
        ``date_from`` to ``date_to`` (``YYYY-MM-DD``); return the export's
        id. See :meth:`_export_period`."""
        env = self.env
        company_id = inputs.positive_int(
            env, company_id, env._("The branch"), maximum=2**31 - 1
        )
        date_from = inputs.day(env, date_from, env._("The start of the period"))
        date_to = inputs.day(env, date_to, env._("The end of the period"))
        company = env["res.company"].browse(company_id)
        if company not in env.companies:
            raise AccessError(env._("Choose a branch you work in."))
        return self._export_period(company, date_from, date_to).id

    @api.model
    def _export_period(self, company, date_from, date_to):
        """Export the pending events of ``company`` dated from ``date_from``
        to ``date_to`` and its pending corrections; return the export.

        Every record is validated first (``microloan_engine.credit_bureau``):
        an error names its record, segment and field, and nothing is
        exported. The file is read back and compared with the records before
        it is kept. For a credit-reporting officer working in ``company``."""
        if not self.env.user.has_group(COMPLIANCE_GROUP):
            raise AccessError(
                self.env._("Only a credit-reporting officer exports to the bureau.")
            )
        if company not in self.env.companies:
            raise AccessError(self.env._("Choose a branch you work in."))
        if not date_from or not date_to or date_from > date_to:
            raise UserError(self.env._("The period's start date is after its end."))
        today = fields.Date.context_today(self)
        if date_to > today:
            raise UserError(self.env._("A period cannot end after today."))
        org_code = (company.microloan_credit_bureau_code or "").strip()
        if not org_code:
            raise UserError(
                self.env._(
                    "Set the credit-bureau institution code of %(branch)s first "
                    "(the branch's settings).",
                    branch=company.name,
                )
            )
        Event = self.env["microloan.credit.report.event"]
        events = Event.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "pending"),
                ("event_date", ">=", date_from),
                ("event_date", "<=", date_to),
            ],
            order="event_date, id",
        )
        corrections = self.env["microloan.credit.report.correction"].search(
            [("company_id", "=", company.id), ("state", "=", "draft")]
        )
        waiting = company.microloan_credit_notice_days
        held = events.filtered(
            lambda event: event.negative
            and not event._notice_check(today, waiting).covered
        )
        sent = events - held
        records = [event._build_record() for event in sent]
        records += [correction._build_record() for correction in corrections]
        if not records:
            raise UserError(
                self.env._(
                    "Nothing to report for %(branch)s in this period "
                    "(%(held)s events held until their borrowers are notified).",
                    branch=company.name,
                    held=len(held),
                )
            )
        issues = cb.validate_records(records)
        if issues:
            raise UserError(self._issues_message(issues))
        records = cb.sort_records(records)
        header = cb.Header(
            org_code=org_code,
            period_start=date_from,
            period_end=date_to,
            created=fields.Datetime.to_string(fields.Datetime.now()),
            record_count=len(records),
        )
        data = cb.render_file(header, records)
        parsed = cb.parse_file(data)
        if parsed.records != tuple(records) or parsed.header != header:
            raise UserError(self.env._("The file did not read back as written."))
        name = self.env._(
            "Credit bureau %(branch)s %(start)s to %(end)s",
            branch=company.name,
            start=date_from,
            end=date_to,
        )
        # sudo: exports, their files and the outbox's state are written by
        # this action only.
        export = self.sudo().create(
            {
                "name": name,
                "company_id": company.id,
                "date_from": date_from,
                "date_to": date_to,
                "export_date": today,
                "user_id": self.env.user.id,
                "held_event_ids": [(6, 0, held.ids)],
                "record_count": len(records),
            }
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{org_code}_{date_from:%Y%m%d}_{date_to:%Y%m%d}.xml",
                    "raw": data,
                    "mimetype": "application/xml",
                    "res_model": self._name,
                    "res_id": export.id,
                    "company_id": company.id,
                }
            )
        )
        export.attachment_id = attachment
        sent.sudo().write({"state": "exported", "export_id": export.id})
        corrections.sudo().write({"state": "exported", "export_id": export.id})
        return export.sudo(False)

    def _issues_message(self, issues):
        """The translated list of validation ``issues``, one a line."""
        texts = {
            "missing": self.env._("is missing"),
            "bad_code": self.env._("is not a code of the interface"),
            "bad_date": self.env._("is not a date"),
            "bad_amount": self.env._("is not an amount in whole yuan"),
            "bad_number": self.env._("is not a count"),
            "bad_id": self.env._("is not a valid identity number"),
            "date_order": self.env._("is out of order with the other dates"),
            "too_long": self.env._("is too long"),
            "bad_record": self.env._("does not belong to this record"),
            "inconsistent": self.env._("disagrees with the other figures"),
        }
        lines = []
        for issue in issues[:SHOWN_ISSUES]:
            problem = texts.get(issue.code, issue.code)
            value = f"({issue.value})" if issue.value else ""
            lines.append(
                self.env._(
                    "%(record)s, %(segment)s.%(field)s: %(problem)s %(value)s",
                    record=issue.record,
                    segment=issue.segment,
                    field=issue.field,
                    problem=problem,
                    value=value,
                )
            )
        if len(issues) > SHOWN_ISSUES:
            lines.append(
                self.env._("… and %(count)s more.", count=len(issues) - SHOWN_ISSUES)
            )
        return self.env._(
            "The credit-bureau file is not valid; nothing was exported:\n%(lines)s",
            lines="\n".join(lines),
        )

    def _read_file(self):
        """The parsed file of this export
        (``microloan_engine.credit_bureau.PeriodFile``)."""
        self.ensure_one()
        return cb.parse_file(base64.b64decode(self.attachment_id.sudo().datas))
