"""What the last meeting promised, and whether each line moved since.

Every line with a recorded action keeps it across imports: the newest action
recorded by the end of the as-of day is shown beside the line as it stands
now. A line that left the export, shipped or closed since still shows, so a
promise is never lost with its line.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import ibis

from backlogdesk.metrics.triage import rows_of
from backlogdesk.reports.model import Column, Table

PROMISE_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("action_owner", "Owner"),
    Column("decision", "Decision"),
    Column("action_note", "Note"),
    Column("next_update", "Next update", "date"),
    Column("recorded_on", "Recorded", "date"),
    Column("state_now", "Line now"),
    Column("moved_since", "Moved since", "flag"),
    Column("next_update_overdue", "Next update overdue", "flag"),
    Column("ship_date", "Ship date now", "date"),
    Column("open_value", "Open value", "money"),
)


def promises_table(actions: Any, every_line: Any, as_of: date) -> Table:
    """Each line's newest action with the line now: moved since, overdue."""
    line = every_line.select(
        key=every_line.line_key,
        customer_name=every_line.customer_name,
        is_open=every_line.is_open,
        status_class=every_line.status_class,
        ship_date=every_line.ship_date,
        open_value=every_line.open_value,
        valid_from=every_line.valid_from,
    )
    end_of_day = datetime.combine(as_of, time.max)
    a = actions.filter(actions.recorded_at <= end_of_day)
    t = a.left_join(line, a.line_key == line.key)
    recorded_on = t.recorded_at.date()
    state = ibis.cases(
        (t.key.isnull(), "left the export"),
        (~t.is_open, "shipped or closed"),
        else_=t.status_class,
    )
    t = t.mutate(
        recorded_on=recorded_on,
        state_now=state,
        moved_since=(t.valid_from > recorded_on).fill_null(True),
        next_update_overdue=(
            (t.next_update < as_of)
            & t.is_open.fill_null(False)
            & (t.valid_from <= recorded_on)
        ).fill_null(False),
    )
    rows = rows_of(t, [t.next_update_overdue.desc(), t.moved_since], PROMISE_COLUMNS)
    return Table(
        "promises",
        "What the last meeting promised",
        PROMISE_COLUMNS,
        rows,
        "The newest action of every line, beside the line as it stands now. "
        "'Moved since': its ship date, quantity, status or block changed after the "
        "action was recorded (a line no longer in the export counts as moved).",
    )
