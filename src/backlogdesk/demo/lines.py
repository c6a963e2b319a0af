"""Orders and order lines of the demo book, and how a new line comes to be.

A line is made from the catalog and then settled: put in the state it would
have reached by the book's date (shipped, closed, cancelled, or still open
with a status, a date and perhaps a block), as the ERP would hold it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from backlogdesk.demo.company import Company, Customer, Item

ZERO = Decimal(0)
PENDING_CODES = ("OPEN", "AWRL")
RELEASED_CODES = ("REL", "PSHP")
OPEN_CODES = ("OPEN", "AWRL", "REL", "PSHP", "HOLD")
# Delivery block codes, how often each occurs, and the remark planners write.
LINE_BLOCKS = {
    "DRW": (30, "Waiting for customer drawing rev. C"),
    "CAP": (25, "Test bench fully booked; planning to re-sequence"),
    "MAT": (25, "Castings delayed at supplier"),
    "INF": (12, "Nameplate data and voltage not yet given by customer"),
    "DSP": (8, 'Customer disputes "price per unit" on last invoice'),
}
# Reason codes the ERP asks for when a ship date moves later, how often each
# is given, and the remark that goes with it.
DELAY_REASONS = {
    "CAP": (30, "Assembly capacity: line re-sequenced"),
    "MAT": (25, "Material short: castings late from foundry"),
    "SUP": (20, "Supplier late with bought-in parts"),
    "QUA": (10, "Failed final test; rework before shipping"),
    "CUS": (15, "Customer asked for a later delivery"),
}
PROJECT_LEAD_DAYS = (240, 380)
# A weekly export lists open lines and the lines closed in the last 8 weeks.
CLOSED_KEPT_DAYS = 56
# Share of new released lines that will slip again and again when due.
PROBLEM_SHARE = 0.012
# Share of new released lines given a confirmed date at order entry, when due
# within 75 days and when due later. Plant BRN2 (gearboxes and drives) plans
# in its own scheduling tool and keys mostly estimates into the ERP.
CONFIRMED_AT_ENTRY = {"HEL1": (0.7, 0.35), "BRN2": (0.5, 0.2)}
UNDATED_SHARE = 0.003


@dataclass
class OrderLine:
    """One order line as the ERP holds it, in the ERP's own codes.

    ``planned_slips`` holds the delay reasons of slips still to come: a problem
    line moves later each time it falls due until the list is used up.
    ``shipments`` is the line's delivery log, (day, quantity) in date order:
    every change of ``delivered_qty`` goes through ``ship`` and lands there.
    """

    line_no: int
    item: Item
    ordered_qty: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    unit_cost: Decimal | None
    requested_date: date | None
    delivered_qty: Decimal = ZERO
    confirmed_date: date | None = None
    estimated_date: date | None = None
    confidence: str = ""
    status: str = "OPEN"
    block: str = ""
    delay_reason: str = ""
    last_change: datetime = datetime(2000, 1, 1)
    remarks: str = ""
    agreement_id: str = ""
    planned_slips: list[str] = field(default_factory=list)
    shipments: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """True while the line still waits for (part of) its delivery."""
        return self.status in OPEN_CODES

    @property
    def ship_date(self) -> date | None:
        """Confirmed date, else estimated date, else None."""
        return self.confirmed_date or self.estimated_date

    @property
    def open_qty(self) -> Decimal:
        """Quantity still to deliver."""
        return self.ordered_qty - self.delivered_qty


@dataclass
class Order:
    """A sales order: its header and its lines.

    A frozen order is one nobody touches any more: its lines neither ship nor
    move, and its header stays as it is. Every real book has a few.
    """

    number: str
    customer: Customer
    order_date: date
    customer_po: str
    lines: list[OrderLine] = field(default_factory=list)
    credit_block: str = ""
    cancelled: bool = False
    frozen: bool = False

    def header_status(self, as_of: date) -> str:
        """The header status code the ERP shows for this order on ``as_of``."""
        if self.cancelled:
            return "CANC"
        if not any(line.is_open for line in self.lines):
            last = max(line.last_change.date() for line in self.lines)
            return "CLSD" if last < as_of - timedelta(days=30) else "CMPL"
        if self.credit_block:
            return "HOLD"
        released = any(line.status in RELEASED_CODES for line in self.lines)
        return "REL" if released else "OPEN"


def new_line(
    company: Company,
    order: Order,
    line_no: int,
    project: bool,
    rng: random.Random,
) -> OrderLine:
    """A new goods line from the catalog, priced for the order's customer."""
    codes = ("PMP", "GBX", "DRV") if project else [g.code for g in company.groups]
    item = rng.choice(company.items_of(rng.choice(codes)))
    low, high = item.group.order_qty
    quantity = low + int((high - low) * rng.random() ** 2)
    qty = Decimal(quantity * 5) / 2 if item.unit == "M" else Decimal(quantity)
    lead = PROJECT_LEAD_DAYS if project else item.group.lead_days

    currency = order.customer.currency
    extra = Decimal("2.5") if quantity >= high // 2 and rng.random() < 0.3 else ZERO
    return OrderLine(
        line_no=line_no,
        item=item,
        ordered_qty=qty,
        unit_price=item.price_in(currency),
        discount_pct=order.customer.discount_pct + extra,
        unit_cost=item.cost_in(currency),
        requested_date=order.order_date + timedelta(days=rng.randint(*lead)),
    )


def settle(order: Order, line: OrderLine, as_of: date, rng: random.Random) -> None:
    """Put a new line in the state it would have reached by ``as_of``."""
    assert line.requested_date is not None
    slip = rng.choice((0, 0, 0, 0, -3, 7, 14, 21, 35))
    planned = line.requested_date + timedelta(days=slip)
    if planned < as_of - timedelta(days=4):
        _settle_past(line, planned, as_of, rng)
    else:
        _settle_open(order, line, planned, as_of, rng)


def _settle_past(
    line: OrderLine, planned: date, as_of: date, rng: random.Random
) -> None:
    draw = rng.random()
    line.last_change = moment(min(planned, as_of), rng)
    line.confirmed_date = planned
    recent = planned >= as_of - timedelta(days=90)
    if planned >= as_of - timedelta(days=60) and draw >= 0.92:
        # Still open after its date: a past-due line, sometimes part-shipped
        # on the date it was due.
        line.status = "REL"
        line.last_change = moment(as_of - timedelta(rng.randint(0, 60)), rng)
        if rng.random() < 0.3:
            block_line(line, rng)
        part_ship(line, 0.4, rng, planned)
    elif draw < 0.03 and line.ordered_qty >= 2:
        line.status = "SCLS"
        ship(line, part_of(line.ordered_qty, rng), planned)
        line.remarks = "Short-closed: customer accepts the delivered quantity"
    elif draw < 0.06:
        line.status, line.remarks = "CANC", "Cancelled at customer request"
    else:
        ship(line, line.ordered_qty, planned)
        line.status = "SHIP" if recent else "CLSD"


def _settle_open(
    order: Order, line: OrderLine, planned: date, as_of: date, rng: random.Random
) -> None:
    draw = rng.random()
    age = (as_of - order.order_date).days
    # Most open lines were touched lately; a tail has sat for months.
    idle = rng.randint(60, 200) if rng.random() < 0.06 else rng.expovariate(1 / 16)
    line.last_change = moment(as_of - timedelta(min(age, int(idle))), rng)
    if draw < 0.012:
        line.status, line.remarks = "CANC", "Line cancelled; replaced by new item"
        return
    if draw < 0.11:
        line.status = "OPEN" if age < 21 else "AWRL"
        line.remarks = "" if age < 21 else "Call-off expected from customer"
        if rng.random() < 0.5:
            line.estimated_date, line.confidence = planned, rng.choice("ML")
        return

    line.status = "REL"
    _date_released(line, planned, as_of, rng)
    if draw < 0.18:
        block_line(line, rng)
    if age > 30:
        # The part shipment was the line's last change.
        part_ship(line, 0.12, rng, line.last_change.date())


def _date_released(
    line: OrderLine, planned: date, as_of: date, rng: random.Random
) -> None:
    """Confirm or estimate a released line's date; a few wait for one, a few are
    problem lines that will slip each time they fall due."""
    draw = rng.random()
    if draw < UNDATED_SHARE:
        line.remarks = "Planning to advise a date"
        return
    near, far = CONFIRMED_AT_ENTRY.get(line.item.group.plant, (0.7, 0.35))
    if rng.random() < (near if planned <= as_of + timedelta(days=75) else far):
        line.confirmed_date = planned
    else:
        line.estimated_date, line.confidence = planned, rng.choice("HHMML")
    if draw > 1 - PROBLEM_SHARE:
        cause = delay_reason(rng)
        line.planned_slips = [cause] * rng.choice((2, 3, 3, 4, 4))


def part_ship(line: OrderLine, chance: float, rng: random.Random, day: date) -> None:
    """With ``chance``, ship part of a line of two units or more on ``day``."""
    if line.ordered_qty >= 2 and rng.random() < chance:
        ship(line, part_of(line.ordered_qty, rng), day)
        line.status = "PSHP" if line.status == "REL" else line.status


def ship(line: OrderLine, qty: Decimal, day: date) -> None:
    """Deliver ``qty`` of a line on ``day`` and log it; one entry per line a day."""
    line.delivered_qty += qty
    if line.shipments and line.shipments[-1][0] == day:
        qty += line.shipments.pop()[1]
    line.shipments.append((day, qty))


def block_line(line: OrderLine, rng: random.Random) -> None:
    """A delivery block; some ERPs also put the line itself on hold."""
    weights = [weight for weight, _ in LINE_BLOCKS.values()]
    line.block = rng.choices(list(LINE_BLOCKS), weights)[0]
    line.status = rng.choice(("HOLD", "REL"))
    line.remarks = LINE_BLOCKS[line.block][1]


def delay_reason(rng: random.Random) -> str:
    """A delay reason code, drawn by how often planners give each."""
    weights = [weight for weight, _ in DELAY_REASONS.values()]
    return rng.choices(list(DELAY_REASONS), weights)[0]


def part_of(quantity: Decimal, rng: random.Random) -> Decimal:
    """A delivered part of ``quantity``: at least one unit, at least one short."""
    return Decimal(rng.randint(1, max(int(quantity) - 1, 1)))


def moment(day: date, rng: random.Random) -> datetime:
    """A working-hours time stamp on ``day``, as an ERP change log writes it."""
    return datetime.combine(day, time(rng.randint(6, 18), rng.randint(0, 59)))
