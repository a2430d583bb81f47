"""Parallel repayments on one loan over XML-RPC; prints what the callers got (not
a test).

Run against a served database with the demo data (``scripts/run``; several
workers make the posts really parallel, e.g. ``scripts/run -- --workers 4``):

    python3 tests/bench/bench_parallel_repayments.py \\
        [--url http://127.0.0.1:8069] [--db microloan] [--login finance_cd] \\
        [--loan CD-2026-00004] [--posts 50] [--amount 1.00]

Each of ``--posts`` threads opens its own connection and registers one repayment
of ``--amount`` on the same active loan, dated today, with its own reference, all
released at once. Every answer is classed: ``posted`` (a transaction id),
``busy`` (the translated "being updated by another posting, try again" refusal),
``refused`` (another user error) or ``raw`` (a server error: a traceback, what
must never happen). It prints the counts, the latency percentiles and, as a
check of integrity, that every posted reference exists exactly once. Then the
busy callers retry once with the same reference (idempotent), as an integration
would. Only 127.0.0.1 is allowed as the target.
"""

import argparse
import statistics
import threading
import time
import uuid
import xmlrpc.client
from datetime import date
from urllib.parse import urlparse

BUSY_TEXT = ("being updated by another posting", "正在被另一笔记账更新")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="microloan")
    parser.add_argument("--login", default="finance_cd")
    parser.add_argument("--password", default=None, help="default: the login")
    parser.add_argument(
        "--loan", default=None, help="loan number (default: any active)"
    )
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--amount", type=float, default=1.0)
    args = parser.parse_args()
    host = urlparse(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--url must point at this machine (127.0.0.1)")
    if not 1 <= args.posts <= 200:
        parser.error("--posts: 1 to 200")
    return args


def classify(fault):
    if fault.faultCode == 1:
        return "raw"
    if any(text in fault.faultString for text in BUSY_TEXT):
        return "busy"
    return "refused"


def post(args, uid, loan_id, reference, barrier, results, index):
    proxy = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)
    barrier.wait()
    start = time.perf_counter()
    try:
        proxy.execute_kw(
            args.db,
            uid,
            args.password,
            "microloan.loan",
            "register_repayment",
            [[loan_id], args.amount, date.today().isoformat()],
            {"reference": reference},
        )
        outcome, message = "posted", ""
    except xmlrpc.client.Fault as fault:
        outcome, message = classify(fault), fault.faultString.splitlines()[-1][:120]
    except OSError as error:  # connection refused or reset
        outcome, message = "raw", str(error)
    results[index] = (outcome, time.perf_counter() - start, reference, message)


def run_round(args, uid, loan_id, references):
    barrier = threading.Barrier(len(references))
    results = [None] * len(references)
    threads = [
        threading.Thread(
            target=post, args=(args, uid, loan_id, ref, barrier, results, i)
        )
        for i, ref in enumerate(references)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def report(title, results):
    counts = {}
    for outcome, _s, _r, _m in results:
        counts[outcome] = counts.get(outcome, 0) + 1
    latencies = sorted(r[1] for r in results)
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(
        f"{title}: {len(results)} posts: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f"; latency p50 {statistics.median(latencies):.2f} s, "
        f"p95 {p95:.2f} s, max {latencies[-1]:.2f} s"
    )
    for outcome, _s, reference, message in results:
        if outcome in ("raw", "refused"):
            print(f"  {outcome} {reference}: {message}")
    return counts


def main():
    args = parse_args()
    args.password = args.password or args.login
    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common")
    uid = common.authenticate(args.db, args.login, args.password, {})
    if not uid:
        raise SystemExit(f"cannot log in as {args.login} on {args.db}")
    proxy = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)
    domain = [("state", "=", "active")]
    if args.loan:
        domain.append(("name", "=", args.loan))
    loans = proxy.execute_kw(
        args.db,
        uid,
        args.password,
        "microloan.loan",
        "search_read",
        [domain],
        {"fields": ["name", "ledger_version"], "limit": 1},
    )
    if not loans:
        raise SystemExit("no active loan found")
    loan = loans[0]
    run = uuid.uuid4().hex[:8]
    references = [f"PAR-{run}-{i:03d}" for i in range(args.posts)]
    print(f"{args.posts} parallel repayments of {args.amount} on {loan['name']}")
    first = run_round(args, uid, loan["id"], references)
    counts = report("round 1", first)
    busy = [r[2] for r in first if r[0] == "busy"]
    if busy:
        counts_retry = report(
            "retry of the busy ones", run_round(args, uid, loan["id"], busy)
        )
    else:
        counts_retry = {}
    posted = proxy.execute_kw(
        args.db,
        uid,
        args.password,
        "microloan.loan.transaction",
        "search_read",
        [[("reference", "ilike", f"PAR-{run}-%")]],
        {"fields": ["reference"]},
    )
    found = [p["reference"].upper() for p in posted]
    duplicates = len(found) - len(set(found))
    print(
        f"integrity: {len(found)} posted references in the ledger, "
        f"{duplicates} duplicates; raw errors: "
        f"{counts.get('raw', 0) + counts_retry.get('raw', 0)}"
    )


if __name__ == "__main__":
    main()
