"""The headline boxes and the review buckets, each summed in one Ibis query."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backlogdesk.reports.model import BUCKET_NAMES, Box

ZERO = Decimal(0)


def box_metrics(t: Any, name: str, condition: Any) -> dict[str, Any]:
    """Aggregations that sum one box over the lines where ``condition`` holds."""
    costed = condition & t.has_cost
    return {
        f"{name}__lines": condition.sum(),
        f"{name}__units": t.open_units.sum(where=condition),
        f"{name}__value": t.open_value.sum(where=condition),
        f"{name}__margin": t.open_margin.sum(where=costed),
        f"{name}__margin_lines": costed.sum(),
        f"{name}__margin_value": t.open_value.sum(where=costed),
    }


def collect_boxes(t: Any, conditions: dict[str, Any]) -> dict[str, Box]:
    """Run one aggregate over ``t`` and return a ``Box`` per named condition."""
    metrics: dict[str, Any] = {}
    for name, condition in conditions.items():
        metrics.update(box_metrics(t, name, condition))
    row = t.aggregate(**metrics).to_pyarrow().to_pylist()[0]
    return {name: _box(row, name) for name in conditions}


def _box(row: dict[str, Any], name: str) -> Box:
    margin_lines = int(row[f"{name}__margin_lines"] or 0)
    return Box(
        lines=int(row[f"{name}__lines"] or 0),
        units=_exact(row[f"{name}__units"]),
        value=_exact(row[f"{name}__value"]),
        margin=_exact(row[f"{name}__margin"]) if margin_lines else None,
        margin_lines=margin_lines,
        margin_value=_exact(row[f"{name}__margin_value"]),
    )


def _exact(value: Any) -> Decimal:
    """SUM over no rows is NULL in SQL; an empty box sums to exactly zero."""
    return ZERO if value is None else Decimal(value)


def headline_boxes(open_lines: Any) -> dict[str, Box]:
    """Open orders, and within it sales backlog, blocked and pending."""
    cls = open_lines.status_class
    return collect_boxes(
        open_lines,
        {
            "open_orders": open_lines.is_open,
            "sales_backlog": cls == "released",
            "blocked": cls == "blocked",
            "pending": cls == "pending",
        },
    )


def bucket_boxes(open_lines: Any) -> tuple[dict[str, Box], dict[str, Box]]:
    """Buckets A-D, and the past-due part of A and B."""
    bucket = open_lines.bucket
    conditions = {name: bucket.fill_null("") == name for name in BUCKET_NAMES}
    past_due = {
        name: (bucket.fill_null("") == name) & open_lines.past_due
        for name in ("A", "B")
    }
    boxes = collect_boxes(
        open_lines, conditions | {f"due_{k}": v for k, v in past_due.items()}
    )
    buckets = {name: boxes[name] for name in BUCKET_NAMES}
    overdue = {name: boxes[f"due_{name}"] for name in ("A", "B")}
    return buckets, overdue
