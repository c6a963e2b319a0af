"""How report tables become worksheet cells: formats, widths, filters.

Text is always written with ``write_string``: a customer name such as
``=HYPERLINK(...)`` or ``@SUM(A1)`` stays text and Excel never runs it.
Numbers and dates keep their type and get a cell format by column kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from backlogdesk.reports.formatting import format_cell, format_flag
from backlogdesk.reports.model import Column, ColumnKind, Table

MIN_WIDTH = 6
MAX_WIDTH = 60
WIDTH_PADDING = 2
# Room for the drop-down button a filter puts in each header cell.
FILTER_BUTTON_WIDTH = 2
NUMERIC_KINDS = ("int", "qty", "money", "pct")
NUMBER_FORMATS = {
    "money": "#,##0.00",
    # Bridge steps are changes: a sign on both sides reads as "moved by".
    "signed_money": "+#,##0.00;-#,##0.00;0.00",
    # Whole quantities get their own format: "#,##0.####" would show "76.".
    "qty": "#,##0.####",
    "whole_qty": "#,##0",
    "int": "#,##0",
    "pct": "0.0%",
    "date": "yyyy-mm-dd",
}


@dataclass(frozen=True)
class Styles:
    """The cell formats of one workbook, made once and shared by every sheet."""

    heading: Any
    title: Any
    header: Any
    note: Any
    wrap: Any
    numbers: dict[str, Any]


def make_styles(workbook: Any) -> Styles:
    """Register the workbook's formats: headings, headers, notes and numbers."""
    numbers = {
        name: workbook.add_format({"num_format": code})
        for name, code in NUMBER_FORMATS.items()
    }
    return Styles(
        heading=workbook.add_format({"bold": True, "font_size": 14}),
        title=workbook.add_format({"bold": True}),
        header=workbook.add_format({"bold": True, "bottom": 1}),
        note=workbook.add_format({"italic": True, "font_color": "#595959"}),
        wrap=workbook.add_format({"text_wrap": True, "valign": "top"}),
        numbers=numbers,
    )


def write_cell(
    sheet: Any, row: int, col: int, value: Any, kind: ColumnKind, styles: Styles
) -> str:
    """Write one value by its column kind; return the text that sizes the column."""
    # Unset flags stay blank, like missing values, so set flags stand out.
    if value is None or value is False or value == "":
        return ""

    if isinstance(value, bool):
        text = format_flag(value)
        sheet.write_string(row, col, text)
        return text

    if isinstance(value, date):
        sheet.write_datetime(row, col, value, styles.numbers["date"])
        return format_cell(value, "date")

    number = excel_number(value, kind)
    if number is not None:
        sheet.write_number(row, col, number, styles.numbers[number_style(value, kind)])
        return format_cell(value, kind)

    # Anything else, including numbers in a text column (order numbers, ids).
    text = str(value)
    sheet.write_string(row, col, text)
    return text


def excel_number(value: Any, kind: ColumnKind) -> float | None:
    """The float a numeric cell holds, or None when the value is not a number."""
    if kind not in NUMERIC_KINDS or not isinstance(value, int | float | Decimal):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None

    # A pct column holds 0-100; Excel's percent format expects a fraction.
    if kind == "pct":
        number = float(Decimal(value) / 100)
    # Adding 0.0 turns -0.0 into 0.0, so no cell reads "-0".
    return number + 0.0


def number_style(value: Any, kind: ColumnKind) -> str:
    """The name of the number format for ``value`` in a column of ``kind``."""
    if kind == "qty" and Decimal(value) == Decimal(value).to_integral_value():
        return "whole_qty"
    return kind


def lines_text(count: int) -> str:
    """``1 line`` or ``1,234 lines``: a count as a block title states it."""
    return "1 line" if count == 1 else f"{count:,} lines"


def table_name(*parts: str) -> str:
    """An Excel table name (letters, digits, underscores) from readable parts."""
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))


@dataclass
class SheetWriter:
    """Fills one worksheet from the top down and sizes its columns at the end."""

    sheet: Any
    styles: Styles
    row: int = 0
    widths: dict[int, int] = field(default_factory=dict)
    wrapped: dict[int, int] = field(default_factory=dict)

    def heading(self, text: str) -> None:
        """The sheet's large title line."""
        self.sheet.write_string(self.row, 0, text, self.styles.heading)
        self.row += 2

    def line(self, text: str, style: Any = None) -> None:
        """One line of text in the first column (a block title or a note)."""
        self.sheet.write_string(self.row, 0, text, style)
        self.row += 1

    def skip(self) -> None:
        """Leave one empty row."""
        self.row += 1

    def block(self, title: str, note: str = "") -> None:
        """An empty row, a bold block title, and the block's note when it has one."""
        self.skip()
        self.line(title, self.styles.title)
        if note:
            self.line(note, self.styles.note)

    def pair(self, label: str, value: Any, kind: ColumnKind = "text") -> None:
        """A bold label with its value beside it."""
        self.sheet.write_string(self.row, 0, label, self.styles.title)
        self.measure(0, label)
        self.cell(self.row, 1, value, kind)
        self.row += 1

    def cell(self, row: int, col: int, value: Any, kind: ColumnKind) -> None:
        """Write one value and let it widen its column."""
        self.measure(col, write_cell(self.sheet, row, col, value, kind, self.styles))

    def measure(self, col: int, text: str, extra: int = 0) -> None:
        """Widen ``col`` to fit ``text`` (plus ``extra``), within the sheet's limits."""
        width = min(max(len(text) + WIDTH_PADDING + extra, MIN_WIDTH), MAX_WIDTH)
        self.widths[col] = max(self.widths.get(col, MIN_WIDTH), width)

    def wrap_column(self, col: int, width: int) -> None:
        """Give ``col`` a fixed width and wrap its text (long explanations)."""
        self.wrapped[col] = width

    def header(self, columns: tuple[Column, ...]) -> int:
        """Write a bold header row; return its row number."""
        header_row = self.row
        for col, column in enumerate(columns):
            self.sheet.write_string(header_row, col, column.label, self.styles.header)
            self.measure(col, column.label, FILTER_BUTTON_WIDTH)
        self.row += 1
        return header_row

    def body(self, table: Table) -> int:
        """Write the rows of ``table``; return the last row written."""
        for values in table.rows:
            for col, column in enumerate(table.columns):
                self.cell(self.row, col, values.get(column.key), column.kind)
            self.row += 1
        return self.row - 1

    def plain_table(self, table: Table) -> int:
        """Header and rows without a filter (summary blocks); return the header row."""
        header_row = self.header(table.columns)
        self.body(table)
        return header_row

    def filtered_table(self, table: Table) -> None:
        """The sheet's one main table: frozen header, autofilter, header on print."""
        header_row = self.header(table.columns)
        last_row = self.body(table)

        self.sheet.freeze_panes(header_row + 1, 0)
        self.sheet.autofilter(header_row, 0, last_row, len(table.columns) - 1)
        self.sheet.repeat_rows(header_row)

    def excel_table(self, table: Table, name: str, empty: str = "No lines.") -> None:
        """One of several tables on a sheet, as an Excel table with its own filter.

        A sheet has room for one autofilter only; Excel tables give each block
        of a stacked sheet (triage lists, quality lanes) its own filter buttons.
        """
        if not table.rows:
            self.line(empty, self.styles.note)
            return

        header_row = self.header(table.columns)
        last_row = self.body(table)
        headers = [
            {"header": column.label, "header_format": self.styles.header}
            for column in table.columns
        ]
        options = {
            "name": name,
            "columns": headers,
            "style": None,
            "banded_rows": False,
        }
        last_col = len(table.columns) - 1
        self.sheet.add_table(header_row, 0, last_row, last_col, options)

    def finish(self) -> None:
        """Apply the column widths gathered while writing."""
        for col, width in sorted(self.widths.items()):
            if col not in self.wrapped:
                self.sheet.set_column(col, col, width)
        for col, width in sorted(self.wrapped.items()):
            self.sheet.set_column(col, col, width, self.styles.wrap)


DrawSheet = Callable[[SheetWriter], None]
"""Draws one sheet on an empty worksheet; the report it draws is already bound."""
