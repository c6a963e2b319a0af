"""Triage lists: the lines the weekly meeting must decide on, with who owns them."""

from __future__ import annotations

from datetime import date
from typing import Any

from backlogdesk.reports.model import Column, Table
from backlogdesk.settings import Settings

LINE_COLUMNS = (
    Column("customer_name", "Customer"),
    Column("line_key", "Order / line"),
    Column("item", "Item"),
    Column("open_value", "Open value", "money"),
    Column("open_units", "Units", "qty"),
    Column("requested_date", "Requested", "date"),
    Column("ship_date", "Ship date", "date"),
    Column("confidence", "Confidence"),
    Column("status_class", "Status"),
    Column("bucket", "Bucket"),
    Column("days_late", "Days late", "int"),
    Column("last_movement_date", "Last movement", "date"),
    Column("block_reason", "Block reason"),
    Column("slips", "Slips", "int"),
    Column("owner", "Account owner"),
    Column("proposed_owner", "Proposed owner"),
    Column("action_owner", "Assigned to"),
    Column("next_update", "Next update", "date"),
)

FULL_COLUMNS = (
    *LINE_COLUMNS,
    Column("order_id", "Order"),
    Column("line_id", "Line"),
    Column("schedule_id", "Schedule line"),
    Column("customer_id", "Customer no."),
    Column("product_group", "Product group"),
    Column("line_type", "Line type"),
    Column("order_date", "Order date", "date"),
    Column("confirmed_date", "Confirmed date", "date"),
    Column("estimated_date", "Estimated date", "date"),
    Column("ship_week", "Ship week"),
    Column("ship_month", "Ship month"),
    Column("ordered_qty", "Ordered", "qty"),
    Column("shipped_qty", "Shipped", "qty"),
    Column("open_qty", "Open qty", "qty"),
    Column("delivered_qty", "Delivered (movements)", "qty"),
    Column("returned_qty", "Returned", "qty"),
    Column("invoiced_qty", "Invoiced", "qty"),
    Column("to_invoice_qty", "To invoice", "qty"),
    Column("unit", "Unit"),
    Column("open_margin", "Margin", "money"),
    Column("currency", "Currency"),
    Column("partial", "Partial", "flag"),
    Column("past_due", "Past due", "flag"),
    Column("future_dated", "Future-dated", "flag"),
    Column("undated", "Undated", "flag"),
    Column("aging_band", "Aging band"),
    Column("comments", "Comments"),
    Column("first_seen", "First seen", "date"),
    Column("days_since_movement", "Days since movement", "int"),
    Column("pull_ins", "Pull-ins", "int"),
    Column("days_slipped", "Days slipped", "int"),
    Column("latest_move_from", "Latest move from", "date"),
    Column("latest_move_to", "Latest move to", "date"),
    Column("repeat_slip", "Repeat slip", "flag"),
    Column("third_strike", "Third strike", "flag"),
    Column("owning_function", "Function"),
    Column("next_update_overdue", "Next update overdue", "flag"),
    Column("decision", "Decision"),
    Column("action_note", "Action note"),
    Column("action_version", "Action version", "int"),
    Column("source_file", "File"),
    Column("source_row", "Row", "int"),
)

SELECTED = tuple(dict.fromkeys(c.key for c in FULL_COLUMNS))


def rows_of(
    t: Any, first: list[Any] | None = None, columns: tuple[Column, ...] | None = None
) -> list[dict[str, Any]]:
    """Open lines as dicts: by ``first`` keys, then largest value, then line key."""
    ordered = t.order_by([*(first or []), t.open_value.desc(), t.line_key])
    keys = SELECTED if columns is None else tuple(c.key for c in columns)
    result: list[dict[str, Any]] = ordered.select(*keys).to_pyarrow().to_pylist()
    return result


def triage_tables(open_lines: Any, as_of: date, settings: Settings) -> list[Table]:
    """Blocked, past due, pending, undated, future-dated and aging lines."""
    t = open_lines
    stale = int(settings["stale_after_days"])
    pending_max = int(settings["pending_max_days"])
    pending_age = t.order_date.isnull() | (
        t.order_date < _days_before(as_of, pending_max)
    )
    sections = (
        ("blocked", "Blocked (bucket D)", t.status_class == "blocked", ""),
        (
            "past_due",
            "Past due in A / B",
            t.bucket.isin(["A", "B"]) & t.past_due,
            "Released lines whose ship date lies before the as-of date.",
        ),
        (
            "pending",
            "Pending release",
            t.status_class == "pending",
            f"Lines ordered more than {pending_max} days ago are listed first.",
        ),
        (
            "undated",
            "Released without a ship date",
            (t.status_class == "released") & t.undated,
            "Backlog that cannot be placed in A, B or C until planning dates it.",
        ),
        (
            "aging",
            f"No movement for more than {stale} days",
            t.aging,
            "Thresholds per product group where set (stale_after_days_by_group).",
        ),
        (
            "repeat_slips",
            "Repeat slips (ship date moved later twice or more)",
            t.repeat_slip,
            "Third strike (three slips or more): expedite, renegotiate, swap or "
            "de-scope.",
        ),
        (
            "future_dated",
            "Future-dated (beyond the planning horizon)",
            t.future_dated,
            "",
        ),
    )
    tables = []
    for name, title, condition, note in sections:
        selected = t.filter(condition.fill_null(False))
        first = {"pending": [pending_age.desc()], "repeat_slips": [t.slips.desc()]}
        rows = rows_of(selected, first.get(name))
        tables.append(Table(name, title, LINE_COLUMNS, rows, note))
    return tables


def _days_before(day: date, days: int) -> date:
    from datetime import timedelta

    return day - timedelta(days=days)
