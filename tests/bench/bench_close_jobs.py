"""Benchmark of the daily close as queue jobs (microloan_queue): wall time of a
close run served by the job runner, to compare job-runner capacities (not a test).

It needs a database with ``microloan_queue`` installed and, at the same time, an
Odoo serving it with the job runner, for instance (two HTTP workers, one or two
jobs at a time):

    ODOO_QUEUE_JOB_CHANNELS=root:2 .venv/bin/python /opt/odoo18/odoo-bin \\
        -c .local/odoo.conf -d DB --workers=2 --load=base,web,queue_job \\
        --max-cron-threads=0

then, from another shell:

    .venv/bin/python tests/bench/bench_close_jobs.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,/opt/odoo18/addons,addons,OCA \\
        --db_host=... --db_port=... --db_user=microloan [--loans 4000] \\
        [--branches 2] [--runs 2] [--label "root:2"]

(OCA: the folder ``.local/oca-addons/<hash>/odoo/addons``; the other options as
in ``.local/odoo.conf``.) The first run creates its branches and loans (100,000
at 12% over 12 months, created in batches and marked active; nine in ten
disbursed in the 25 days before ``--day``, one in ten overdue since 60 to 300
days) and closes the day before ``--day`` inline, untimed. Each measured run
then enqueues the close of the next day of every bench branch
(``microloan.close.run._enqueue_daily_close``), commits, and waits until the
run's jobs are done: the time from the commit to the last job done, with the
loans per second and the run's jobs. Runs close successive days, so they are
not rolled back; re-running the script goes on with the next day.
"""

import time
from datetime import date, timedelta

from bench_data import argument_parser, create_branch, create_loans, open_registry

from odoo import SUPERUSER_ID, api

NAME = "Jobs Bench Branch %d"


def parse_args():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=2)
    parser.add_argument("--day", default="2025-12-01", help="first day closed")
    parser.add_argument("--label", default="", help="printed with the figures")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.set_defaults(loans=4000, runs=2)
    return parser.parse_args()


def create_data(env, args, first_day):
    branches = env["res.company"]
    per_branch = args.loans // args.branches
    for index in range(args.branches):
        branch, product, borrowers = create_branch(
            env,
            NAME % index,
            "JB%d" % index,
            "3101051980%02d01" % (index + 1),
        )
        branches |= branch

        def disbursement_date(loan_index):
            if loan_index % 10 == 9:
                return first_day - timedelta(days=60 + loan_index % 240)
            return first_day - timedelta(days=1 + loan_index % 25)

        create_loans(env, product, borrowers, per_branch, disbursement_date)
    print("Closing the day before the first day (inline, untimed)...")
    for branch in branches:
        branch.microloan_closed_date = first_day - timedelta(days=2)
    env["microloan.loan"]._run_daily_close(first_day - timedelta(days=1), branches)
    env.cr.commit()
    return branches


def wait_for(env, run, timeout):
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        time.sleep(0.5)
        env.cr.rollback()  # a fresh snapshot of the jobs
        env.invalidate_all()
        if run.job_ids and run.state in ("done", "failed"):
            return
    raise SystemExit(f"{run.name}: not done after {timeout:.0f} s ({run.state})")


def measure(env, branches, timeout):
    day = min(branches.mapped("microloan_closed_date")) + timedelta(days=1)
    Run = env["microloan.close.run"]
    run = Run._enqueue_daily_close(day, branches)
    env.cr.commit()
    started = time.perf_counter()
    wait_for(env, run, timeout)
    jobs = run.job_ids
    last_done = max(jobs.mapped("date_done"))
    first_created = min(jobs.mapped("date_created"))
    wall = (last_done - first_created).total_seconds()
    polled = time.perf_counter() - started
    busy = sum(jobs.mapped("exec_time"))
    return day, run, wall, polled, busy


def main():
    args = parse_args()
    registry = open_registry(args)
    first_day = date.fromisoformat(args.day)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        branches = env["res.company"].search(
            [("name", "in", [NAME % i for i in range(args.branches)])]
        )
        if len(branches) < args.branches:
            print(f"Creating {args.loans} loans in {args.branches} branches...")
            branches = create_data(env, args, first_day)
        env = env(context={})
        branches = branches.with_env(env)
        for _run in range(args.runs):
            day, run, wall, polled, busy = measure(env, branches, args.timeout)
            loans = run.loan_count
            print(
                f"{args.label} close of {day}: {loans} loans in "
                f"{len(branches)} branches, {len(run.job_ids)} jobs "
                f"({run.job_failed_count} failed): {wall:.1f} s from the first "
                f"job created to the last done ({polled:.1f} s polled), "
                f"{loans / wall:.0f} loans/s; jobs' own time {busy:.1f} s "
                f"(× {busy / wall:.2f} parallel)"
            )


if __name__ == "__main__":
    main()
