from odoo import models
from odoo.exceptions import UserError


class MicroloanApplicationTiers(models.AbstractModel):
    """Approval tiers of a loan application (microloan.application) with OCA's
    ``base_tier_validation``: tier definitions on the application (by amount,
    product, branch, score grade, ...) reviewed by a group or a named user,
    in sequence, requested when the application reaches its approval stage;
    the move to the contract waits for every tier. An approver's authority
    limit (授权额度) is the most he may approve alone."""

    _name = "microloan.application.tiers"
    _inherit = ["tier.validation"]
    _description = "Loan Application: Approval Tiers"

    _state_from = ["approval"]
    _state_to = ["contract"]
    # Rejected and withdrawn applications keep their reviews: no state of the
    # application is the mixin's cancel state.
    _cancel_state = "cancel"
    _tier_validation_manual_config = False

    def _tier_validation_check_write_allowed(self, vals):
        # The actions write as superuser once they have checked the caller;
        # a client's context never lifts the check.
        if self.env.su:
            return None
        return super(
            MicroloanApplicationTiers, self.with_context(skip_validation_check=False)
        )._tier_validation_check_write_allowed(vals)

    def _compute_next_review(self):
        # As the mixin's, with the label in this module's catalogue: OCA's
        # zh_CN leaves "Next: %s" in English on the approval bar.
        for application in self:
            review = application.review_ids.sorted("sequence").filtered(
                lambda r: r.status == "pending"
            )[:1]
            application.next_review = review and self.env._(
                "Next: %s", review.name or ""
            )

    # The chatter messages of the tiers, as the mixin's, in this module's
    # catalogue: OCA's zh_CN leaves several of them in English.

    def _notify_created_review_body(self):
        return self.env._("%s asked for the approval tiers.", self.env.user.name)

    def _notify_requested_review_body(self):
        return self.env._("A review has been requested by %s.", self.env.user.name)

    def _notify_accepted_reviews_body(self):
        comment = self._tier_comment_of_user()
        if comment:
            return self.env._(
                "%(user)s accepted a review: %(comment)s",
                user=self.env.user.name,
                comment=comment,
            )
        return self.env._("%s accepted a review.", self.env.user.name)

    def _notify_rejected_review_body(self):
        comment = self._tier_comment_of_user()
        if comment:
            return self.env._(
                "%(user)s rejected a review: %(comment)s",
                user=self.env.user.name,
                comment=comment,
            )
        return self.env._("%s rejected a review.", self.env.user.name)

    def _notify_restarted_review_body(self):
        return self.env._("%s restarted the approval tiers.", self.env.user.name)

    def _tier_comment_of_user(self):
        """The comment the current user left on his reviews, if any."""
        reviews = self.review_ids.filtered(
            lambda r: self.env.user in r.reviewer_ids and r.comment
        )
        return reviews[:1].comment or ""

    def validate_tier(self):
        """Validate the caller's tier; the loan officer and the investigator
        may not."""
        self._check_separation(self.env._("approve"))
        return super().validate_tier()

    def _move_to(self, state, values=None):
        """Ask for the approval tiers when the application reaches approval."""
        result = super()._move_to(state, values)
        if state == "approval":
            self._request_tiers()
        return result

    def _check_before_approval(self, amount):
        """The tiers and the authority limit, after the other checks."""
        result = super()._check_before_approval(amount)
        self._check_tiers(amount)
        return result

    def _request_tiers(self):
        """Ask for the tiers that apply to applications reaching approval."""
        for application in self.filtered(lambda a: a.state == "approval"):
            if application.need_validation:
                application.request_validation()

    def _check_tiers(self, amount):
        """Validate the approver's own tiers, then refuse the approval while a
        tier is open, or beyond his authority limit when no other approver
        validated a tier."""
        self.ensure_one()
        user = self.env.user
        if self.review_ids:
            mine = self.review_ids.filtered(
                lambda r: r.status in ("waiting", "pending") and user in r.reviewer_ids
            )
            if mine and self.can_review:
                self._validate_tier(mine)
            if self.validation_status != "validated":
                open_reviews = self.review_ids.filtered(
                    lambda r: r.status not in ("approved",)
                )
                raise UserError(
                    self.env._(
                        "%(application)s still waits for its approval tiers: "
                        "%(tiers)s.",
                        application=self.name,
                        tiers=", ".join(
                            f"{review.name} ({review.todo_by})"
                            for review in open_reviews.sorted("sequence")
                        ),
                    )
                )
        limit = user.microloan_authority_limit
        others = self.review_ids.filtered(
            lambda r: r.status == "approved" and r.done_by != user
        )
        if limit and self.currency_id.compare_amounts(amount, limit) > 0 and not others:
            raise UserError(
                self.env._(
                    "%(amount)s is beyond your authority limit (授权额度) of "
                    "%(limit)s: %(application)s needs approval tiers with other "
                    "approvers.",
                    amount=self.currency_id.format(amount),
                    limit=self.currency_id.format(limit),
                    application=self.name,
                )
            )
