{
    "name": "Microloan Reports: Dashboards",
    "summary": "Spreadsheet dashboards of the loan book for head office and for a "
    "branch manager",
    "version": "18.0.1.0.0",
    "category": "Lending",
    "author": "Microloan for Odoo",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["microloan_reports", "spreadsheet_dashboard"],
    "data": ["data/microloan_dashboards.xml"],
}
