"""The demo order book: orders and lines in the ERP's own status and block codes.

``OrderBook.generate`` builds the book as it stands on an as-of date, with a
history of shipped, closed and cancelled lines behind the open ones.
``OrderBook.advance`` moves it forward in time the way a real book moves: lines
ship or slip, releases arrive, blocks come and go and new orders come in.
``OrderBook.deliveries`` is the book's delivery log: every shipment, recorded
on the day it happened, from which the demo's actuals are written.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from backlogdesk.demo.agreements import DemoAgreement, agreement_of, demo_agreements
from backlogdesk.demo.company import Company, build_company
from backlogdesk.demo.lines import (
    ZERO,
    Order,
    OrderLine,
    moment,
    new_line,
    settle,
    ship,
)
from backlogdesk.demo.movement import Step, move_line
from backlogdesk.demo.staging import stage_cases

ORDERS_PER_DAY = 6
# A generated book starts with a year of orders taken at the daily rate, so
# the months before the first as-of date ship at the same pace as later ones.
HISTORY_DAYS = 365
# Weekly chances of order-level events.
CREDIT_BLOCK = 0.008
CREDIT_CLEARED = 0.25
ORDER_CANCELLED = 0.1


@dataclass(frozen=True)
class Delivery:
    """One entry of the book's delivery log: a line shipped on a day."""

    day: date
    order: Order
    line: OrderLine
    qty: Decimal

    def __repr__(self) -> str:
        return (
            f"<Delivery {self.day} {self.order.number}/{self.line.line_no} "
            f"qty={self.qty}>"
        )


@dataclass
class OrderBook:
    """Every order of the demo company, as it stands on ``as_of``.

    ``agreements`` are the firm's frame and blanket agreements: a new line
    that falls under one is entered as its call-off.
    """

    company: Company
    as_of: date
    rng: random.Random
    orders: list[Order] = field(default_factory=list)
    next_number: int = 310001
    agreements: tuple[DemoAgreement, ...] = ()

    def __repr__(self) -> str:
        open_lines = sum(1 for _, line in self.lines() if line.is_open)
        return f"<OrderBook {self.as_of} orders={len(self.orders)} open={open_lines}>"

    @classmethod
    def generate(
        cls,
        as_of: date,
        seed: int = 7,
        order_count: int = ORDERS_PER_DAY * HISTORY_DAYS,
        last_as_of: date | None = None,
    ) -> OrderBook:
        """The book on ``as_of``: a year of orders, the older ones done.

        The agreements are dated around ``last_as_of``, the last day the book
        will be moved to (``as_of`` when not given).
        """
        company = build_company(seed)
        agreements = demo_agreements(company, last_as_of or as_of)
        book = cls(company, as_of, random.Random(seed), agreements=agreements)
        rng = book.rng
        ages = [rng.randint(0, HISTORY_DAYS) for _ in range(order_count)]
        for age in sorted(ages, reverse=True):
            book._add_order(as_of - timedelta(days=age))

        stage_cases(book.orders, as_of, rng, book.company.freight)
        return book

    def lines(self) -> Iterator[tuple[Order, OrderLine]]:
        """Every line with its order, in order number and line number order."""
        for order in self.orders:
            for line in order.lines:
                yield order, line

    def deliveries(self) -> list[Delivery]:
        """The delivery log: every shipment of every line, by day, order, line."""
        log = [
            Delivery(day, order, line, qty)
            for order, line in self.lines()
            for day, qty in line.shipments
        ]
        log.sort(key=lambda entry: (entry.day, entry.order.number, entry.line.line_no))
        return log

    def advance(self, days: int) -> None:
        """Move the book ``days`` forward: ship, slip, release, block, take orders."""
        if days < 1:
            raise ValueError(f"advance by at least one day, not {days}")
        start, self.as_of = self.as_of, self.as_of + timedelta(days=days)
        step = Step(self.as_of, days, self.rng)
        for order in self.orders:
            if not order.frozen and any(line.is_open for line in order.lines):
                self._move_order(order, step)
        if step.chance(ORDER_CANCELLED):
            self._cancel_an_order(step)

        count = round(days * ORDERS_PER_DAY * self.rng.uniform(0.8, 1.2))
        for offset in sorted(self.rng.randint(1, days) for _ in range(count)):
            self._add_order(start + timedelta(days=offset))

    def _move_order(self, order: Order, step: Step) -> None:
        """Credit blocks come and go; each open goods line moves on its own."""
        if order.credit_block and step.chance(CREDIT_CLEARED):
            order.credit_block = ""
        elif not order.credit_block and step.chance(CREDIT_BLOCK):
            order.credit_block = self.rng.choice(("CR", "CR", "PAY"))

        for line in order.lines:
            if line.is_open and line.item is not self.company.freight:
                move_line(order, line, step)
        self._follow_freight(order)

    def _cancel_an_order(self, step: Step) -> None:
        """The customer withdraws a whole order before anything has shipped."""
        untouched = [
            order
            for order in self.orders
            if not order.frozen
            and all(line.is_open and not line.delivered_qty for line in order.lines)
        ]
        if not untouched:
            return
        order = self.rng.choice(untouched)
        order.cancelled = True
        for line in order.lines:
            line.status, line.block = "CANC", ""
            line.remarks = "Order cancelled: project stopped by customer"
            line.last_change = moment(step.as_of, self.rng)

    def _add_order(self, order_date: date) -> None:
        rng = self.rng
        customers = self.company.customers
        customer = rng.choices(customers, [c.order_weight for c in customers])[0]
        order = Order(
            number=str(self.next_number),
            customer=customer,
            order_date=order_date,
            customer_po=f"PO-{rng.randint(100000, 999999)}",
        )
        self.next_number += 1

        project = rng.random() < 0.02
        count = rng.choice((1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 10, 12))
        for index in range(count):
            line = new_line(self.company, order, 10 * (index + 1), project, rng)
            line.agreement_id = agreement_of(self.agreements, order, line)
            settle(order, line, self.as_of, rng)
            order.lines.append(line)
        if rng.random() < 0.35:
            self._add_freight(order)
        self.orders.append(order)

    def _add_freight(self, order: Order) -> None:
        low, high = self.company.freight.group.price_range
        price = Decimal(self.rng.randint(low * 4, high * 4)) / 4
        line_no = 10 * (len(order.lines) + 1)
        freight = OrderLine(
            line_no, self.company.freight, Decimal(1), price, ZERO, None, None
        )
        order.lines.append(freight)
        self._follow_freight(order)

    def _follow_freight(self, order: Order) -> None:
        """A freight line (always an order's last) ships with the last goods."""
        *goods, freight = order.lines
        if freight.item is not self.company.freight:
            return
        freight.last_change = max(x.last_change for x in goods)
        if any(x.status in ("REL", "PSHP") for x in goods):
            freight.status = "REL"
        elif any(x.is_open for x in goods):
            freight.status = "OPEN"
        elif all(x.status == "CANC" for x in goods):
            freight.status = "CANC"
        elif freight.open_qty > 0:
            # Freight is charged once, with the delivery that completes the order.
            freight.status = "SHIP"
            ship(freight, freight.open_qty, freight.last_change.date())
