"""Classify every line as of a date for a review period.

Adds to each line: open quantity, units and value; status class (blocked wins
over pending, pending over released); flags partial, past due, future-dated,
undated; the planning ship date and its source; the review bucket A-D; days
late and days since last movement. See docs/definitions.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis

from backlogdesk.ingest.fields import OPEN_STATUSES
from backlogdesk.periods import Period
from backlogdesk.settings import Settings

ZERO_QTY = ibis.literal(0).cast("decimal(38, 4)")
MONEY = "decimal(38, 2)"
ENDED_ORDER = ("cancelled", "closed")


def classify(lines: Any, as_of: date, period: Period, settings: Settings) -> Any:
    """Return ``lines`` with the classification columns added."""
    t = _quantities(lines)
    t = _ship_dates(t)
    t = _classes(t, as_of, period, settings)
    t = _money(t)
    t = _invoicing(t)
    return _aging(t, as_of, settings)


def _invoicing(t: Any) -> Any:
    """To invoice on the delivered basis: net delivered - invoiced (case 07, 11)."""
    net = t.delivered_qty - t.returned_qty.fill_null(0)
    invoiced = t.invoiced_qty.fill_null(0)
    to_invoice = ibis.cases((net > invoiced, net - invoiced), else_=ZERO_QTY)
    ahead = ibis.cases((invoiced > net, invoiced - net), else_=ZERO_QTY)
    known = t.delivered_qty.notnull()
    return t.mutate(
        net_delivered_qty=net,
        to_invoice_qty=ibis.cases((known, to_invoice)).cast("decimal(38, 4)"),
        invoiced_ahead_qty=ibis.cases((known, ahead)).cast("decimal(38, 4)"),
    )


def _quantities(t: Any) -> Any:
    line_open = t.status.isin(OPEN_STATUSES) & ~t.order_status.fill_null("").isin(
        ENDED_ORDER
    )
    remaining = t.ordered_qty - t.shipped_qty
    open_qty = ibis.cases((line_open & (remaining > 0), remaining), else_=ZERO_QTY)
    over = ibis.cases((t.shipped_qty > t.ordered_qty, -remaining), else_=ZERO_QTY)
    is_goods = t.line_type == "goods"
    units = ibis.cases((is_goods, open_qty * t.unit_factor), else_=ZERO_QTY)
    return t.mutate(
        open_qty=open_qty.cast("decimal(38, 4)"),
        over_delivery_qty=over.cast("decimal(38, 4)"),
        open_units=units.cast("decimal(38, 4)"),
        is_open=open_qty > 0,
        is_goods=is_goods,
    )


def _ship_dates(t: Any) -> Any:
    """Own ship date for goods; charges follow their order's earliest open goods."""
    own = t.confirmed_date.coalesce(t.estimated_date)
    source = ibis.cases(
        (t.confirmed_date.notnull(), "confirmed"),
        (t.estimated_date.notnull(), "estimated"),
        else_="none",
    )
    t = t.mutate(own_ship_date=own, own_date_source=source)

    goods = t.filter(t.is_goods & t.is_open)
    first = goods.group_by("order_id").aggregate(
        order_ship_date=goods.own_ship_date.min()
    )
    sources = goods.filter(goods.own_ship_date.notnull())
    sources = sources.group_by(["order_id", "own_ship_date"]).aggregate(
        order_date_source=sources.own_date_source.min()
    )
    first = first.left_join(
        sources,
        [
            first.order_id == sources.order_id,
            first.order_ship_date == sources.own_ship_date,
        ],
    ).select("order_id", "order_ship_date", "order_date_source")
    t = t.left_join(first, t.order_id == first.order_id).drop("order_id_right")

    ship_date = ibis.cases((t.is_goods, t.own_ship_date), else_=t.order_ship_date)
    date_source = ibis.cases(
        (t.is_goods, t.own_date_source),
        else_=t.order_date_source.fill_null("none"),
    )
    confidence = ibis.cases(
        (date_source == "confirmed", "confirmed"),
        (date_source == "estimated", t.date_confidence.fill_null("estimated")),
        else_="none",
    )
    return t.mutate(ship_date=ship_date, date_source=date_source, confidence=confidence)


def _classes(t: Any, as_of: date, period: Period, settings: Settings) -> Any:
    blocked = (t.status == "blocked") | t.block_reason.notnull()
    status_class = ibis.cases(
        (blocked, "blocked"), (t.status == "pending", "pending"), else_="released"
    )
    horizon = as_of + timedelta(days=int(settings["planning_horizon_days"]))
    past_due = t.ship_date < as_of
    bucket = ibis.cases(
        (~t.is_open, ibis.null("string")),
        (status_class == "blocked", "D"),
        (status_class == "pending", ibis.null("string")),
        (t.ship_date.isnull(), ibis.null("string")),
        (t.ship_date > period.end, "C"),
        (t.date_source == "confirmed", "A"),
        else_="B",
    )
    days_late = ibis.cases(
        (past_due, ibis.literal(as_of).delta(t.ship_date, unit="day")), else_=0
    )
    return t.mutate(
        status_class=status_class,
        partial=t.is_open & (t.shipped_qty > 0),
        past_due=past_due.fill_null(False),
        future_dated=(t.ship_date > horizon).fill_null(False),
        undated=t.ship_date.isnull() & t.is_open,
        bucket=bucket,
        days_late=days_late.cast("int64"),
        ship_week=_iso_week_key(t.ship_date),
        ship_month=_month_key(t.ship_date),
    )


def _money(t: Any) -> Any:
    fully_open = t.shipped_qty == 0
    doc_value = ibis.cases(
        (~t.is_open, ibis.literal(0).cast(MONEY)),
        (fully_open, t.line_amount.cast(MONEY)),
        else_=(t.open_qty * t.net_price).round(2).cast(MONEY),
    )
    value = (doc_value * t.fx_rate).round(2).cast(MONEY)
    doc_cost = (t.open_qty * t.unit_cost).round(2).cast(MONEY)
    cost = (doc_cost * t.fx_rate).round(2).cast(MONEY)
    margin = ibis.cases((t.unit_cost.notnull(), value - cost), else_=ibis.null(MONEY))
    return t.mutate(
        open_value=value,
        open_margin=margin.cast(MONEY),
        has_cost=t.unit_cost.notnull() & t.net_price.notnull(),
        has_price=t.net_price.notnull(),
    )


def _aging(t: Any, as_of: date, settings: Settings) -> Any:
    days = ibis.literal(as_of).delta(t.last_movement_date, unit="day")
    bounds: list[int] = list(settings["aging_bands_days"])
    branches = []
    lower = 0
    for upper in bounds:
        branches.append((days <= upper, f"{lower}-{upper} days"))
        lower = upper + 1
    band = ibis.cases(
        (t.last_movement_date.isnull(), "unknown"),
        *branches,
        else_=f"over {bounds[-1]} days",
    )
    threshold = _stale_threshold(t, settings)
    return t.mutate(
        days_since_movement=days.cast("int64"),
        aging_band=band,
        stale_after_days=threshold,
        aging=(days > threshold).fill_null(False),
    )


def _stale_threshold(t: Any, settings: Settings) -> Any:
    """The aging threshold of each line: its product group's, else the default."""
    default = int(settings["stale_after_days"])
    by_group: dict[str, int] = dict(settings["stale_after_days_by_group"])
    if not by_group:
        return ibis.literal(default, type="int64")
    branches = [(t.product_group == group, days) for group, days in by_group.items()]
    return ibis.cases(*branches, else_=default).cast("int64")


def _iso_week_key(day: Any) -> Any:
    thursday = day + (3 - day.day_of_week.index()).as_interval("D")
    week = day.week_of_year().cast("string").lpad(2, "0")
    return thursday.year().cast("string") + "-W" + week


def _month_key(day: Any) -> Any:
    return day.year().cast("string") + "-" + day.month().cast("string").lpad(2, "0")


def aging_band_order(settings: Settings) -> list[str]:
    """Aging band labels from the freshest to the oldest, then unknown."""
    bounds: list[int] = list(settings["aging_bands_days"])
    labels, lower = [], 0
    for upper in bounds:
        labels.append(f"{lower}-{upper} days")
        lower = upper + 1
    return [*labels, f"over {bounds[-1]} days", "unknown"]
