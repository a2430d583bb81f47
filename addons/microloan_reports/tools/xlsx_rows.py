"""Whole rows of a long ledger written to an xlsxwriter sheet, fast.

xlsxwriter's ``write_*`` methods cost about 6 µs a cell (bounds checks, a
tuple per cell, then the XML of each cell built attribute by attribute): 8 to
9 s of CPU for the 1.5 million cells of a 100,000-loan 台账, most of the run.
A ``PreparedRowWriter`` knows the kind and format of each column once, and
writes a whole row as one string straight into the sheet's row file of
``constant_memory`` mode: the cell references and style indexes are prepared
per column, the XML of repeated strings (branch, product, officer,
classification...) and the serial numbers of dates are cached. The cells are
those xlsxwriter would write (same XML, escaping and number formatting), and
the sheet's dimensions and row pointer are kept as its own writes keep them,
so the public API goes on after (the totals row, the autofilter).

It relies on xlsxwriter's internals of ``constant_memory`` mode (``fh``,
``previous_row``, ``_write_single_row``, ``dim_*``), stable since its first
Python versions; ``tests/test_xlsx_rows.py`` compares its sheet XML with that
of the public API so that a change there fails a test.
"""

import re

from xlsxwriter.utility import preserve_whitespace, xl_col_to_name

# The escapes of xlsxwriter for in-line strings (worksheet._write_cell and
# xmlwriter._escape_data).
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_CHARS = re.compile(r"([\x00-\x08\x0b-\x1f])")
_XML_SPECIAL = re.compile("[&<>]")
# What none of those escapes touches (most names): written as it is.
_NEEDS_ESCAPE = re.compile(
    r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$"
)
# Repeated strings are cached; names and numbers that never repeat would only
# fill the cache, which is emptied when it reaches this size.
_CACHE_LIMIT = 20_000


def _inline_string(string):
    """``t="inlineStr"><is><t>…</t></is>`` of ``string`` as xlsxwriter
    writes an in-line string (after the cell's reference and style)."""
    if not _NEEDS_ESCAPE.search(string):
        return f' t="inlineStr"><is><t>{string}</t></is></c>'
    string = _LITERAL_ESCAPE.sub(r"_x005F\1", string)
    string = _CONTROL_CHARS.sub(lambda match: f"_x{ord(match.group(1)):04X}_", string)
    string = string.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if preserve_whitespace(string) else ""
    if _XML_SPECIAL.search(string):
        string = string.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{preserve}>{string}</t></is></c>'


class PreparedRowWriter:
    """Writes rows of ``kinds`` (per column: ``None`` for text, ``"date"``,
    or a number kind) in the ``formats`` of each kind to ``sheet``, a
    worksheet of a ``constant_memory`` workbook, from column 0. Empty text
    and dates are left out; an empty number is 0, as the ledgers write them
    (numbers are finite: amounts, rates, days).
    Rows must come in increasing order, after the rows written by the public
    API (the header) and before the ones written after (the totals)."""

    def __init__(self, sheet, kinds, formats):
        if not sheet.constant_memory:
            raise ValueError("PreparedRowWriter needs a constant_memory workbook")
        self.sheet = sheet
        self.kinds = tuple(kinds)
        self.columns = []
        for col, kind in enumerate(self.kinds):
            cell_format = formats.get(kind)
            style = f' s="{cell_format._get_xf_index()}"' if cell_format else ""
            self.columns.append((xl_col_to_name(col), style, kind))
        self._strings = {}
        self._dates = {}
        self._pending = True

    def _string_xml(self, value):
        if len(self._strings) >= _CACHE_LIMIT:
            self._strings.clear()
        xml = self._strings[value] = _inline_string(value)
        return xml

    def _date_number(self, value):
        number = self._dates[value] = self.sheet._convert_date_time(value)
        return number

    def write_row(self, row, values):
        """Write ``values`` (one per column) as row ``row`` (0-based)."""
        sheet = self.sheet
        if row <= sheet.previous_row:
            raise ValueError(f"row {row} comes after row {sheet.previous_row}")
        if self._pending:
            # The row pending in xlsxwriter's table (the header) goes first;
            # nothing writes to the table between the prepared rows.
            sheet._write_single_row(row)
            self._pending = False
        else:
            sheet.previous_row = row
        number = row + 1
        strings = self._strings
        dates = self._dates
        cells = []
        append = cells.append
        for (name, style, kind), value in zip(self.columns, values, strict=True):
            if kind is None:
                if value:
                    xml = strings.get(value) or self._string_xml(value)
                    append(f'<c r="{name}{number}"{style}{xml}')
            elif kind == "date":
                if value:
                    serial = dates.get(value) or self._date_number(value)
                    append(f'<c r="{name}{number}"{style}><v>{serial:.16G}</v></c>')
            else:
                append(f'<c r="{name}{number}"{style}><v>{value or 0:.16G}</v></c>')
        if not cells:
            return
        sheet.fh.write(f'<row r="{number}">{"".join(cells)}</row>')
        # The dimensions xlsxwriter's own writes keep (_check_dimensions).
        if sheet.dim_rowmin is None or row < sheet.dim_rowmin:
            sheet.dim_rowmin = row
        if sheet.dim_rowmax is None or row > sheet.dim_rowmax:
            sheet.dim_rowmax = row
        if sheet.dim_colmin is None or sheet.dim_colmin > 0:
            sheet.dim_colmin = 0
        last = len(self.columns) - 1
        if sheet.dim_colmax is None or sheet.dim_colmax < last:
            sheet.dim_colmax = last
