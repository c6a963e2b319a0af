"""Backlog conversion of a finished period: what stood in A and B at its start,
and what became of it by the first import after the period ended."""

from __future__ import annotations

from typing import Any

import ibis

from backlogdesk.reports.model import Column, Table

MONEY = "decimal(38, 2)"
OUTCOMES = (
    ("shipped", "Shipped in the period"),
    ("slipped_out", "Slipped out of the period"),
    ("still_open", "Still open, overdue"),
    ("blocked", "Blocked since"),
    ("cancelled", "Cancelled or short-closed"),
    ("left_export", "Left the export (not seen shipped)"),
)
REASON_COLUMNS = (
    Column("reason", "Reason"),
    Column("lines", "Lines", "int"),
    Column("value", "Value at period start", "money"),
)


def conversion_lines(start: Any, end: Any, period_end: Any) -> Any:
    """A and B lines at the period's first import with their outcome and value split.

    A line partly shipped by the end splits its starting value: the shipped
    part (the fall in its open value) is 'shipped', the rest goes to the
    outcome of what is still open.
    """
    s = start.filter(start.bucket.isin(["A", "B"])).select(
        line_key=start.line_key,
        s_bucket=start.bucket,
        s_value=start.open_value,
        s_shipped=start.shipped_qty,
    )
    e = end.select(
        e_key=end.line_key,
        e_open=end.is_open,
        e_value=end.open_value,
        e_shipped=end.shipped_qty,
        e_class=end.status_class,
        e_ship=end.ship_date,
        e_ended=end.status.isin(["cancelled", "closed"])
        | end.order_status.fill_null("").isin(["cancelled", "closed"]),
        block_reason=end.block_reason,
        delay_reason=end.delay_reason,
    )
    j = s.left_join(e, s.line_key == e.e_key)
    zero = ibis.literal(0).cast(MONEY)
    shipped_more = j.e_open & (j.e_shipped > j.s_shipped)
    part = ibis.cases(
        (
            shipped_more,
            ibis.greatest(ibis.least(j.s_value - j.e_value, j.s_value), zero),
        ),
        else_=zero,
    )
    outcome = ibis.cases(
        (j.e_key.isnull(), "left_export"),
        (~j.e_open & j.e_ended, "cancelled"),
        (~j.e_open, "shipped"),
        (j.e_class == "blocked", "blocked"),
        (j.e_ship > period_end, "slipped_out"),
        else_="still_open",
    )
    return j.mutate(outcome=outcome, shipped_part=part.cast(MONEY))


def conversion_rows(lines: Any) -> list[dict[str, Any]]:
    """Value and lines per outcome; shipped parts of open lines count as shipped."""
    grouped = lines.group_by("outcome").aggregate(
        lines=lines.count(),
        value=(lines.s_value - lines.shipped_part).sum(),
        shipped_part=lines.shipped_part.sum(),
    )
    result: list[dict[str, Any]] = grouped.to_pyarrow().to_pylist()
    return result


def reason_table(lines: Any, outcome: str, column: str, name: str, title: str) -> Table:
    """Lines of one outcome grouped by a reason column, largest value first."""
    chosen = lines.filter(lines.outcome == outcome)
    grouped = chosen.group_by(
        reason=chosen[column].fill_null("(no reason given)")
    ).aggregate(lines=chosen.count(), value=chosen.s_value.sum())
    rows = (
        grouped.order_by([grouped.value.desc(), grouped.reason])
        .to_pyarrow()
        .to_pylist()
    )
    return Table(name, title, REASON_COLUMNS, rows)
