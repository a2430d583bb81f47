from odoo import fields, models

from odoo.addons.queue_job.models.queue_job import QueueJob as QueueJobBase


class QueueJob(models.Model):
    _inherit = "queue.job"
    # Set when the job is stored (microloan.close.run._job_store_values), never
    # by a client: the run's progress is counted from them.
    _protected_fields = (
        *QueueJobBase._protected_fields,
        "microloan_close_run_id",
        "microloan_loan_count",
    )

    microloan_close_run_id = fields.Many2one(
        "microloan.close.run",
        string="Close Run",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="The run of the daily close or month end this job belongs to.",
    )
    microloan_loan_count = fields.Integer(
        string="Loans",
        readonly=True,
        help="Loans of the batch this job closes or accrues.",
    )
