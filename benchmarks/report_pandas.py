"""Baseline: the weekly report's tables in straightforward pandas.

The same tables as report_sql.py (history, classification, the four numbers,
buckets A-D, by ship month, the triage lists, the comparison with the previous
import), computed by pandas from the store's line versions read through
DuckDB. Money is float here (DuckDB hands decimals to pandas as float64).
Run as a separate process by the benchmarks:

    python benchmarks/report_pandas.py STORE AS_OF
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

STALE_AFTER_DAYS = 30
HORIZON_DAYS = 180
AGING_BANDS = (14, 30, 60, 90)
PENDING_MAX_DAYS = 14
TRIAGE_COLUMNS = [
    "customer_name",
    "line_key",
    "item",
    "open_value",
    "open_units",
    "requested_date",
    "ship_date",
    "confidence",
    "status_class",
    "bucket",
    "days_late",
    "last_movement_date",
    "block_reason",
    "slips",
    "owner",
]
USED = (
    "line_key, order_id, customer_name, item, product_group, owner, line_type, "
    "order_date, requested_date, confirmed_date, estimated_date, date_confidence, "
    "shipped_date, last_movement_date, ordered_qty, shipped_qty, unit_factor, "
    "net_price, line_amount, unit_cost, fx_rate, status, order_status, "
    "block_reason, delay_reason, valid_from, valid_to"
)
DATES = (
    "order_date",
    "requested_date",
    "confirmed_date",
    "estimated_date",
    "shipped_date",
    "last_movement_date",
    "valid_from",
    "valid_to",
)


def load(path: str) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """Every line version, and the snapshot dates, as pandas objects."""
    con = duckdb.connect(path, read_only=True)
    versions = con.sql(f"select {USED} from line_versions").df()
    dates = con.sql("select as_of from snapshots order by 1").df()["as_of"]
    con.close()
    for column in DATES:
        versions[column] = pd.to_datetime(versions[column])
    return versions, [pd.Timestamp(day) for day in dates]


def history(versions: pd.DataFrame, as_of: pd.Timestamp, first: pd.Timestamp) -> Any:
    """Per line key seen by ``as_of``: slips, pull-ins, last movement."""
    seen = versions[versions.valid_from <= as_of].sort_values(
        ["line_key", "valid_from"]
    )
    ship = seen.confirmed_date.fillna(seen.estimated_date)
    prev = ship.groupby(seen.line_key).shift()
    moved = prev.notna() & ship.notna() & (ship != prev)
    slip = moved & (ship > prev)
    steps = pd.DataFrame(
        {
            "line_key": seen.line_key,
            "valid_from": seen.valid_from,
            "slip": slip,
            "pull": moved & (ship < prev),
            "slip_days": np.where(slip, (ship - prev).dt.days, 0),
        }
    )
    per_line = steps.groupby("line_key").agg(
        first_seen=("valid_from", "min"),
        current_from=("valid_from", "max"),
        slips=("slip", "sum"),
        pull_ins=("pull", "sum"),
        days_slipped=("slip_days", "sum"),
    )
    moves = steps[moved].groupby("line_key").valid_from.max()
    per_line["latest_move_on"] = moves
    changed = per_line.current_from > per_line.first_seen
    arrived = per_line.first_seen > first
    per_line["seen_movement"] = per_line.current_from.where(changed).fillna(
        per_line.first_seen.where(arrived & ~changed)
    )
    per_line["repeat_slip"] = per_line.slips >= 2
    return per_line.reset_index()


def classify(versions: pd.DataFrame, as_of: pd.Timestamp, first: pd.Timestamp) -> Any:
    """The lines valid on ``as_of``, classified for its ISO week."""
    valid = (versions.valid_from <= as_of) & (
        versions.valid_to.isna() | (versions.valid_to > as_of)
    )
    t = versions[valid].merge(history(versions, as_of, first), "left", "line_key")
    erp_ok = t.last_movement_date.where(t.last_movement_date <= t.current_from)
    bound = t.first_seen.where(t.first_seen < as_of)
    t["last_movement_date"] = t.seen_movement.fillna(erp_ok).fillna(bound)
    ended = t.order_status.fillna("").isin(["cancelled", "closed"])
    line_open = t.status.isin(["released", "pending", "blocked"]) & ~ended
    remaining = t.ordered_qty - t.shipped_qty
    t["open_qty"] = np.where(line_open & (remaining > 0), remaining, 0.0)
    t["is_open"] = t.open_qty > 0
    t["is_goods"] = t.line_type == "goods"
    _ship_dates(t)
    _classes(t, as_of)
    _money(t)
    _aging(t, as_of)
    return t


def _ship_dates(t: pd.DataFrame) -> None:
    own = t.confirmed_date.fillna(t.estimated_date)
    source = np.select(
        [t.confirmed_date.notna(), t.estimated_date.notna()],
        ["confirmed", "estimated"],
        "none",
    )
    goods = pd.DataFrame({"order_id": t.order_id, "ship": own, "source": source})
    goods = goods[t.is_goods & t.is_open]
    first = goods.groupby("order_id").ship.min().rename("order_ship").reset_index()
    sources = goods.dropna(subset=["ship"]).groupby(["order_id", "ship"]).source.min()
    first = first.merge(
        sources.rename("order_source").reset_index(),
        "left",
        left_on=["order_id", "order_ship"],
        right_on=["order_id", "ship"],
    )
    by_order = t[["order_id"]].merge(first, "left", "order_id")
    t["ship_date"] = own.where(t.is_goods, by_order.order_ship.values)
    t["date_source"] = np.where(
        t.is_goods, source, by_order.order_source.fillna("none").values
    )
    t["confidence"] = np.select(
        [t.date_source == "confirmed", t.date_source == "estimated"],
        ["confirmed", t.date_confidence.fillna("estimated")],
        "none",
    )


def _classes(t: pd.DataFrame, as_of: pd.Timestamp) -> None:
    blocked = (t.status == "blocked") | t.block_reason.notna()
    pending = t.status == "pending"
    t["status_class"] = np.select(
        [blocked, pending], ["blocked", "pending"], "released"
    )
    end = as_of + pd.Timedelta(days=6 - as_of.weekday())
    t["bucket"] = np.select(
        [
            ~t.is_open,
            t.status_class == "blocked",
            t.status_class == "pending",
            t.ship_date.isna(),
            t.ship_date > end,
            t.date_source == "confirmed",
        ],
        [None, "D", None, None, "C", "A"],
        "B",
    )
    t["past_due"] = t.ship_date < as_of
    t["future_dated"] = t.ship_date > as_of + pd.Timedelta(days=HORIZON_DAYS)
    t["undated"] = t.ship_date.isna() & t.is_open
    t["days_late"] = np.where(t.past_due, (as_of - t.ship_date).dt.days, 0)
    t["ship_month"] = t.ship_date.dt.strftime("%Y-%m")


def _money(t: pd.DataFrame) -> None:
    document = np.where(
        t.shipped_qty == 0, t.line_amount, (t.open_qty * t.net_price).round(2)
    )
    t["open_value"] = np.where(t.is_open, (document * t.fx_rate).round(2), 0.0)
    cost = ((t.open_qty * t.unit_cost).round(2) * t.fx_rate).round(2)
    t["open_margin"] = (t.open_value - cost).where(t.unit_cost.notna())
    t["has_cost"] = t.unit_cost.notna() & t.net_price.notna()
    t["open_units"] = np.where(t.is_goods, t.open_qty * t.unit_factor, 0.0)


def _aging(t: pd.DataFrame, as_of: pd.Timestamp) -> None:
    days = (as_of - t.last_movement_date).dt.days
    edges = [-np.inf, *AGING_BANDS, np.inf]
    labels, lower = [], 0
    for upper in AGING_BANDS:
        labels.append(f"{lower}-{upper} days")
        lower = upper + 1
    labels.append(f"over {AGING_BANDS[-1]} days")
    band = pd.cut(days, edges, labels=labels).astype(object)
    t["aging_band"] = band.where(days.notna(), "unknown")
    t["aging"] = days > STALE_AFTER_DAYS


def numbers(t: pd.DataFrame) -> dict[str, float]:
    """The four numbers and buckets A-D (lines, units, value, margin)."""
    boxes = {
        "open_orders": t.is_open,
        "sales_backlog": t.status_class == "released",
        "blocked": t.status_class == "blocked",
        "pending": t.status_class == "pending",
        **{f"bucket_{b}": t.bucket == b for b in "ABCD"},
        "due_A": (t.bucket == "A") & t.past_due,
        "due_B": (t.bucket == "B") & t.past_due,
    }
    figures: dict[str, float] = {}
    for name, mask in boxes.items():
        costed = mask & t.has_cost
        figures[f"{name}_lines"] = int(mask.sum())
        figures[f"{name}_units"] = float(t.open_units[mask].sum())
        figures[f"{name}_value"] = float(t.open_value[mask].sum())
        figures[f"{name}_margin"] = float(t.open_margin[costed].sum())
    return figures


def by_ship_month(t: pd.DataFrame) -> pd.DataFrame:
    """Open value by ship month: by class and by bucket."""
    frame = t.assign(month=t.ship_month.fillna("(none)"))
    for name in ("released", "blocked", "pending"):
        frame[f"{name}_value"] = frame.open_value.where(frame.status_class == name)
    for bucket in "ABCD":
        frame[f"bucket_{bucket}"] = frame.open_value.where(frame.bucket == bucket)
    sums = [c for c in frame.columns if c.endswith("_value") or c.startswith("bucket_")]
    grouped = frame.groupby("month").agg(
        lines=("line_key", "size"),
        units=("open_units", "sum"),
        margin=("open_margin", "sum"),
        **{name: (name, "sum") for name in sums},
    )
    return grouped.reset_index().sort_values("month")


def triage(t: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The seven triage lists, each ordered as the report orders them."""
    old = as_of - pd.Timedelta(days=PENDING_MAX_DAYS)
    frame = t.assign(
        pending_old=t.order_date.isna() | (t.order_date < old),
        slip_count=t.slips.fillna(0),
        repeat=t.repeat_slip.fillna(False).astype(bool),
    )
    lists = {
        "blocked": (frame.status_class == "blocked", []),
        "past_due": (frame.bucket.isin(["A", "B"]) & frame.past_due, []),
        "pending": (frame.status_class == "pending", ["pending_old"]),
        "undated": ((frame.status_class == "released") & frame.undated, []),
        "aging": (frame.aging, []),
        "repeat_slips": (frame.repeat, ["slip_count"]),
        "future_dated": (frame.future_dated, []),
    }
    tables = {}
    for name, (mask, first) in lists.items():
        chosen = frame[mask].sort_values(
            [*first, "open_value", "line_key"],
            ascending=[*(False for _ in first), False, True],
        )
        tables[name] = chosen[TRIAGE_COLUMNS]
    return tables


def compare(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Previous and current lines side by side, one row per line key."""
    side = [
        "line_key",
        "customer_name",
        "owner",
        "is_open",
        "status_class",
        "open_value",
        "ship_date",
        "shipped_qty",
        "net_price",
        "fx_rate",
        "status",
        "order_status",
        "shipped_date",
        "block_reason",
    ]
    j = previous[side].merge(
        current[side], "outer", "line_key", suffixes=("_p", "_c"), indicator=True
    )
    j["in_p"] = j["_merge"] != "right_only"
    j["in_c"] = j["_merge"] != "left_only"
    j["p_open"] = j.is_open_p.fillna(False).astype(bool)
    j["c_open"] = j.is_open_c.fillna(False).astype(bool)
    j["days_moved"] = (j.ship_date_c - j.ship_date_p).dt.days
    j["c_ended"] = j.status_c.isin(["cancelled", "closed"]) | j.order_status_c.isin(
        ["cancelled", "closed"]
    )
    return j


def changes(j: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The nine change lists, largest value first."""
    both = j.p_open & j.c_open
    kinds = {
        "new": ~j.in_p & j.c_open,
        "shipped": j.p_open & j.in_c & (j.shipped_qty_c > j.shipped_qty_p),
        "cancelled": j.p_open & j.in_c & ~j.c_open & j.c_ended,
        "left_export": j.p_open & ~j.in_c,
        "slipped": both & (j.days_moved > 0),
        "pulled_in": both & (j.days_moved < 0),
        "newly_blocked": both
        & (j.status_class_p != "blocked")
        & (j.status_class_c == "blocked"),
        "unblocked": both
        & (j.status_class_p == "blocked")
        & (j.status_class_c != "blocked"),
        "value_changed": both
        & (j.shipped_qty_c == j.shipped_qty_p)
        & (j.open_value_c != j.open_value_p),
    }
    size = j.open_value_p.fillna(j.open_value_c).fillna(0)
    frame = j.assign(size=size)
    return {
        name: frame[mask.fillna(False)].sort_values(
            ["size", "line_key"], ascending=[False, True]
        )
        for name, mask in kinds.items()
    }


def bridge(j: pd.DataFrame) -> pd.DataFrame:
    """Backlog value before and after per step of the bridge."""
    p_backlog = j.p_open & (j.status_class_p == "released")
    c_backlog = j.c_open & (j.status_class_c == "released")
    before = j.open_value_p.where(p_backlog, 0.0)
    after = j.open_value_c.where(c_backlog, 0.0)
    shipped = (j.shipped_qty_c - j.shipped_qty_p).fillna(0)
    value = (shipped * j.net_price_p * j.fx_rate_p).round(2)
    part = np.where(p_backlog & c_backlog & (shipped > 0), np.minimum(value, before), 0)
    step = np.select(
        [
            ~p_backlog & ~c_backlog,
            p_backlog & c_backlog & (before == after) & (part == 0),
            ~j.in_p,
            p_backlog & ~j.in_c,
            p_backlog & ~j.c_open & j.c_ended,
            p_backlog & ~j.c_open,
            p_backlog & c_backlog,
            p_backlog & (j.status_class_c == "blocked"),
            p_backlog,
            j.p_open & (j.status_class_p == "blocked"),
            j.p_open,
        ],
        [
            "",
            "",
            "new",
            "left_export",
            "cancelled",
            "shipped",
            "changes",
            "to_blocked",
            "to_pending",
            "from_blocked",
            "from_pending",
        ],
        "changes",
    )
    frame = pd.DataFrame({"step": step, "delta": after - before + part})
    return frame[frame.step != ""].groupby("step").delta.agg(["size", "sum"])


def run(path: str, as_of: date) -> dict[str, Any]:
    """Compute every table; return the figures that are compared across tools."""
    versions, dates = load(path)
    day = pd.Timestamp(as_of)
    previous_day = max(d for d in dates if d < day)
    current = classify(versions, day, dates[0])
    previous = classify(versions, previous_day, dates[0])
    open_lines = current[current.is_open]
    figures: dict[str, Any] = numbers(open_lines)
    tables = {"by_ship_month": by_ship_month(open_lines), **triage(open_lines, day)}
    joined = compare(previous, current)
    tables |= {f"changed_{k}": v for k, v in changes(joined).items()}
    tables["bridge"] = bridge(joined)
    result = {
        name: figures[f"{name}_value"]
        for name in ("open_orders", "sales_backlog", "blocked", "pending")
    }
    result |= {f"bucket_{b}": figures[f"bucket_{b}_value"] for b in "ABCD"}
    result["open_lines"] = figures["open_orders_lines"]
    result |= {f"rows_{name}": len(table) for name, table in tables.items()}
    return result


def main() -> None:
    """Run once and print the compute time and the figures as JSON."""
    started = time.perf_counter()
    figures = run(sys.argv[1], date.fromisoformat(sys.argv[2]))
    figures["seconds"] = time.perf_counter() - started
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
