"""How an open line moves over a week: the planner's week, drawn with dice.

Released lines ship when due (in full or in part), stay past due, or slip with
a delay reason; some are pulled in, newly blocked, cancelled or short-closed.
A missed date comes back as an estimate, which planning confirms later, so
near-term backlog carries estimated dates as well as confirmed ones. Pending
lines are released, blocks clear. Problem lines slip each time they fall due
until their planned slips are used up. Every shipment goes into the line's
delivery log, dated on the day of the change.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from backlogdesk.demo.lines import (
    DELAY_REASONS,
    PENDING_CODES,
    Order,
    OrderLine,
    block_line,
    delay_reason,
    moment,
    part_of,
    ship,
)

# Weekly chances of the events that are not tied to a line falling due.
NEW_BLOCK = 0.015
CANCEL = 0.003
SHORT_CLOSE = 0.02
QTY_CHANGE = 0.005
DATE_GIVEN = 0.1
CONFIRM_ESTIMATE = 0.1
PULL_IN = 0.01
EARLY_SLIP = 0.008
RELEASE = 0.2
PENDING_WITHDRAWN = 0.01
UNBLOCK = 0.35
# How sure planning is of the new date it estimates after a missed one.
REPLAN_CONFIDENCE = ("H", "M", "M", "L")
# Of the lines due this week: ship in full, ship in part, slip; the rest wait.
DUE_OUTCOMES = (0.68, 0.78, 0.88)


@dataclass(frozen=True)
class Step:
    """One step of time: the date it ends on, its length and the dice."""

    as_of: date
    days: int
    rng: random.Random

    def chance(self, weekly: float) -> bool:
        """True with a weekly probability, scaled to the step's length."""
        return self.rng.random() < weekly * min(self.days / 7, 1.0)

    def days_from(self, low: int, high: int) -> timedelta:
        """A whole number of days between ``low`` and ``high``."""
        return timedelta(days=self.rng.randint(low, high))


def move_line(order: Order, line: OrderLine, step: Step) -> None:
    """Move one open goods line of ``order`` over ``step``."""
    if line.block:
        if step.chance(UNBLOCK):
            line.block = ""
            line.status = "PSHP" if line.delivered_qty else "REL"
            touch(line, step, "Block cleared")
    elif line.status in PENDING_CODES:
        _move_pending(order, line, step)
    elif not order.credit_block:
        _move_released(line, step)


def touch(line: OrderLine, step: Step, remarks: str) -> None:
    """Stamp a change some day within the step, as the ERP's change log does."""
    day = step.as_of - timedelta(days=step.rng.randint(0, step.days - 1))
    line.last_change = moment(day, step.rng)
    line.remarks = remarks


def _move_pending(order: Order, line: OrderLine, step: Step) -> None:
    acknowledged = step.as_of - timedelta(days=21)
    if line.status == "OPEN" and order.order_date < acknowledged:
        line.status = "AWRL"
        touch(line, step, "Call-off expected from customer")
    elif step.chance(RELEASE):
        wish = line.estimated_date or line.requested_date or step.as_of
        new_date = max(wish, step.as_of + timedelta(days=14))
        _redate(line, new_date, "CAP", step, "Released by customer")
        line.status, line.confirmed_date = "REL", new_date
        line.estimated_date, line.confidence = None, ""
    elif step.chance(PENDING_WITHDRAWN):
        line.status = "CANC"
        touch(line, step, "Call-off withdrawn by customer")


def _move_released(line: OrderLine, step: Step) -> None:
    if _leaves_plan(line, step):
        return
    ship_date = line.ship_date
    if ship_date is None:
        if step.chance(DATE_GIVEN):
            line.confirmed_date = step.as_of + step.days_from(14, 42)
            touch(line, step, "Date given by planning")
    elif line.planned_slips and ship_date <= step.as_of + timedelta(days=7):
        reason = line.planned_slips.pop(0)
        _redate(line, ship_date + step.days_from(21, 42), reason, step)
    elif ship_date > step.as_of:
        _plan_ahead(line, ship_date, step)
    else:
        _fall_due(line, ship_date, step)


def _leaves_plan(line: OrderLine, step: Step) -> bool:
    """Block, cancel, short-close or change the quantity; True when one happened."""
    if step.chance(NEW_BLOCK):
        block_line(line, step.rng)
        touch(line, step, line.remarks)
    elif line.delivered_qty and step.chance(SHORT_CLOSE):
        line.status = "SCLS"
        touch(line, step, "Short-closed: customer accepts the delivered quantity")
    elif not line.delivered_qty and step.chance(CANCEL):
        line.status = "CANC"
        touch(line, step, "Cancelled at customer request")
    elif not line.delivered_qty and step.chance(QTY_CHANGE):
        change = Decimal(step.rng.choice((-1, 1, 2)))
        line.ordered_qty = max(line.ordered_qty + change, Decimal(1))
        touch(line, step, "Quantity changed by customer")
    else:
        return False
    return True


def _plan_ahead(line: OrderLine, ship_date: date, step: Step) -> None:
    """A line not yet due: its estimate confirmed, or pulled in, or slipped."""
    near = ship_date <= step.as_of + timedelta(days=42)
    if line.estimated_date and near and step.chance(CONFIRM_ESTIMATE):
        confirmed = ship_date + timedelta(days=step.rng.choice((0, 0, 0, 7, 14)))
        _redate(line, confirmed, "CAP", step, "Estimate confirmed by planning")
        line.confirmed_date, line.estimated_date, line.confidence = confirmed, None, ""
    elif ship_date > step.as_of + timedelta(days=21) and step.chance(PULL_IN):
        earlier = ship_date - step.days_from(7, 14)
        _redate(line, earlier, "", step, "Pulled in: customer asked to expedite")
    elif step.chance(EARLY_SLIP):
        _redate(line, ship_date + step.days_from(7, 28), delay_reason(step.rng), step)


def _fall_due(line: OrderLine, ship_date: date, step: Step) -> None:
    """A line due by now ships in full or in part, slips, or waits past due."""
    draw = step.rng.random()
    later = max(ship_date, step.as_of) + step.days_from(7, 21)
    if draw < DUE_OUTCOMES[0]:
        _ship_in_full(line, step)
    elif draw < DUE_OUTCOMES[1] and line.open_qty >= 2:
        shipped_qty = part_of(line.open_qty, step.rng)
        line.status = "PSHP"
        reason = step.rng.choice(("MAT", "SUP", "CAP"))
        _replan(line, later, reason, step, "Part shipped; rest follows")
        ship(line, shipped_qty, line.last_change.date())
    elif draw < DUE_OUTCOMES[2]:
        _replan(line, later, delay_reason(step.rng), step)


def _ship_in_full(line: OrderLine, step: Step) -> None:
    line.status = "SHIP"
    touch(line, step, "")
    ship(line, line.open_qty, line.last_change.date())
    cartons = line.item.group.code == "SPR" and line.item.unit == "EA"
    if cartons and step.rng.random() < 0.04:
        ship(line, Decimal(step.rng.randint(1, 3)), line.last_change.date())
        line.remarks = "Delivered in full cartons"


def _replan(
    line: OrderLine, new_date: date, reason: str, step: Step, remarks: str = ""
) -> None:
    """Move a missed date later as an estimate: planning confirms it again only
    once the material or the capacity is secured."""
    _redate(line, new_date, reason, step, remarks)
    line.confirmed_date, line.estimated_date = None, new_date
    line.confidence = step.rng.choice(REPLAN_CONFIDENCE)


def _redate(
    line: OrderLine, new_date: date, reason: str, step: Step, remarks: str = ""
) -> None:
    """Move the ship date; a later date carries a delay reason code."""
    before = line.ship_date
    if line.confirmed_date or not line.estimated_date:
        line.confirmed_date = new_date
    else:
        line.estimated_date = new_date
    if before is not None and new_date > before:
        line.delay_reason = reason
    touch(line, step, remarks or DELAY_REASONS[reason][1])
