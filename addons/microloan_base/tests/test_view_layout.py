"""Lists that fit a 1440 px screen in 简体中文 (issue 12, item 8).

``tests/ui/screenshots.py`` walks every microloan menu in Chromium and reports the
cells the browser cut; this test keeps what it found from coming back without a
browser: it reads the arch of every list of the microloan modules (lists of their
own and lists inside their forms, inherited views applied) and checks

- that a date column is given the width of a Chinese date (2026年12月07日: 115 px;
  Odoo gives a date 80 px and a date and time 145 px, made for 12/07/2026), a date
  and time column that of a Chinese date and time, and a loan number column that of
  a loan number (CD-2026-00010);
- that the columns shown by default fit the screen: their widths (the arch's, or
  Odoo's fixed width of the type, or what a Chinese name or label needs) and their
  paddings add up to no more than the list's room at 1440 px; the other columns are
  ``optional="hide"``, to show from the list's column menu.
"""

import re
import unicodedata
from pathlib import Path

import polib
from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

MODULE_PREFIX = "microloan_"
SCREEN_PX = 1440
# The list's room on the screen, as measured in Chromium at 1440 px: the screen
# less the row selector (40 px) and the optional-columns toggle (32 px); a search
# panel takes 220 px; a cell's paddings 10 px.
LIST_PX = SCREEN_PX - 40 - 32
SEARCH_PANEL_PX = 220
CELL_PADDING_PX = 10
DATE_PX = 115
DATETIME_PX = 215
LOAN_NUMBER_PX = 135
# What a column takes when the arch gives no width: Odoo's fixed widths of the
# numbers and dates (web/static/src/views/list/column_width_hook.js), and for text
# what a short Chinese name needs (Odoo's minimum, 80 px, holds five characters).
TYPE_PX = {
    "boolean": 60,
    "date": 80,
    "datetime": 145,
    "float": 93,
    "integer": 71,
    "monetary": 105,
    "selection": 90,
}
TEXT_PX = 100
# The types whose column has a fixed width in Odoo.
FIXED_TYPES = ("date", "datetime", "float", "integer", "monetary")
WIDGET_PX = {
    "handle": 30,
    "list_activity": 80,
    "badge": 90,
    "boolean_toggle": 60,
    "many2one_avatar_user": 120,
    "priority": 80,
    "progressbar": 120,
}


def _px(value):
    return int(value.removesuffix("px")) if value else 0


def _hidden(node):
    """Whether the column is not shown by default."""
    return (
        node.get("optional") == "hide"
        or node.get("column_invisible") in ("1", "True", "true")
        or node.get("invisible") in ("1", "True", "true")
    )


class ListColumns:
    """The columns of one ``<list>`` node of a view, with the model's fields."""

    def __init__(self, env, model, node, where):
        self.model = env[model]
        self.node = node
        self.where = where

    def fields(self):
        for child in self.node:
            if child.tag == "field" and child.get("name") in self.model._fields:
                yield child, self.model._fields[child.get("name")]

    def width(self, node, field):
        if node.get("width"):
            return _px(node.get("width"))
        widget = node.get("widget")
        if widget in WIDGET_PX:
            return WIDGET_PX[widget]
        return TYPE_PX.get(field.type, TEXT_PX)

    def visible_width(self):
        widths = [
            self.width(node, field) + CELL_PADDING_PX
            for node, field in self.fields()
            if not _hidden(node)
        ]
        widths += [
            TYPE_PX["selection"] + CELL_PADDING_PX
            for node in self.node
            if node.tag == "button" and not _hidden(node)
        ][:1]
        return sum(widths)


def narrow_columns(columns):
    """The date, date and time and loan number columns of a list narrower than
    their Chinese text."""
    narrow = []
    for node, field in columns.fields():
        if node.get("column_invisible") in ("1", "True", "true"):
            continue
        if field.type == "date" and node.get("widget") != "remaining_days":
            need = DATE_PX
        elif field.type == "datetime":
            need = DATETIME_PX
        elif (field.type == "many2one" and field.comodel_name == "microloan.loan") or (
            columns.model._name == "microloan.loan" and field.name == "name"
        ):
            need = LOAN_NUMBER_PX
        else:
            continue
        width = _px(node.get("width"))
        if width < need:
            narrow.append(
                f"{columns.where}: {field.name} {width or 'no'} px < {need} px"
            )
    return narrow


def text_px(text):
    """The width of a header's text in Chromium: a Chinese character 14 px, a
    Latin one 9 px at most, and a pixel of rounding."""
    return 1 + sum(14 if unicodedata.east_asian_width(c) in "WF" else 9 for c in text)


def cut_headers(columns):
    """The headers of the columns of fixed width (numbers, dates, or a width in
    the arch) that their label, in the list's language, does not fit."""
    cut = []
    labels = columns.model.fields_get(attributes=["string"])
    for node, field in columns.fields():
        if _hidden(node) and node.get("optional") != "hide":
            continue
        if node.get("width"):
            width = _px(node.get("width"))
        elif field.type in FIXED_TYPES and not node.get("widget"):
            width = TYPE_PX[field.type]
        else:
            continue
        label = node.get("string") or labels[field.name]["string"]
        need = text_px(label)
        if need > width:
            cut.append(f"{columns.where}: {field.name} {label} {need} px > {width} px")
    return cut


@tagged("post_install", "-at_install")
class TestViewLayout(TransactionCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        data = cls.env["ir.model.data"].search(
            [("model", "=", "ir.ui.view"), ("module", "=like", f"{MODULE_PREFIX}%")]
        )
        cls.views = (
            cls.env["ir.ui.view"]
            .browse(data.mapped("res_id"))
            .filtered(lambda v: v.mode == "primary" and v.type in ("list", "form"))
        )

    def _lists(self, lang="en_US"):
        """Every list of the microloan views: (ListColumns, search panel or not),
        with the views' and fields' labels in ``lang``."""
        self.env = self.env(context=dict(self.env.context, lang=lang))
        for view in self.views.with_env(self.env):
            arch = view._get_combined_arch()
            where = view.xml_id or view.name
            if view.type == "list":
                yield ListColumns(self.env, view.model, arch, where), self._panel(view)
            for field_node in arch.iter("field"):
                model = self.env[view.model]
                field = self._field_of(model, field_node)
                if not field or not field.relational:
                    continue
                for list_node in field_node.findall("list"):
                    yield (
                        ListColumns(
                            self.env,
                            field.comodel_name,
                            list_node,
                            f"{where} > {field_node.get('name')}",
                        ),
                        False,
                    )

    def _field_of(self, model, field_node):
        """The field a ``<field>`` node of a form shows, found from its
        ancestors (a list inside a list inside a form)."""
        names = [field_node.get("name")]
        parent = field_node.getparent()
        while parent is not None:
            if parent.tag == "field":
                names.insert(0, parent.get("name"))
            parent = parent.getparent()
        for name in names:
            field = model._fields.get(name)
            if field is None:
                return None
            if name != names[-1]:
                model = self.env[field.comodel_name]
        return field

    def _panel(self, view):
        search = self.env["ir.ui.view"].search(
            [
                ("model", "=", view.model),
                ("type", "=", "search"),
                ("mode", "=", "primary"),
            ]
        )
        return any(
            etree.fromstring(s.arch_db).find(".//searchpanel") is not None
            for s in search
        )

    def test_dates_and_loan_numbers_are_whole(self):
        narrow = [
            problem
            for columns, _panel in self._lists()
            for problem in narrow_columns(columns)
        ]
        self.assertEqual(
            narrow, [], "columns a Chinese date or a loan number does not fit"
        )

    def test_headers_are_whole_in_chinese(self):
        if not self.env["res.lang"]._lang_get("zh_CN"):
            self.skipTest("简体中文 is not installed")
        cut = [
            problem
            for columns, _panel in self._lists(lang="zh_CN")
            for problem in cut_headers(columns)
        ]
        self.assertEqual(cut, [], "column headers cut in 简体中文")

    def test_labels_are_in_chinese(self):
        """Every field a microloan list or form shows has its 简体中文 label (a
        reference missing from a catalogue leaves Odoo's English one)."""
        if not self.env["res.lang"]._lang_get("zh_CN"):
            self.skipTest("简体中文 is not installed")
        english = {}
        for lang in ("en_US", "zh_CN"):
            env = self.env(context=dict(self.env.context, lang=lang))
            for view in self.views.with_env(env):
                arch = view._get_combined_arch()
                for node in arch.iter("field"):
                    model = self._model_of(env[view.model], node)
                    name = node.get("name")
                    if model is None or name not in model._fields or node.get("string"):
                        continue
                    if _hidden(node) and node.get("optional") != "hide":
                        continue
                    label = model._fields[name]._description_string(env)
                    key = (view.xml_id, model._name, name)
                    if lang == "en_US":
                        english[key] = label
                    elif label == english.get(key) and re.search("[A-Za-z]", label):
                        english[key] = None
        untranslated = sorted(
            f"{where}: {model}.{name}"
            for (where, model, name), label in english.items()
            if label is None
        )
        self.assertEqual(untranslated, [], "labels left in English in 简体中文")

    def test_labels_match_the_catalogues(self):
        """A field's or a choice's 简体中文 label is its catalogue's translation of
        its English label: a reference that a merge moved to another entry gives
        it another entry's text (the 征信 events showed 已放款 for 可疑)."""
        if not self.env["res.lang"]._lang_get("zh_CN"):
            self.skipTest("简体中文 is not installed")
        data = self.env["ir.model.data"].search(
            [
                ("module", "=like", f"{MODULE_PREFIX}%"),
                ("model", "in", ("ir.model.fields", "ir.model.fields.selection")),
            ]
        )
        modules_of = {}
        for row in data:
            modules_of.setdefault((row.model, row.res_id), set()).add(row.module)
        catalogues = {}
        wrong = []
        for (model, res_id), modules in modules_of.items():
            if len(modules) != 1:
                continue  # several modules label it: the last one loaded wins
            module = modules.pop()
            if module not in catalogues:
                path = get_module_path(module)
                po = path and Path(path, "i18n", "zh_CN.po")
                catalogues[module] = (
                    {entry.msgid: entry.msgstr for entry in polib.pofile(str(po))}
                    if po and po.exists()
                    else {}
                )
            record = self.env[model].browse(res_id)
            name = "field_description" if model == "ir.model.fields" else "name"
            english = record.with_context(lang="en_US")[name]
            chinese = record.with_context(lang="zh_CN")[name]
            expected = catalogues[module].get(english)
            if expected and chinese != expected:
                wrong.append(f"{module}: {english!r} is {chinese!r}, not {expected!r}")
        self.assertEqual(sorted(wrong), [], "labels that are another entry's text")

    def _model_of(self, model, node):
        """The model whose field a ``<field>`` node shows (the comodel of the
        fields it is nested in)."""
        for parent in reversed([a for a in node.iterancestors() if a.tag == "field"]):
            field = model._fields.get(parent.get("name"))
            if field is None or not field.relational:
                return None
            model = model.env[field.comodel_name]
        return model

    def test_default_columns_fit_1440px(self):
        wide = []
        for columns, panel in self._lists():
            room = LIST_PX - (SEARCH_PANEL_PX if panel else 0)
            width = columns.visible_width()
            if width > room:
                wide.append(f"{columns.where}: {width} px > {room} px")
        self.assertEqual(wide, [], "lists whose default columns do not fit 1440 px")

    def test_the_checks_fail_on_a_bad_list(self):
        """The measures themselves: a list of every loan field does not fit, a
        date or a loan number without its width is found, a long Chinese header
        on a number is cut, and a column hidden by default takes no room."""
        loan = self.env["microloan.loan"]
        names = [
            name
            for name, field in loan._fields.items()
            if field.store and field.type in ("date", "monetary", "char", "many2one")
        ]
        fields = "".join(f'<field name="{name}"/>' for name in names)
        arch = etree.fromstring(f"<list>{fields}</list>")
        columns = ListColumns(self.env, "microloan.loan", arch, "test")
        self.assertGreater(columns.visible_width(), LIST_PX)
        arch = etree.fromstring(
            '<list><field name="name"/><field name="maturity_date" width="80px"/>'
            '<field name="partner_id"/>'
            '<field name="amount" string="逾期贷款剩余本金合计"/>'
            "</list>"
        )
        columns = ListColumns(self.env, "microloan.loan", arch, "test")
        self.assertEqual(
            narrow_columns(columns),
            ["test: name no px < 135 px", "test: maturity_date 80 px < 115 px"],
        )
        self.assertEqual(
            cut_headers(columns),
            [
                "test: maturity_date Maturity Date 118 px > 80 px",
                "test: amount 逾期贷款剩余本金合计 141 px > 105 px",
            ],
        )
        arch = etree.fromstring(
            '<list><field name="maturity_date" optional="hide"/></list>'
        )
        columns = ListColumns(self.env, "microloan.loan", arch, "test")
        self.assertEqual(columns.visible_width(), 0)
