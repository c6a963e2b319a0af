"""Delivered but not invoiced, and invoiced ahead of delivery, per order line.

Only lines whose movement files were given have these figures. To invoice is on
the delivered basis: net delivered (deliveries - returns) - invoiced (net of
credit notes), floored at 0 (field cases 07, 11).
"""

from __future__ import annotations

from typing import Any

from backlogdesk.reports.model import Column, Table

INVOICE_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("ordered_qty", "Ordered", "qty"),
    Column("delivered_qty", "Delivered", "qty"),
    Column("returned_qty", "Returned", "qty"),
    Column("invoiced_qty", "Invoiced", "qty"),
    Column("to_invoice_qty", "To invoice", "qty"),
    Column("invoiced_ahead_qty", "Invoiced ahead", "qty"),
    Column("open_qty", "Open", "qty"),
    Column("owner", "Owner"),
)


def invoice_table(classified: Any, name: str, title: str, condition: Any) -> Table:
    """Lines valid on the date where ``condition`` holds, largest first."""
    chosen = classified.filter(condition.fill_null(False))
    ordered = chosen.order_by([chosen.to_invoice_qty.desc(), chosen.line_key])
    rows = ordered.select(*(c.key for c in INVOICE_COLUMNS)).to_pyarrow().to_pylist()
    return Table(name, title, INVOICE_COLUMNS, rows)


def to_invoice(classified: Any) -> Table:
    """Delivered (net of returns) and not yet invoiced."""
    return invoice_table(
        classified,
        "to_invoice",
        "Delivered, not yet invoiced",
        classified.to_invoice_qty > 0,
    )


def invoiced_ahead(classified: Any) -> Table:
    """Invoiced more than was delivered (net of returns)."""
    return invoice_table(
        classified,
        "invoiced_ahead",
        "Invoiced ahead of delivery",
        classified.invoiced_ahead_qty > 0,
    )
