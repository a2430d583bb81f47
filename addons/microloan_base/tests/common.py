from contextlib import contextmanager
from pathlib import Path

import polib

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user
from odoo.tools.translate import TranslationModuleReader

from ..tools.identity import resident_id_check_char, uscc_check_char

# Published examples: a GB 11643 resident identity number and a GB 32100 code.
VALID_RESIDENT_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"


def make_resident_id(first17):
    """A valid resident identity number from its first 17 digits."""
    return first17 + resident_id_check_char(first17)


def make_uscc(first17):
    """A valid unified social credit code from its first 17 characters."""
    return first17 + uscc_check_char(first17)


class MicroloanCommon(TransactionCase):
    """Head office HO with two branches, BJ and SH; users of every role in BJ and
    an officer in SH; a head-office product; borrowers in each branch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.cny = cls.env.ref("base.CNY")
        cls.cny.active = True
        cls.head_office = cls.env["res.company"].create(
            {
                "name": "Microloan Head Office",
                "microloan_branch_code": "HO",
                "currency_id": cls.cny.id,
            }
        )
        cls.branch_bj = cls.env["res.company"].create(
            {
                "name": "Beijing Branch",
                "microloan_branch_code": "BJ",
                "parent_id": cls.head_office.id,
                "currency_id": cls.cny.id,
            }
        )
        cls.branch_sh = cls.env["res.company"].create(
            {
                "name": "Shanghai Branch",
                "microloan_branch_code": "SH",
                "parent_id": cls.head_office.id,
                "currency_id": cls.cny.id,
            }
        )
        all_companies = cls.head_office | cls.branch_bj | cls.branch_sh
        cls.env.user.company_ids |= all_companies

        def user(login, group, company):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"microloan_base.group_microloan_{group}",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.officer = user("officer_bj", "officer", cls.branch_bj)
        cls.officer_sh = user("officer_sh", "officer", cls.branch_sh)
        cls.approver = user("approver_bj", "approver", cls.branch_bj)
        cls.risk = user("risk_bj", "risk", cls.branch_bj)
        cls.finance = user("finance_bj", "finance", cls.branch_bj)
        cls.auditor = user("auditor_bj", "auditor", cls.branch_bj)
        cls.admin = new_test_user(
            cls.env,
            login="admin_ho",
            groups="microloan_base.group_microloan_admin",
            company_id=cls.head_office.id,
            company_ids=[Command.set(all_companies.ids)],
        )

        GuaranteeType = cls.env["microloan.guarantee.type"]
        cls.type_credit = cls.env.ref("microloan_base.guarantee_type_credit")
        cls.type_guaranty = cls.env.ref("microloan_base.guarantee_type_guaranty")
        cls.type_mortgage = cls.env.ref("microloan_base.guarantee_type_mortgage")
        cls.type_pledge = cls.env.ref("microloan_base.guarantee_type_pledge")
        cls.type_joint = cls.env.ref("microloan_base.guarantee_type_joint")
        cls.product = cls.env["microloan.product"].create(
            {
                "name": "Business Loan",
                "code": "BIZ",
                "company_id": cls.head_office.id,
                "currency_id": cls.cny.id,
                "repayment_method": "annuity",
                "amount_min": 1000.0,
                "amount_default": 100000.0,
                "amount_max": 500000.0,
                "term_min": 3,
                "term_default": 12,
                "term_max": 36,
                "rate_min": 6.0,
                "rate_default": 12.0,
                "rate_max": 24.0,
                "guarantee_type_ids": [Command.set(GuaranteeType.search([]).ids)],
            }
        )
        cls.borrower = cls.env["res.partner"].create(
            {
                "name": "Zhang San",
                "company_id": cls.branch_bj.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": VALID_RESIDENT_ID,
            }
        )
        cls.borrower_sh = cls.env["res.partner"].create(
            {
                "name": "Fuzhou Trading Co., Ltd.",
                "company_id": cls.branch_sh.id,
                "microloan_borrower_type": "enterprise",
                "microloan_id_type": "uscc",
                "microloan_id_number": VALID_USCC,
            }
        )
        cls.guarantor = cls.env["res.partner"].create(
            {
                "name": "Li Si",
                "company_id": cls.branch_bj.id,
                "microloan_borrower_type": "farmer",
                "microloan_id_type": "resident_id",
                "microloan_id_number": make_resident_id("32010619800101001"),
            }
        )

    @contextmanager
    def assertRefused(self, exception, regex):
        """Expect ``exception`` with a message matching ``regex``. Odoo's
        ``assertRaises`` rolls back to a savepoint, as a failed request would."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)

    @classmethod
    def _loan_vals(cls, **vals):
        return {
            "partner_id": cls.borrower.id,
            "product_id": cls.product.id,
            "company_id": cls.branch_bj.id,
            "guarantee_type_id": cls.type_credit.id,
            "amount": 100000.0,
            "interest_rate": 12.0,
            "term": 12,
            "application_date": "2025-01-05",
            "disbursement_date": "2025-01-10",
            **vals,
        }

    @classmethod
    def _create_loan(cls, user=None, **vals):
        Loan = cls.env["microloan.loan"]
        if user:
            Loan = Loan.with_user(user).with_company(cls.branch_bj)
            vals.setdefault("user_id", user.id)
        else:
            vals.setdefault("user_id", cls.officer.id)
        return Loan.create(cls._loan_vals(**vals))

    @classmethod
    def _create_revolving_product(cls, code="BCL", **vals):
        """A head-office revolving product (随借随还): 1,000 to 500,000 at 6% to
        24% a year, 12% by default."""
        return cls.env["microloan.product"].create(
            {
                "name": "Business Credit Line",
                "code": code,
                "company_id": cls.head_office.id,
                "currency_id": cls.cny.id,
                "repayment_method": "revolving",
                "amount_min": 1000.0,
                "amount_default": 100000.0,
                "amount_max": 500000.0,
                "rate_min": 6.0,
                "rate_default": 12.0,
                "rate_max": 24.0,
                **vals,
            }
        )

    @classmethod
    def _create_active_line(cls, product):
        """An active 2025 credit line of ``product`` for the Beijing borrower."""
        line = cls.env["microloan.credit.line"].create(
            {
                "partner_id": cls.borrower.id,
                "product_id": product.id,
                "company_id": cls.branch_bj.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
            }
        )
        line.with_user(cls.approver).action_activate()
        return line

    @classmethod
    def _create_collateral(cls, type_xmlid="collateral_type_residential", **vals):
        collateral = cls.env["microloan.collateral"].create(
            {
                "name": "Flat 1201, 8 Jianguo Road",
                "type_id": cls.env.ref(f"microloan_base.{type_xmlid}").id,
                "owner_id": cls.borrower.id,
                "company_id": cls.branch_bj.id,
                "lien_number": "京(2025)朝阳区不动产证明第0012345号",
                "lien_date": "2025-01-08",
                "valuation_ids": [
                    Command.create({"date": "2025-01-02", "value": 250000.0})
                ],
                **vals,
            }
        )
        return collateral


def untranslated_terms(env, module, lang="zh_CN"):
    """The terms of ``module`` (code, views, data, as Odoo exports them) that
    its ``i18n/<lang>.po`` leaves untranslated, sorted. A term of a record (a
    view's text, a field's label) counts as translated only where the entry
    names that record: Odoo applies an entry to the records it lists, so a
    view missing from the list keeps its English."""
    # The source terms only: read in English (the language need not be
    # installed on the test database).
    reader = TranslationModuleReader(env.cr, modules=[module], lang="en_US")
    terms = set()
    for row_module, kind, name, res_id, source, _v, _c in reader:
        if row_module != module:
            continue
        if kind in ("model", "model_terms"):
            terms.add(f"{source} ({kind}:{name}:{res_id})")
        else:
            terms.add(source)
    path = Path(get_module_path(module)) / "i18n" / f"{lang}.po"
    translated = set()
    for entry in polib.pofile(str(path)):
        if not entry.msgstr or entry.obsolete or "fuzzy" in entry.flags:
            continue
        translated.add(entry.msgid)
        for occurrence, _line in entry.occurrences:
            if occurrence.startswith(("model:", "model_terms:")):
                translated.add(f"{entry.msgid} ({occurrence})")
    return sorted(terms - translated)
