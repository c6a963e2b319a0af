"""Assemble the history sections: what changed, the bridge, the conversion."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backlogdesk.errors import ReportError
from backlogdesk.metrics.changes import (
    BRIDGE_STEPS,
    bridge_lines,
    bridge_steps,
    change_tables,
    compare,
)
from backlogdesk.metrics.classify import classify
from backlogdesk.metrics.conversion import (
    OUTCOMES,
    conversion_lines,
    conversion_rows,
    reason_table,
)
from backlogdesk.metrics.history import line_history, with_history
from backlogdesk.periods import Period, PeriodKind, period_containing
from backlogdesk.reports.model import (
    Bridge,
    BridgeStep,
    Column,
    Conversion,
    History,
    Table,
)
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store

BRIDGE_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("step_title", "Step"),
    Column("backlog_before", "Backlog before", "money"),
    Column("backlog_after", "Backlog now", "money"),
    Column("shipped_part", "Shipped part", "money"),
)


def classified_as_of(
    store: Store, as_of: date, period: Period, settings: Settings
) -> Any:
    """Lines valid on ``as_of`` with their history, classified for ``period``."""
    dates = store.snapshot_dates()
    history = line_history(store.versions(), as_of, dates[0] if dates else None)
    lines = with_history(store.lines_as_of(as_of), history, as_of)
    return classify(lines, as_of, period, settings)


def build_history(
    store: Store, current: Any, as_of: date, kind: PeriodKind, settings: Settings
) -> History | None:
    """The history sections, or None when the store holds one snapshot only."""
    dates = [day for day in store.snapshot_dates() if day <= as_of]
    previous = store.previous_snapshot(as_of)
    if previous is None:
        return None
    period = period_containing(as_of, kind)
    before = classified_as_of(
        store, previous, period_containing(previous, kind), settings
    )
    joined = compare(before, current).cache()
    summary, tables = change_tables(joined)
    conversion, note = _conversion(store, as_of, period, kind, settings)
    return History(
        snapshots=dates,
        previous=previous,
        changes_summary=summary,
        changes=tables,
        bridge=_bridge(joined, previous),
        conversion=conversion,
        conversion_note=note,
    )


def _bridge(joined: Any, previous: date) -> Bridge:
    lines = bridge_lines(joined).cache()
    totals, per_step = bridge_steps(lines)
    by_step = {row["step"]: row for row in per_step}
    shipped_parts = sum((Decimal(r["shipped_part"] or 0) for r in per_step), Decimal(0))
    part_lines = sum(int(r["shipped_part_lines"] or 0) for r in per_step)

    steps = []
    for name, title in BRIDGE_STEPS:
        row = by_step.get(name, {})
        value = Decimal(row.get("value") or 0)
        count = int(row.get("lines") or 0)
        if name == "shipped":
            value -= shipped_parts
            count += part_lines
        steps.append(BridgeStep(name, title, count, value))

    opening = Decimal(totals["opening"] or 0)
    closing = Decimal(totals["closing"] or 0)
    if opening + sum((s.value for s in steps), Decimal(0)) != closing:
        raise ReportError("The backlog bridge does not reconcile; please report this.")
    moved = lines.filter(lines.step.notnull()).order_by(["step", "line_key"])
    rows = moved.select(*(c.key for c in BRIDGE_COLUMNS)).to_pyarrow().to_pylist()
    table = Table("bridge_lines", "Bridge, line by line", BRIDGE_COLUMNS, rows)
    return Bridge(
        previous=previous,
        opening=opening,
        opening_lines=int(totals["opening_lines"] or 0),
        steps=steps,
        closing=closing,
        closing_lines=int(totals["closing_lines"] or 0),
        lines=table,
    )


def _conversion(
    store: Store, as_of: date, period: Period, kind: PeriodKind, settings: Settings
) -> tuple[Conversion | None, str]:
    finished = period_containing(period.start - timedelta(days=1), kind)
    dates = store.snapshot_dates()
    inside = [d for d in dates if finished.start <= d <= finished.end]
    after = [d for d in dates if finished.end < d <= as_of]
    if not inside or not after:
        return None, (
            f"Backlog conversion of {finished.key} needs an import inside it and one "
            "after it; the store does not have both yet."
        )
    start_day, end_day = inside[0], after[0]
    start = classified_as_of(store, start_day, finished, settings)
    end = classified_as_of(store, end_day, period_containing(end_day, kind), settings)
    lines = conversion_lines(start, end, finished.end).cache()
    return conversion_result(lines, finished, start_day, end_day), ""


def conversion_result(
    lines: Any, finished: Period, start_day: date, end_day: date
) -> Conversion:
    """Value and lines per outcome, and the top slip and block reasons."""
    rows = {row["outcome"]: row for row in conversion_rows(lines)}
    shipped_parts = sum(
        (Decimal(r["shipped_part"] or 0) for r in rows.values()), Decimal(0)
    )
    outcomes: list[dict[str, Any]] = []
    for name, title in OUTCOMES:
        row = rows.get(name, {})
        value = Decimal(row.get("value") or 0)
        if name == "shipped":
            value += shipped_parts
        outcomes.append(
            {
                "outcome": name,
                "title": title,
                "lines": int(row.get("lines") or 0),
                "value": value,
            }
        )
    return Conversion(
        period_key=finished.key,
        start_import=start_day,
        end_import=end_day,
        total_lines=sum(int(o["lines"]) for o in outcomes),
        total_value=sum((Decimal(o["value"]) for o in outcomes), Decimal(0)),
        outcomes=outcomes,
        slip_reasons=reason_table(
            lines, "slipped_out", "delay_reason", "slip_reasons", "Top slip reasons"
        ),
        block_reasons=reason_table(
            lines, "blocked", "block_reason", "block_reasons", "Top block reasons"
        ),
    )


def history_tables(history: History) -> list[Table]:
    """Every table of the history sections, for renderers that list tables."""
    tables = [*history.changes]
    if history.bridge is not None:
        tables.append(history.bridge.lines)
    if history.conversion is not None:
        tables += [history.conversion.slip_reasons, history.conversion.block_reasons]
    return tables
