"""Benchmark: a year of weekly imports of a large order book.

Builds a synthetic company with LINES open lines and WEEKS weekly snapshots in
which about 5 % of lines change (ship date moves, partial shipments, blocks)
and about 1 % ship out and are replaced by new lines. Prints store rows
against lines + changes (target <= 1.2) and against a full copy per import,
import time per week, peak memory, and the time of the weekly report over the
whole history.

    python benchmarks/history_size.py                 # 1,000,000 lines x 52 weeks
    python benchmarks/history_size.py --lines 100000 --weeks 12
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from backlogdesk.review import build_report
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.schema import LINE_SCHEMA
from backlogdesk.store.snapshots import import_snapshot

FIRST = date(2026, 1, 5)


def week_table(con: duckdb.DuckDBPyConnection, lines: int, week: int) -> pa.Table:
    """The export of one week: every line's state, changed for ~5 % of lines."""
    sql = f"""
    with base as (
        select i + {week} * (i % 100 = 0)::int * {lines} as n, i from range({lines}) t(i)
    ), state as (
        select n, i,
            list_sum(list_transform(range(1, {week} + 1),
                lambda k: (hash(n, k) % 20 = 0)::int)) as moves,
            hash(n, {week}) % 20 = 0 and {week} > 0 as touched
        from base
    )
    select
        'SO-' || (n // 4) || '/' || (n % 4 + 1) * 10 as line_key,
        'export.csv' as source_file, i + 2 as source_row,
        'SO-' || (n // 4) as order_id, ((n % 4 + 1) * 10)::varchar as line_id,
        null::varchar as schedule_id, 'C' || (hash(n // 4) % 5000) as customer_id,
        'Customer ' || (hash(n // 4) % 5000) as customer_name,
        'P' || (hash(n, 7) % 20000) as item, null::varchar as item_name,
        'Group ' || (hash(n, 8) % 12) as product_group,
        'Owner ' || (hash(n // 4) % 40) as owner, null::varchar as plant,
        'goods' as line_type,
        date '{FIRST}' - (hash(n, 9) % 200)::int as order_date,
        date '{FIRST}' + (hash(n, 10) % 120)::int as requested_date,
        date '{FIRST}' + (hash(n, 11) % 150)::int + (7 * coalesce(moves, 0))::int
            as confirmed_date,
        null::date as estimated_date, null::varchar as date_confidence,
        null::date as shipped_date, null::date as last_movement_date,
        (1 + hash(n, 12) % 50)::decimal(38, 4) as ordered_qty,
        0::decimal(38, 4) as shipped_qty,
        'PCE' as unit, 1::decimal(38, 6) as unit_factor, 'PCE' as stock_unit,
        (10 + hash(n, 14) % 900)::decimal(38, 6) as unit_price,
        0::decimal(38, 6) as discount,
        (10 + hash(n, 14) % 900)::decimal(38, 6) as net_price,
        ((1 + hash(n, 12) % 50) * (10 + hash(n, 14) % 900))::decimal(38, 2)
            as line_amount,
        (7 + hash(n, 14) % 600)::decimal(38, 6) as unit_cost,
        'USD' as currency, 1::decimal(38, 8) as fx_rate,
        case when hash(n, 16) % 10 = 0 then 'blocked' else 'released' end as status,
        null::varchar as order_status,
        case when hash(n, 16) % 10 = 0 then 'capacity' end as block_reason,
        null::varchar as comments, null::varchar as agreement_id,
        null::varchar as delay_reason,
        null::decimal(38, 4) as delivered_qty,
        null::decimal(38, 4) as returned_qty,
        null::decimal(38, 4) as invoiced_qty
    from state
    """
    return con.sql(sql).to_arrow_table().cast(LINE_SCHEMA)


def expected_changes(con: duckdb.DuckDBPyConnection, lines: int, weeks: int) -> int:
    """Changes the generator made: a line kept from last week whose date moved."""
    total = 0
    for week in range(1, weeks):
        total += con.sql(
            f"select count(*) from range({lines}) t(i) where i % 100 <> 0 "
            f"and hash(i, {week}) % 20 = 0"
        ).fetchall()[0][0]
    return int(total)


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="backlogdesk-bench-"))
    maker = duckdb.connect()
    import_seconds = []
    with Store(folder / "store.duckdb") as store:
        for week in range(args.weeks):
            table = week_table(maker, args.lines, week)
            started = time.perf_counter()
            outcome = import_snapshot(store, FIRST + timedelta(weeks=week), table, "bench")
            import_seconds.append(time.perf_counter() - started)
            print(f"week {week + 1:>2}: {import_seconds[-1]:6.2f} s  {outcome}", flush=True)
        _summary(store, args, import_seconds)


def _summary(store: Store, args: argparse.Namespace, import_seconds: list[float]) -> None:
    rows = store.sql("select count(*) from line_versions")[0][0]
    keys = args.lines + (args.weeks - 1) * len(range(0, args.lines, 100))
    changes = expected_changes(duckdb.connect(), args.lines, args.weeks)
    last = FIRST + timedelta(weeks=args.weeks - 1)

    started = time.perf_counter()
    report = build_report(store, last, "week", Settings.defaults())
    report_seconds = time.perf_counter() - started

    full_copies = args.lines * args.weeks
    print()
    print(f"lines made by the generator: {keys:,}")
    print(f"changes made by the generator: {changes:,}")
    print(f"store rows:                 {rows:,}")
    print(f"store rows / (lines + changes): {rows / (keys + changes):.3f}  (target <= 1.2)")
    print(f"store rows / full copies:   {rows / full_copies:.3f}  ({full_copies:,} rows)")
    print(f"import per week:            median {sorted(import_seconds)[len(import_seconds) // 2]:.2f} s, "
          f"max {max(import_seconds):.2f} s")
    print(f"weekly report over history: {report_seconds:.2f} s "
          f"({report.numbers['open_orders'].lines:,} open lines)")
    print(f"peak memory:                {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
