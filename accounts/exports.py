"""Spreadsheet exports: columns declared once as (header, getter) pairs, written write-only."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_cell_value(value):
    """A text starting like a formula is written as an explicit string (no formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return value, True
    return value, False


def write_sheet(workbook, title, columns, rows):
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    getters = [getter for _, getter in columns]
    for row in rows:
        out = []
        for getter in getters:
            value, quoted = safe_cell_value(getter(row))
            if quoted:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # a string cell, never evaluated as a formula
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    return sheet


def xlsx_bytes(sheets) -> bytes:
    """sheets: iterable of (title, columns, rows)."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        write_sheet(workbook, title, columns, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
