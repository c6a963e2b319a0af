"""What changed between two snapshots, and the backlog bridge between them.

Both read two classified line tables (the previous import and this one) joined
line by line. The bridge splits the change of the sales backlog value into
steps that add back to the cent: each line's own change lands in exactly one
step (a partial shipment is split into its shipped part and the rest).
"""

from __future__ import annotations

from typing import Any

import ibis

from backlogdesk.reports.model import Column, Table

MONEY = "decimal(38, 2)"
ENDED = ("cancelled", "closed")

BRIDGE_STEPS = (
    ("new", "New lines"),
    ("shipped", "Shipped"),
    ("cancelled", "Cancelled or short-closed"),
    ("left_export", "Left the export"),
    ("changes", "Changes (quantity, price, reopened)"),
    ("from_blocked", "Unblocked into backlog"),
    ("to_blocked", "Blocked out of backlog"),
    ("from_pending", "Released from pending"),
    ("to_pending", "Back to pending"),
)

CHANGE_KINDS = (
    ("new", "New lines"),
    ("shipped", "Shipped (in full or in part)"),
    ("cancelled", "Cancelled or short-closed"),
    ("left_export", "Left the export (not seen shipped)"),
    ("slipped", "Ship date slipped"),
    ("pulled_in", "Ship date pulled in"),
    ("newly_blocked", "Newly blocked"),
    ("unblocked", "Unblocked"),
    ("value_changed", "Value changed (quantity or price, not shipping)"),
)

CHANGE_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("value_before", "Value before", "money"),
    Column("value_now", "Value now", "money"),
    Column("ship_before", "Ship date before", "date"),
    Column("ship_now", "Ship date now", "date"),
    Column("days_moved", "Days moved", "int"),
    Column("class_before", "Status before"),
    Column("class_now", "Status now"),
    Column("block_reason", "Block reason"),
    Column("shipped_on", "Shipped on (delivery date)", "date"),
    Column("days_late_at_shipment", "Days late at shipment", "int"),
    Column("owner", "Owner"),
)

_SIDE = (
    "is_open",
    "status_class",
    "open_value",
    "ship_date",
    "shipped_qty",
    "net_price",
    "fx_rate",
    "status",
    "order_status",
    "shipped_date",
)


def compare(previous: Any, current: Any) -> Any:
    """Join the previous and the current lines by key, one row per line key."""
    p = previous.select(
        p_key=previous.line_key,
        p_customer=previous.customer_name,
        p_owner=previous.owner,
        **{f"p_{name}": previous[name] for name in _SIDE},
    )
    c = current.select(
        c_key=current.line_key,
        c_customer=current.customer_name,
        c_owner=current.owner,
        block_reason=current.block_reason,
        **{f"c_{name}": current[name] for name in _SIDE},
    )
    joined = p.outer_join(c, p.p_key == c.c_key)
    return joined.mutate(
        line_key=joined.p_key.coalesce(joined.c_key),
        customer_name=joined.c_customer.coalesce(joined.p_customer),
        owner=joined.c_owner.coalesce(joined.p_owner),
        in_p=joined.p_key.notnull(),
        in_c=joined.c_key.notnull(),
        p_open=joined.p_is_open.fill_null(False),
        c_open=joined.c_is_open.fill_null(False),
        c_ended=joined.c_status.isin(ENDED)
        | joined.c_order_status.fill_null("").isin(ENDED),
    )


def change_kinds(j: Any) -> dict[str, Any]:
    """Conditions selecting each kind of change, by name."""
    both = j.p_open & j.c_open
    moved = j.c_ship_date.delta(j.p_ship_date, unit="day")
    return {
        "new": ~j.in_p & j.c_open,
        "shipped": j.p_open & j.in_c & (j.c_shipped_qty > j.p_shipped_qty),
        "cancelled": j.p_open & j.in_c & ~j.c_open & j.c_ended,
        "left_export": j.p_open & ~j.in_c,
        "slipped": both & (moved > 0),
        "pulled_in": both & (moved < 0),
        "newly_blocked": both
        & (j.p_status_class != "blocked")
        & (j.c_status_class == "blocked"),
        "unblocked": both
        & (j.p_status_class == "blocked")
        & (j.c_status_class != "blocked"),
        "value_changed": both
        & (j.c_shipped_qty == j.p_shipped_qty)
        & (j.c_open_value != j.p_open_value),
    }


def change_tables(joined: Any) -> tuple[list[dict[str, Any]], list[Table]]:
    """A summary row per kind of change, and the lines of each kind."""
    rows = joined.mutate(
        value_before=joined.p_open_value,
        value_now=joined.c_open_value,
        ship_before=joined.p_ship_date,
        ship_now=joined.c_ship_date,
        days_moved=joined.c_ship_date.delta(joined.p_ship_date, unit="day"),
        class_before=_shown_class(
            joined.p_open, joined.p_status_class, joined.p_status
        ),
        class_now=_shown_class(joined.c_open, joined.c_status_class, joined.c_status),
        shipped_on=joined.c_shipped_date,
        days_late_at_shipment=_late_at_shipment(joined),
    )
    summary, tables = [], []
    for name, title in CHANGE_KINDS:
        condition = change_kinds(joined)[name].fill_null(False)
        size = rows.value_before.coalesce(rows.value_now).fill_null(0)
        selected = rows.filter(condition).order_by([size.desc(), rows.line_key])
        data = (
            selected.select(*(c.key for c in CHANGE_COLUMNS)).to_pyarrow().to_pylist()
        )
        summary.append({"kind": name, "title": title, "lines": len(data)})
        tables.append(Table(f"changed_{name}", title, CHANGE_COLUMNS, data))
    return summary, tables


def _shown_class(is_open: Any, status_class: Any, status: Any) -> Any:
    """An open line's class (released / pending / blocked), else its ERP status."""
    return ibis.cases((is_open.fill_null(False), status_class), else_=status)


def _late_at_shipment(j: Any) -> Any:
    """Days the delivery was late against the ship date promised before it.

    Uses the delivery document's date, never when it was keyed in (field case
    27): a delivery made early and booked late is on time.
    """
    late = j.c_shipped_date.delta(j.p_ship_date, unit="day")
    return ibis.cases((late > 0, late), (late.notnull(), 0), else_=ibis.null("int64"))


def bridge_lines(j: Any) -> Any:
    """Each line's backlog value before and after, and the step its change is in."""
    zero = ibis.literal(0).cast(MONEY)
    p_backlog = j.p_open & (j.p_status_class == "released")
    c_backlog = j.c_open & (j.c_status_class == "released")
    before = ibis.cases((p_backlog, j.p_open_value), else_=zero)
    after = ibis.cases((c_backlog, j.c_open_value), else_=zero)
    shipped_qty = (j.c_shipped_qty - j.p_shipped_qty).fill_null(0)
    shipped_value = (shipped_qty * j.p_net_price * j.p_fx_rate).round(2).cast(MONEY)
    part = ibis.cases(
        (p_backlog & c_backlog & (shipped_qty > 0), ibis.least(shipped_value, before)),
        else_=zero,
    ).fill_null(zero)
    unchanged = p_backlog & c_backlog & (before == after) & (part == zero)
    step = ibis.cases(
        (~p_backlog & ~c_backlog, ibis.null("string")),
        (unchanged, ibis.null("string")),
        (~j.in_p, "new"),
        (p_backlog & ~j.in_c, "left_export"),
        (p_backlog & ~j.c_open & j.c_ended, "cancelled"),
        (p_backlog & ~j.c_open, "shipped"),
        (p_backlog & c_backlog, "changes"),
        (p_backlog & (j.c_status_class == "blocked"), "to_blocked"),
        (p_backlog, "to_pending"),
        (j.p_open & (j.p_status_class == "blocked"), "from_blocked"),
        (j.p_open, "from_pending"),
        else_="changes",
    )
    titles = dict(BRIDGE_STEPS)
    title = ibis.cases(*[(step == name, text) for name, text in titles.items()])
    return j.mutate(
        backlog_before=before.cast(MONEY),
        backlog_after=after.cast(MONEY),
        shipped_part=part.cast(MONEY),
        step=step,
        step_title=title,
    )


def bridge_steps(lines: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Opening, the steps, closing: value and lines, summed in one query."""
    moved = lines.filter(lines.step.notnull())
    delta = moved.backlog_after - moved.backlog_before
    metrics: dict[str, Any] = {
        "opening": lines.backlog_before.sum(),
        "closing": lines.backlog_after.sum(),
        "opening_lines": (lines.backlog_before != 0).sum(),
        "closing_lines": (lines.backlog_after != 0).sum(),
    }
    row = lines.aggregate(**metrics).to_pyarrow().to_pylist()[0]
    per_step = moved.group_by("step").aggregate(
        value=(delta + moved.shipped_part).sum(),
        lines=moved.count(),
        shipped_part=moved.shipped_part.sum(),
        shipped_part_lines=(moved.shipped_part > 0).sum(),
    )
    return row, per_step.to_pyarrow().to_pylist()
