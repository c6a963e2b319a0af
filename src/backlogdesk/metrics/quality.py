"""The data-quality lane: what in the export makes the numbers less certain."""

from __future__ import annotations

from typing import Any

from backlogdesk.metrics.invoicing import invoiced_ahead
from backlogdesk.reports.model import Column, QualityIssue, Table
from backlogdesk.settings import Settings

OVER_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("ordered_qty", "Ordered", "qty"),
    Column("shipped_qty", "Shipped", "qty"),
    Column("over_delivery_qty", "Over-delivered", "qty"),
    Column("source_file", "File"),
    Column("source_row", "Row", "int"),
)


def quality_issues(
    classified: Any, open_lines: Any, settings: Settings
) -> list[QualityIssue]:
    """Every data-quality lane, including the empty ones (zero is news too)."""
    o = open_lines
    issues = [
        _issue(
            "undated_released",
            "Released lines without a ship date",
            o.filter((o.status_class == "released") & o.undated),
        ),
        _issue(
            "no_last_movement",
            "Open lines without a last-movement date (aging unknown)",
            o.filter(o.last_movement_date.isnull()),
        ),
        _issue(
            "no_price",
            "Open lines without price or amount (value counted as 0)",
            o.filter(~o.has_price),
        ),
        _issue(
            "blocked_no_reason",
            "Blocked lines without a block reason",
            o.filter((o.status_class == "blocked") & o.block_reason.isnull()),
        ),
        _over_delivery(classified),
        _issue(
            "negative_values",
            "Lines with a negative quantity, price or amount",
            classified.filter(
                (classified.ordered_qty < 0)
                | (classified.unit_price.fill_null(0) < 0)
                | (classified.line_amount.fill_null(0) < 0)
            ),
        ),
    ]
    ahead = invoiced_ahead(classified)
    issues.append(QualityIssue(ahead.name, ahead.title, len(ahead.rows), ahead))
    if settings["owner_required"]:
        issues.append(
            _issue(
                "no_owner", "Open lines without an owner", o.filter(o.owner.isnull())
            )
        )
    return issues


QUALITY_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("status_class", "Status"),
    Column("open_value", "Open value", "money"),
    Column("owner", "Owner"),
    Column("source_file", "File"),
    Column("source_row", "Row", "int"),
)


def _issue(code: str, title: str, selected: Any) -> QualityIssue:
    """A lane lists just enough of each line to find it in the export."""
    ordered = selected.order_by([selected.open_value.desc(), selected.line_key])
    keys = [column.key for column in QUALITY_COLUMNS]
    rows = ordered.select(*keys).to_pyarrow().to_pylist()
    table = Table(code, title, QUALITY_COLUMNS, rows)
    return QualityIssue(code, title, len(rows), table)


def _over_delivery(classified: Any) -> QualityIssue:
    over = classified.filter(classified.over_delivery_qty > 0)
    rows = (
        over.order_by([over.over_delivery_qty.desc(), over.line_key])
        .select(*(c.key for c in OVER_COLUMNS))
        .to_pyarrow()
        .to_pylist()
    )
    title = "Over-delivered lines (open quantity floored at 0)"
    table = Table("over_delivery", title, OVER_COLUMNS, rows)
    return QualityIssue("over_delivery", title, len(rows), table)
