from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Branch fields set by the module's own runs only (the daily close writes the day
# it closed through sudo()): a settings user cannot move them.
MICROLOAN_RUN_FIELDS = ("microloan_closed_date",)


class ResCompany(models.Model):
    _inherit = "res.company"

    microloan_branch_code = fields.Char(
        string="Branch Code",
        size=8,
        help="Short code of the branch, used as the prefix of its loan numbers "
        "(for example BJ gives BJ-2026-00001).",
    )
    microloan_max_annual_rate = fields.Float(
        string="Maximum Annual Rate (%)",
        digits=(7, 4),
        default=24.0,
        help="Loans above this annual rate cannot be saved or approved. The 2025 "
        "guideline on the comprehensive financing cost of microloan companies sets "
        "24%.",
    )
    microloan_lpr_warning = fields.Boolean(
        string="Warn Above 4 × LPR",
        help="Show a warning on loans whose annual rate exceeds four times the "
        "one-year loan prime rate.",
    )
    microloan_lpr_rate = fields.Float(
        string="One-Year LPR (%)",
        digits=(7, 4),
        default=3.0,
    )
    microloan_lock_date = fields.Date(
        string="Sub-ledger Lock Date",
        help="No loan or credit-line transaction of this branch (disbursement, "
        "repayment, charge, write-off, recovery, reversal, credit-line entry) can "
        "be dated on or before this date, and no back-dated repayment can replay "
        "transactions of that closed period.",
    )
    # Set and read by the daily close of the loans
    microloan_closed_date = fields.Date(
        string="Loans Closed To",
        readonly=True,
        copy=False,
        help="Last business day the daily close of the loans ran for.",
    )
    microloan_reminder_days = fields.Integer(
        string="Repayment Reminder (Days Before)",
        default=3,
        help="Days before a due date at which the loan officer gets a reminder "
        "activity; products can set their own. 0 sends none.",
    )
    microloan_lang = fields.Selection(
        related="partner_id.lang",
        string="Language of the Branch's Texts",
        readonly=False,
        help="The language the scheduled runs (daily close, month end, "
        "early-warning signals) write this branch's texts in: entry labels, "
        "signals, run names. Activities are written in their recipient's "
        "language.",
    )

    _sql_constraints = [
        (
            "microloan_branch_code_unique",
            "unique(microloan_branch_code)",
            "Each branch must have its own branch code.",
        ),
    ]

    @api.constrains("microloan_branch_code")
    def _check_microloan_branch_code(self):
        for company in self:
            code = company.microloan_branch_code
            if code and not code.replace("_", "").isalnum():
                raise ValidationError(
                    self.env._(
                        "The branch code %(code)s may only contain letters, digits "
                        "and underscores.",
                        code=code,
                    )
                )

    @api.constrains("microloan_max_annual_rate", "microloan_lpr_rate")
    def _check_microloan_rates(self):
        for company in self:
            if not 0 < company.microloan_max_annual_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The maximum annual rate must be above 0% and at most 100%."
                    )
                )
            if company.microloan_lpr_rate < 0:
                raise ValidationError(self.env._("The LPR cannot be negative."))

    def write(self, vals):
        if not self.env.su:
            changed = [
                name
                for name in MICROLOAN_RUN_FIELDS
                if name in vals
                and any(
                    company[name] != fields.Date.to_date(vals[name]) for company in self
                )
            ]
            if changed:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a branch is set by the daily close only.",
                        fields=", ".join(
                            self._fields[name]._description_string(self.env)
                            for name in changed
                        ),
                    )
                )
        return super().write(vals)

    def _check_microloan_lock_date(self, date, document):
        """Refuse a posting of ``document`` (its display name) dated ``date``
        on or before this branch's sub-ledger lock date: the single check of
        the closed period, before anything is written."""
        self.ensure_one()
        # sudo: the lock date binds every posting, whatever the caller reads.
        lock = self.sudo().microloan_lock_date
        if lock and date and fields.Date.to_date(date) <= lock:
            raise UserError(
                self.env._(
                    "%(document)s cannot take a transaction dated %(date)s: the "
                    "sub-ledger of %(company)s is locked until %(lock)s.",
                    document=document,
                    date=fields.Date.to_date(date),
                    company=self.name,
                    lock=lock,
                )
            )

    def _microloan_lang(self):
        """The language of this branch's generated texts: its own (its
        contact's), else its head office's, else the environment's."""
        self.ensure_one()
        Lang = self.env["res.lang"]
        # sudo: the language of the branch's contact, whoever runs.
        company = self.sudo()
        while company:
            if company.partner_id.lang and Lang._lang_get(company.partner_id.lang):
                return company.partner_id.lang
            company = company.parent_id
        return self.env.lang or "en_US"

    @api.model
    def _microloan_run_lang(self, companies):
        """The language of a scheduled run over ``companies`` (its name): the
        branches' when they share one, else their head office's."""
        langs = {company._microloan_lang() for company in companies}
        if len(langs) == 1:
            return langs.pop()
        # sudo: the company tree, to find the head office of the run.
        top = companies.sudo().sorted(lambda c: (len(c.parent_path or ""), c.id))
        return top[:1]._microloan_lang() if top else self.env.lang or "en_US"

    @api.model
    def _microloan_visible_companies(self):
        """The companies whose loans the user sees, as the record rules of the
        microloan documents read them: those selected in the switcher and
        their branches the user works in (head office sees its branches
        without selecting them)."""
        companies = self.env.companies
        # sudo: the company tree below the selected companies, not its records.
        below = self.sudo().search([("id", "child_of", companies.ids)])
        if not self.env.su:
            below &= self.env.user.sudo().company_ids
        return self.browse(below.ids)

    def _get_microloan_branch_code(self):
        """Return the code that prefixes the loan numbers of this branch."""
        self.ensure_one()
        return self.microloan_branch_code or f"C{self.id}"

    def _microloan_next_numbers(self, sequence, dates):
        """Return the next numbers of ``sequence`` (one of this branch's, see
        :meth:`_get_microloan_sequence`) for records dated ``dates`` (a
        list), in that order.

        The sequence's yearly ranges are looked up once for the batch (and
        created when a year has none yet, as ``ir.sequence`` does); the
        numbers of each range are drawn at once (see
        :meth:`_microloan_draw_numbers`) and formatted as ``next_by_id``
        formats them."""
        # sudo: the yearly ranges of the branch's own sequence; only numbers are drawn.
        sequence = sequence.sudo()
        if not sequence.use_date_range:
            return [sequence._next() for _date in dates]
        DateRange = self.env["ir.sequence.date_range"].sudo()
        positions = {}
        for index, date in enumerate(dates):
            date_range = next(
                (r for r in positions if r.date_from <= date <= r.date_to), None
            )
            if date_range is None:
                date_range = DateRange.search(
                    [
                        ("sequence_id", "=", sequence.id),
                        ("date_from", "<=", date),
                        ("date_to", ">=", date),
                    ],
                    limit=1,
                ) or sequence._create_date_range_seq(date)
                positions[date_range] = []
            positions[date_range].append(index)
        numbers = [None] * len(dates)
        padding = sequence.padding
        for date_range, indexes in positions.items():
            # As ir.sequence's get_next_char, its prefix and suffix once.
            prefix, suffix = sequence.with_context(
                ir_sequence_date_range=date_range.date_from
            )._get_prefix_suffix()
            drawn = self._microloan_draw_numbers(date_range, len(indexes))
            for index, number in zip(indexes, drawn, strict=True):
                numbers[index] = f"{prefix}{number:0{padding}d}{suffix}"
        return numbers

    @api.model
    def _microloan_draw_numbers(self, date_range, count):
        """Draw ``count`` numbers of the sequence range ``date_range`` at once:
        a ``no_gap`` range is locked and moved on by ``count`` in one go (as
        ``ir.sequence`` does for one number: the numbers are consecutive and
        a rolled back transaction gives them back); a standard one draws them
        from its PostgreSQL sequence in one query (unique, consecutive unless
        another transaction draws at the same time, as one by one)."""
        sequence = date_range.sequence_id
        if sequence.implementation == "standard":
            name = f"ir_sequence_{sequence.id:03d}_{date_range.id:03d}"
            rows = self.env.execute_query(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s) ORDER BY 1",
                    name,
                    count,
                )
            )
            return [number for (number,) in rows]
        date_range.flush_recordset(["number_next"])
        step = sequence.number_increment
        ((first,),) = self.env.execute_query(
            SQL(
                "SELECT number_next FROM ir_sequence_date_range "
                "WHERE id = %s FOR UPDATE NOWAIT",
                date_range.id,
            )
        )
        self.env.execute_query(
            SQL(
                "UPDATE ir_sequence_date_range SET number_next = number_next + %s "
                "WHERE id = %s",
                step * count,
                date_range.id,
            )
        )
        date_range.invalidate_recordset(["number_next"])
        return [first + step * index for index in range(count)]

    def _get_microloan_sequence(
        self, code, name, prefix, padding, implementation="standard"
    ):
        """Return this branch's ``ir.sequence`` of ``code``, creating it on
        first use: one per company, restarting every year (``prefix`` may use
        ``%(range_year)s``), named ``name`` (translated by the caller).
        ``implementation`` ``no_gap`` draws numbers in the transaction, so a
        failed save gives its number back (contract numbers have no gaps)."""
        self.ensure_one()
        # sudo: the branch's sequence, created on first use (an admin right).
        sequences = self.env["ir.sequence"].sudo()
        sequence = sequences.search(
            [("code", "=", code), ("company_id", "=", self.id)], limit=1
        )
        if not sequence:
            sequence = sequences.create(
                {
                    "name": name,
                    "code": code,
                    "company_id": self.id,
                    "prefix": prefix,
                    "padding": padding,
                    "use_date_range": True,
                    "implementation": implementation,
                }
            )
        elif sequence.implementation != implementation:
            sequence.implementation = implementation
        return sequence

    def _get_microloan_loan_sequence(self):
        """Return the loan-number sequence of this branch (``BJ-2026-00001``)."""
        self.ensure_one()
        return self._get_microloan_sequence(
            "microloan.loan",
            self.env._("Loans of %(company)s", company=self.name),
            "%(range_year)s-",
            5,
            implementation="no_gap",
        )
