from odoo.tests import common as odoo_tests_common

# queue_job's tests/common.py registers its patcher in SETATTR_SOURCES, which
# Odoo 18 builds before mid-2025 lack; without it, trap_jobs cannot be
# imported. An empty registry is what a newer Odoo starts with.
if not hasattr(odoo_tests_common, "SETATTR_SOURCES"):
    odoo_tests_common.SETATTR_SOURCES = {}

# pylint: disable=wrong-import-position
from odoo.addons.queue_job.controllers.main import RunJobController  # noqa: E402
from odoo.addons.queue_job.job import Job  # noqa: E402
from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402, F401


def perform_trapped(trap, limit=500):
    """Perform the jobs ``trap`` (``queue_job.tests.common.trap_jobs``) holds,
    and the jobs they enqueue, until none is left; return how many ran."""
    count = 0
    while trap.enqueued_jobs:
        count += len(trap.enqueued_jobs)
        if count > limit:
            raise AssertionError(f"More than {limit} jobs: a job enqueues itself?")
        trap.perform_enqueued_jobs()
    return count


def perform_stored(env, run, limit=500):
    """Run the stored jobs of ``run`` the way the job runner's controller does
    (perform, mark done, release the jobs waiting on it), in the test's
    transaction, until none is pending; return how many ran."""
    count = 0
    while True:
        env.invalidate_all()
        pending = run.job_ids.filtered(lambda job: job.state in ("pending", "enqueued"))
        if not pending:
            return count
        for record in pending.sorted("id"):
            count += 1
            if count > limit:
                raise AssertionError(f"More than {limit} jobs: a job enqueues itself?")
            job = Job.load(env, record.uuid)
            RunJobController._try_perform_job(env, job)
            RunJobController._enqueue_dependent_jobs(env, job)
