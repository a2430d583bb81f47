from odoo import api, fields, models


class MicroloanLoanCollection(models.AbstractModel):
    """Collection of a loan (microloan.loan): its actions and promises to pay."""

    _name = "microloan.loan.collection"
    _description = "Loan: Collection"

    # The loan's own currency field (microloan.loan), declared here for the
    # amounts of this mixin.
    currency_id = fields.Many2one("res.currency")

    collection_action_ids = fields.One2many(
        "microloan.collection.action", "loan_id", string="Collection Actions"
    )
    collection_promise_ids = fields.One2many(
        "microloan.collection.promise", "loan_id", string="Promises to Pay"
    )
    collection_action_count = fields.Integer(compute="_compute_collection")
    collection_last_date = fields.Date(
        string="Last Collection Action", compute="_compute_collection"
    )
    collection_next_date = fields.Date(
        string="Next Collection Action", compute="_compute_collection"
    )
    collection_promise_open = fields.Monetary(
        string="Promised, Open", compute="_compute_collection"
    )
    collection_promise_broken_count = fields.Integer(
        string="Broken Promises", compute="_compute_collection"
    )

    @api.depends(
        "collection_action_ids.date",
        "collection_action_ids.next_action_date",
        "collection_promise_ids.state",
        "collection_promise_ids.promised_amount",
    )
    def _compute_collection(self):
        for loan in self:
            actions = loan.collection_action_ids
            promises = loan.collection_promise_ids
            loan.collection_action_count = len(actions)
            loan.collection_last_date = max(actions.mapped("date"), default=False)
            loan.collection_next_date = max(
                (d for d in actions.mapped("next_action_date") if d), default=False
            )
            loan.collection_promise_open = sum(
                promises.filtered(lambda p: p.state == "open").mapped("promised_amount")
            )
            loan.collection_promise_broken_count = len(
                promises.filtered(lambda p: p.state == "broken")
            )

    def action_view_collection_actions(self):
        """Open the collection actions of this loan."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "microloan_base.microloan_collection_action_action"
        )
        action["domain"] = [("loan_id", "=", self.id)]
        action["context"] = {"default_loan_id": self.id}
        return action

    def action_log_collection_action(self):
        """Open a new collection action of this loan in a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Collection Action"),
            "res_model": "microloan.collection.action",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id},
        }
