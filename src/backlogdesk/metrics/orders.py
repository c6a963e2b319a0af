"""Order-level view of lateness: an order is as late as its latest open line.

Line delays are not additive (field case 25): two lines ten days late make an
order ten days late, not twenty. The order takes the maximum over its open
goods lines; charges carry no date of their own and are left out.
"""

from __future__ import annotations

from typing import Any

from backlogdesk.reports.model import Column, Table

ORDER_COLUMNS = (
    Column("order_id", "Order"),
    Column("customer_name", "Customer"),
    Column("open_lines", "Open lines", "int"),
    Column("late_lines", "Late lines", "int"),
    Column("open_value", "Open value", "money"),
    Column("max_days_late", "Days late (max over lines)", "int"),
    Column("earliest_ship_date", "Earliest ship date", "date"),
    Column("owner", "Owner"),
)


def late_orders(open_lines: Any) -> Table:
    """Orders with at least one past-due open goods line, latest first."""
    goods = open_lines.filter(open_lines.is_goods)
    grouped = goods.group_by("order_id").aggregate(
        customer_name=goods.customer_name.max(),
        open_lines=goods.count(),
        late_lines=goods.past_due.sum(),
        open_value=goods.open_value.sum(),
        max_days_late=goods.days_late.max(),
        earliest_ship_date=goods.ship_date.min(),
        owner=goods.owner.max(),
    )
    late = grouped.filter(grouped.late_lines > 0)
    rows = (
        late.order_by([late.max_days_late.desc(), late.order_id])
        .to_pyarrow()
        .to_pylist()
    )
    return Table(
        "late_orders",
        "Late orders (days late = the latest open line, never a sum)",
        ORDER_COLUMNS,
        rows,
    )
