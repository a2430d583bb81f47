from collections import defaultdict
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from microloan_engine import EngineError, build_schedule

from ..tools import inputs
from ..tools.locking import lock_rows

# Loans per call of the bulk methods: a request stays well within Odoo's time
# and memory limits (limit_time_real, limit_memory_soft).
BULK_MAX = 1000
# What a row of ``create_loans`` may give (``reference`` is required).
CREATE_KEYS = frozenset(
    {
        "reference",
        "partner_id",
        "product_id",
        "company_id",
        "guarantee_type_id",
        "guarantee_group_id",
        "user_id",
        "amount",
        "interest_rate",
        "term",
        "frequency",
        "repayment_day",
        "application_date",
        "disbursement_date",
        "first_due_date",
        "purpose",
    }
)
DISBURSE_KEYS = frozenset({"loan_id", "amount", "date", "reference", "note", "payment"})


class MicroloanLoanBulk(models.AbstractModel):
    """Bulk servicing API of microloan.loan: create, submit, approve and
    disburse many loans per call (the import of a loan book, an integration),
    each row validated before anything is written, idempotent by reference.
    The disbursements of a call share one lock, one schedule replacement,
    one transaction ``create`` and, with microloan_accounting, one batch of
    entries and payments (``_disburse_batch``)."""

    _name = "microloan.loan.bulk"
    _description = "Loan: Bulk API"

    import_reference = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Reference the loan was created with through the bulk API "
        "(create_loans): a second call with it returns this loan.",
    )

    _sql_constraints = [
        (
            "import_reference_company_unique",
            "unique(company_id, import_reference)",
            "The import reference of a loan must be unique per branch.",
        ),
    ]

    # ------------------------------------------------------------------
    # Public bulk API (README, "The servicing API")
    # ------------------------------------------------------------------

    @api.model
    def create_loans(self, rows):
        """Create draft loans, one per row (a dict of ``CREATE_KEYS``, the
        ``reference`` required), with their schedules; return a list of dicts
        ``{"reference", "id", "name", "state", "created"}`` in the order of the
        rows. A row whose reference (per branch) already made a loan returns
        that loan (``created`` False) when it is the same borrower, product and
        amount, and is refused otherwise."""
        self._check_user_group(
            "microloan_base.group_microloan_officer",
            self.env._("Only loan officers can create loans."),
        )
        rows = self._bulk_rows(rows)
        env = self.env
        allowed = env["res.company"]._microloan_visible_companies()
        prepared = []
        seen = set()
        for index, row in enumerate(rows, start=1):
            with self._bulk_row_errors(index, row):
                vals = self._bulk_create_values(row, allowed)
                key = (vals["company_id"], vals["import_reference"])
                if key in seen:
                    raise UserError(env._("The reference is given twice in this call."))
                seen.add(key)
                prepared.append(vals)
        existing = self._bulk_existing_loans(prepared)
        results = [None] * len(prepared)
        to_create = []
        for index, vals in enumerate(prepared):
            loan = existing.get((vals["company_id"], vals["import_reference"]))
            if loan:
                with self._bulk_row_errors(index + 1, rows[index]):
                    self._bulk_check_same_loan(loan, vals)
                results[index] = loan
            else:
                to_create.append((index, vals))
        if to_create:
            references = [vals.pop("import_reference") for _i, vals in to_create]
            loans = self.create([vals for _i, vals in to_create])
            for loan, reference in zip(loans, references, strict=True):
                # sudo: the import reference is set by this method only.
                loan.sudo().write({"import_reference": reference})
            for (index, _vals), loan in zip(to_create, loans, strict=True):
                results[index] = loan
        created = {results[index].id for index, _vals in to_create}
        return [
            {
                "reference": loan.import_reference,
                "id": loan.id,
                "name": loan.name,
                "state": loan.state,
                "created": loan.id in created,
            }
            for loan in results
        ]

    @api.model
    def submit_loans(self, loan_ids):
        """Submit the draft loans ``loan_ids`` (loan officers); loans already
        submitted or further are left as they are. Returns ``[{"id", "name",
        "state"}]`` in the order given."""
        loans = self._bulk_loans(loan_ids)
        loans.filtered(lambda loan: loan.state == "draft").action_submit()
        return self._bulk_states(loans)

    @api.model
    def approve_loans(self, loan_ids):
        """Approve the submitted loans ``loan_ids`` (approvers, four eyes:
        see ``action_approve``); approved and active loans are left as they
        are. Returns ``[{"id", "name", "state"}]`` in the order given."""
        loans = self._bulk_loans(loan_ids)
        pending = loans.filtered(lambda loan: loan.state not in ("approved", "active"))
        pending.action_approve()
        return self._bulk_states(loans)

    @api.model
    def disburse_loans(self, rows):
        """Disburse loans, one row each (``{"loan_id", "amount", "date",
        "reference", "note", "payment"}``, the reference required, ``payment``
        the options of ``disburse``); return the disbursement transaction ids
        in the order of the rows. A row whose reference was already disbursed
        on its loan with the same amount and date returns that transaction; with
        another amount or date it is refused. Approved loans get their first
        disbursement together (``_disburse_batch``), further tranches one by
        one."""
        env = self.env
        self._check_user_group(
            "microloan_base.group_microloan_finance",
            env._("Only finance users can disburse loans."),
        )
        rows = self._bulk_rows(rows)
        loan_ids = []
        for index, row in enumerate(rows, start=1):
            with self._bulk_row_errors(index, row):
                self._bulk_check_keys(row, DISBURSE_KEYS, {"loan_id", "reference"})
                loan_ids.append(
                    inputs.positive_int(
                        env, row["loan_id"], env._("The loan"), maximum=2**31 - 1
                    )
                )
        loans = self._bulk_loans(loan_ids)
        items = []
        for index, (row, loan) in enumerate(zip(rows, loans, strict=True), start=1):
            with self._bulk_row_errors(index, row):
                items.append(
                    {
                        "loan": loan,
                        "amount": inputs.money(
                            env,
                            row.get("amount"),
                            loan.currency_id,
                            env._("The amount disbursed"),
                        ),
                        "date": inputs.day(
                            env, row.get("date"), env._("The date of the disbursement")
                        ),
                        "reference": inputs.reference(env, row["reference"])
                        or self._bulk_missing_reference(),
                        "note": inputs.text(env, row.get("note"), env._("The note")),
                        "extra": loan._get_payment_values(
                            "outbound", self._bulk_payment_options(row)
                        ),
                    }
                )
        loans._check_state(
            {"approved", "active"},
            env._(
                "Only approved or active loans can be disbursed: %(loan)s is "
                "%(state)s."
            ),
        )
        done = self._bulk_disbursed(items)
        pending = [item for item in items if item["loan"].id not in done]
        firsts = [item for item in pending if item["loan"].state == "approved"]
        posted = {}
        if firsts:
            transactions = self._disburse_batch(firsts)
            for item, transaction in zip(firsts, transactions, strict=True):
                posted[item["loan"].id] = transaction
        for item in pending:
            if item["loan"].state != "approved" and item["loan"].id not in posted:
                posted[item["loan"].id] = item["loan"]._disburse(
                    item["amount"],
                    item["date"],
                    reference=item["reference"],
                    note=item["note"],
                    extra=item["extra"],
                )
        return [
            (done.get(item["loan"].id) or posted[item["loan"].id]).id for item in items
        ]

    # ------------------------------------------------------------------
    # Batch disbursement
    # ------------------------------------------------------------------

    @api.model
    def _disburse_batch(self, items):
        """First disbursement of approved loans together: ``items`` are dicts
        ``{"loan", "amount", "date", "reference", "note", "extra"}`` (validated
        values, one item per loan); returns the disbursement transactions in
        the order of ``items``. Same checks and result as ``_disburse`` loan by
        loan: the schedule built by the engine for the amount paid out from the
        date (the installments replaced only when they change), the loan
        active; but one row lock for all, the installments of every loan read,
        deleted and created in one query each, the transactions posted in one
        ``create`` (with microloan_accounting, their entries and payments in
        batch) and the loans written in one flush."""
        env = self.env
        Loan = env["microloan.loan"]
        Loan._check_finance(env._("Only finance users can disburse loans."))
        loans = Loan.browse([item["loan"].id for item in items])
        if len(set(loans.ids)) != len(items):
            raise UserError(env._("A loan is disbursed twice in this call."))
        loans._check_state(
            {"approved"},
            env._(
                "Only approved loans can get their first disbursement together: "
                "%(loan)s is %(state)s."
            ),
        )
        dates = loans._check_posting_dates([item["date"] for item in items])
        for item, date in zip(items, dates, strict=True):
            loan = item["loan"]
            item["date"] = date
            currency = loan.currency_id
            if currency.compare_amounts(item["amount"] or 0.0, 0.0) <= 0:
                raise UserError(env._("The amount disbursed must be positive."))
            if item["date"] < loan.application_date:
                raise UserError(
                    env._(
                        "%(loan)s cannot be disbursed before its application date.",
                        loan=loan.name,
                    )
                )
        loans._disburse_batch_check(items)
        lock_rows(
            loans,
            env._(
                "This loan is being updated by another posting: nothing was "
                "recorded, try again in a moment."
            ),
        )
        # Read again under the lock: another posting may have come first.
        loans.invalidate_recordset(["state", "ledger_version", "amount_disbursed"])
        loans._check_state(
            {"approved"},
            env._(
                "Only approved loans can get their first disbursement together: "
                "%(loan)s is %(state)s."
            ),
        )
        for item in items:
            loan = item["loan"]
            currency = loan.currency_id
            if (
                currency.compare_amounts(
                    loan.amount_disbursed + item["amount"], loan.amount
                )
                > 0
            ):
                raise UserError(
                    env._(
                        "%(loan)s cannot be disbursed beyond its approved amount of "
                        "%(amount)s (already disbursed: %(disbursed)s).",
                        loan=loan.name,
                        amount=currency.format(loan.amount),
                        disbursed=currency.format(loan.amount_disbursed),
                    )
                )
        # sudo: installments are written by the engine only; the schedule and
        # the terms are fixed after approval, the caller was checked above.
        Installment = env["microloan.loan.installment"].sudo()
        # The installments of every loan, read in one query for the
        # comparison of _apply_schedule.
        Installment.search_fetch(
            [("loan_id", "in", loans.ids)],
            ["loan_id", "sequence", "due_date", "days", "principal", "interest"]
            + ["fee", "amount", "balance"],
        )
        # The loans' new dates and ledger versions, one write per distinct
        # values (before the schedules: the annualized rate reads the date).
        writes = defaultdict(list)
        for item in items:
            loan = item["loan"]
            date = item["date"]
            item["first_due"] = (
                loan.first_due_date
                if (loan.first_due_date and loan.first_due_date > date)
                else None
            )
            key = (date, item["first_due"] or False, loan.ledger_version + 1)
            writes[key].append(loan.id)
        for (date, first_due, version), loan_ids in writes.items():
            Loan.browse(loan_ids).sudo().write(
                {
                    "disbursement_date": date,
                    "first_due_date": first_due,
                    "microloan_accrued_to": date,
                    "ledger_version": version,
                }
            )
        batch = {"unlink": Installment, "create": []}
        for item in items:
            loan = item["loan"].sudo()
            date = item["date"]
            terms = replace(
                loan._engine_terms(),
                principal=loan._money(item["amount"]),
                disbursement_date=date,
                first_due_date=item["first_due"],
            )
            try:
                schedule = build_schedule(terms)
            except EngineError as error:
                raise loan._engine_user_error(error) from error
            loan._apply_schedule(schedule, batch)
            # The product's fees due at disbursement, charged with the first
            # one as _disburse does (microloan_engine.fees.disbursement).
            item["paid"] = loan._disbursement_with_fees(
                item["amount"], loan._get_fee_totals()
            )
        if batch["unlink"]:
            batch["unlink"].unlink()
        if batch["create"]:
            Installment._insert_schedule_rows(batch["create"])
        loans._activate()
        transactions = Loan._post_transactions(
            [
                {
                    "loan": item["loan"],
                    "kind": "disbursement",
                    "date": item["date"],
                    "amount": item["amount"],
                    "lines": [
                        {
                            "installment_id": False,
                            "component": "principal",
                            "amount": item["amount"],
                        }
                    ]
                    + (
                        [
                            {
                                "installment_id": False,
                                "component": "fee",
                                "amount": float(item["paid"].fees),
                            }
                        ]
                        if item["paid"].fees
                        else []
                    ),
                    "reference": item["reference"],
                    "note": item["note"],
                    "paid_out_amount": float(item["paid"].paid_out),
                    "fee_deducted_amount": float(item["paid"].fees_deducted),
                    "fee_collected_amount": float(item["paid"].fees_paid),
                    **(item["extra"] or {}),
                }
                for item in items
            ]
        )
        loans._disburse_batch_done()
        return transactions

    def _check_posting_dates(self, dates):
        """``_check_posting_date`` of each of these loans with its date of
        ``dates`` (a list in the loans' order, for a batch); returns the
        dates. microloan_accounting checks the accounting setup of a branch,
        product and date once for the batch."""
        return [
            loan._check_posting_date(date)
            for loan, date in zip(self, dates, strict=True)
        ]

    def _disburse_batch_check(self, items):
        """Hook: refuse the first disbursements ``items`` of these loans
        before anything is locked or written (microloan_credit checks the
        regulatory limits of the whole batch here)."""
        return True

    def _disburse_batch_done(self):
        """Hook: what follows the first disbursement of these loans
        (microloan_credit plans their first inspections)."""
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _bulk_rows(self, rows):
        env = self.env
        if not isinstance(rows, list | tuple) or not rows:
            raise UserError(env._("Give the rows as a non-empty list."))
        if len(rows) > BULK_MAX:
            raise UserError(
                env._(
                    "At most %(maximum)s rows per call, not %(count)s.",
                    maximum=BULK_MAX,
                    count=len(rows),
                )
            )
        return list(rows)

    @api.model
    def _bulk_row_errors(self, index, row):
        return _RowErrors(self.env, index, row)

    @api.model
    def _bulk_check_keys(self, row, allowed, required):
        env = self.env
        if not isinstance(row, dict):
            raise UserError(
                env._("A row must be a dict, not %(value)s.", value=inputs.show(row))
            )
        unknown = set(row) - allowed
        if unknown:
            raise UserError(
                env._(
                    "Unknown keys: %(keys)s.",
                    keys=", ".join(sorted(map(str, unknown))),
                )
            )
        missing = required - {key for key, value in row.items() if value}
        if missing:
            raise UserError(
                env._("Missing: %(keys)s.", keys=", ".join(sorted(missing)))
            )

    @api.model
    def _bulk_payment_options(self, row):
        options = row.get("payment") or {}
        if not isinstance(options, dict):
            raise UserError(
                self.env._(
                    "The payment options must be a dict, not %(value)s.",
                    value=inputs.show(options),
                )
            )
        return dict(options)

    @api.model
    def _bulk_disbursed(self, items):
        """The disbursements already posted with the references of ``items``
        on their loans, by loan id; refuses a reference posted with another
        amount or date (a retry is the same disbursement)."""
        env = self.env
        # sudo: the loans were checked; only their own transactions are read.
        found = (
            env["microloan.loan.transaction"]
            .sudo()
            .search(
                [
                    ("loan_id", "in", [item["loan"].id for item in items]),
                    ("reference", "in", [item["reference"] for item in items]),
                    ("kind", "=", "disbursement"),
                    ("state", "=", "posted"),
                ]
            )
        )
        posted = {(t.loan_id.id, t.reference): t for t in found}
        done = {}
        for index, item in enumerate(items, start=1):
            loan = item["loan"]
            existing = posted.get((loan.id, item["reference"]))
            if not existing:
                continue
            if existing.date != item["date"] or loan.currency_id.compare_amounts(
                existing.amount, item["amount"]
            ):
                raise UserError(
                    env._(
                        "Row %(row)s: the reference %(reference)s is already used "
                        "by the disbursement %(transaction)s of %(amount)s on "
                        "%(date)s.",
                        row=index,
                        reference=existing.reference,
                        transaction=existing.name,
                        amount=existing.currency_id.format(existing.amount),
                        date=existing.date,
                    )
                )
            # sudo(self.env.su): back to the caller's rights.
            done[loan.id] = existing.sudo(env.su)
        return done

    @api.model
    def _bulk_missing_reference(self):
        raise UserError(self.env._("Missing: reference."))

    @api.model
    def _bulk_create_values(self, row, allowed):
        env = self.env
        self._bulk_check_keys(
            row,
            CREATE_KEYS,
            {"reference", "partner_id", "product_id", "guarantee_type_id"},
        )
        vals = dict(row)
        reference = inputs.reference(env, vals.pop("reference"))
        if not reference:
            self._bulk_missing_reference()
        company_id = vals.get("company_id") or env.company.id
        if company_id not in allowed.ids:
            raise AccessError(
                env._(
                    "You cannot create loans in this branch (company %(id)s).",
                    id=inputs.show(company_id),
                )
            )
        vals["company_id"] = company_id
        for name in ("amount", "interest_rate"):
            if name in vals:
                inputs.number(env, vals[name], self._fields[name].string, minimum=0)
        inputs.field_values(self, vals)
        vals["import_reference"] = reference
        return vals

    @api.model
    def _bulk_existing_loans(self, prepared):
        references = [vals["import_reference"] for vals in prepared]
        companies = list({vals["company_id"] for vals in prepared})
        # sudo: the references of the caller's branches (checked above); a loan
        # found is returned by id only.
        found = (
            self.env["microloan.loan"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("import_reference", "in", references),
                    ("company_id", "in", companies),
                ]
            )
        )
        return {
            (loan.company_id.id, loan.import_reference): loan.sudo(self.env.su)
            for loan in found
        }

    @api.model
    def _bulk_check_same_loan(self, loan, vals):
        currency = loan.currency_id
        same = (
            loan.partner_id.id == vals.get("partner_id")
            and loan.product_id.id == vals.get("product_id")
            and (
                "amount" not in vals
                or not currency.compare_amounts(loan.amount, vals["amount"])
            )
        )
        if not same:
            raise UserError(
                self.env._(
                    "The reference %(reference)s already made the loan %(loan)s "
                    "with another borrower, product or amount.",
                    reference=loan.import_reference,
                    loan=loan.name,
                )
            )

    @api.model
    def _bulk_loans(self, loan_ids):
        """The loans ``loan_ids`` (a list of ids) the caller may write, in that
        order; refuses ids that are not loans of the caller's branches without
        saying whose they are."""
        env = self.env
        loan_ids = [
            inputs.positive_int(env, loan_id, env._("The loan"), maximum=2**31 - 1)
            for loan_id in self._bulk_rows(loan_ids)
        ]
        if len(set(loan_ids)) != len(loan_ids):
            raise UserError(env._("A loan is given twice in this call."))
        loans = env["microloan.loan"].browse(loan_ids)
        existing = loans.exists()
        if len(existing) != len(set(loan_ids)):
            raise UserError(env._("Some of these loans do not exist."))
        loans.check_access("write")
        return loans

    @api.model
    def _bulk_states(self, loans):
        return [
            {"id": loan.id, "name": loan.name, "state": loan.state} for loan in loans
        ]


class _RowErrors:
    """Context manager naming the row (number and reference) of a refusal."""

    def __init__(self, env, index, row):
        self.env = env
        self.index = index
        self.row = row

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if not isinstance(error, UserError | ValidationError) or isinstance(
            error, AccessError
        ):
            return False
        reference = self.row.get("reference") if isinstance(self.row, dict) else None
        message = self.env._(
            "Row %(row)s (%(reference)s): %(message)s",
            row=self.index,
            reference=reference if isinstance(reference, str) else "-",
            message=error.args[0] if error.args else "",
        )
        raise type(error)(message) from error
