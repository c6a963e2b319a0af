"""Claimed vs plannable: the sales claim beside the planning number.

Sales counts invoiced + every open order + agreement coverage; planning counts
invoiced + the released, unblocked backlog dated by the end of the scope (the
review period, or the year). The difference is split into parts that add back
to it to the cent: coverage not released, pending, blocked, released but
dated after the scope, released but undated. Every open line falls in exactly
one part or in the plannable backlog, so the parts are a partition.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import ibis

from backlogdesk.errors import ReportError
from backlogdesk.metrics.triage import rows_of
from backlogdesk.reports.model import ClaimPart, ClaimScope, Column

PART_TITLES = {
    "coverage": "Coverage not yet released (agreements)",
    "pending": "Pending: not released by the customer",
    "blocked": "Blocked",
    "after": "Released, dated after the end",
    "undated": "Released, no ship date",
}
CLAIM_LINE_COLUMNS = (
    Column("scope", "Scope"),
    Column("part", "Part"),
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("status_class", "Status"),
    Column("block_reason", "Block reason"),
    Column("ship_date", "Ship date", "date"),
    Column("open_value", "Open value", "money"),
)


def claim_part(t: Any, end: date) -> Any:
    """Which part of the difference an open line is in; null when plannable."""
    return ibis.cases(
        (t.status_class == "blocked", "blocked"),
        (t.status_class == "pending", "pending"),
        (t.ship_date.isnull(), "undated"),
        (t.ship_date > end, "after"),
        else_=ibis.null("string"),
    )


def claim_scope(
    open_lines: Any,
    scope: str,
    title: str,
    end: date,
    invoiced: Decimal,
    coverage: tuple[Decimal, int],
) -> ClaimScope:
    """The claim, the plannable number and the parts between them for one scope."""
    t = open_lines.mutate(part=claim_part(open_lines, end))
    grouped = t.group_by("part").aggregate(lines=t.count(), value=t.open_value.sum())
    found = {r["part"]: r for r in grouped.to_pyarrow().to_pylist()}
    open_total = sum((r["value"] or Decimal(0) for r in found.values()), Decimal(0))
    plannable_backlog = (found.get(None) or {}).get("value") or Decimal(0)
    parts = [ClaimPart("coverage", PART_TITLES["coverage"], coverage[1], coverage[0])]
    for name in ("pending", "blocked", "after", "undated"):
        row = found.get(name) or {"lines": 0, "value": Decimal(0)}
        parts.append(ClaimPart(name, PART_TITLES[name], row["lines"], row["value"]))
    claim = invoiced + open_total + coverage[0]
    plannable = invoiced + plannable_backlog
    result = ClaimScope(
        scope,
        title,
        end,
        invoiced,
        open_total,
        coverage[0],
        claim,
        plannable_backlog,
        plannable,
        claim - plannable,
        parts,
    )
    _check_adds_up(result)
    return result


def _check_adds_up(scope: ClaimScope) -> None:
    """The parts are a partition: if they do not add up, the report must not lie."""
    parts = sum((part.value for part in scope.parts), Decimal(0))
    if parts != scope.difference:
        raise ReportError(
            f"Claimed vs plannable ({scope.scope}): parts add to {parts}, the "
            f"difference is {scope.difference}. This is a defect; please report it."
        )


def claim_line_rows(
    open_lines: Any, scopes: list[tuple[str, date]]
) -> list[dict[str, Any]]:
    """The open lines behind each part, one row per scope and line."""
    rows: list[dict[str, Any]] = []
    for scope, end in scopes:
        t = open_lines.mutate(
            part=claim_part(open_lines, end), scope=ibis.literal(scope)
        )
        t = t.filter(t.part.notnull())
        rows += rows_of(t, [t.part], CLAIM_LINE_COLUMNS)
    return rows
