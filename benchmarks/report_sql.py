"""Baseline: the weekly report's tables in hand-written DuckDB SQL.

Computes from a Backlog Desk store, as of a date and for its ISO week: each
line's history (slips, last movement), the classification (open quantity and
value, status class, ship date and its source, charges following their order,
bucket A-D, flags, aging), the four numbers, buckets A-D with their past-due
part, open value by ship month (and by bucket), the seven triage lists, and
the comparison with the previous import (nine change lists and the backlog
bridge). Results are fetched as Arrow tables, as a report writer would read
them. Run as a separate process by the benchmarks:

    python benchmarks/report_sql.py STORE AS_OF
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa

STALE_AFTER_DAYS = 30
HORIZON_DAYS = 180
AGING_BANDS = (14, 30, 60, 90)
PENDING_MAX_DAYS = 14

TRIAGE_COLUMNS = (
    "customer_name, line_key, item, open_value, open_units, requested_date, "
    "ship_date, confidence, status_class, bucket, days_late, last_movement_date, "
    "block_reason, slips, owner, action_owner, next_update"
)
CHANGE_COLUMNS = (
    "line_key, customer_name, value_before, value_now, ship_before, ship_now, "
    "days_moved, class_before, class_now, block_reason, shipped_on, "
    "days_late_at_shipment, owner"
)


def week_end(day: date) -> date:
    """The Sunday ending the ISO week of ``day``."""
    return day + timedelta(days=6 - day.weekday())


def history_sql(as_of: date, first: date) -> str:
    """Per line key seen by ``as_of``: slips, pull-ins and last movement."""
    return f"""
    with steps as (
        select line_key, valid_from, delay_reason,
            coalesce(confirmed_date, estimated_date) as ship,
            lag(coalesce(confirmed_date, estimated_date)) over (
                partition by line_key order by valid_from) as prev_ship
        from line_versions where valid_from <= date '{as_of}'
    ), marked as (
        select *, coalesce(prev_ship <> ship, false) as moved,
            coalesce(ship > prev_ship, false) as slip,
            coalesce(ship < prev_ship, false) as pull
        from steps
    ), per_line as (
        select line_key, min(valid_from) as first_seen,
            max(valid_from) as current_from,
            count(*) filter (where slip) as slips,
            count(*) filter (where pull) as pull_ins,
            coalesce(sum(ship - prev_ship) filter (where slip), 0) as days_slipped,
            max(valid_from) filter (where moved) as latest_move_on,
            arg_max(prev_ship, valid_from) filter (where moved) as latest_move_from,
            arg_max(ship, valid_from) filter (where moved) as latest_move_to
        from marked group by line_key
    )
    select *, case when current_from > first_seen then current_from
        when first_seen > date '{first}' then first_seen end as seen_movement,
        slips >= 2 as repeat_slip, slips >= 3 as third_strike
    from per_line
    """


def lines_sql(as_of: date, first: date) -> str:
    """Lines valid on ``as_of`` with history, quantities and own ship date."""
    d = f"date '{as_of}'"
    return f"""
    with h as ({history_sql(as_of, first)}), v as (
        select * from line_versions where valid_from <= {d}
            and (valid_to is null or valid_to > {d})
    ), j as (
        select v.*, h.* exclude (line_key),
            coalesce(h.seen_movement,
                case when v.last_movement_date <= h.current_from
                    then v.last_movement_date end,
                case when h.first_seen < {d} then h.first_seen end)
                as moved_on,
            status in ('released', 'pending', 'blocked')
                and coalesce(order_status, '') not in ('cancelled', 'closed')
                as line_open
        from v left join h using (line_key)
    )
    select * exclude (last_movement_date), moved_on as last_movement_date,
        case when line_open and ordered_qty > shipped_qty
            then ordered_qty - shipped_qty else 0 end::decimal(38, 4) as open_qty,
        line_type = 'goods' as is_goods,
        coalesce(confirmed_date, estimated_date) as own_ship_date,
        case when confirmed_date is not null then 'confirmed'
            when estimated_date is not null then 'estimated' else 'none' end
            as own_date_source
    from j
    """


def classified_sql(as_of: date, first: date) -> str:
    """The classified lines of ``as_of`` for its ISO week."""
    d, end = f"date '{as_of}'", f"date '{week_end(as_of)}'"
    horizon = f"date '{as_of + timedelta(days=HORIZON_DAYS)}'"
    return f"""
    with q as ({lines_sql(as_of, first)}), goods as (
        select order_id, own_ship_date, own_date_source from q
        where is_goods and open_qty > 0
    ), first_date as (
        select order_id, min(own_ship_date) as order_ship_date from goods
        group by order_id
    ), first_source as (
        select f.order_id, f.order_ship_date, min(g.own_date_source) as order_source
        from first_date f join goods g on g.order_id = f.order_id
            and g.own_ship_date = f.order_ship_date
        group by all
    ), dated as (
        select q.*, open_qty > 0 as is_open,
            case when is_goods then own_ship_date else s.order_ship_date end
                as ship_date,
            case when is_goods then own_date_source
                else coalesce(s.order_source, 'none') end as date_source,
            case when status = 'blocked' or block_reason is not null then 'blocked'
                when status = 'pending' then 'pending' else 'released' end
                as status_class
        from q left join first_source s using (order_id)
    ), valued as (
        select *,
            round(case when not is_open then 0 when shipped_qty = 0
                then line_amount else round(open_qty * net_price, 2) end
                * fx_rate, 2)::decimal(38, 2) as open_value,
            round(round(open_qty * unit_cost, 2) * fx_rate, 2)::decimal(38, 2)
                as open_cost
        from dated
    )
    select *,
        case when is_goods then open_qty * unit_factor else 0 end
            ::decimal(38, 4) as open_units,
        case when unit_cost is not null then open_value - open_cost end
            ::decimal(38, 2) as open_margin,
        unit_cost is not null and net_price is not null as has_cost,
        case when date_source = 'confirmed' then 'confirmed'
            when date_source = 'estimated'
            then coalesce(date_confidence, 'estimated') else 'none' end
            as confidence,
        case when not is_open then null when status_class = 'blocked' then 'D'
            when status_class = 'pending' or ship_date is null then null
            when ship_date > {end} then 'C'
            when date_source = 'confirmed' then 'A' else 'B' end as bucket,
        coalesce(ship_date < {d}, false) as past_due,
        coalesce(ship_date > {horizon}, false) as future_dated,
        ship_date is null and is_open as undated,
        is_open and shipped_qty > 0 as partial,
        case when ship_date < {d} then {d} - ship_date else 0 end as days_late,
        strftime(ship_date, '%G-W%V') as ship_week,
        strftime(ship_date, '%Y-%m') as ship_month,
        {d} - last_movement_date as days_since_movement,
        {_band_sql(f"{d} - last_movement_date")} as aging_band,
        coalesce({d} - last_movement_date > {STALE_AFTER_DAYS}, false) as aging,
        coalesce(slips, 0) as slip_count
    from valued
    """


def _band_sql(days: str) -> str:
    """The aging band label of ``days`` since the last movement."""
    branches, lower = [], 0
    for upper in AGING_BANDS:
        branches.append(f"when {days} <= {upper} then '{lower}-{upper} days'")
        lower = upper + 1
    return (
        f"case when {days} is null then 'unknown' {' '.join(branches)} "
        f"else 'over {AGING_BANDS[-1]} days' end"
    )


def box_sql(name: str, condition: str) -> str:
    """The six sums of one box (lines, units, value, margin on costed lines)."""
    costed = f"({condition}) and has_cost"
    return (
        f"count(*) filter (where {condition}) as {name}_lines, "
        f"sum(open_units) filter (where {condition}) as {name}_units, "
        f"sum(open_value) filter (where {condition}) as {name}_value, "
        f"sum(open_margin) filter (where {costed}) as {name}_margin, "
        f"count(*) filter (where {costed}) as {name}_margin_lines, "
        f"sum(open_value) filter (where {costed}) as {name}_margin_value"
    )


def numbers_sql() -> str:
    """The four numbers, buckets A-D and the past-due part of A and B, in one pass."""
    boxes = {
        "open_orders": "true",
        "sales_backlog": "status_class = 'released'",
        "blocked": "status_class = 'blocked'",
        "pending": "status_class = 'pending'",
        **{f"bucket_{b}": f"bucket = '{b}'" for b in "ABCD"},
        "due_A": "bucket = 'A' and past_due",
        "due_B": "bucket = 'B' and past_due",
    }
    sums = ", ".join(box_sql(name, cond) for name, cond in boxes.items())
    return f"select {sums} from open_lines"


def ship_month_sql() -> str:
    """Open value by ship month, split by class and, for the chart, by bucket."""
    return """
    select coalesce(ship_month, '(none)') as month_key, count(*) as lines,
        sum(open_units) as units, sum(open_value) as value,
        sum(open_value) filter (where status_class = 'released') as backlog_value,
        sum(open_value) filter (where status_class = 'blocked') as blocked_value,
        sum(open_value) filter (where status_class = 'pending') as pending_value,
        sum(open_margin) as margin,
        sum(open_value) filter (where bucket = 'A') as bucket_a,
        sum(open_value) filter (where bucket = 'B') as bucket_b,
        sum(open_value) filter (where bucket = 'C') as bucket_c,
        sum(open_value) filter (where bucket = 'D') as bucket_d
    from open_lines group by month_key
    order by month_key = '(none)', month_key
    """


def triage_sql(as_of: date) -> dict[str, str]:
    """The seven triage lists, each ordered as the report orders them."""
    old = f"date '{as_of - timedelta(days=PENDING_MAX_DAYS)}'"
    lists = {
        "blocked": ("status_class = 'blocked'", ""),
        "past_due": ("bucket in ('A', 'B') and past_due", ""),
        "pending": (
            "status_class = 'pending'",
            f"(order_date is null or order_date < {old}) desc, ",
        ),
        "undated": ("status_class = 'released' and undated", ""),
        "aging": ("aging", ""),
        "repeat_slips": ("coalesce(repeat_slip, false)", "slip_count desc, "),
        "future_dated": ("future_dated", ""),
    }
    return {
        name: f"select {TRIAGE_COLUMNS} from open_lines where {condition} "
        f"order by {first}open_value desc, line_key"
        for name, (condition, first) in lists.items()
    }


def compare_sql() -> str:
    """The previous and the current lines side by side, one row per line key."""
    side = (
        "line_key, customer_name, owner, is_open, status_class, open_value, "
        "ship_date, shipped_qty, net_price, fx_rate, status, order_status, "
        "shipped_date, block_reason"
    )
    return f"""
    create temp table compared as
    with p as (select {side} from previous), c as (select {side} from current)
    select coalesce(p.line_key, c.line_key) as line_key,
        coalesce(c.customer_name, p.customer_name) as customer_name,
        coalesce(c.owner, p.owner) as owner,
        p.line_key is not null as in_p, c.line_key is not null as in_c,
        coalesce(p.is_open, false) as p_open, coalesce(c.is_open, false) as c_open,
        p.status_class as p_class, c.status_class as c_class,
        p.status as p_status, c.status as c_status,
        p.open_value as value_before, c.open_value as value_now,
        p.ship_date as ship_before, c.ship_date as ship_now,
        c.ship_date - p.ship_date as days_moved,
        p.shipped_qty as p_shipped, c.shipped_qty as c_shipped,
        p.net_price as p_net_price, p.fx_rate as p_fx_rate,
        c.block_reason, c.shipped_date as shipped_on,
        case when c.shipped_date - p.ship_date > 0 then c.shipped_date - p.ship_date
            when c.shipped_date - p.ship_date is not null then 0 end
            as days_late_at_shipment,
        c.status in ('cancelled', 'closed')
            or coalesce(c.order_status, '') in ('cancelled', 'closed') as c_ended
    from p full join c on p.line_key = c.line_key
    """


def change_sql() -> dict[str, str]:
    """The nine change lists, largest value first."""
    both = "p_open and c_open"
    kinds = {
        "new": "not in_p and c_open",
        "shipped": "p_open and in_c and c_shipped > p_shipped",
        "cancelled": "p_open and in_c and not c_open and c_ended",
        "left_export": "p_open and not in_c",
        "slipped": f"{both} and days_moved > 0",
        "pulled_in": f"{both} and days_moved < 0",
        "newly_blocked": f"{both} and p_class <> 'blocked' and c_class = 'blocked'",
        "unblocked": f"{both} and p_class = 'blocked' and c_class <> 'blocked'",
        "value_changed": f"{both} and c_shipped = p_shipped "
        "and value_now <> value_before",
    }
    shown = (
        "line_key, customer_name, value_before, value_now, ship_before, ship_now, "
        "days_moved, case when p_open then p_class else p_status end as class_before, "
        "case when c_open then c_class else c_status end as class_now, block_reason, "
        "shipped_on, days_late_at_shipment, owner"
    )
    return {
        name: f"select {shown} from compared where coalesce({condition}, false) "
        "order by coalesce(value_before, value_now, 0) desc, line_key"
        for name, condition in kinds.items()
    }


def bridge_sql() -> str:
    """The backlog bridge: opening, each step's value and lines, closing."""
    return """
    with b as (
        select *, p_open and p_class = 'released' as p_backlog,
            c_open and c_class = 'released' as c_backlog from compared
    ), v as (
        select *, case when p_backlog then value_before else 0 end as before,
            case when c_backlog then value_now else 0 end as after,
            round(coalesce(c_shipped - p_shipped, 0) * p_net_price * p_fx_rate, 2)
                as shipped_value
        from b
    ), s as (
        select *, case when p_backlog and c_backlog
            and coalesce(c_shipped - p_shipped, 0) > 0
            then least(shipped_value, before) else 0 end as part
        from v
    ), stepped as (
        select *, case
            when not p_backlog and not c_backlog then null
            when p_backlog and c_backlog and before = after and part = 0 then null
            when not in_p then 'new'
            when p_backlog and not in_c then 'left_export'
            when p_backlog and not c_open and c_ended then 'cancelled'
            when p_backlog and not c_open then 'shipped'
            when p_backlog and c_backlog then 'changes'
            when p_backlog and c_class = 'blocked' then 'to_blocked'
            when p_backlog then 'to_pending'
            when p_open and p_class = 'blocked' then 'from_blocked'
            when p_open then 'from_pending' else 'changes' end as step
        from s
    )
    select step, count(*) as lines, sum(after - before + part) as value,
        sum(before) as opening, sum(after) as closing
    from stepped group by rollup (step) order by step nulls first
    """


def run(path: str, as_of: date) -> dict[str, Any]:
    """Compute every table; return the figures that are compared across tools."""
    con = duckdb.connect(path, read_only=True)
    dates = [
        row[0] for row in con.sql("select as_of from snapshots order by 1").fetchall()
    ]
    previous = max(day for day in dates if day < as_of)
    _classify(con, as_of, previous, dates[0])

    numbers = con.sql(numbers_sql()).fetchall()
    names = [column[0] for column in con.sql(numbers_sql()).description]
    row = dict(zip(names, numbers[0], strict=True))
    tables: dict[str, pa.Table] = {
        "by_ship_month": con.sql(ship_month_sql()).to_arrow_table()
    }
    for name, sql in triage_sql(as_of).items():
        tables[name] = con.sql(sql).to_arrow_table()
    con.execute(compare_sql())
    for name, sql in change_sql().items():
        tables[f"changed_{name}"] = con.sql(sql).to_arrow_table()
    tables["bridge"] = con.sql(bridge_sql()).to_arrow_table()
    return _figures(row, tables)


def _classify(
    con: duckdb.DuckDBPyConnection, as_of: date, previous: date, first: date
) -> None:
    con.execute(f"create temp table current as {classified_sql(as_of, first)}")
    con.execute(f"create temp table previous as {classified_sql(previous, first)}")
    con.execute(
        "create temp table open_lines as select c.*, a.owner as action_owner, "
        "a.next_update from current c left join (select line_key, owner, "
        "next_update from actions qualify version = max(version) over "
        "(partition by line_key)) a using (line_key) where c.is_open"
    )


def _figures(row: dict[str, Any], tables: dict[str, pa.Table]) -> dict[str, Any]:
    figures = {
        name: float(row[f"{name}_value"] or 0)
        for name in ("open_orders", "sales_backlog", "blocked", "pending")
    }
    figures |= {f"bucket_{b}": float(row[f"bucket_{b}_value"] or 0) for b in "ABCD"}
    figures["open_lines"] = int(row["open_orders_lines"])
    figures |= {f"rows_{name}": table.num_rows for name, table in tables.items()}
    return figures


def main() -> None:
    """Run once and print the compute time and the figures as JSON."""
    started = time.perf_counter()
    figures = run(sys.argv[1], date.fromisoformat(sys.argv[2]))
    figures["seconds"] = time.perf_counter() - started
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
