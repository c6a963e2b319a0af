"""A synthetic company for the benchmarks: a large order book imported weekly.

Week ``w`` of a company with ``lines`` open lines is one export. Every line
keeps its order, customer, item, quantity and price from week to week; about
5 % of the lines move their ship date each week (a line moves in week ``k``
when ``hash(n, k) % 20 = 0``), and 1 % (every hundredth line) ship out and are
replaced by new lines. One line in ten is blocked for capacity, one in twenty
is pending release, one in five carries an estimated date instead of a
confirmed one. Everything is computed by DuckDB from the line number, so the
same week is the same export on every run.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from backlogdesk.store.schema import LINE_SCHEMA

FIRST_WEEK = date(2026, 1, 5)
MAPPING_PATH = Path(__file__).with_name("company.toml")

# The columns of the CSV export, named as the canonical fields so that the
# mapping (company.toml) is one line per field.
EXPORT_COLUMNS = (
    "order_id",
    "line_id",
    "customer_id",
    "customer_name",
    "item",
    "product_group",
    "owner",
    "order_date",
    "requested_date",
    "confirmed_date",
    "estimated_date",
    "ordered_qty",
    "shipped_qty",
    "unit",
    "unit_price",
    "discount",
    "line_amount",
    "unit_cost",
    "currency",
    "status",
    "block_reason",
)


def week_date(week: int) -> date:
    """The as-of date of week ``week`` (0 is the first import)."""
    return FIRST_WEEK + timedelta(weeks=week)


def week_sql(lines: int, week: int) -> str:
    """SQL giving the canonical lines of week ``week``, one row per line."""
    ship = f"date '{FIRST_WEEK}' + (hash(n, 11) % 150)::int + 7 * moves"
    dated = "hash(n, 17) % 5 <> 0"
    return f"""
    with base as (
        select i + {week} * (i % 100 = 0)::int * {lines} as n, i
        from range({lines}) t(i)
    ), state as (
        select n, i, coalesce(list_sum(list_transform(range(1, {week} + 1),
            lambda k: (hash(n, k) % 20 = 0)::int)), 0)::int as moves
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
        date '{FIRST_WEEK}' - (hash(n, 9) % 200)::int as order_date,
        date '{FIRST_WEEK}' + (hash(n, 10) % 120)::int as requested_date,
        case when {dated} then {ship} end as confirmed_date,
        case when not {dated} then {ship} end as estimated_date,
        null::varchar as date_confidence,
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
        case hash(n, 16) % 20
            when 0 then 'blocked' when 1 then 'blocked' when 2 then 'pending'
            else 'released' end as status,
        null::varchar as order_status,
        case when hash(n, 16) % 20 < 2 then 'capacity' end as block_reason,
        null::varchar as comments, null::varchar as agreement_id,
        null::varchar as delay_reason,
        null::decimal(38, 4) as delivered_qty,
        null::decimal(38, 4) as returned_qty,
        null::decimal(38, 4) as invoiced_qty
    from state
    """


def week_table(con: duckdb.DuckDBPyConnection, lines: int, week: int) -> pa.Table:
    """The canonical lines of one week, as the store receives them."""
    return con.sql(week_sql(lines, week)).to_arrow_table().cast(LINE_SCHEMA)


def write_export(
    con: duckdb.DuckDBPyConnection, lines: int, week: int, path: Path
) -> Path:
    """Write week ``week`` as the CSV an ERP would export (company.toml reads it)."""
    columns = ", ".join(EXPORT_COLUMNS)
    con.sql(
        f"copy (select {columns} from ({week_sql(lines, week)}) order by source_row) "
        f"to '{path}' (header, delimiter ',')"
    )
    return path


def keys_made(lines: int, weeks: int) -> int:
    """Distinct line keys over ``weeks`` imports: 1 % are new each week."""
    return lines + (weeks - 1) * len(range(0, lines, 100))


def changes_made(con: duckdb.DuckDBPyConnection, lines: int, weeks: int) -> int:
    """Versions added by date moves: a kept line whose ship date moved that week."""
    total = 0
    for week in range(1, weeks):
        total += con.sql(
            f"select count(*) from range({lines}) t(i) where i % 100 <> 0 "
            f"and hash(i, {week}) % 20 = 0"
        ).fetchall()[0][0]
    return int(total)
