"""The store's tables as Arrow schemas; money and quantities are exact decimals."""

from __future__ import annotations

import pyarrow as pa

TEXT = pa.string()
DAY = pa.date32()
QTY = pa.decimal128(38, 4)
PRICE = pa.decimal128(38, 6)
AMOUNT = pa.decimal128(38, 2)
RATE = pa.decimal128(38, 8)

LINE_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("line_key", TEXT),
    ("source_file", TEXT),
    ("source_row", pa.int64()),
    ("order_id", TEXT),
    ("line_id", TEXT),
    ("schedule_id", TEXT),
    ("customer_id", TEXT),
    ("customer_name", TEXT),
    ("item", TEXT),
    ("item_name", TEXT),
    ("product_group", TEXT),
    ("owner", TEXT),
    ("plant", TEXT),
    ("line_type", TEXT),
    ("order_date", DAY),
    ("requested_date", DAY),
    ("confirmed_date", DAY),
    ("estimated_date", DAY),
    ("date_confidence", TEXT),
    ("shipped_date", DAY),
    ("last_movement_date", DAY),
    ("ordered_qty", QTY),
    ("shipped_qty", QTY),
    ("unit", TEXT),
    ("unit_factor", PRICE),
    ("stock_unit", TEXT),
    ("unit_price", PRICE),
    ("discount", PRICE),
    ("net_price", PRICE),
    ("line_amount", AMOUNT),
    ("unit_cost", PRICE),
    ("currency", TEXT),
    ("fx_rate", RATE),
    ("status", TEXT),
    ("order_status", TEXT),
    ("block_reason", TEXT),
    ("comments", TEXT),
    ("agreement_id", TEXT),
    ("delay_reason", TEXT),
    ("delivered_qty", QTY),
    ("returned_qty", QTY),
    ("invoiced_qty", QTY),
)

# A change in any of these makes a new line version (and counts as movement).
PLANNING_FIELDS: tuple[str, ...] = (
    "ordered_qty",
    "shipped_qty",
    "requested_date",
    "confirmed_date",
    "estimated_date",
    "date_confidence",
    "status",
    "order_status",
    "block_reason",
    "unit_price",
    "discount",
    "net_price",
    "line_amount",
    "currency",
)

LINE_SCHEMA = pa.schema([pa.field(name, kind) for name, kind in LINE_COLUMNS])


def lines_to_arrow(lines: list[dict[str, object]]) -> pa.Table:
    """Canonical line dicts as an Arrow table of the store's line schema."""
    columns = {
        name: pa.array([line.get(name) for line in lines], type=kind)
        for name, kind in LINE_COLUMNS
    }
    return pa.table(columns, schema=LINE_SCHEMA)
