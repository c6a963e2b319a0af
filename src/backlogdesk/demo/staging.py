"""Cases every demo book must show, however the draws fell.

Credit and payment blocks, cancelled orders, released lines without a date,
over-deliveries, and frozen orders: lines nobody has touched for months that
will not move while the demo runs, so they age in every later report.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from backlogdesk.demo.company import Item
from backlogdesk.demo.lines import (
    CLOSED_KEPT_DAYS,
    Order,
    OrderLine,
    block_line,
    moment,
    ship,
)

FROZEN_ORDERS = 12
T = TypeVar("T")


def stage_cases(
    orders: list[Order], as_of: date, rng: random.Random, freight: Item
) -> None:
    """Stage the cases on a freshly generated book dated ``as_of``."""
    for order in orders:
        if any(line.is_open for line in order.lines):
            draw = rng.random()
            order.credit_block = "CR" if draw < 0.04 else "PAY" if draw < 0.055 else ""

    _cancel_orders(orders, as_of, rng)
    goods = [(o, x) for o, x in _lines(orders) if x.item is not freight]
    plain = [x for o, x in goods if x.status == "REL" and not o.credit_block]
    for line in _sample(rng, [x for x in plain if not x.block], 5):
        line.confirmed_date = line.estimated_date = None
        line.confidence, line.remarks = "", "Planning to advise a date"
        line.planned_slips = []

    recent = as_of - timedelta(days=CLOSED_KEPT_DAYS)
    cartons = [
        x
        for _, x in goods
        if x.status == "SHIP"
        and x.last_change.date() >= recent
        and x.item.group.code == "SPR"
        and x.item.unit == "EA"
    ]
    for line in _sample(rng, cartons, 4):
        ship(line, Decimal(rng.randint(1, 3)), line.shipments[-1][0])
        line.remarks = "Delivered in full cartons"

    _freeze_orders(orders, as_of, rng, freight)


def _cancel_orders(orders: list[Order], as_of: date, rng: random.Random) -> None:
    untouched = [
        order
        for order in orders
        if not order.credit_block
        and all(line.is_open and not line.delivered_qty for line in order.lines)
    ]
    for order in _sample(rng, untouched, 2):
        order.cancelled = True
        for line in order.lines:
            line.status, line.block = "CANC", ""
            line.remarks = "Order cancelled: project stopped by customer"
            line.last_change = moment(as_of - timedelta(days=3), rng)


def _freeze_orders(
    orders: list[Order], as_of: date, rng: random.Random, freight: Item
) -> None:
    """Single-item orders left alone for months: past due, blocked, or waiting
    for a call-off. A single goods line keeps the header status fixed too."""
    candidates = []
    for order in orders:
        goods = [line for line in order.lines if line.item is not freight]
        if len(goods) == 1 and not order.credit_block and not order.cancelled:
            line = goods[0]
            if line.status == "REL" and not line.delivered_qty and line.ship_date:
                candidates.append((order, line))

    for index, (order, line) in enumerate(_sample(rng, candidates, FROZEN_ORDERS)):
        order.frozen = True
        untouched_since = as_of - timedelta(days=rng.randint(50, 160))
        _freeze_line(line, index % 3, untouched_since, rng)
        for stamped in order.lines:
            stamped.last_change = moment(untouched_since, rng)
            if stamped is not line:
                stamped.status = "REL" if line.status == "REL" else "OPEN"


def _freeze_line(
    line: OrderLine, kind: int, untouched_since: date, rng: random.Random
) -> None:
    """Kind 0: blocked; 1: waiting for a call-off; 2: released, long past due."""
    line.planned_slips = []
    line.confirmed_date = line.estimated_date = None
    line.confidence = ""
    dated = untouched_since + timedelta(days=rng.randint(7, 30))
    if kind == 0:
        block_line(line, rng)
        line.confirmed_date = dated
    elif kind == 1:
        line.status, line.remarks = "AWRL", "Call-off expected from customer"
        line.estimated_date, line.confidence = dated, "L"
    else:
        line.confirmed_date = dated
        line.remarks = "Customer not answering; goods ready in stock"


def _lines(orders: list[Order]) -> Iterator[tuple[Order, OrderLine]]:
    for order in orders:
        for line in order.lines:
            yield order, line


def _sample(rng: random.Random, items: list[T], count: int) -> list[T]:
    return rng.sample(items, min(count, len(items)))
