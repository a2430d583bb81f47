{
    "name": "Microloan Accounting",
    "summary": "Every loan money movement in the branch's own journals",
    "version": "18.0.1.0.0",
    "category": "Lending",
    "author": "Microloan for Odoo",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["account", "microloan_base"],
    "external_dependencies": {"python": ["microloan_engine"]},
    "data": [
        "views/res_config_settings_views.xml",
        "views/microloan_product_views.xml",
        "views/microloan_loan_transaction_views.xml",
        "views/account_move_views.xml",
    ],
}
