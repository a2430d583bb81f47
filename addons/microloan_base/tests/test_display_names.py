from odoo.models import BaseModel
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDisplayNames(TransactionCase):
    """Every microloan record has a name a person reads (in a breadcrumb, a
    tag, a link), never Odoo's fallback ``microloan.inspection,13``."""

    def test_every_microloan_model_names_its_records(self):
        nameless = []
        for name in sorted(self.env.registry):
            if not name.startswith("microloan."):
                continue
            model = self.env[name]
            # Wizards are dialogs titled by their action.
            if model._abstract or model._transient:
                continue
            cls = type(model)
            if (
                cls._rec_name is None
                and cls._compute_display_name is BaseModel._compute_display_name
            ):
                nameless.append(name)
        self.assertEqual(nameless, [])
