"""Splits of open orders by ship period, aging band, block reason, group, customer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backlogdesk.reports.model import BUCKET_NAMES, Column, Table

SPLIT_COLUMNS = (
    Column("lines", "Lines", "int"),
    Column("units", "Units", "qty"),
    Column("value", "Open value", "money"),
    Column("backlog_value", "Backlog", "money"),
    Column("blocked_value", "Blocked", "money"),
    Column("pending_value", "Pending", "money"),
    Column("margin", "Margin (costed lines)", "money"),
)

SPLITS = (
    ("by_ship_week", "By ship week", "ship_week", "Ship week"),
    ("by_ship_month", "By ship month", "ship_month", "Ship month"),
    ("by_aging_band", "By days since last movement", "aging_band", "Aging band"),
    ("by_slip_count", "By number of slips", "slip_band", "Slips"),
    ("by_block_reason", "Blocked lines by reason", "block_reason", "Block reason"),
    ("by_product_group", "By product group", "product_group", "Product group"),
    ("by_customer", "By customer", "customer_name", "Customer"),
)


def split_table(
    open_lines: Any,
    name: str,
    title: str,
    key: str,
    label: str,
    order: list[str] | None,
) -> Table:
    """Open lines grouped by ``key``; empty keys show as '(none)'."""
    t = open_lines
    if name == "by_block_reason":
        t = t.filter(t.status_class == "blocked")
    cls = t.status_class
    grouped = t.group_by(group=t[key].fill_null("(none)")).aggregate(
        lines=t.count(),
        units=t.open_units.sum(),
        value=t.open_value.sum(),
        backlog_value=t.open_value.sum(where=cls == "released"),
        blocked_value=t.open_value.sum(where=cls == "blocked"),
        pending_value=t.open_value.sum(where=cls == "pending"),
        margin=t.open_margin.sum(),
    )
    rows = grouped.to_pyarrow().to_pylist()
    rows = _ordered(rows, name, order)
    columns = (Column("group", label), *SPLIT_COLUMNS)
    return Table(name, title, columns, [_filled(row) for row in rows])


def _ordered(
    rows: list[dict[str, Any]], name: str, order: list[str] | None
) -> list[dict[str, Any]]:
    if order is not None:
        rank = {label: position for position, label in enumerate(order)}
        return sorted(rows, key=lambda row: rank.get(row["group"], len(rank)))
    if name in ("by_ship_week", "by_ship_month"):
        return sorted(rows, key=lambda row: (row["group"] == "(none)", row["group"]))
    return sorted(rows, key=lambda row: (-(row["value"] or 0), row["group"]))


def _filled(row: dict[str, Any]) -> dict[str, Any]:
    money = ("value", "backlog_value", "blocked_value", "pending_value")
    return {k: (Decimal(0) if v is None and k in money else v) for k, v in row.items()}


def ship_month_by_bucket(open_lines: Any) -> list[dict[str, Any]]:
    """Open value by ship month and bucket, for the stacked chart."""
    t = open_lines.filter(open_lines.bucket.notnull() & open_lines.ship_month.notnull())
    grouped = t.group_by("ship_month").aggregate(
        **{name: t.open_value.sum(where=t.bucket == name) for name in BUCKET_NAMES}
    )
    rows = grouped.order_by("ship_month").to_pyarrow().to_pylist()
    return [
        {"month": row["ship_month"], **{n: row[n] or Decimal(0) for n in BUCKET_NAMES}}
        for row in rows
    ]
