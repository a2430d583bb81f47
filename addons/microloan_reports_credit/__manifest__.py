{
    "name": "Microloan Reports: Credit Documents",
    "summary": "The loan approval form (贷款审批表) and the investigation report "
    "(调查报告) of a loan application, printed like the other documents",
    "version": "18.0.1.0.0",
    "category": "Lending",
    "author": "Microloan for Odoo",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["microloan_reports", "microloan_credit"],
    "external_dependencies": {"python": ["microloan_engine"]},
    "data": [
        "report/microloan_reports_credit_reports.xml",
        "report/report_approval_form.xml",
        "report/report_investigation.xml",
    ],
}
