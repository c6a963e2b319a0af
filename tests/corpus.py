"""The "never lose a row" corpus: awkward and broken exports with their outcomes.

Each case writes one export into a test's folder and states what Backlog Desk
must make of it: either an error that stops the file (naming the file and the
fix), or how many rows are read, which rows are rejected (column, reason,
value as written to rejected-rows.csv) and the exact values of the open lines.
Expected numbers are worked out by hand from the rows written here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Builder = Callable[[Path], Path]
SheetCell = str | float | None

HEADER = "order,line,customer,qty,delivered,price,ship_date,status,comment"

_MAPPING = """\
name = "corpus"
{format}
[fields]
order_id = "order"
line_id = "line"
customer_name = "customer"
ordered_qty = "qty"
shipped_qty = "delivered"
unit_price = "price"
confirmed_date = {ship_date}
status = {{ column = "status", map = "status" }}
comments = "comment"

[values.status]
open = "released"
hold = "blocked"
done = "shipped"
"""

# The line most cases use: 10 ordered, 4 delivered, 12.50 each, so 6 open
# worth 75.00, confirmed for 2024-05-10.
STANDARD_LINE = {"open_qty": "6", "open_value": "75.00", "ship_date": "2024-05-10"}


@dataclass(frozen=True)
class Rejected:
    """One expected rejected row: its column, a piece of its reason and the
    value cell of rejected-rows.csv (None: not checked)."""

    column: str
    reason: str
    value: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a case must give. With ``error`` the file stops the run (exit 2)
    and the message holds every fragment; otherwise rows are counted, every
    rejected row is listed, and ``lines`` holds every open line's fields."""

    read: int = 0
    accepted: int = 0
    rejects: Mapping[int, Rejected] = field(default_factory=dict)
    lines: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    error: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """The exit code of ``backlogdesk check``: 2, 1 or 0."""
        return 2 if self.error else 1 if self.rejects else 0


@dataclass(frozen=True)
class Case:
    """One export, the mapping that reads it and its expected outcome."""

    name: str
    build: Builder
    outcome: Outcome
    mapping: str = ""

    def mapping_text(self) -> str:
        """The full mapping TOML (the corpus mapping unless the case has one)."""
        return self.mapping or mapping()


def mapping(format_keys: str = "", ship_date: str = '"ship_date"') -> str:
    """The corpus mapping with ``[format]`` keys and a ship-date field rule."""
    block = f"[format]\n{format_keys}\n" if format_keys else ""
    return _MAPPING.format(format=block, ship_date=ship_date)


def line(
    order: str,
    customer: str = "Customer A",
    qty: str = "10",
    delivered: str = "4",
    price: str = "12.50",
    ship_date: str = "2024-05-10",
    status: str = "open",
    comment: str = "",
    sep: str = ",",
) -> str:
    """One data line of the corpus table, cells written as given (line 10)."""
    cells = (order, "10", customer, qty, delivered, price, ship_date, status, comment)
    return sep.join(cells)


def text_file(
    lines: Sequence[str],
    name: str = "lines.csv",
    encoding: str = "utf-8",
    newline: str = "\n",
    prefix: str = "",
) -> Builder:
    """A text export: the lines joined by ``newline``, each line ended by it."""
    body = prefix + "".join(text + newline for text in lines)
    return byte_file(body.encode(encoding), name)


def byte_file(data: bytes, name: str = "lines.csv") -> Builder:
    """An export holding exactly ``data``."""

    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return build


@dataclass(frozen=True)
class Formula:
    """A workbook formula with the value the file stores for it."""

    text: str
    cached: float


@dataclass(frozen=True)
class Sheet:
    """One worksheet: rows of cells, merged ranges and hidden rows (0-based)."""

    name: str
    rows: Sequence[Sequence[SheetCell | Formula]]
    merged: Sequence[tuple[int, int, int, int]] = ()
    hidden_rows: Sequence[int] = ()


def workbook(*sheets: Sheet, name: str = "lines.xlsx") -> Builder:
    """An XLSX export written with XlsxWriter (numbers as numbers)."""

    def build(folder: Path) -> Path:
        import xlsxwriter

        path = folder / name
        book = xlsxwriter.Workbook(str(path))
        for sheet in sheets:
            _write_sheet(book.add_worksheet(sheet.name), sheet)
        book.close()
        return path

    return build


def _write_sheet(worksheet: Any, sheet: Sheet) -> None:
    for row_index, row in enumerate(sheet.rows):
        for column_index, cell in enumerate(row):
            if isinstance(cell, Formula):
                worksheet.write_formula(
                    row_index, column_index, cell.text, None, cell.cached
                )
            elif isinstance(cell, float):
                worksheet.write_number(row_index, column_index, cell)
            elif cell is not None:
                worksheet.write_string(row_index, column_index, cell)
    for top, left, bottom, right in sheet.merged:
        worksheet.merge_range(top, left, bottom, right, sheet.rows[top][left])
    for row_index in sheet.hidden_rows:
        worksheet.set_row(row_index, None, None, {"hidden": True})


SHEET_HEADER: list[SheetCell | Formula] = list(HEADER.split(","))
LONG_COMMENT = ("lorem ipsum, dolor; " * 5000)[:99_999] + "."
FORMULA_CUSTOMER = "=cmd|' /C calc'!A0"

TITLES = ["Open order report", "Printed 2024-05-06 by ERP"]
SEMICOLON_HEADER = HEADER.replace(",", ";")
TAB_HEADER = HEADER.replace(",", "\t")
TABLE_IS_EMPTY = ("lines.csv", "has a header but no data rows", "Export the file again")


def standard(row: int, **fields: object) -> dict[str, object]:
    """The expected fields of a standard line read from spreadsheet ``row``."""
    return {**STANDARD_LINE, "source_row": row, **fields}


def _two_standard_lines(name: str, **options: str) -> Case:
    return Case(
        name,
        text_file([HEADER, line("SO-1"), line("SO-2")], **options),
        Outcome(2, 2, lines={"SO-1/10": standard(2), "SO-2/10": standard(3)}),
    )


TEXT_CASES = [
    Case(
        "clean_export",
        text_file(
            [HEADER, line("SO-1"), line("SO-2", qty="3", delivered="0", price="2.25")]
        ),
        Outcome(
            2,
            2,
            lines={
                "SO-1/10": standard(2, customer_name="Customer A", ordered_qty="10"),
                "SO-2/10": {"open_qty": "3", "open_value": "6.75", "source_row": 3},
            },
        ),
    ),
    Case(
        "semicolon_file_but_comma_in_mapping",
        text_file([SEMICOLON_HEADER, line("SO-1", sep=";")]),
        Outcome(
            error=(
                "lines.csv",
                "header is the single column 'order;line;customer",
                "';' splits it into 9 columns",
                "Set [format] delimiter = ';' in the mapping",
            )
        ),
        mapping('delimiter = ","'),
    ),
    Case(
        "semicolon_decimal_comma_thousands_dot",
        text_file(
            [
                SEMICOLON_HEADER,
                line("SO-1", "Müller GmbH", "1.000", "250", "1.234,50", sep=";"),
            ]
        ),
        Outcome(
            1,
            1,
            lines={
                "SO-1/10": {
                    "customer_name": "Müller GmbH",
                    "open_qty": "750",
                    "open_value": "925875.00",
                }
            },
        ),
        mapping('decimal = ","\nthousands = "."'),
    ),
    Case(
        "utf8_byte_order_mark",
        text_file([HEADER, line("SO-1")], prefix="\ufeff"),
        Outcome(1, 1, lines={"SO-1/10": standard(2, order_id="SO-1")}),
    ),
    Case(
        "cp1252_euro_sign_and_umlauts",
        text_file(
            [HEADER, line("SO-1", "Müller Größen AG", comment="Preis in € netto")],
            encoding="cp1252",
        ),
        Outcome(
            1,
            1,
            lines={
                "SO-1/10": standard(
                    2, customer_name="Müller Größen AG", comments="Preis in € netto"
                )
            },
        ),
    ),
    Case(
        "latin1_declared_in_mapping",
        text_file(
            [HEADER, line("SO-1", "Ærø Å/S", comment="½ pallet ±2")],
            encoding="latin-1",
        ),
        Outcome(
            1,
            1,
            lines={
                "SO-1/10": standard(2, customer_name="Ærø Å/S", comments="½ pallet ±2")
            },
        ),
        mapping('encoding = "latin-1"'),
    ),
    Case(
        "utf16_unicode_text_from_excel",
        text_file(
            [TAB_HEADER, line("SO-1", "Łódź Sp. z o.o.", sep="\t")],
            name="lines.txt",
            encoding="utf-16",
            newline="\r\n",
        ),
        Outcome(1, 1, lines={"SO-1/10": standard(2, customer_name="Łódź Sp. z o.o.")}),
    ),
    Case(
        "decimal_comma",
        text_file([SEMICOLON_HEADER, line("SO-1", price="12,50", sep=";")]),
        Outcome(1, 1, lines={"SO-1/10": standard(2)}),
        mapping('decimal = ","'),
    ),
    Case(
        "thousands_comma_in_quoted_numbers",
        text_file(
            [HEADER, line("SO-1", qty='"1,200"', delivered="200", price='"1,234.50"')]
        ),
        Outcome(
            1, 1, lines={"SO-1/10": {"open_qty": "1000", "open_value": "1234500.00"}}
        ),
        mapping('thousands = ","'),
    ),
    Case(
        "thousands_apostrophe_and_space",
        text_file(
            [
                HEADER,
                line("SO-1", qty="2", delivered="0", price="1'234.50"),
                line("SO-2", qty="2", delivered="0", price="1 234.50"),
            ]
        ),
        Outcome(
            2,
            2,
            lines={
                "SO-1/10": {"open_value": "2469.00"},
                "SO-2/10": {"open_value": "2469.00"},
            },
        ),
        mapping('thousands = "\'"'),
    ),
    Case(
        "decimal_comma_not_declared",
        text_file(
            [
                SEMICOLON_HEADER,
                line("SO-1", price="12,50", sep=";"),
                line("SO-2", price="3", sep=";"),
            ]
        ),
        Outcome(
            2,
            1,
            rejects={2: Rejected("price", "set [format] decimal / thousands", "12,50")},
            lines={"SO-2/10": {"open_value": "18.00", "source_row": 3}},
        ),
    ),
    Case(
        "thousands_separator_not_grouping_by_three",
        text_file(
            [
                SEMICOLON_HEADER,
                line("SO-1", price="1.5", sep=";"),
                line("SO-2", price="1.500", sep=";"),
            ]
        ),
        Outcome(
            2,
            1,
            rejects={2: Rejected("price", "does not group by three digits", "1.5")},
            lines={"SO-2/10": {"open_value": "9000.00", "source_row": 3}},
        ),
        mapping('decimal = ","\nthousands = "."'),
    ),
    Case(
        "excel_day_numbers_in_csv_dates",
        text_file([HEADER, line("SO-1", ship_date="45422"), line("SO-2")]),
        Outcome(
            2,
            1,
            rejects={
                2: Rejected(
                    "ship_date",
                    "looks like an Excel day number (2024-05-10); format the column "
                    'as a date in the export, or add "excel"',
                    "45422",
                )
            },
            lines={"SO-2/10": standard(3)},
        ),
    ),
    Case(
        "excel_day_numbers_with_excel_format",
        text_file(
            [
                HEADER,
                line("SO-1", ship_date="45422"),
                line("SO-2", ship_date="2024-05-10"),
                line("SO-3", ship_date="45422.75"),
            ]
        ),
        Outcome(
            3,
            3,
            lines={
                "SO-1/10": standard(2),
                "SO-2/10": standard(3),
                "SO-3/10": standard(4),
            },
        ),
        mapping(ship_date='{ column = "ship_date", format = ["%Y-%m-%d", "excel"] }'),
    ),
    Case(
        "two_digit_years",
        text_file([HEADER, line("SO-1", ship_date="10.05.24")]),
        Outcome(1, 1, lines={"SO-1/10": standard(2)}),
        mapping('date = "%d.%m.%y"'),
    ),
    Case(
        "two_digit_year_under_four_digit_format",
        text_file(
            [
                HEADER,
                line("SO-1", ship_date="10.05.24"),
                line("SO-2", ship_date="10.05.2024"),
            ]
        ),
        Outcome(
            2,
            1,
            rejects={
                2: Rejected(
                    "ship_date",
                    "the year has two digits; write four, or use %y instead of %Y "
                    'in the format ("%d.%m.%y")',
                    "10.05.24",
                )
            },
            lines={"SO-2/10": standard(3)},
        ),
        mapping('date = "%d.%m.%Y"'),
    ),
    Case(
        "text_in_numeric_columns",
        text_file(
            [
                HEADER,
                line("SO-1", qty="five"),
                line("SO-2", price="n/a"),
                line("SO-3", delivered="1O"),
                line("SO-4"),
            ]
        ),
        Outcome(
            4,
            1,
            rejects={
                2: Rejected("qty", "expected a number, found 'five'", "five"),
                3: Rejected("price", "expected a number, found 'n/a'", "n/a"),
                4: Rejected("delivered", "expected a number, found '1O'", "1O"),
            },
            lines={"SO-4/10": standard(5)},
        ),
    ),
    Case(
        "header_repeated_mid_file",
        text_file([HEADER, line("SO-1"), HEADER, line("SO-2")]),
        Outcome(
            3,
            2,
            rejects={3: Rejected("", "repeated header row", "")},
            lines={"SO-1/10": standard(2), "SO-2/10": standard(4)},
        ),
    ),
    Case(
        "report_titles_above_header",
        text_file([*TITLES, HEADER, line("SO-1")]),
        Outcome(
            error=(
                "lines.csv",
                "line 1 ('Open order report') is not the header row",
                "the header seems to be line 3",
                "Set [format] skip_rows = 2 in the mapping",
            )
        ),
    ),
    Case(
        "report_titles_skipped",
        text_file([*TITLES, HEADER, line("SO-1"), line("SO-2", qty="ten")]),
        Outcome(
            2,
            1,
            rejects={5: Rejected("qty", "expected a number, found 'ten'", "ten")},
            lines={"SO-1/10": standard(4)},
        ),
        mapping("skip_rows = 2"),
    ),
    Case(
        "blank_line_above_header",
        text_file(["", HEADER, line("SO-1")]),
        Outcome(
            error=(
                "lines.csv",
                "line 1 ('blank') is not the header row",
                "Set [format] skip_rows = 1",
            )
        ),
    ),
    Case(
        "totals_row_at_end",
        text_file([HEADER, line("SO-1"), line("SO-2"), ",,Total,20,8,,,,"]),
        Outcome(
            3,
            2,
            rejects={4: Rejected("", "totals row ('Total'): a sum of the rows above")},
            lines={"SO-1/10": standard(2), "SO-2/10": standard(3)},
        ),
    ),
    Case(
        "empty_file",
        byte_file(b""),
        Outcome(error=("lines.csv", "the file is empty", "Export the order lines")),
    ),
    Case("header_only", text_file([HEADER]), Outcome(error=TABLE_IS_EMPTY)),
    Case(
        "header_then_blank_lines",
        text_file([HEADER, "", ",,,,,,,,", ""]),
        Outcome(error=TABLE_IS_EMPTY),
    ),
    Case(
        "missing_required_column",
        text_file(
            [
                "order,line,customer,qty,price,ship_date,status,comment",
                "SO-1,10,Customer A,10,12.50,2024-05-10,open,",
            ]
        ),
        Outcome(
            error=(
                "lines.csv",
                "required column 'delivered' not found",
                "Columns in the file: order, line, customer, qty, price",
                "Fix the export or the mapping",
            )
        ),
    ),
    Case(
        "duplicate_line_keys",
        text_file(
            [
                HEADER,
                line("SO-1"),
                line("SO-1", qty="12"),
                "SO-1,20,Customer A,10,4,12.50,2024-05-10,open,",
            ]
        ),
        Outcome(
            3,
            1,
            rejects={
                row: Rejected(
                    "order_id, line_id", "line key SO-1/10 appears 2 times", "SO-1/10"
                )
                for row in (2, 3)
            },
            lines={"SO-1/20": standard(4)},
        ),
    ),
    Case(
        "very_long_comment",
        text_file([HEADER, line("SO-1", comment=f'"{LONG_COMMENT}"'), line("SO-2")]),
        Outcome(
            2,
            2,
            lines={
                "SO-1/10": standard(2, comments=LONG_COMMENT),
                "SO-2/10": standard(3),
            },
        ),
    ),
    Case(
        "line_breaks_inside_quoted_fields",
        text_file(
            [
                HEADER,
                line("SO-1", comment='"first line\nsecond line\r\nthird line"'),
                line("SO-2", qty="x"),
                line("SO-3"),
            ]
        ),
        Outcome(
            3,
            2,
            rejects={3: Rejected("qty", "expected a number, found 'x'", "x")},
            lines={
                "SO-1/10": standard(
                    2, comments="first line\nsecond line\r\nthird line"
                ),
                "SO-3/10": standard(4),
            },
        ),
    ),
    Case(
        "nul_byte",
        text_file([HEADER, line("SO-1"), line("SO-2", "Cust\x00omer B")]),
        Outcome(
            error=("lines.csv", "line 3 holds a NUL byte", "export it again as CSV")
        ),
    ),
    Case(
        "formula_like_text",
        text_file(
            [
                HEADER,
                line("SO-1", FORMULA_CUSTOMER, comment="@SUM(A1:A9)"),
                line("SO-2", status="+1"),
                line("SO-3", qty="=1+2"),
                line("SO-4", "-2", comment="+1"),
            ]
        ),
        Outcome(
            4,
            2,
            rejects={
                3: Rejected("status", "unknown status value '+1'", "'+1"),
                4: Rejected("qty", "expected a number, found '=1+2'", "'=1+2"),
            },
            lines={
                "SO-1/10": standard(
                    2, customer_name=FORMULA_CUSTOMER, comments="@SUM(A1:A9)"
                ),
                "SO-4/10": standard(5, customer_name="-2", comments="+1"),
            },
        ),
    ),
    Case(
        "trailing_blank_lines",
        text_file([HEADER, line("SO-1"), line("SO-2"), "", ",,,,,,,,", "", ""]),
        Outcome(2, 2, lines={"SO-1/10": standard(2), "SO-2/10": standard(3)}),
    ),
    Case(
        "blank_row_between_lines",
        text_file([HEADER, line("SO-1"), "", line("SO-2"), ""]),
        Outcome(
            3,
            2,
            rejects={3: Rejected("", "blank row", "")},
            lines={"SO-1/10": standard(2), "SO-2/10": standard(4)},
        ),
    ),
    _two_standard_lines("windows_line_endings", newline="\r\n"),
    _two_standard_lines("classic_mac_line_endings", newline="\r"),
    Case(
        "tab_delimited",
        text_file(
            [TAB_HEADER, line("SO-1", "Smith, Jones & Co", sep="\t")], name="lines.tsv"
        ),
        Outcome(
            1, 1, lines={"SO-1/10": standard(2, customer_name="Smith, Jones & Co")}
        ),
    ),
    Case(
        "quoted_fields_holding_delimiters_and_quotes",
        text_file(
            [
                HEADER,
                line(
                    "SO-1", '"Smith, Jones & Co"', comment='"He said ""rush"", twice"'
                ),
            ]
        ),
        Outcome(
            1,
            1,
            lines={
                "SO-1/10": standard(
                    2,
                    customer_name="Smith, Jones & Co",
                    comments='He said "rush", twice',
                )
            },
        ),
    ),
    Case(
        "unclosed_quote",
        text_file([HEADER, line("SO-1"), line("SO-2", '"Customer B'), line("SO-3")]),
        Outcome(
            error=(
                "lines.csv",
                "row 3, column 'customer'",
                "runs on over 2 lines",
                "Close the quote",
            )
        ),
    ),
    Case(
        "unclosed_quote_in_last_row",
        text_file([HEADER, line("SO-1"), line("SO-2", comment='"no closing quote')]),
        Outcome(
            2,
            1,
            rejects={
                3: Rejected("", "a quote opens column 'comment' and is never closed")
            },
            lines={"SO-1/10": standard(2)},
        ),
    ),
    Case(
        "text_after_closing_quote",
        text_file([HEADER, line("SO-1", '"Best" Pipes Ltd'), line("SO-2")]),
        Outcome(
            2,
            1,
            rejects={2: Rejected("", "the quotes in column 'customer' are broken", "")},
            lines={"SO-2/10": standard(3)},
        ),
    ),
    Case(
        "rows_with_too_many_or_too_few_fields",
        text_file(
            [
                HEADER,
                line("SO-1"),
                line("SO-2", "Smith, Jones"),
                "SO-3,10,Customer C,5",
            ]
        ),
        Outcome(
            3,
            1,
            rejects={
                3: Rejected("", "has 10 fields but the header has 9", ""),
                4: Rejected("", "has 4 fields but the header has 9", ""),
            },
            lines={"SO-1/10": standard(2)},
        ),
    ),
    Case(
        "trailing_delimiter_on_every_line",
        text_file([SEMICOLON_HEADER + ";", line("SO-1", sep=";") + ";"]),
        Outcome(1, 1, lines={"SO-1/10": standard(2)}),
    ),
]


def _sheet_line(order: str, line_id: str = "10") -> list[SheetCell | Formula]:
    return [order, line_id, "Customer A", 10.0, 4.0, 12.5, "2024-05-10", "open", None]


LINES_SHEET = Sheet("Lines", [SHEET_HEADER, _sheet_line("SO-1")])
SUMMARY_SHEET = Sheet("Summary", [["Total open", 75.0]])
ONE_STANDARD_LINE = Outcome(1, 1, lines={"SO-1/10": standard(2)})

WORKBOOK_CASES = [
    Case(
        "xlsx_merged_order_cells",
        workbook(
            Sheet(
                "Lines",
                [SHEET_HEADER, _sheet_line("SO-1"), [None, *_sheet_line("", "20")[1:]]],
                merged=[(1, 0, 2, 0)],
            )
        ),
        Outcome(2, 2, lines={"SO-1/10": standard(2), "SO-1/20": standard(3)}),
    ),
    Case(
        "xlsx_formulas_read_as_stored_values",
        workbook(
            Sheet(
                "Lines",
                [
                    SHEET_HEADER,
                    [
                        "SO-1",
                        "10",
                        "Customer A",
                        Formula("=6+4", 10.0),
                        4.0,
                        Formula("=25/2", 12.5),
                        "2024-05-10",
                        "open",
                    ],
                    _sheet_line("SO-2"),
                    [
                        "Grand total:",
                        None,
                        None,
                        Formula("=SUM(D2:D3)", 20.0),
                        Formula("=SUM(E2:E3)", 8.0),
                    ],
                ],
            )
        ),
        Outcome(
            3,
            2,
            rejects={4: Rejected("", "totals row ('Grand total:')", "")},
            lines={"SO-1/10": standard(2), "SO-2/10": standard(3)},
        ),
    ),
    Case(
        "xlsx_several_sheets_first_by_default",
        workbook(LINES_SHEET, SUMMARY_SHEET),
        ONE_STANDARD_LINE,
    ),
    Case(
        "xlsx_sheet_named_in_mapping",
        workbook(
            Sheet("Cover", [["Open order report"]]),
            Sheet("Open lines", LINES_SHEET.rows),
        ),
        ONE_STANDARD_LINE,
        mapping('sheet = "Open lines"'),
    ),
    Case(
        "xlsx_wrong_sheet_name",
        workbook(LINES_SHEET, SUMMARY_SHEET),
        Outcome(
            error=(
                "lines.xlsx",
                "no sheet named 'Lines 2024'",
                "Sheets: Lines, Summary",
                "Set [format] sheet",
            )
        ),
        mapping('sheet = "Lines 2024"'),
    ),
    Case(
        "xlsx_hidden_rows_are_read",
        workbook(
            Sheet(
                "Lines",
                [SHEET_HEADER, *(_sheet_line(f"SO-{n}") for n in (1, 2, 3))],
                hidden_rows=[2],
            )
        ),
        Outcome(
            3,
            3,
            lines={f"SO-{n}/10": standard(n + 1) for n in (1, 2, 3)},
        ),
    ),
    Case(
        "xlsx_title_rows_without_skip_rows",
        workbook(
            Sheet(
                "Lines",
                [["Open order report"], [None], SHEET_HEADER, _sheet_line("SO-1")],
                merged=[(0, 0, 0, 8)],
            )
        ),
        Outcome(
            error=(
                "lines.xlsx",
                "row 1 ('Open order report') is not the header row",
                "Set [format] skip_rows = 2",
            )
        ),
    ),
    Case(
        "xlsx_title_rows_skipped",
        workbook(
            Sheet(
                "Lines",
                [
                    ["Open order report"],
                    [None],
                    SHEET_HEADER,
                    _sheet_line("SO-1"),
                    [
                        "SO-2",
                        "10",
                        "Customer A",
                        "ten",
                        4.0,
                        12.5,
                        "2024-05-10",
                        "open",
                    ],
                ],
            )
        ),
        Outcome(
            2,
            1,
            rejects={5: Rejected("qty", "expected a number, found 'ten'", "ten")},
            lines={"SO-1/10": standard(4)},
        ),
        mapping("skip_rows = 2"),
    ),
]

CASES = TEXT_CASES + WORKBOOK_CASES
