{
    "name": "Microloan Background Jobs",
    "summary": "The nightly close and the month end as queue jobs, one per branch and "
    "batch of loans, spread over the workers and servers of the job runner",
    "version": "18.0.1.0.0",
    "category": "Lending",
    "author": "Microloan for Odoo",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["microloan_base", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "data/microloan_queue_cron_data.xml",
        "views/microloan_close_run_views.xml",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
