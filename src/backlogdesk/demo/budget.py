"""The demo firm's budget: monthly revenue, unit and margin targets for a year.

Finance sets the year's budget from the run rate of the last quarter before
it (the average month shipped, in USD), plus a growth target, spread over the
months by weight: August and December are budgeted low for the plants'
summer and year-end shutdowns. The margin target is the planned gross margin
on that revenue. Because the ERP holds costs for only some items, the margin
the report can measure (costed lines only) falls short of it: the demo's
scoreboard shows revenue on track while margin is not.

The file is finance's spreadsheet saved as CSV: comma-separated, one row per
month, the company as a whole, amounts in USD.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from backlogdesk.demo.documents import Document

BUDGET_COLUMNS = ("Month", "Revenue USD", "Units", "Gross margin USD")
GROWTH = Decimal("1.12")
MARGIN_PLAN_PCT = Decimal(40)
# Month weights, adding up to 12: a year of average months.
MONTH_WEIGHTS = tuple(
    Decimal(weight)
    for weight in (
        "1.05", "1.05", "1.05", "1.05", "1.05", "1.05",
        "1.05", "0.85", "1.05", "1.05", "1.05", "0.65",
    )
)  # fmt: skip
RUN_RATE_MONTHS = 3
# A new book ships little until orders have been through their lead times.
RAMP_DAYS = 90
THOUSAND = Decimal(1000)
TEN = Decimal(10)


@dataclass(frozen=True)
class MonthTarget:
    """One month's targets: revenue and margin in USD, and units."""

    month: date
    revenue: Decimal
    units: Decimal
    margin: Decimal


@dataclass(frozen=True)
class RunRate:
    """The average month shipped over the run-rate months, in USD and units."""

    months: tuple[date, ...]
    revenue: Decimal
    units: Decimal


def run_rate(
    documents: Iterable[Document], rates: dict[tuple[str, date], Decimal], year: int
) -> RunRate:
    """The average month of deliveries in the quarter before ``year``.

    When the delivery log starts too late for that quarter, the first three
    whole months after its ramp-up serve instead. ``rates`` holds each
    currency's rate into USD by month start.
    """
    deliveries = [doc for doc in documents if doc.doc_type == "DELIVERY"]
    months = _run_rate_months(min(doc.day for doc in deliveries), year)
    revenue, units = Decimal(0), Decimal(0)
    for doc in deliveries:
        month = doc.day.replace(day=1)
        if month in months:
            currency = doc.delivery.order.customer.currency
            rate = Decimal(1) if currency == "USD" else rates[(currency, month)]
            revenue += doc.net_amount * rate
            units += doc.qty
    count = Decimal(len(months))
    return RunRate(months, revenue / count, units / count)


def _run_rate_months(first_delivery: date, year: int) -> tuple[date, ...]:
    settled = _month_after(first_delivery + timedelta(days=RAMP_DAYS))
    start = max(date(year - 1, 12 - RUN_RATE_MONTHS + 1, 1), settled)
    months = [start]
    while len(months) < RUN_RATE_MONTHS:
        months.append(_month_after(months[-1]))
    return tuple(months)


def _month_after(day: date) -> date:
    """The first day of the first whole month starting after ``day``."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_targets(rate: RunRate, year: int) -> list[MonthTarget]:
    """The year's monthly targets from the run rate, growth and month weights."""
    targets = []
    for month, weight in enumerate(MONTH_WEIGHTS, start=1):
        revenue = _round(rate.revenue * GROWTH * weight, THOUSAND)
        targets.append(
            MonthTarget(
                month=date(year, month, 1),
                revenue=revenue,
                units=_round(rate.units * GROWTH * weight, TEN),
                margin=_round(revenue * MARGIN_PLAN_PCT / 100, THOUSAND),
            )
        )
    return targets


def _round(amount: Decimal, step: Decimal) -> Decimal:
    """Round to a whole ``step``, as finance writes budget figures."""
    return (amount / step).quantize(Decimal(1), ROUND_HALF_UP) * step


def write_budget(path: Path, targets: list[MonthTarget]) -> Path:
    """Write the budget file to ``path``."""
    rows = [
        [
            target.month.strftime("%Y-%m"),
            f"{target.revenue:.2f}",
            str(int(target.units)),
            f"{target.margin:.2f}",
        ]
        for target in targets
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(BUDGET_COLUMNS)
        writer.writerows(rows)
    return path


def month_rates(rate_rows: list[list[str]]) -> dict[tuple[str, date], Decimal]:
    """The rates file's rows as a lookup by currency and month start."""
    return {
        (currency, date.fromisoformat(day)): Decimal(rate)
        for currency, day, rate in rate_rows
    }
