import csv
import io
import math
import re
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# The columns of the loan book template, in order: (key, English header). The
# headers are translated (``_columns``); a file may use the key, the English
# header or the header in the user's language or in Chinese.
COLUMNS = (
    "loan_ref",
    "row_type",
    "borrower_name",
    "borrower_type",
    "id_type",
    "id_number",
    "product_code",
    "amount",
    "interest_rate",
    "term",
    "date",
    "reference",
    "officer",
)
REQUIRED_COLUMNS = ("loan_ref", "row_type", "amount", "date")
MAX_ROWS = 20000
MAX_ERRORS = 30
MAX_FILE_BYTES = 20 * 1024 * 1024


class MicroloanLoanBookImport(models.AbstractModel):
    """Import of an existing loan book (a company starting on the product):
    loans with their disbursement and repayments to date, from a CSV or XLSX
    file of the template. Every row is checked first and every error is
    reported with its row and column; then the loans are created, approved,
    disbursed and repaid through the servicing API, in the caller's
    transaction: an error anywhere imports nothing."""

    _name = "microloan.loan.book.import"
    _description = "Loan Book Import"

    # ------------------------------------------------------------------
    # The template
    # ------------------------------------------------------------------

    @api.model
    def _columns(self):
        """``[(key, header)]`` in the environment's language."""
        _ = self.env._
        headers = {
            "loan_ref": _("Loan Reference"),
            "row_type": _("Row Type"),
            "borrower_name": _("Borrower"),
            "borrower_type": _("Borrower Type"),
            "id_type": _("ID Type"),
            "id_number": _("ID Number"),
            "product_code": _("Product Code"),
            "amount": _("Amount"),
            "interest_rate": _("Annual Rate (%)"),
            "term": _("Term (Months)"),
            "date": _("Date"),
            "reference": _("Payment Reference"),
            "officer": _("Loan Officer (Login)"),
        }
        return [(key, headers[key]) for key in COLUMNS]

    @api.model
    def _row_types(self):
        return {"loan": self.env._("Loan"), "repayment": self.env._("Repayment")}

    @api.model
    def _template_xlsx(self):
        """The template as XLSX bytes: the headers in the user's language."""
        import openpyxl  # pylint: disable=import-outside-toplevel

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = self.env._("Loan Book")
        sheet.append([header for _key, header in self._columns()])
        for cell in sheet[1]:
            cell.font = openpyxl.styles.Font(bold=True)
        for index, (key, header) in enumerate(self._columns(), start=1):
            width = max(12, len(header) * (2 if not header.isascii() else 1) + 2)
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = (
                width if key != "borrower_name" else 24
            )
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    @api.model
    def _template_csv(self):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([header for _key, header in self._columns()])
        return out.getvalue().encode("utf-8-sig")

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    @api.model
    def _read_file(self, content, file_name):
        """``[(row_number, {key: value})]`` of the file's data rows (row 1
        is the header)."""
        if not content:
            raise UserError(self.env._("Choose the file to import."))
        if len(content) > MAX_FILE_BYTES:
            raise UserError(self.env._("The file is too large (at most 20 MB)."))
        name = (file_name or "").lower()
        if name.endswith(".xlsx") or content[:2] == b"PK":
            table = self._read_xlsx(content)
        else:
            table = self._read_csv(content)
        table = [row for row in table if any(_text(cell) for cell in row)]
        if not table:
            raise UserError(self.env._("The file is empty."))
        header, *data = table
        keys = self._match_header(header)
        if len(data) > MAX_ROWS:
            raise UserError(
                self.env._(
                    "The file has %(count)s rows: import at most %(max)s at a time.",
                    count=len(data),
                    max=MAX_ROWS,
                )
            )
        rows = []
        number = 1
        for row in table[1:]:
            number += 1
            rows.append(
                (
                    number,
                    {
                        key: row[index] if index < len(row) else None
                        for index, key in keys.items()
                    },
                )
            )
        return rows

    @api.model
    def _read_csv(self, content):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(self.env._("The file is neither UTF-8 nor GB18030 text."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(io.StringIO(text), dialect))

    @api.model
    def _read_xlsx(self, content):
        import openpyxl  # pylint: disable=import-outside-toplevel

        try:
            book = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
        except Exception as error:  # pylint: disable=broad-except
            raise UserError(
                self.env._("The file cannot be read as an XLSX workbook.")
            ) from error
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    @api.model
    def _match_header(self, header):
        """``{column index: key}``; unknown headers are an error."""
        names = {}
        for lang in {self.env.lang or "en_US", "en_US", "zh_CN"}:
            for key, label in self.with_context(lang=lang)._columns():
                names[_norm(label)] = key
        for key in COLUMNS:
            names[_norm(key)] = key
        keys = {}
        errors = []
        for index, cell in enumerate(header):
            text = _text(cell)
            if not text:
                continue
            key = names.get(_norm(text))
            if not key:
                errors.append(
                    self.env._("Column %(column)s: unknown header.", column=text)
                )
            elif key in keys.values():
                errors.append(
                    self.env._("Column %(column)s appears twice.", column=text)
                )
            else:
                keys[index] = key
        headers = dict(self._columns())
        for key in REQUIRED_COLUMNS:
            if key not in keys.values():
                errors.append(
                    self.env._("The column %(column)s is missing.", column=headers[key])
                )
        if errors:
            raise UserError("\n".join(errors))
        return keys

    # ------------------------------------------------------------------
    # Checking the rows
    # ------------------------------------------------------------------

    @api.model
    def _check_caller(self, company):
        if not self.env.user.has_group("microloan_base.group_microloan_admin"):
            raise AccessError(
                self.env._("Only microloan administrators can import a loan book.")
            )
        if not company or company not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You can only import into a branch you work in.")
            )

    @api.model
    def _parse_rows(self, company, rows):
        """Check every row; return ``{loan_ref: plan}`` in file order, or
        raise one error listing the rows and columns at fault."""
        headers = dict(self._columns())
        errors = []
        plans = {}
        repayments = []

        def error(number, key, message):
            errors.append(
                self.env._(
                    "Row %(row)s, column %(column)s: %(message)s",
                    row=number,
                    column=headers[key],
                    message=message,
                )
            )

        types = {_norm(key): key for key in ("loan", "repayment")}
        for lang in {self.env.lang or "en_US", "en_US", "zh_CN"}:
            for key, label in self.with_context(lang=lang)._row_types().items():
                types[_norm(label)] = key
        today = fields.Date.context_today(self)
        for number, values in rows:
            ref = _text(values.get("loan_ref"))
            if not ref:
                error(number, "loan_ref", self.env._("give the loan's reference."))
                continue
            row_type = types.get(_norm(_text(values.get("row_type"))))
            if not row_type:
                error(
                    number,
                    "row_type",
                    self.env._(
                        "write %(loan)s or %(repayment)s.",
                        **self._row_types(),
                    ),
                )
                continue
            amount = self._parse_amount(values.get("amount"), company.currency_id)
            if amount is None:
                error(number, "amount", self.env._("a positive amount is needed."))
            day = self._parse_date(values.get("date"))
            if day is None:
                error(number, "date", self.env._("a date (YYYY-MM-DD) is needed."))
            elif day > today:
                error(number, "date", self.env._("the date is in the future."))
            if row_type == "repayment":
                repayments.append(
                    (number, ref, amount, day, _text(values.get("reference")))
                )
                continue
            if ref in plans:
                error(
                    number,
                    "loan_ref",
                    self.env._(
                        "the loan %(ref)s is already on row %(row)s.",
                        ref=ref,
                        row=plans[ref]["row"],
                    ),
                )
                continue
            plan = {"row": number, "ref": ref, "amount": amount, "date": day}
            plans[ref] = plan
            self._parse_loan_row(number, values, company, plan, error)
            if len(errors) >= MAX_ERRORS:
                break
        self._attach_repayments(plans, repayments, error)
        if not plans and not errors:
            raise UserError(self.env._("The file has no loan row."))
        if errors:
            self._raise_row_errors(errors)
        return plans

    @api.model
    def _attach_repayments(self, plans, repayments, error):
        """Give each repayment row to its loan's plan."""
        for number, ref, amount, day, reference in repayments:
            plan = plans.get(ref)
            if not plan:
                error(
                    number,
                    "loan_ref",
                    self.env._("no loan row %(ref)s in the file.", ref=ref),
                )
            elif day and plan["date"] and day < plan["date"]:
                error(
                    number,
                    "date",
                    self.env._("the repayment precedes the disbursement."),
                )
            else:
                plan["repayments"].append(
                    {"row": number, "amount": amount, "date": day, "ref": reference}
                )

    @api.model
    def _raise_row_errors(self, errors):
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(
                self.env._(
                    "... and %(count)s more errors.",
                    count=len(errors) - MAX_ERRORS,
                )
            )
        raise UserError(self.env._("Nothing was imported:") + "\n" + "\n".join(shown))

    @api.model
    def _parse_loan_row(self, number, values, company, plan, error):
        """Check the borrower, product, rate, term and officer of a loan row
        into ``plan``; ``error(number, column, message)`` records a fault."""
        Product = self.env["microloan.product"]
        Partner = self.env["res.partner"]
        Users = self.env["res.users"]
        amount = plan["amount"]
        # The borrower: found by identity number in the branch, or created.
        id_number = _text(values.get("id_number")).upper()
        if not id_number:
            error(number, "id_number", self.env._("give the identity number."))
        else:
            partner = Partner.search(
                [
                    ("microloan_id_number", "=", id_number),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
            plan["partner"] = partner
            plan["id_number"] = id_number
            if not partner:
                plan["partner_vals"] = self._parse_borrower(
                    number, values, id_number, company, error
                )
        code = _text(values.get("product_code"))
        product = (
            Product.search(
                [
                    ("code", "=", code),
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "parent_of", company.ids),
                ],
                limit=1,
            )
            if code
            else Product
        )
        if not product:
            error(
                number,
                "product_code",
                self.env._("no loan product %(code)s for this branch.", code=code)
                if code
                else self.env._("give the product's code."),
            )
        plan["product"] = product
        if product and not self._import_guarantee_type(product):
            error(
                number,
                "product_code",
                self.env._(
                    "the product's loans need collateral or guarantors, which an "
                    "import does not bring: choose a product that lends on credit."
                ),
            )
        rate = _number(values.get("interest_rate"))
        if rate is None or rate < 0 or rate > 100:
            error(
                number,
                "interest_rate",
                self.env._("a rate in percent is needed (12 for 12%)."),
            )
            rate = None
        plan["interest_rate"] = rate
        term = _number(values.get("term"))
        if term is None or term != int(term) or not 1 <= term <= 600:
            error(number, "term", self.env._("a number of months is needed."))
            term = None
        plan["term"] = int(term) if term is not None else 0
        if product:
            self._check_product_limits(
                number, product, amount, rate, term, company.currency_id, error
            )
        login = _text(values.get("officer"))
        officer = self.env.user
        if login:
            officer = Users.search(
                [("login", "=", login), ("company_ids", "in", company.ids)],
                limit=1,
            )
            if not officer or not officer.has_group(
                "microloan_base.group_microloan_officer"
            ):
                error(
                    number,
                    "officer",
                    self.env._(
                        "%(login)s is not a loan officer of this branch.",
                        login=login,
                    ),
                )
        plan["officer"] = officer
        plan["repayments"] = []

    @api.model
    def _import_guarantee_type(self, product):
        """The guarantee type of an imported loan: credit (信用) when the
        product allows it, else one of its types that needs no collateral,
        guarantor nor group (the import brings none); none otherwise."""
        credit = self.env.ref("microloan_base.guarantee_type_credit")
        allowed = product.guarantee_type_ids
        if not allowed or credit in allowed:
            return credit
        return allowed.filtered(
            lambda kind: not kind.requires_collateral
            and not kind.requires_guarantor
            and not kind.requires_guarantee_group
        )[:1]

    @api.model
    def _check_product_limits(
        self, number, product, amount, rate, term, currency, error
    ):
        """The product's limits, checked on the row so that the error names
        its column (the loan's own constraints say the same at creation)."""
        if amount is not None and not (
            product.amount_min <= amount <= product.amount_max
        ):
            error(
                number,
                "amount",
                self.env._(
                    "the product lends between %(min)s and %(max)s.",
                    min=currency.format(product.amount_min),
                    max=currency.format(product.amount_max),
                ),
            )
        if rate is not None and not (product.rate_min <= rate <= product.rate_max):
            low, high = (
                f"{value:.2f}" for value in (product.rate_min, product.rate_max)
            )
            error(
                number,
                "interest_rate",
                self.env._(
                    "the product's rates are %(min)s%% to %(max)s%%.",
                    min=low,
                    max=high,
                ),
            )
        if term is not None and not (product.term_min <= term <= product.term_max):
            error(
                number,
                "term",
                self.env._(
                    "the product's terms are %(min)s to %(max)s months.",
                    min=product.term_min,
                    max=product.term_max,
                ),
            )

    @api.model
    def _parse_borrower(self, number, values, id_number, company, error):
        name = _text(values.get("borrower_name"))
        Partner = self.env["res.partner"]
        borrower_types = dict(
            Partner._fields["microloan_borrower_type"]._description_selection(self.env)
        )
        id_types = dict(
            Partner._fields["microloan_id_type"]._description_selection(self.env)
        )
        borrower_type = self._parse_selection(
            values.get("borrower_type"), borrower_types
        )
        id_type = self._parse_selection(values.get("id_type"), id_types)
        if not name:
            error(
                number,
                "borrower_name",
                self.env._("a new borrower needs a name."),
            )
        if not borrower_type:
            error(
                number,
                "borrower_type",
                self.env._(
                    "one of: %(values)s.", values=", ".join(borrower_types.values())
                ),
            )
        if not id_type:
            error(
                number,
                "id_type",
                self.env._("one of: %(values)s.", values=", ".join(id_types.values())),
            )
        return {
            "name": name,
            "company_id": company.id,
            "microloan_borrower_type": borrower_type,
            "microloan_id_type": id_type,
            "microloan_id_number": id_number,
        }

    @api.model
    def _parse_selection(self, value, labels):
        text = _norm(_text(value))
        if not text:
            return False
        for key, label in labels.items():
            if text in (_norm(key), _norm(label)):
                return key
        return False

    @api.model
    def _parse_amount(self, value, currency):
        amount = _number(value)
        if amount is None or amount <= 0 or amount >= 1e12:
            return None
        if currency.round(amount) != amount and not math.isclose(
            currency.round(amount), amount, abs_tol=1e-9
        ):
            return None
        return currency.round(amount)

    @api.model
    def _parse_date(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value).replace("/", "-").replace(".", "-")
        if not text:
            return None
        text = text.replace("年", "-").replace("月", "-").rstrip("日")
        try:
            day = date.fromisoformat(
                "-".join(part.zfill(2) for part in text.split(" ")[0].split("-"))
            )
        except ValueError:
            return None
        return day if date(1970, 1, 1) <= day <= date(2999, 12, 31) else None

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    @api.model
    def _approve_imported(self, loan):
        """Approve an imported loan: it was approved in the company's previous
        system (the chatter says so). Only an administrator imports; the
        product's rate cap and guarantee requirements are checked as for any
        approval."""
        self._check_caller(loan.company_id)
        loan._check_state(
            {"submitted"},
            self.env._("Only submitted loans can be approved: %(loan)s is %(state)s."),
        )
        loan._check_rate_cap()
        loan._check_guarantee_requirements()
        # sudo: the state and the stamps are guarded; the caller was checked.
        loan.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approve_date": fields.Datetime.now(),
            }
        )

    @api.model
    def _import_loan_book(self, company, content, file_name=None):
        """Import the loan book of ``content`` (CSV or XLSX bytes) into
        ``company``; return the ids of the loans created. All or nothing: a
        refused row raises an error naming it, and the caller's transaction
        is rolled back."""
        self._check_caller(company)
        self = self.with_company(company)  # noqa: PLW0642
        rows = self._read_file(content, file_name)
        plans = self._parse_rows(company, rows)
        headers = dict(self._columns())
        loans = self.env["microloan.loan"]
        borrowers = {}
        for plan in plans.values():
            loans |= self._import_loan(company, plan, headers, borrowers)
        return loans.ids

    @api.model
    def _import_loan(self, company, plan, headers, borrowers):
        """Create, approve, disburse and repay one loan of the book;
        ``borrowers``: the borrowers created so far, by identity number."""
        env = self.env

        def refused(number, key, error):
            message = error.args[0] if error.args else str(error)
            return UserError(
                env._(
                    "Nothing was imported: row %(row)s, column %(column)s: "
                    "%(message)s",
                    row=number,
                    column=headers[key],
                    message=message,
                )
            )

        number = plan["row"]
        partner = plan["partner"] or borrowers.get(plan["id_number"])
        if not partner:
            try:
                partner = env["res.partner"].create(plan["partner_vals"])
            except (UserError, ValidationError) as error:
                raise refused(number, "id_number", error) from error
            borrowers[plan["id_number"]] = partner
        product = plan["product"]
        guarantee = self._import_guarantee_type(product)
        Loan = env["microloan.loan"]
        try:
            loan = Loan.create(
                {
                    "partner_id": partner.id,
                    "product_id": product.id,
                    "company_id": company.id,
                    "guarantee_type_id": guarantee.id,
                    "user_id": plan["officer"].id,
                    "amount": plan["amount"],
                    "interest_rate": plan["interest_rate"],
                    "term": plan["term"],
                    "application_date": plan["date"],
                    "disbursement_date": plan["date"],
                }
            )
        except (UserError, ValidationError) as error:
            raise refused(number, "loan_ref", error) from error
        try:
            loan.action_submit()
            self._approve_imported(loan)
            loan.disburse(plan["amount"], plan["date"])
        except (UserError, ValidationError) as error:
            raise refused(number, "date", error) from error
        repayments = sorted(plan["repayments"], key=lambda r: (r["date"], r["row"]))
        for repayment in repayments:
            try:
                loan.register_repayment(
                    repayment["amount"],
                    repayment["date"],
                    reference=repayment["ref"] or None,
                )
            except (UserError, ValidationError) as error:
                raise refused(repayment["row"], "amount", error) from error
        loan.message_post(
            body=env._(
                "Imported from the loan book (reference %(ref)s): disbursed on "
                "%(date)s, %(count)s repayments.",
                ref=plan["ref"],
                date=plan["date"],
                count=len(repayments),
            )
        )
        return loan


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _norm(text):
    return re.sub(r"[\s_()（）%]+", "", str(text or "")).lower()


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value).replace(",", "").replace("，", "").replace("¥", "")
        text = text.replace("%", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None
