from odoo import api, models
from odoo.exceptions import AccessError

# Fields linking journal entries, items and payments to the sub-ledger: set by
# the loan and credit line postings (through sudo()) only, since the ledger
# control and the accrual read the ledger through them.
MICROLOAN_LINK_FIELDS = (
    "microloan_transaction_id",
    "microloan_loan_id",
    "microloan_credit_line_entry_id",
    "microloan_credit_line_id",
)


def _check_microloan_links(records, vals_list):
    """Refuse, from any caller but the module's own postings (superuser), a
    value of the sub-ledger link fields of ``records``' model that changes
    anything: a new record linked, or a link moved."""
    if records.env.su:
        return
    names = [name for name in MICROLOAN_LINK_FIELDS if name in records._fields]
    for vals in vals_list:
        for name in names:
            if name not in vals:
                continue
            value = vals[name] or False
            if records and all(
                (record[name].id or False) == value for record in records
            ):
                continue
            if not records and not value:
                continue
            raise AccessError(
                records.env._(
                    "Journal entries, items and payments are linked to loans and "
                    "credit lines by their postings only: reverse the loan "
                    "transaction or the credit line entry instead of editing its "
                    "entries."
                )
            )


class MicroloanLinkGuardMixin(models.AbstractModel):
    """The sub-ledger links of journal entries, items and payments, set by the
    postings only (see ``_check_microloan_links``)."""

    _name = "microloan.link.guard.mixin"
    _description = "Journal Links Set by the Loan Postings Only"

    @api.model_create_multi
    def create(self, vals_list):
        _check_microloan_links(self.browse(), vals_list)
        return super().create(vals_list)

    def write(self, vals):
        _check_microloan_links(self, [vals])
        return super().write(vals)
