"""Field cases as files: one neutral order-line table, its mapping, one CLI run.

Each case in the field-case list is written in neutral columns (order, line,
qty, delivered ...). This module writes such a table as CSV, XLSX or Parquet,
writes the mapping that reads it, runs ``backlogdesk report`` in-process and
returns the JSON report, so a test states only the case's rows and its
expected numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import report_json, run_cli

CaseCell = str | float | None
CaseRow = Mapping[str, CaseCell]
ExportWriter = Callable[[Path, Sequence[CaseRow]], Path]

CASE_COLUMNS = (
    "order",
    "line",
    "customer",
    "item",
    "type",
    "qty",
    "uom",
    "delivered",
    "price",
    "amount",
    "currency",
    "status",
    "order_status",
    "block",
    "confirmed_date",
    "order_date",
)

HEADLINE_PARTS = ("sales_backlog", "blocked", "pending")

_MAPPING_TEMPLATE = """\
name = "field-cases"
description = "The neutral order-line table of the field cases, one row per line."

[fields]
order_id = "order"
line_id = "line"
customer_name = "customer"
item = "item"
line_type = {{ column = "type", map = "line_type" }}
ordered_qty = "qty"
unit = "uom"
shipped_qty = {{ column = "delivered", unit = "{delivered_unit}" }}
unit_price = "price"
line_amount = "amount"
currency = "currency"
status = {{ column = "status", map = "status" }}
order_status = {{ column = "order_status", map = "status" }}
block_reason = {{ column = "block", map = "block_reason", unmapped = "empty" }}
confirmed_date = "confirmed_date"
order_date = {{ column = "order_date", format = ["%Y-%m-%d %H:%M", "%Y-%m-%d"], \
timezone = "UTC" }}

[values.status]
open = "released"
confirmed = "released"
"on hold" = "blocked"
closed = "closed"
cancelled = "cancelled"

[values.line_type]
goods = "goods"
"service/charge" = "charge"

[values.block_reason]
"credit block" = "credit_hold"

[rules]
# A line whose type cell is empty is still a charge when its item is freight.
charge_items = ["Freight"]
"""


def order_line(order: str, line: str = "10", **cells: CaseCell) -> dict[str, CaseCell]:
    """One row of the neutral table; a misspelt column is an error, not an
    empty cell that would quietly change the case."""
    unknown = sorted(set(cells) - set(CASE_COLUMNS))
    if unknown:
        raise ValueError(f"not a case column: {', '.join(unknown)}")
    return {"order": order, "line": line, **cells}


def write_mapping(folder: Path, delivered_unit: str = "line") -> Path:
    """Write the mapping of the neutral table; ``delivered_unit`` is "line" or
    "stock" (the unit the delivered column is counted in)."""
    path = folder / "field-cases.toml"
    path.write_text(
        _MAPPING_TEMPLATE.format(delivered_unit=delivered_unit), encoding="utf-8"
    )
    return path


def write_case_csv(folder: Path, rows: Sequence[CaseRow]) -> Path:
    """Write ``rows`` as the order-lines CSV; missing cells stay empty."""
    path = folder / "order_lines.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CASE_COLUMNS)
        for row in rows:
            writer.writerow(_cell_text(row.get(column)) for column in CASE_COLUMNS)
    return path


def write_case_xlsx(folder: Path, rows: Sequence[CaseRow]) -> Path:
    """Write ``rows`` as a workbook; floats are stored as binary numbers."""
    import xlsxwriter

    path = folder / "order_lines.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Lines")
    sheet.write_row(0, 0, CASE_COLUMNS)
    for row_index, row in enumerate(rows, start=1):
        for column_index, column in enumerate(CASE_COLUMNS):
            value = row.get(column)
            if isinstance(value, float):
                sheet.write_number(row_index, column_index, value)
            elif value:
                sheet.write_string(row_index, column_index, value)
    workbook.close()
    return path


def write_case_parquet(folder: Path, rows: Sequence[CaseRow]) -> Path:
    """Write ``rows`` as Parquet; float columns become float64."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "order_lines.parquet"
    columns = {}
    for column in CASE_COLUMNS:
        cells = [row.get(column) or None for row in rows]
        is_float = any(isinstance(cell, float) for cell in cells)
        columns[column] = pa.array(cells, pa.float64() if is_float else pa.string())
    pq.write_table(pa.table(columns), path)
    return path


def stored_cell(path: Path, column: str) -> object:
    """The first data row's ``column`` as the file stores it, read without
    Backlog Desk, so a test can prove its input holds the raw value it means."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).column(column)[0].as_py()
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    return first[header.index(column)]


def write_rates(folder: Path, rates: Sequence[tuple[str, date, str]]) -> Path:
    """Write a rates CSV: (currency, date, rate into the reporting currency)."""
    path = folder / "rates.csv"
    lines = ["currency,date,rate"]
    lines += [f"{code},{day.isoformat()},{rate}" for code, day, rate in rates]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_units(folder: Path, units: Sequence[tuple[str, str, str, str]]) -> Path:
    """Write a units CSV: (item, unit, stock unit, factor)."""
    path = folder / "units.csv"
    lines = ["item,unit,stock_unit,factor", *(",".join(entry) for entry in units)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_settings(folder: Path, settings: Mapping[str, str]) -> Path:
    """Write a settings TOML with text-valued overrides under [settings]."""
    path = folder / "settings.toml"
    lines = ["[settings]", *(f'{name} = "{value}"' for name, value in settings.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_report(
    folder: Path,
    export: Path,
    as_of: date,
    period: str = "week",
    extra_options: Sequence[str] = (),
    mapping: Path | None = None,
) -> dict[str, Any]:
    """Run ``backlogdesk report`` on ``export`` and return its JSON document.

    Fails the test when the command fails or rejects a row: every case row is
    meant to be read, so a reject would hide the line the case is about.
    """
    out_dir = folder / "report"
    arguments = [
        "report",
        str(export),
        "--mapping",
        str(mapping or write_mapping(folder)),
        "--as-of",
        as_of.isoformat(),
        "--period",
        period,
        "--out",
        str(out_dir),
        "--format",
        "json",
        *extra_options,
    ]
    result = run_cli(*arguments)
    assert result.exit_code == 0, result.output

    document = report_json(out_dir)
    rejected = (out_dir / "rejected-rows.csv").read_text(encoding="utf-8")
    assert document["inputs"]["rejected"] == 0, rejected
    return document


def open_lines_by_key(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's open lines keyed by line key ("SO-1/10")."""
    return {line["line_key"]: line for line in document["lines"]}


def box_totals(box: Mapping[str, Any]) -> tuple[int, Decimal, Decimal]:
    """A box's (lines, units, value) with the exact decimals parsed."""
    return box["lines"], Decimal(box["units"]), Decimal(box["value"])


def assert_open_orders_add_up(document: Mapping[str, Any]) -> None:
    """Open orders are exactly sales backlog + blocked + pending, in lines,
    units and value: no open line is dropped from, or counted twice in, the
    three classes."""
    numbers = document["numbers"]
    parts = [box_totals(numbers[name]) for name in HEADLINE_PARTS]
    summed = (
        sum(part[0] for part in parts),
        sum((part[1] for part in parts), Decimal(0)),
        sum((part[2] for part in parts), Decimal(0)),
    )
    assert box_totals(numbers["open_orders"]) == summed


def _cell_text(value: str | float | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else repr(value)
