"""The prepared row writer of the long ledgers writes the cells xlsxwriter's
own ``write_*`` methods write: same values, same formats, same XML (it uses
xlsxwriter's internals: a change there fails here)."""

import io
import zipfile
from datetime import date

import openpyxl
import xlsxwriter

from odoo.tests import TransactionCase, tagged

from ..tools.xlsx_rows import PreparedRowWriter

KINDS = (None, None, "money", "date", "rate", "int", None)
ROWS = [
    ("成都分行", "LN/0001", 100000.0, date(2024, 1, 15), 12.0, 0, "正常"),
    # escapes: XML specials, whitespace to preserve, control characters,
    # a literal that looks like an escape
    (" A&B <Co> ", "x\x01y", 0.1 + 0.2, date(1900, 3, 1), 7.25, 3, "_x0041_"),
    # empty text and dates are left out, an empty number is 0
    ("", False, None, None, 0.0, None, "关注"),
    ("张三", "LN/0002", 1234567.891, date(2099, 12, 31), 24.0, 120, "损失"),
]


def build(prepared):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    formats = {
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "rate": workbook.add_format({"num_format": "0.00"}),
        "int": workbook.add_format({"num_format": "0"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        None: None,
    }
    sheet = workbook.add_worksheet("Ledger")
    sheet.freeze_panes(1, 0)
    sheet.write_string(0, 0, "Header")
    writer = PreparedRowWriter(sheet, KINDS, formats)
    for row_index, row in enumerate(ROWS, start=1):
        if prepared:
            writer.write_row(row_index, row)
            continue
        for col, value in enumerate(row):
            kind = KINDS[col]
            if kind is None:
                if value:
                    sheet.write_string(row_index, col, value)
            elif kind == "date":
                if value:
                    sheet.write_datetime(row_index, col, value, formats["date"])
            else:
                sheet.write_number(row_index, col, value or 0, formats[kind])
    sheet.write_number(len(ROWS) + 1, 2, 42.0, formats["money"])
    sheet.autofilter(0, 0, len(ROWS), len(KINDS) - 1)
    workbook.close()
    return buffer.getvalue()


def sheet_xml(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@tagged("post_install", "-at_install")
class TestXlsxRows(TransactionCase):
    def test_same_cells_as_xlsxwriter(self):
        public, prepared = build(False), build(True)
        self.assertEqual(sheet_xml(prepared), sheet_xml(public))
        cells = [
            [(cell.value, cell.number_format) for cell in row]
            for row in openpyxl.load_workbook(io.BytesIO(prepared)).active.iter_rows()
        ]
        self.assertEqual(cells[1][0], ("成都分行", "General"))
        self.assertEqual(cells[1][3][1], "yyyy-mm-dd")
        self.assertEqual(cells[1][3][0].date(), date(2024, 1, 15))
        self.assertEqual(cells[2][0][0], " A&B <Co> ")
        self.assertEqual(cells[3][2], (0, "#,##0.00"))
        self.assertEqual(cells[4][2], (1234567.891, "#,##0.00"))
        self.assertEqual(cells[5][2], (42, "#,##0.00"))
        self.assertIn('<dimension ref="A1:G6"/>', sheet_xml(prepared))

    def test_rows_only_forward(self):
        workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
        sheet = workbook.add_worksheet()
        writer = PreparedRowWriter(sheet, KINDS, {})
        writer.write_row(2, ROWS[0])
        with self.assertRaises(ValueError):
            writer.write_row(2, ROWS[0])
        with self.assertRaises(ValueError):
            writer.write_row(3, ROWS[0][:3])
        workbook.close()
        in_memory = xlsxwriter.Workbook(io.BytesIO())
        with self.assertRaises(ValueError):
            PreparedRowWriter(in_memory.add_worksheet(), KINDS, {})
        in_memory.close()
