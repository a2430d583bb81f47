from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, formatLang, plaintext2html

from odoo.addons.microloan_base.tools import inputs

from .microloan_product_document import STAGE_ORDER

OPEN_STATES = ("draft", "investigation", "review", "committee", "approval")
OFFICER = "microloan_base.group_microloan_officer"
RISK = "microloan_base.group_microloan_risk"
APPROVER = "microloan_base.group_microloan_approver"
COMMITTEE = "microloan_credit.group_microloan_committee"
SECONDS_PER_DAY = 86400.0


class MicroloanApplicationWorkflow(models.AbstractModel):
    """The stages of a loan application (microloan.application): submission,
    investigation, review, credit committee, approval and the contract, or a
    rejection or withdrawal at any point. Each action checks the caller's
    group and the stage, then writes through ``sudo()``."""

    _name = "microloan.application.workflow"
    _description = "Loan Application: Stages"

    # Checks

    def _check_group(self, groups, message):
        if self.env.su:
            return
        if not any(self.env.user.has_group(group) for group in groups):
            raise AccessError(message)

    def _check_stage(self, allowed, message):
        """Raise ``message`` (with ``%(application)s`` and ``%(stage)s``) for
        the first application whose stage is not in ``allowed``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for application in self:
            if application.state not in allowed:
                raise UserError(
                    message
                    % {
                        "application": application.name,
                        "stage": labels[application.state],
                    }
                )

    def _check_documents(self):
        """Raise when a document required to leave the current stage, or an
        earlier one, has no file."""
        for application in self:
            reached = STAGE_ORDER.index(application.state)
            missing = application.document_ids.filtered(
                lambda d: d.stage
                and not d.received
                and STAGE_ORDER.index(d.stage) <= reached  # noqa: B023
            )
            if missing:
                raise UserError(
                    self.env._(
                        "%(application)s cannot leave this stage: these documents "
                        "are missing: %(documents)s.",
                        application=application.name,
                        documents=", ".join(missing.document_type_id.mapped("name")),
                    )
                )

    def _check_lists(self):
        """Raise when the identity number is blacklisted."""
        today = fields.Date.context_today(self)
        for application in self:
            hit = (
                self.env["microloan.blacklist"]
                ._get_hits([application.id_number], today, application.company_id)
                .get(application.id_number)
            )
            if hit and hit.kind == "blacklist":
                raise UserError(
                    self.env._(
                        "%(number)s is blacklisted since %(date)s: %(reason)s",
                        number=application.id_number,
                        date=hit.date_from,
                        reason=hit.reason,
                    )
                )

    def _first_eyes(self):
        """The users who prepared the application: its loan officer, its
        investigator (who handed in the report) and the report's author. None
        of them may review, decide in committee or approve it."""
        self.ensure_one()
        users = self.user_id | self.investigator_id
        report = self.investigation_id
        if report:
            users |= report.investigator_id | report.create_uid
        return users

    def _check_separation(self, what):
        for application in self:
            if not self.env.su and self.env.user in application._first_eyes():
                raise UserError(
                    self.env._(
                        "You cannot %(what)s %(application)s: you are its loan "
                        "officer or investigated it.",
                        what=what,
                        application=application.name,
                    )
                )

    # Moves

    def _next_stage(self):
        self.ensure_one()
        stages = self.product_id._get_credit_stages()
        return stages[stages.index(self.state) + 1]

    def _move_to(self, state, values=None):
        """Put the application in ``state`` (stamping when) with ``values``."""
        now = fields.Datetime.now()
        vals = {"state": state, "stage_date": now, **(values or {})}
        if state in ("contract", "rejected", "withdrawn"):
            vals["date_closed"] = now
        for application in self:
            application_vals = dict(vals)
            if "date_closed" in vals:
                application_vals["turnaround_days"] = round(
                    (now - application.create_date).total_seconds() / SECONDS_PER_DAY,
                    2,
                )
            # sudo: the state and the stamps are guarded; the caller was checked.
            application.sudo().write(application_vals)
        self._notify_borrower_stage()

    def _notify_borrower_stage(self):
        """Email the borrower (when he has an email address) the stage his
        application reached: mail template
        ``microloan_credit.mail_template_application_stage``, in his
        language, kept in the chatter."""
        template = self.env.ref(
            "microloan_credit.mail_template_application_stage",
            raise_if_not_found=False,
        )
        if not template:
            return
        for application in self.filtered(lambda a: a.partner_id.email):
            # sudo: the borrower is told of his own application, whoever
            # moved it; the caller was checked by the action.
            application.sudo().message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )

    def _post(self, body):
        for application in self:
            application.message_post(body=plaintext2html(body))

    # Actions

    def action_create_borrower(self):
        """Turn the prospect of a draft application into a borrower of its
        branch (or link the borrower of the branch with that identity number);
        return the borrower's id."""
        application = inputs.one(self)
        application._check_group(
            (OFFICER,), self.env._("Only loan officers can create borrowers.")
        )
        application._check_stage(
            {"draft"},
            self.env._(
                "The borrower of %(application)s can only be set while it is a "
                "draft, not in %(stage)s."
            ),
        )
        if application.partner_id:
            raise UserError(
                self.env._(
                    "%(application)s already has a borrower.",
                    application=application.name,
                )
            )
        application._check_lists()
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                ("microloan_id_number", "=", application.id_number),
                ("company_id", "in", [application.company_id.id, False]),
                ("microloan_borrower_type", "!=", False),
            ],
            limit=1,
        )
        if not partner:
            partner = Partner.create(
                {
                    "name": application.prospect_name,
                    "company_id": application.company_id.id,
                    "phone": application.prospect_phone,
                    "microloan_borrower_type": application.prospect_borrower_type
                    or "individual",
                    "microloan_id_type": application.prospect_id_type or "resident_id",
                    "microloan_id_number": application.id_number,
                }
            )
        # sudo: the request is frozen outside the draft; this is a draft.
        application.sudo().partner_id = partner
        application._check_one_open_application()
        return partner.id

    def action_submit(self):
        """Send draft applications to their next stage (loan officers)."""
        self._check_group(
            (OFFICER,), self.env._("Only loan officers can submit applications.")
        )
        self._check_stage(
            {"draft"},
            self.env._(
                "Only draft applications can be submitted: %(application)s is in "
                "%(stage)s."
            ),
        )
        for application in self:
            if not application.partner_id:
                raise UserError(
                    self.env._(
                        "Create the borrower of %(application)s from the prospect "
                        "first.",
                        application=application.name,
                    )
                )
        self._check_lists()
        self._check_documents()
        for application in self:
            application.partner_id._microloan_check_red_signals()
            application._move_to(application._next_stage())
            if application.state == "investigation":
                application._ensure_investigation()
        self._post(self.env._("Application submitted."))
        return True

    def _ensure_investigation(self):
        self.ensure_one()
        if not self.investigation_id:
            # sudo: the report belongs to the application; its author is the
            # caller (create_uid), one of the first eyes.
            self.env["microloan.investigation"].sudo().create(
                {"application_id": self.id, "proposed_amount": self.amount}
                | {"proposed_term": self.term, "proposed_rate": self.interest_rate}
            )
            self.invalidate_recordset(["investigation_id"])

    def action_open_investigation(self):
        """Open the investigation report of the application."""
        application = inputs.one(self)
        if application.state == "investigation":
            application._ensure_investigation()
        if not application.investigation_id:
            raise UserError(
                self.env._(
                    "%(application)s has no investigation report.",
                    application=application.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.investigation",
            "res_id": application.investigation_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_finish_investigation(self):
        """Hand in the investigation report and send the application on; the
        caller is stamped as its investigator."""
        self._check_group(
            (OFFICER,),
            self.env._("Only loan officers can hand in an investigation report."),
        )
        self._check_stage(
            {"investigation"},
            self.env._("%(application)s is not under investigation but in %(stage)s."),
        )
        for application in self:
            if not application.investigation_id:
                raise UserError(
                    self.env._(
                        "%(application)s has no investigation report.",
                        application=application.name,
                    )
                )
            application.investigation_id._check_complete()
        self._check_documents()
        now = fields.Datetime.now()
        for application in self:
            # sudo: the stamps are guarded; the caller was checked.
            application.investigation_id.sudo().write(
                {"investigator_id": self.env.user.id, "submit_date": now}
            )
            application._move_to(
                application._next_stage(), {"investigator_id": self.env.user.id}
            )
        self._post(self.env._("Investigation report handed in."))
        return True

    def action_review(self, decision, opinion):
        """Give the opinion of the review (risk officers): ``decision``
        ``"pass"`` sends the application on, ``"send_back"`` returns it to the
        investigation. Every round is kept."""
        decision = inputs.selection(
            self.env,
            decision,
            self.env["microloan.application.review"]
            ._fields["decision"]
            ._description_selection(self.env),
            self.env._("The decision"),
        )
        opinion = inputs.text(self.env, opinion, self.env._("The opinion"), True)
        self._check_group(
            (RISK,), self.env._("Only risk officers can review applications.")
        )
        self._check_stage(
            {"review"},
            self.env._("%(application)s is not under review but in %(stage)s."),
        )
        self._check_separation(self.env._("review"))
        if decision == "pass":
            self._check_documents()
        stamps = {"reviewer_id": self.env.user.id}
        for application in self:
            application._record_round(decision, opinion)
            if decision == "pass":
                application._move_to(application._next_stage(), stamps)
                body = self.env._("Passed on: %(opinion)s", opinion=opinion)
            else:
                back = (
                    "investigation"
                    if "investigation" in application.product_id._get_credit_stages()
                    else "draft"
                )
                application._move_to(back, stamps)
                body = self.env._("Sent back: %(opinion)s", opinion=opinion)
                if application.user_id:
                    application.activity_schedule(
                        "mail.mail_activity_data_todo",
                        summary=self.env._("Application sent back"),
                        note=plaintext2html(opinion),
                        user_id=application.user_id.id,
                    )
            application._post(body)
        return True

    def _record_round(self, decision, opinion):
        """Keep the opinion given at the current stage as a new round."""
        self.ensure_one()
        stage = self.state
        # sudo: rounds are written by the actions only.
        self.env["microloan.review.round"].sudo().create(
            {
                "application_id": self.id,
                "stage": stage,
                "round": len(self.review_round_ids.filtered(lambda r: r.stage == stage))
                + 1,
                "user_id": self.env.user.id,
                "date": fields.Datetime.now(),
                "decision": decision,
                "opinion": opinion,
            }
        )

    def _committee_pass(self, summary, conditions):
        """The committee approved the application: on to the approval, with
        its ``conditions``, which carry into the contract."""
        self.ensure_one()
        self._check_documents()
        self._record_round("pass", summary)
        self._move_to(self._next_stage(), {"committee_conditions": conditions or False})
        self._post(summary)

    def _committee_reject(self, summary):
        """The committee rejected the application."""
        self.ensure_one()
        self._record_round("reject", summary)
        self._move_to("rejected", {"close_reason": summary})
        self._post(summary)

    def action_approve(self, amount=None, term=None, rate=None, conditions=None):
        """Approve an application in its approval stage (approvers) on the
        terms given (by default the investigator's proposal, else the request),
        and create its loan in draft; return the loan's id."""
        application = inputs.one(self)
        application._check_group(
            (APPROVER,), self.env._("Only approvers can approve applications.")
        )
        application._check_stage(
            {"approval"},
            self.env._("%(application)s is not awaiting approval but in %(stage)s."),
        )
        application._check_separation(self.env._("approve"))
        report = application.investigation_id
        currency = application.currency_id
        amount = inputs.money(
            self.env,
            amount
            if amount is not None
            else report.proposed_amount or application.amount,
            currency,
            self.env._("The approved amount"),
        )
        term = inputs.positive_int(
            self.env,
            term if term is not None else report.proposed_term or application.term,
            self.env._("The approved term"),
        )
        rate = inputs.number(
            self.env,
            rate
            if rate is not None
            else report.proposed_rate or application.interest_rate,
            self.env._("The approved annual rate"),
            minimum=0.0,
            maximum=100.0,
        )
        conditions = inputs.text(self.env, conditions, self.env._("The conditions"))
        product = application.product_id
        if currency.compare_amounts(amount, product.amount_max) > 0 or (
            currency.compare_amounts(amount, product.amount_min) < 0
        ):
            raise UserError(
                self.env._(
                    "The approved amount must be between %(min)s and %(max)s for "
                    "the product %(product)s.",
                    min=currency.format(product.amount_min),
                    max=currency.format(product.amount_max),
                    product=product.name,
                )
            )
        if (
            float_compare(rate, product.rate_min, precision_digits=4) < 0
            or float_compare(rate, product.rate_max, precision_digits=4) > 0
        ):
            raise UserError(
                self.env._(
                    "The approved annual rate must be between %(min)s%% and "
                    "%(max)s%% for the product %(product)s.",
                    min=formatLang(self.env, product.rate_min, digits=2),
                    max=formatLang(self.env, product.rate_max, digits=2),
                    product=product.name,
                )
            )
        application._check_lists()
        application._check_documents()
        application._check_before_approval(amount)
        application._move_to(
            "contract",
            {
                "approved_by_id": self.env.user.id,
                "approve_date": fields.Datetime.now(),
                "approved_amount": amount,
                "approved_term": term,
                "approved_rate": rate,
                "conditions": conditions,
            },
        )
        # sudo: approvers do not create loans; the loan is the application's
        # contract, built from what was approved (see _prepare_loan_vals).
        loan = (
            self.env["microloan.loan"].sudo().create(application._prepare_loan_vals())
        )
        application.sudo().loan_id = loan
        application._post(
            self.env._(
                "Approved: %(amount)s over %(term)s periods at %(rate)s%%; loan "
                "%(loan)s created.",
                amount=currency.format(amount),
                term=term,
                rate=formatLang(self.env, rate, digits=2),
                loan=loan.name,
            )
        )
        return loan.id

    def _check_before_approval(self, amount):
        """Hook: the checks an approval of ``amount`` must pass besides the
        stage, the lists and the documents (limits, scores)."""
        self.ensure_one()

    def _prepare_loan_vals(self):
        """The values of the draft loan of an approved application: its
        approved terms, conditions, collateral and guarantees."""
        self.ensure_one()
        purpose = ": ".join(filter(None, [self.purpose_id.name, self.purpose_note]))
        conditions = "\n".join(
            filter(None, [self.committee_conditions, self.conditions])
        )
        return {
            "partner_id": self.partner_id.id,
            "product_id": self.product_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "guarantee_type_id": self.guarantee_type_id.id,
            "amount": self.approved_amount,
            "term": self.approved_term,
            "interest_rate": self.approved_rate,
            "application_date": self.application_date,
            "disbursement_date": max(
                self.application_date, fields.Date.context_today(self)
            ),
            "purpose": purpose[:250] or False,
            "collateral_ids": [Command.set(self.collateral_ids.ids)],
            "guarantee_group_id": self.guarantee_group_id.id,
            "guarantee_ids": [
                Command.create(
                    {
                        "partner_id": guarantor.partner_id.id,
                        "kind": guarantor.kind,
                        "amount": guarantor.amount or self.approved_amount,
                    }
                )
                for guarantor in self.guarantor_ids
            ],
            "note": plaintext2html(conditions) if conditions else False,
            "application_id": self.id,
        }

    def _close(self, state, reason):
        reason = inputs.text(self.env, reason, self.env._("The reason"), True)
        self._check_stage(
            set(OPEN_STATES),
            self.env._("%(application)s is closed already: it is in %(stage)s."),
        )
        self._move_to(state, {"close_reason": reason})
        return reason

    def action_reject(self, reason):
        """Reject open applications with ``reason`` (risk officers, approvers,
        committee members)."""
        self._check_group(
            (RISK, APPROVER, COMMITTEE),
            self.env._(
                "Only risk officers, approvers and committee members can reject "
                "applications."
            ),
        )
        reason = self._close("rejected", reason)
        self._post(self.env._("Rejected: %(reason)s", reason=reason))
        return True

    def action_withdraw(self, reason):
        """Withdraw open applications with ``reason`` (loan officers: the
        borrower gave up)."""
        self._check_group(
            (OFFICER,), self.env._("Only loan officers can withdraw applications.")
        )
        reason = self._close("withdrawn", reason)
        self._post(self.env._("Withdrawn: %(reason)s", reason=reason))
        return True

    def action_view_loan(self):
        """Open the loan of the application."""
        application = inputs.one(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.loan",
            "res_id": application.loan_id.id,
            "view_mode": "form",
            "target": "current",
        }
