"""Small weekly exports for history tests: one CSV per import, one mapping."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import run_cli

MAPPING = """
name = "weekly"
[fields]
order_id = "order"
line_id = "line"
customer_name = "customer"
item = "item"
ordered_qty = "qty"
shipped_qty = "delivered"
unit_price = "price"
confirmed_date = "confirmed"
shipped_date = "delivery_date"
status = { column = "status", map = "status" }
block_reason = { column = "block", map = "block", unmapped = "empty" }
delay_reason = "delay_reason"

[values.status]
open = "released"
hold = "blocked"
pending = "pending"
shipped = "shipped"
cancelled = "cancelled"

[values.block]
CR = "credit_hold"
"""

COLUMNS = (
    "order",
    "line",
    "customer",
    "item",
    "qty",
    "delivered",
    "price",
    "confirmed",
    "delivery_date",
    "status",
    "block",
    "delay_reason",
)


def line(order: str, line_no: str = "10", **values: str) -> dict[str, str]:
    """An export row with sensible defaults for the fields not given."""
    row = {
        "order": order,
        "line": line_no,
        "customer": "Customer A",
        "item": "P1",
        "qty": "10",
        "delivered": "0",
        "price": "100",
        "confirmed": "",
        "delivery_date": "",
        "status": "open",
        "block": "",
        "delay_reason": "",
    }
    row.update(values)
    return row


def write_export(folder: Path, day: str, rows: list[dict[str, str]]) -> Path:
    """Write one week's export and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"lines-{day}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def mapping_file(folder: Path) -> Path:
    """The weekly mapping, written once into ``folder``."""
    path = folder / "weekly.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def import_week(folder: Path, day: str, rows: list[dict[str, str]]) -> str:
    """Import one week's rows into folder/store.duckdb; return the CLI output."""
    export = write_export(folder / "exports", day, rows)
    result = run_cli(
        "import",
        export,
        "--mapping",
        mapping_file(folder),
        "--as-of",
        day,
        "--db",
        folder / "store.duckdb",
    )
    assert result.exit_code == 0, result.output
    return str(result.output)
