"""What the Odoo benchmarks share: their command line, their connection to the
database and the creation of their data (a branch with a product, borrowers and
active loans). Not a benchmark itself."""

import argparse
import time

import odoo

BATCH = 1000


def argument_parser(description):
    """The options every Odoo benchmark takes; add your own to it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db_host")
    parser.add_argument("--db_port")
    parser.add_argument("--db_user")
    parser.add_argument("--db_password")
    return parser


def open_registry(args):
    """Configure Odoo from the parsed ``args``; return the database's registry."""
    options = [f"--database={args.database}", f"--addons-path={args.addons_path}"]
    for name in ("db_host", "db_port", "db_user", "db_password"):
        if getattr(args, name):
            options.append(f"--{name}={getattr(args, name)}")
    odoo.tools.config.parse_config(options)
    return odoo.modules.registry.Registry(args.database)


def resident_id(first17):
    """A valid resident identity number from its first 17 digits."""
    # Importable once the addons path is configured.
    from odoo.addons.microloan_base.tools.identity import resident_id_check_char

    return first17 + resident_id_check_char(first17)


def create_branch(env, name, code, id_prefix, accounting=False, term_max=36):
    """Create a Chinese branch in CNY with an annuity product and 1,000
    borrowers whose identity numbers start with ``id_prefix`` (14 digits);
    with ``accounting``, the chart of accounts a Chinese branch books on
    (``l10n_cn``'s ``cn``, as the demo's head office; the generic chart when
    ``l10n_cn`` is not installed) and the default loan accounts. The branch
    stays a CNY company: loading a chart sets the company's currency to its
    country's (the generic chart's is not China), and a branch whose company
    currency is not the loans' would convert every item.
    Return (branch, product, borrowers)."""
    cny = env.ref("base.CNY")
    cny.active = True
    branch = env["res.company"].create(
        {
            "name": name,
            "microloan_branch_code": code,
            "currency_id": cny.id,
            "country_id": env.ref("base.cn").id,
        }
    )
    env.user.company_ids |= branch
    if accounting:
        l10n_cn = env["ir.module.module"].search([("name", "=", "l10n_cn")])
        chart = "cn" if l10n_cn.state == "installed" else "generic_coa"
        env["account.chart.template"].try_loading(
            chart, company=branch, install_demo=False
        )
        if branch.currency_id != cny:
            # No entry yet: the company currency can still be changed.
            branch.currency_id = cny
        branch.action_microloan_default_accounts()
    product = env["microloan.product"].create(
        {
            "name": f"{name} Loan",
            "code": code,
            "company_id": branch.id,
            "currency_id": cny.id,
            "repayment_method": "annuity",
            "term_max": term_max,
        }
    )
    borrowers = env["res.partner"].create(
        [
            {
                "name": f"{name} Borrower {index}",
                "company_id": branch.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": resident_id(f"{id_prefix}{index:03d}"),
            }
            for index in range(1000)
        ]
    )
    return branch, product, borrowers


def create_product_and_borrower(env, company, name, code):
    """Create in ``company`` an annuity product ``name`` (``code``) open to any
    rate, term up to 400 months and amount, and one enterprise borrower; for the
    benchmarks that time single loans. Return (product, partner)."""
    credit = env.ref("microloan_base.guarantee_type_credit")
    product = env["microloan.product"].create(
        {
            "name": name,
            "code": code,
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "repayment_method": "annuity",
            "rate_min": 1.0,
            "rate_max": 24.0,
            "term_min": 1,
            "term_max": 400,
            "amount_min": 1.0,
            "amount_max": 10**7,
            "guarantee_type_ids": [(6, 0, credit.ids)],
        }
    )
    partner = env["res.partner"].create(
        {
            "name": f"{name} Borrower",
            "company_id": company.id,
            "microloan_borrower_type": "enterprise",
            "microloan_id_type": "uscc",
            "microloan_id_number": "91350100M000100Y43",
        }
    )
    return product, partner


def create_loans(
    env, product, borrowers, count, disbursement_date, after_batch=None, term=12
):
    """Create ``count`` active loans of ``product`` (100,000 at 12% over
    ``term`` months, schedules built by the engine) in committed batches; the
    ``index``-th is disbursed on ``disbursement_date(index)``. The loans are
    marked active directly: the benchmarks read the installments, not the disbursement
    transaction. ``after_batch(loans)`` may change each batch before it is
    committed."""
    guarantee_type = env.ref("microloan_base.guarantee_type_credit")
    created = 0
    started = time.perf_counter()
    while created < count:
        size = min(BATCH, count - created)
        vals_list = []
        for index in range(created, created + size):
            disbursed = disbursement_date(index)
            vals_list.append(
                {
                    "partner_id": borrowers[index % len(borrowers)].id,
                    "product_id": product.id,
                    "company_id": product.company_id.id,
                    "guarantee_type_id": guarantee_type.id,
                    "user_id": env.user.id,
                    "amount": 100000.0,
                    "interest_rate": 12.0,
                    "term": term,
                    "application_date": disbursed,
                    "disbursement_date": disbursed,
                }
            )
        loans = env["microloan.loan"].create(vals_list)
        loans.write({"state": "active"})
        if after_batch:
            after_batch(loans)
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
        created += size
        print(f"  created {created} loans ({time.perf_counter() - started:.0f} s)")
