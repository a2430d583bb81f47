import base64
import math

from odoo import Command, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.microloan_application import OPEN_STATES

APPLICATIONS_PER_PAGE = 20
# The largest file a borrower may upload with an application.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TEXT_LENGTH = 2000


class MicroloanCreditPortal(CustomerPortal):
    """The borrower's loan applications on the portal: apply online for a
    product offered on the portal (amount, term, purpose, documents), and
    follow the stages of his applications (/my/applications).

    A portal user reads only the applications of his own borrower (record
    rules of the portal group); the pages are rendered through ``sudo()``
    only after ``_document_check_access`` checked that. An application is
    created through ``sudo()`` after the controller checked the input and
    that the user's contact is a borrower; its borrower is always the
    user's commercial entity, never a value of the form."""

    def _microloan_application_domain(self):
        # The record rules restrict a portal user to his borrower's
        # applications; the domain does it for an internal user too.
        partner = request.env.user.commercial_partner_id
        return [("partner_id", "child_of", partner.ids)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "microloan_application_count" in counters:
            Application = request.env["microloan.application"]
            values["microloan_application_count"] = (
                Application.search_count(self._microloan_application_domain())
                if Application.has_access("read")
                else 0
            )
        return values

    # Helpers

    def _microloan_borrower(self):
        """The borrower of the portal user (his commercial entity), or an
        empty recordset when it is not a borrower."""
        partner = request.env.user.commercial_partner_id.sudo()
        return partner if partner.microloan_borrower_type else partner.browse()

    def _microloan_branch(self, borrower):
        return borrower.company_id or request.env.user.company_id

    def _microloan_portal_products(self, borrower):
        """The products offered on the portal to the borrower's branch."""
        branch = self._microloan_branch(borrower)
        # sudo: portal users have no access to the products; only those the
        # branch offers online are listed.
        return (
            request.env["microloan.product"]
            .sudo()
            .search(
                [
                    ("credit_portal", "=", True),
                    ("repayment_method", "!=", "revolving"),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "parent_of", branch.ids),
                ],
                order="name",
            )
        )

    def _microloan_purposes(self, borrower):
        branch = self._microloan_branch(borrower)
        # sudo: shared configuration, listed for the form.
        return (
            request.env["microloan.loan.purpose"]
            .sudo()
            .search(
                [
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "parent_of", branch.ids),
                ]
            )
        )

    def _microloan_guarantee_types(self, product):
        types = product.guarantee_type_ids
        if not types:
            types = (
                request.env["microloan.guarantee.type"]
                .sudo()
                .search(
                    [
                        "|",
                        ("company_id", "=", False),
                        ("company_id", "parent_of", product.company_id.ids),
                    ]
                )
            )
        return types

    def _microloan_check_application(self, application_id):
        return self._document_check_access("microloan.application", application_id)

    # Pages

    @http.route(
        ["/my/applications", "/my/applications/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_microloan_applications(self, page=1, **kw):
        Application = request.env["microloan.application"]
        domain = self._microloan_application_domain()
        count = Application.search_count(domain)
        pager = portal_pager(
            url="/my/applications", total=count, page=page, step=APPLICATIONS_PER_PAGE
        )
        applications = Application.search(
            domain, limit=APPLICATIONS_PER_PAGE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: the search above ran with the user's record rules.
                "applications": applications.sudo(),
                "can_apply": bool(self._microloan_borrower()),
                "page_name": "microloan_application",
                "pager": pager,
                "default_url": "/my/applications",
            }
        )
        return request.render(
            "microloan_credit.portal_my_microloan_applications", values
        )

    @http.route(
        ["/my/applications/<int:application_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_microloan_application(self, application_id, **kw):
        try:
            application_sudo = self._microloan_check_application(application_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        stages = application_sudo.product_id._get_credit_stages()
        loan = application_sudo.loan_id
        values.update(
            {
                "application": application_sudo,
                "stages": stages,
                "stage_labels": dict(
                    application_sudo._fields["state"]._description_selection(
                        request.env
                    )
                ),
                "loan_visible": bool(
                    loan and loan.state not in ("draft", "cancelled", "rejected")
                ),
                "submitted": kw.get("submitted"),
                "upload_error": kw.get("upload_error"),
                "can_upload": application_sudo.state in OPEN_STATES
                and any(not d.received for d in application_sudo.document_ids),
                "page_name": "microloan_application",
            }
        )
        return request.render(
            "microloan_credit.portal_my_microloan_application", values
        )

    @http.route(
        ["/my/applications/<int:application_id>/documents"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_microloan_application_documents(self, application_id, **post):
        """Add the files of the documents still missing to an open application
        of the user's (all or nothing)."""
        try:
            application_sudo = self._microloan_check_application(application_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = f"/my/applications/{application_sudo.id}"
        if application_sudo.state not in OPEN_STATES:
            return request.redirect(url)
        try:
            with request.env.cr.savepoint():
                added = 0
                for document in application_sudo.document_ids.filtered(
                    lambda d: not d.received
                ):
                    upload = self._microloan_upload(f"document_{document.id}")
                    if upload:
                        self._microloan_attach(document, upload)
                        added += 1
                if added:
                    application_sudo.message_post(
                        body=request.env._(
                            "%(count)s document(s) added on the portal by %(user)s.",
                            count=added,
                            user=request.env.user.name,
                        ),
                        author_id=request.env.user.partner_id.id,
                    )
        except UserError as exc:
            return self.portal_my_microloan_application(
                application_id, upload_error=exc.args[0]
            )
        return request.redirect(url)

    @http.route(["/my/applications/new"], type="http", auth="user", website=True)
    def portal_microloan_apply_products(self, **kw):
        borrower = self._microloan_borrower()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "borrower": borrower,
                "products": self._microloan_portal_products(borrower)
                if borrower
                else [],
                "page_name": "microloan_apply",
            }
        )
        return request.render(
            "microloan_credit.portal_microloan_apply_products", values
        )

    @http.route(
        ["/my/applications/new/<int:product_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_microloan_apply(self, product_id, **post):
        borrower = self._microloan_borrower()
        products = self._microloan_portal_products(borrower) if borrower else []
        product = products and products.filtered(lambda p: p.id == product_id)
        if not product:
            return request.redirect("/my/applications/new")
        error = None
        if request.httprequest.method == "POST":
            try:
                values, files = self._microloan_read_form(borrower, product, post)
                application_id = self._microloan_create_application(
                    borrower, product, values, files
                )
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(
                    f"/my/applications/{application_id}?submitted=1"
                )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "borrower": borrower,
                "product": product,
                "purposes": self._microloan_purposes(borrower),
                "guarantee_types": self._microloan_guarantee_types(product),
                "documents": product.credit_document_ids,
                "error": error,
                "form": post if error else {},
                "page_name": "microloan_apply",
            }
        )
        return request.render("microloan_credit.portal_microloan_apply", values)

    # Input

    def _microloan_read_form(self, borrower, product, post):
        """The values of the application from the form ``post``; raise a
        translated UserError on the first bad input."""
        amount = self._microloan_number(post.get("amount"), request.env._("The amount"))
        term = self._microloan_number(post.get("term"), request.env._("The term"))
        if term != int(term):
            raise UserError(
                request.env._("The term must be a whole number of periods.")
            )
        if (
            product.currency_id.compare_amounts(amount, product.amount_min) < 0
            or product.currency_id.compare_amounts(amount, product.amount_max) > 0
        ):
            raise UserError(
                request.env._(
                    "The amount asked must be between %(min)s and %(max)s for "
                    "the product %(product)s.",
                    min=product.currency_id.format(product.amount_min),
                    max=product.currency_id.format(product.amount_max),
                    product=product.name,
                )
            )
        if not product.term_min <= term <= product.term_max:
            raise UserError(
                request.env._(
                    "The term asked must be between %(min)s and %(max)s periods "
                    "for the product %(product)s.",
                    min=product.term_min,
                    max=product.term_max,
                    product=product.name,
                )
            )
        purpose = self._microloan_choice(
            post.get("purpose_id"),
            self._microloan_purposes(borrower),
            request.env._("purpose"),
        )
        guarantee_type = self._microloan_choice(
            post.get("guarantee_type_id"),
            self._microloan_guarantee_types(product),
            request.env._("guarantee type"),
        )
        note = (post.get("purpose_note") or "").strip()
        if len(note) > MAX_TEXT_LENGTH:
            raise UserError(
                request.env._(
                    "The purpose in detail is too long (at most %(max)s characters).",
                    max=MAX_TEXT_LENGTH,
                )
            )
        files = {}
        for requirement in product.credit_document_ids:
            upload = self._microloan_upload(f"document_{requirement.id}")
            if upload:
                files[requirement.document_type_id.id] = upload
        values = {
            "amount": amount,
            "term": int(term),
            "purpose_id": purpose.id,
            "purpose_note": note or False,
            "guarantee_type_id": guarantee_type.id,
        }
        return values, files

    def _microloan_upload(self, name):
        """``(filename, content)`` of the file uploaded as ``name``, None when
        there is none; a translated UserError when it is empty or too large."""
        upload = request.httprequest.files.get(name)
        if not upload or not upload.filename:
            return None
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise UserError(
                request.env._(
                    "The file %(file)s is too large (at most %(max)s MB).",
                    file=upload.filename,
                    max=MAX_UPLOAD_BYTES // (1024 * 1024),
                )
            )
        if not content:
            raise UserError(
                request.env._("The file %(file)s is empty.", file=upload.filename)
            )
        return upload.filename, content

    def _microloan_attach(self, document_sudo, upload):
        filename, content = upload
        attachment = (
            request.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "datas": base64.b64encode(content),
                    "res_model": document_sudo._name,
                    "res_id": document_sudo.id,
                }
            )
        )
        document_sudo.attachment_ids = [Command.link(attachment.id)]

    def _microloan_number(self, raw, label):
        try:
            value = float((raw or "").strip().replace(",", ""))
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or value <= 0:
            raise UserError(
                request.env._("%(field)s must be a positive number.", field=label)
            )
        return value

    def _microloan_choice(self, raw, records, label):
        try:
            record_id = int(raw or 0)
        except ValueError:
            record_id = 0
        record = records.filtered(lambda r: r.id == record_id)
        if not record:
            raise UserError(
                request.env._("Choose a %(field)s from the list.", field=label)
            )
        return record

    def _microloan_create_application(self, borrower, product, values, files):
        """Create the application of ``borrower`` (channel portal) with the
        uploaded ``files``, all or nothing; return its id."""
        user = request.env.user
        branch = self._microloan_branch(borrower)
        officer = borrower.user_id
        if officer.share or branch not in officer.company_ids:
            officer = officer.browse()
        with request.env.cr.savepoint():
            # sudo: portal users cannot create applications; the values were
            # checked above and the borrower is the user's own.
            application = (
                request.env["microloan.application"]
                .sudo()
                .with_company(branch)
                .with_context(lang=user.lang)
                .create(
                    {
                        **values,
                        "partner_id": borrower.id,
                        "product_id": product.id,
                        "company_id": branch.id,
                        "interest_rate": product.rate_default,
                        "channel": "portal",
                        "user_id": officer.id,
                    }
                )
            )
            for document in application.document_ids:
                upload = files.get(document.document_type_id.id)
                if upload:
                    self._microloan_attach(document, upload)
            application.message_post(
                body=request.env._(
                    "Application made on the portal by %(user)s.", user=user.name
                ),
                author_id=user.partner_id.id,
            )
            if officer:
                application.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=request.env._("Portal application to check"),
                    user_id=officer.id,
                )
            application._notify_borrower_stage()
        return application.id
