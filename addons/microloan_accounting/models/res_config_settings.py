from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    microloan_principal_account_id = fields.Many2one(
        related="company_id.microloan_principal_account_id", readonly=False
    )
    microloan_interest_receivable_account_id = fields.Many2one(
        related="company_id.microloan_interest_receivable_account_id", readonly=False
    )
    microloan_fee_receivable_account_id = fields.Many2one(
        related="company_id.microloan_fee_receivable_account_id", readonly=False
    )
    microloan_interest_income_account_id = fields.Many2one(
        related="company_id.microloan_interest_income_account_id", readonly=False
    )
    microloan_penalty_income_account_id = fields.Many2one(
        related="company_id.microloan_penalty_income_account_id", readonly=False
    )
    microloan_compound_income_account_id = fields.Many2one(
        related="company_id.microloan_compound_income_account_id", readonly=False
    )
    microloan_fee_income_account_id = fields.Many2one(
        related="company_id.microloan_fee_income_account_id", readonly=False
    )
    microloan_allowance_account_id = fields.Many2one(
        related="company_id.microloan_allowance_account_id", readonly=False
    )
    microloan_impairment_expense_account_id = fields.Many2one(
        related="company_id.microloan_impairment_expense_account_id", readonly=False
    )
    microloan_recovery_income_account_id = fields.Many2one(
        related="company_id.microloan_recovery_income_account_id", readonly=False
    )
    microloan_borrower_credit_account_id = fields.Many2one(
        related="company_id.microloan_borrower_credit_account_id", readonly=False
    )
    microloan_loan_journal_id = fields.Many2one(
        related="company_id.microloan_loan_journal_id", readonly=False
    )
    microloan_payment_journal_id = fields.Many2one(
        related="company_id.microloan_payment_journal_id", readonly=False
    )

    def action_microloan_default_accounts(self):
        """Fill the loan accounts and journals of the company with the defaults."""
        self.company_id.action_microloan_default_accounts()
        return True
