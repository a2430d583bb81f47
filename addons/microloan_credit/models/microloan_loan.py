from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import float_repr

from odoo.addons.microloan_base.tools import inputs

from microloan_engine.monitoring import next_inspection


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The application whose approval created this loan.",
    )
    inspection_ids = fields.One2many(
        "microloan.inspection", "loan_id", string="Inspections", readonly=True
    )
    warning_signal_ids = fields.One2many(
        "microloan.warning.signal", "loan_id", string="Warning Signals", readonly=True
    )
    warning_red = fields.Boolean(
        string="Red Signal",
        compute="_compute_warning_red",
        help="An open red early-warning signal.",
    )

    @api.depends("warning_signal_ids.state", "warning_signal_ids.level")
    def _compute_warning_red(self):
        for loan in self:
            loan.warning_red = any(
                signal.state == "open" and signal.level == "red"
                for signal in loan.warning_signal_ids
            )

    def _schedule_inspections(self):
        """Plan the next inspection of active loans that have none planned,
        by their product's rule (microloan_engine.monitoring), and give it to
        the loan officer as an activity."""
        # sudo: the inspections are planned by the rule, whoever triggers it.
        Inspection = self.env["microloan.inspection"].sudo()
        for loan in self.sudo().filtered(
            lambda loan: loan.state == "active" and loan.first_disbursement_date
        ):
            if loan.inspection_ids.filtered(lambda i: i.state == "planned"):
                continue
            done = loan.inspection_ids.filtered(lambda i: i.state == "done")
            last = max(done.mapped("date_done"), default=None)
            planned = next_inspection(
                loan.first_disbursement_date,
                last,
                loan.risk_tier or "normal",
                loan.product_id._engine_inspection_rule(),
            )
            inspection = Inspection.create(
                {
                    "loan_id": loan.id,
                    "user_id": loan.user_id.id,
                    "kind": "routine" if done else "first",
                    "date_planned": planned,
                }
            )
            if loan.user_id:
                # In the officer's language, not the one of whoever plans it.
                officer_env = self.with_context(lang=loan.user_id.lang).env
                inspection.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=planned,
                    summary=officer_env._("Post-loan inspection"),
                    user_id=loan.user_id.id,
                )

    @api.model
    def _cron_schedule_inspections(self):
        """Scheduled: plan the inspections of every active loan."""
        # sudo: the scheduled run sees every branch.
        self.sudo().search([("state", "=", "active")])._schedule_inspections()
        return True

    def _disburse(self, amount, date, reference=False, note=False, **kwargs):
        """Check the regulatory limits before the money goes out (``kwargs``:
        how the money is paid out, passed on as they are)."""
        self.ensure_one()
        company = self.company_id
        day = fields.Date.to_date(date) if date else None
        currency = self.currency_id
        # Bad values are refused by the disbursement itself, after this.
        if day and isinstance(amount, int | float) and amount > 0:
            # What this loan already owes: nothing before its first
            # disbursement (its approved amount is what it pays out).
            drawn = self.principal_outstanding if self.state == "active" else 0.0
            self.env["microloan.regulatory.limit"]._check_new_exposure(
                self.partner_id,
                self.product_id,
                company,
                currency._convert(amount, company.currency_id, company, day),
                day,
                loan=self,
                base=currency._convert(drawn, company.currency_id, company, day),
            )
        transaction = super()._disburse(
            amount, date, reference=reference, note=note, **kwargs
        )
        self._schedule_inspections()
        return transaction

    def action_approve(self):
        """Check the regulatory limits before the loans are approved, as if
        approved one after the other (the exposure read once per limit and
        borrower, see ``_check_new_exposures``)."""
        day = fields.Date.context_today(self)
        entries = []
        for loan in self.filtered(lambda loan: loan.state == "submitted"):
            company = loan.company_id
            entries.append(
                {
                    "loan": loan,
                    "partner": loan.partner_id,
                    "product": loan.product_id,
                    "company": company,
                    "date": day,
                    "amount": loan.currency_id._convert(
                        loan.amount, company.currency_id, company, day
                    ),
                    "base": 0.0,
                    "after": loan.amount,
                }
            )
        if entries:
            self.env["microloan.regulatory.limit"]._check_new_exposures(entries)
        return super().action_approve()

    def _disburse_batch_check(self, items):
        """Check the regulatory limits of first disbursements taken together
        (``_disburse_batch``), as ``_disburse`` does loan by loan."""
        entries = []
        for item in items:
            loan = item["loan"]
            company = loan.company_id
            entries.append(
                {
                    "loan": loan,
                    "partner": loan.partner_id,
                    "product": loan.product_id,
                    "company": company,
                    "date": item["date"],
                    "amount": loan.currency_id._convert(
                        item["amount"], company.currency_id, company, item["date"]
                    ),
                    "base": 0.0,
                    "after": item["amount"],
                }
            )
        self.env["microloan.regulatory.limit"]._check_new_exposures(entries)
        return super()._disburse_batch_check(items)

    def _disburse_batch_done(self):
        result = super()._disburse_batch_done()
        self._schedule_first_inspections()
        return result

    def _schedule_first_inspections(self):
        """``_schedule_inspections`` for loans just disbursed together (the
        bulk API): their first inspections created in one ``create`` and
        their activities in another, without a chatter message or an email
        per loan (an import plans hundreds; the officers see them in their
        activities)."""
        # sudo: the inspections are planned by the rule, whoever triggers it.
        loans = self.sudo().filtered(
            lambda loan: loan.state == "active"
            and loan.first_disbursement_date
            and not loan.inspection_ids.filtered(lambda i: i.state == "planned")
        )
        if not loans:
            return
        quiet = {
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_create_nosubscribe": True,
            "mail_activity_quick_update": True,
        }
        Inspection = self.env["microloan.inspection"].sudo().with_context(**quiet)
        inspections = Inspection.create(
            [
                {
                    "loan_id": loan.id,
                    "user_id": loan.user_id.id,
                    "kind": "first",
                    "date_planned": next_inspection(
                        loan.first_disbursement_date,
                        None,
                        loan.risk_tier or "normal",
                        loan.product_id._engine_inspection_rule(),
                    ),
                }
                for loan in loans
            ]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get_id("microloan.inspection")
        summary = self.env._("Post-loan inspection")
        self.env["mail.activity"].sudo().with_context(**quiet).create(
            [
                {
                    "res_model_id": model,
                    "res_id": inspection.id,
                    "activity_type_id": todo.id,
                    "date_deadline": inspection.date_planned,
                    "summary": summary,
                    "user_id": inspection.user_id.id,
                }
                for inspection in inspections
                if inspection.user_id
            ]
        )

    def action_view_application(self):
        """Open the application this loan comes from."""
        loan = inputs.one(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.application",
            "res_id": loan.application_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _credit_score_values(self):
        """What a scorecard scores on this loan: its borrower and terms, and
        the investigation of the application it came from (for the
        back-test)."""
        self.ensure_one()
        application = self.application_id
        return self.env["microloan.scorecard"]._values_for(
            self.partner_id,
            {
                "amount": Decimal(
                    float_repr(self.amount, self.currency_id.decimal_places)
                ),
                "term": Decimal(self.term),
                "channel": application.channel or None,
                "purpose": application.purpose_id.code or None,
                "guarantee_type": self.guarantee_type_id.code or None,
            },
            application.investigation_id,
        )

    def _credit_installment_dates(self):
        """``(due date, date cleared or None)`` of each installment, for the
        engine's worst days past due."""
        self.ensure_one()
        result = []
        for installment in self.installment_ids:
            if installment.state == "cancelled":
                continue
            cleared = None
            if installment.state == "paid":
                dates = installment.transaction_line_ids.mapped("date")
                cleared = max(dates) if dates else installment.due_date
            result.append((installment.due_date, cleared))
        return result
