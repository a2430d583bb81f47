from odoo import api, fields, models


class TierReview(models.Model):
    """The reviews of loan applications speak this module's catalogue: OCA's
    zh_CN leaves "Group %s" (who the review waits for, on the approval bar
    and in the approval refusal) and the reminder in English."""

    _inherit = "tier.review"

    _TODO_BY_SHOWN = 3  # reviewers named before "and N more", as the mixin

    @api.depends("reviewer_ids")
    def _compute_todo_by(self):
        applications = self.filtered(lambda r: r.model == "microloan.application")
        result = super(TierReview, self - applications)._compute_todo_by()
        for review in applications:
            if review.reviewer_group_id:
                review.todo_by = self.env._("Group %s", review.reviewer_group_id.name)
                continue
            shown = review.reviewer_ids[: self._TODO_BY_SHOWN]
            names = ", ".join(shown.mapped("display_name"))
            more = len(review.reviewer_ids) - len(shown)
            review.todo_by = (
                self.env._("%(names)s and %(count)s more", names=names, count=more)
                if more > 0
                else names
            )
        return result

    def _notify_review_reminder_body(self):
        if self.model != "microloan.application":
            return super()._notify_review_reminder_body()
        days = (fields.Datetime.now() - self.create_date).days
        return self.env._("A review has been waiting for %s days.", days)
