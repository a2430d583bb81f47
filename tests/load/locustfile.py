"""Interactive load on a served Microloan database (issue 13, item 7): Locust
users logged in as the demo users of both branches (officer, risk, approver,
finance, auditor; login = password), each doing what the web client does with a
think time of about 5 s: loan, installment and borrower lists
(``web_search_read``), loan forms (``web_read`` with the schedule), and, for
finance users, a repayment (``register_repayment`` of 1.00 with a unique
reference) and now and then the close of a loan (``payoff_quote`` then
``payoff``) from a pool the run prepares.

Not a test: run it with ``tests/load/run`` (bounded users and time, 127.0.0.1
only), against ``scripts/run`` with demo data; see tests/load/README.md. Never
imported by the test suite (Locust lives in its own virtualenv).
"""

import itertools
import os
import random
import time
import uuid
from datetime import date
from urllib.parse import urlsplit

from gevent.queue import Empty, Queue
from locust import HttpUser, between, events, task
from locust.exception import StopUser

DB = os.environ.get("MICROLOAN_LOAD_DB", "microloan")
THINK_MIN = float(os.environ.get("MICROLOAN_LOAD_THINK_MIN", "4"))
THINK_MAX = float(os.environ.get("MICROLOAN_LOAD_THINK_MAX", "6"))
# Loans prepared per branch for the closes (payoffs) of a run.
CLOSE_POOL = int(os.environ.get("MICROLOAN_LOAD_CLOSE_POOL", "10"))
BRANCHES = ("cd", "hz")
ROLES = ("officer", "risk", "approver", "finance", "auditor")
LOGINS = [f"{role}_{branch}" for branch in BRANCHES for role in ROLES]
_logins = itertools.cycle(LOGINS)
# Per branch: loans to pay off during the run (prepared at the start); no
# repayment goes to them, so that each payoff settles a loan as disbursed.
CLOSE_QUEUES = {branch: Queue() for branch in BRANCHES}
CLOSE_POOL_IDS = set()

LOAN_LIST = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "product_id": {"fields": {"display_name": {}}},
    "guarantee_type_id": {"fields": {"display_name": {}}},
    "disbursement_date": {},
    "maturity_date": {},
    "interest_rate": {},
    "amount": {},
    "principal_outstanding": {},
    "currency_id": {"fields": {}},
    "is_overdue": {},
    "user_id": {"fields": {"display_name": {}}},
    "state": {},
}
LOAN_FORM = {
    **LOAN_LIST,
    "company_id": {"fields": {"display_name": {}}},
    "application_date": {},
    "term": {},
    "frequency": {},
    "repayment_day": {},
    "first_due_date": {},
    "annualized_rate": {},
    "total_interest": {},
    "total_payment": {},
    "fee_amount": {},
    "purpose": {},
    "submitted_by_id": {"fields": {"display_name": {}}},
    "approved_by_id": {"fields": {"display_name": {}}},
    "installment_ids": {
        "fields": {
            "sequence": {},
            "due_date": {},
            "principal": {},
            "interest": {},
            "fee": {},
            "amount": {},
            "balance": {},
            "currency_id": {"fields": {}},
            "state": {},
        },
        "limit": 40,
        "order": "sequence ASC",
    },
}
INSTALLMENT_LIST = {
    "loan_id": {"fields": {"display_name": {}}},
    "sequence": {},
    "due_date": {},
    "amount": {},
    "amount_residual": {},
    "currency_id": {"fields": {}},
    "state": {},
}
BORROWER_LIST = {
    "display_name": {},
    "microloan_borrower_type": {},
    "microloan_id_number": {},
    "phone": {},
    "email": {},
    "company_id": {"fields": {"display_name": {}}},
}


class RpcError(Exception):
    pass


def check_local(host):
    """The load is only ever sent to this machine."""
    hostname = urlsplit(host or "").hostname
    if hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"--host must be http://127.0.0.1:PORT, not {host!r}")


class RpcSession:
    """JSON-RPC the way the web client calls the server."""

    def __init__(self, client):
        self.client = client
        self.ids = itertools.count(1)

    def post(self, url, params, name):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": params,
            "id": next(self.ids),
        }
        with self.client.post(url, json=payload, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                raise RpcError(name)
            body = r.json()
            if "error" in body:
                message = body["error"].get("data", {}).get("message", body["error"])
                r.failure(str(message)[:200])
                raise RpcError(message)
            return body["result"]

    def login(self, login):
        return self.post(
            "/web/session/authenticate",
            {"db": DB, "login": login, "password": login},
            "login",
        )

    def call(self, model, method, args, kwargs=None, name=None):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            name or f"{model}.{method}",
        )


# Every request, as (seconds since the start, name, milliseconds, failed), for
# the steady-state summary printed at the end (after the ramp and the logins).
SAMPLES = []
STARTED = time.monotonic()
WARMUP = float(os.environ.get("MICROLOAN_LOAD_WARMUP", "10"))
STEADY_FROM = None  # set once every user is logged in
SPAWNED = READY = 0
KINDS = {
    "list loans": "read",
    "open loan": "read",
    "list installments": "read",
    "list borrowers": "read",
    "repayment": "repayment",
    "close: payoff quote": "close",
    "close: payoff": "close",
}


@events.init.add_listener
def on_init(environment, **_kwargs):
    check_local(environment.host)


@events.request.add_listener
def on_request(name, response_time, exception, **_kwargs):
    SAMPLES.append((time.monotonic() - STARTED, name, response_time, bool(exception)))


@events.spawning_complete.add_listener
def on_spawned(user_count, **_kwargs):
    global SPAWNED
    SPAWNED = user_count
    user_ready()


def user_ready(started=0):
    """Count the users past their login; once all are, the steady state starts
    ``WARMUP`` seconds later."""
    global READY, STEADY_FROM
    READY += started
    if SPAWNED and READY >= SPAWNED and STEADY_FROM is None:
        STEADY_FROM = time.monotonic() - STARTED + WARMUP
        print(f"{READY} users logged in; steady state from {STEADY_FROM:.0f} s")


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


@events.quitting.add_listener
def print_steady_state(environment, **_kwargs):
    """p50/p95 per kind of request once every user is logged in and
    ``WARMUP`` seconds more have passed (the logins' ramp left out)."""
    if STEADY_FROM is None:
        return
    rows = [sample for sample in SAMPLES if sample[0] >= STEADY_FROM]
    if not rows:
        return
    span = max(sample[0] for sample in rows) - STEADY_FROM
    print(f"Steady state: {len(rows)} requests in {span:.0f} s")
    print(f"{'kind':<10} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for kind in ("read", "repayment", "close"):
        times = [t for _at, name, t, _f in rows if KINDS.get(name) == kind]
        failed = sum(1 for _at, name, _t, f in rows if KINDS.get(name) == kind and f)
        if times:
            print(
                f"{kind:<10} {len(times):>8} {failed:>6} "
                f"{percentile(times, 0.5):>7.0f} {percentile(times, 0.95):>7.0f}"
            )
    errors = sum(1 for *_rest, failed in rows if failed)
    print(f"all        {len(rows):>8} {errors:>6}  ({len(rows) / span:.1f} req/s)")


@events.test_start.add_listener
def prepare_closes(environment, **_kwargs):
    """Loans for the closes: per branch, ``CLOSE_POOL`` loans of 10,000
    created by the officer, approved by the approver and disbursed today by
    finance, for the finance users to pay off during the run."""
    if not CLOSE_POOL:
        return
    import requests  # Locust's own dependency

    today = date.today().isoformat()
    for branch in BRANCHES:
        sessions = {}
        for role in ("officer", "approver", "finance"):
            sessions[role] = _PlainRpc(requests.Session(), environment.host)
            sessions[role].login(f"{role}_{branch}")
        officer = sessions["officer"]
        uid = officer.uid
        company_id = officer.company_id
        partners = officer.call(
            "res.partner",
            "search",
            [
                [
                    ("company_id", "=", company_id),
                    ("microloan_borrower_type", "!=", False),
                    ("microloan_id_number", "!=", False),
                ]
            ],
            {"limit": 5},
        )
        products = officer.call(
            "microloan.product", "search", [[("term_min", "<=", 12)]], {"limit": 1}
        )
        product = officer.call(
            "microloan.product",
            "read",
            [products, ["amount_min", "rate_default", "term_default"]],
        )[0]
        # Unsecured (信用): no collateral nor guarantor to register first.
        credit = officer.call(
            "microloan.guarantee.type",
            "search",
            [
                [
                    ("requires_collateral", "=", False),
                    ("requires_guarantor", "=", False),
                    ("requires_guarantee_group", "=", False),
                ]
            ],
            {"limit": 1},
        )
        for index in range(CLOSE_POOL):
            loan_id = officer.call(
                "microloan.loan",
                "create",
                [
                    {
                        "partner_id": partners[index % len(partners)],
                        "product_id": product["id"],
                        "company_id": company_id,
                        "guarantee_type_id": credit[0],
                        "user_id": uid,
                        "amount": product["amount_min"],
                        "interest_rate": product["rate_default"],
                        "term": product["term_default"],
                        "application_date": today,
                        "disbursement_date": today,
                    }
                ],
            )
            officer.call("microloan.loan", "action_submit", [[loan_id]])
            sessions["approver"].call("microloan.loan", "action_approve", [[loan_id]])
            sessions["finance"].call(
                "microloan.loan",
                "disburse",
                [[loan_id], product["amount_min"], today, f"LOAD-D-{uuid.uuid4().hex}"],
            )
            CLOSE_QUEUES[branch].put(loan_id)
            CLOSE_POOL_IDS.add(loan_id)
    print(f"prepared {CLOSE_POOL} loans to close per branch")


class _PlainRpc:
    """JSON-RPC over requests, outside Locust's statistics (preparation)."""

    def __init__(self, http, host):
        self.http = http
        self.host = host.rstrip("/")
        self.uid = None
        self.company_id = None

    def _post(self, path, params):
        body = self.http.post(
            self.host + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            timeout=120,
        ).json()
        if "error" in body:
            raise RpcError(body["error"].get("data", {}).get("message", body))
        return body["result"]

    def login(self, login):
        info = self._post(
            "/web/session/authenticate",
            {"db": DB, "login": login, "password": login},
        )
        self.uid = info["uid"]
        self.company_id = info["user_companies"]["current_company"]

    def call(self, model, method, args, kwargs=None):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )


class MicroloanUser(HttpUser):
    """One demo user of a branch (round robin over the roles and branches)."""

    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        self.login = next(_logins)
        self.role, self.branch = self.login.split("_")
        self.rpc = RpcSession(self.client)
        try:
            info = self.rpc.login(self.login)
        except RpcError as error:
            user_ready(1)
            raise StopUser() from error
        user_ready(1)
        self.rpc_context = {
            **info.get("user_context", {}),
            "allowed_company_ids": [info["user_companies"]["current_company"]],
        }
        self.loan_ids = []
        self.active_loan_ids = []
        self.list_loans()
        self.active_loan_ids = self.rpc.call(
            "microloan.loan",
            "search",
            [[("state", "=", "active"), ("id", "not in", list(CLOSE_POOL_IDS))]],
            {"limit": 20, "context": self.rpc_context},
            name="microloan.loan.search (active)",
        )

    def _kwargs(self, **kwargs):
        return {"context": self.rpc_context, **kwargs}

    @task(6)
    def list_loans(self):
        result = self.rpc.call(
            "microloan.loan",
            "web_search_read",
            [],
            self._kwargs(
                specification=LOAN_LIST,
                domain=[],
                offset=0,
                limit=80,
                order="",
                count_limit=10001,
            ),
            name="list loans",
        )
        self.loan_ids = [record["id"] for record in result["records"]]

    @task(6)
    def open_loan(self):
        if not self.loan_ids:
            return
        self.rpc.call(
            "microloan.loan",
            "web_read",
            [[random.choice(self.loan_ids)]],
            self._kwargs(specification=LOAN_FORM),
            name="open loan",
        )

    @task(3)
    def list_installments(self):
        self.rpc.call(
            "microloan.loan.installment",
            "web_search_read",
            [],
            self._kwargs(
                specification=INSTALLMENT_LIST,
                domain=[("state", "=", "open")],
                offset=0,
                limit=80,
                order="due_date ASC",
                count_limit=10001,
            ),
            name="list installments",
        )

    @task(3)
    def list_borrowers(self):
        self.rpc.call(
            "res.partner",
            "web_search_read",
            [],
            self._kwargs(
                specification=BORROWER_LIST,
                domain=[("microloan_borrower_type", "!=", False)],
                offset=0,
                limit=80,
                order="",
                count_limit=10001,
            ),
            name="list borrowers",
        )

    @task(2)
    def repayment(self):
        if self.role != "finance" or not self.active_loan_ids:
            return
        self.rpc.call(
            "microloan.loan",
            "register_repayment",
            [
                [random.choice(self.active_loan_ids)],
                1.0,
                date.today().isoformat(),
                f"LOAD-{uuid.uuid4().hex}",
            ],
            self._kwargs(),
            name="repayment",
        )

    @task(1)
    def close(self):
        if self.role != "finance":
            return
        try:
            loan_id = CLOSE_QUEUES[self.branch].get_nowait()
        except Empty:
            return
        today = date.today().isoformat()
        self.rpc.call(
            "microloan.loan",
            "payoff_quote",
            [[loan_id], today],
            self._kwargs(),
            name="close: payoff quote",
        )
        self.rpc.call(
            "microloan.loan",
            "payoff",
            [[loan_id], today, f"LOAD-P-{uuid.uuid4().hex}"],
            self._kwargs(),
            name="close: payoff",
        )
