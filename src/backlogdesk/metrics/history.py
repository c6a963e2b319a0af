"""Per-line history as of a date, derived from the store's line versions.

First seen, last movement, ship-date moves (slips later, pull-ins earlier), days
slipped in total, the latest move, repeat slip (two slips or more) and third
strike (three or more). Every version differs from the one before it in a
planning-relevant field, so a new version is a movement by construction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis


def line_history(versions: Any, as_of: date, first_snapshot: date | None) -> Any:
    """One row per line key seen on or before ``as_of`` with its history."""
    seen = versions.filter(versions.valid_from <= as_of)
    ship = seen.confirmed_date.coalesce(seen.estimated_date)
    window = ibis.window(group_by="line_key", order_by="valid_from")
    prev_ship = ship.lag().over(window)
    steps = seen.mutate(ship=ship, prev_ship=prev_ship)

    moved = (
        steps.prev_ship.notnull()
        & steps.ship.notnull()
        & (steps.ship != steps.prev_ship)
    )
    slip = moved & (steps.ship > steps.prev_ship)
    pull = moved & (steps.ship < steps.prev_ship)
    slip_days = ibis.cases(
        (slip, steps.ship.delta(steps.prev_ship, unit="day")), else_=0
    )
    steps = steps.mutate(moved=moved, slip=slip, pull=pull, slip_days=slip_days)

    per_line = steps.group_by("line_key").aggregate(
        first_seen=steps.valid_from.min(),
        current_from=steps.valid_from.max(),
        slips=steps.slip.sum(),
        pull_ins=steps.pull.sum(),
        days_slipped=steps.slip_days.sum(),
        latest_move_on=steps.valid_from.max(where=steps.moved),
        latest_move_from=steps.prev_ship.argmax(
            ibis.cases((steps.moved, steps.valid_from), else_=ibis.null("date"))
        ),
        latest_move_to=steps.ship.argmax(
            ibis.cases((steps.moved, steps.valid_from), else_=ibis.null("date"))
        ),
        latest_delay_reason=steps.delay_reason.argmax(
            ibis.cases((steps.slip, steps.valid_from), else_=ibis.null("date"))
        ),
    )
    return _movement(per_line, as_of, first_snapshot)


def _movement(per_line: Any, as_of: date, first_snapshot: date | None) -> Any:
    """Last movement: the latest version's start, or the line's arrival."""
    first = ibis.literal(first_snapshot or as_of, type="date")
    changed = per_line.current_from > per_line.first_seen
    arrived = per_line.first_seen > first
    seen_move = ibis.cases(
        (changed, per_line.current_from),
        (arrived, per_line.first_seen),
        else_=ibis.null("date"),
    )
    has_move = per_line.latest_move_on.notnull()
    return per_line.mutate(
        latest_move_from=ibis.cases((has_move, per_line.latest_move_from)),
        latest_move_to=ibis.cases((has_move, per_line.latest_move_to)),
        seen_movement_date=seen_move,
        repeat_slip=per_line.slips >= 2,
        third_strike=per_line.slips >= 3,
        slips=per_line.slips.cast("int64"),
        pull_ins=per_line.pull_ins.cast("int64"),
        days_slipped=per_line.days_slipped.cast("int64"),
    )


def with_history(lines: Any, history: Any, as_of: date) -> Any:
    """Lines valid on ``as_of`` with history columns and a derived last movement.

    The ERP's own last-change date is kept only where it is not later than the
    line's current version: a later ERP change touched no planning field, so it
    is no movement. Without any seen change the line has not moved since it was
    first seen, which is as far back as the store can tell.
    """
    joined = lines.left_join(history, lines.line_key == history.line_key).drop(
        "line_key_right"
    )
    erp = joined.last_movement_date
    erp_ok = ibis.cases((erp <= joined.current_from, erp), else_=ibis.null("date"))
    lower_bound = ibis.cases(
        (joined.first_seen < as_of, joined.first_seen), else_=ibis.null("date")
    )
    movement = joined.seen_movement_date.coalesce(erp_ok, lower_bound)
    slips = joined.slips.fill_null(0)
    band = ibis.cases(
        (slips >= 3, "3 or more"), (slips == 2, "2"), (slips == 1, "1"), else_="0"
    )
    return joined.mutate(
        erp_last_movement_date=erp, last_movement_date=movement, slip_band=band
    )
