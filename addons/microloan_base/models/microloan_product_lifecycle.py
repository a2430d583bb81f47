from odoo import fields, models


class MicroloanProductLifecycle(models.AbstractModel):
    """Lifecycle options of a loan product, read by the loan's daily close
    (reminders), risk (non-accrual) and restructuring (extensions)."""

    _name = "microloan.product.lifecycle"
    _description = "Loan Product: Lifecycle Options"

    reminder_days = fields.Integer(
        string="Repayment Reminder (Days Before)",
        help="Days before a due date at which the loan officer gets a reminder "
        "activity. 0 uses the branch's setting.",
    )
    non_accrual_days = fields.Integer(
        string="Non-Accrual After (Days)",
        default=90,
        help="Days past due after which the loan stops accruing penalty and "
        "compound interest in the books (非应计贷款); they are still owed.",
    )
    max_extensions = fields.Integer(
        string="Maximum Extensions",
        default=1,
        help="Number of times a loan of this product may be extended (展期); most "
        "microloan companies allow one.",
    )
