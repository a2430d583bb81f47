"""The translation catalogues as Odoo reads them.

Odoo merges each module's ``zh_CN.po`` with its template (``MODULE.pot``)
and takes the comments from the template: an entry that the template lacks
becomes obsolete, and a Python term whose template entry has no
``#. odoo-python`` flag is never used. Both happened after merges of parallel
branches (the union merge of the catalogues), leaving terms in English in a
Chinese web client although ``zh_CN.po`` translated them.
"""

from pathlib import Path

import pytest

polib = pytest.importorskip("polib")

ADDONS = Path(__file__).resolve().parents[2] / "addons"
CATALOGUES = sorted(ADDONS.glob("*/i18n/zh_CN.po"))


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_catalogue_as_odoo_reads_it(po_path):
    module = po_path.parts[-3]
    pot_path = po_path.with_name(f"{module}.pot")
    assert pot_path.exists(), f"{module} has no template {pot_path.name}"
    po = polib.pofile(str(po_path))
    pot = polib.pofile(str(pot_path))
    # Every entry is read whole: as many entries as msgid lines.
    for catalogue, path in ((po, po_path), (pot, pot_path)):
        text = path.read_text(encoding="utf-8")
        assert len(catalogue) + 1 == text.count("\nmsgid "), f"{path}: entries glued"
    po.merge(pot)
    obsolete = [entry.msgid for entry in po if entry.obsolete]
    assert not obsolete, f"{module}: not in the template: {obsolete[:5]}"
    unflagged = [
        entry.msgid
        for entry in po
        if any(
            place.startswith("code:") and place.endswith(".py")
            for place, _line in entry.occurrences
        )
        and "odoo-python" not in entry.comment
    ]
    assert not unflagged, f"{module}: Python terms without odoo-python: {unflagged[:5]}"
    untranslated = [entry.msgid for entry in po if entry.msgid and not entry.msgstr]
    assert not untranslated, f"{module}: untranslated: {untranslated[:5]}"
