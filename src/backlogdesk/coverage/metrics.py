"""Coverage metrics: Ibis expressions over classified lines and agreements.

A call-off is an order line that names an agreement (``agreement_id``). What it
releases is recomputed from its current state on every run (field case 32):

- a confirmed call-off (line released, blocked or shipped; order header not
  pending, cancelled or closed) releases its ordered quantity, or its shipped
  quantity where more was shipped;
- any other call-off (a quotation or draft mapped to pending, a cancelled or a
  closed line or order) releases only what it delivered (field cases 31, 32).

Coverage is what an active agreement in force commits and its call-offs have
not released, never below zero; see docs/coverage.md for every rule.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa

from backlogdesk.coverage.agreements import Agreement
from backlogdesk.ingest.conversions import Rates

QTY = "decimal(38, 4)"
MONEY = "decimal(38, 2)"
CONFIRMED_STATUSES = ("released", "blocked", "shipped")
UNCONFIRMED_ORDERS = ("pending", "cancelled", "closed")

AGREEMENT_SCHEMA = pa.schema(
    [
        ("agreement_key", pa.string()),
        ("agreement_id", pa.string()),
        ("agreement_item", pa.string()),
        ("agreement_customer_id", pa.string()),
        ("agreement_customer_name", pa.string()),
        ("agreement_type", pa.string()),
        ("agreement_status", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("committed_qty", pa.decimal128(38, 4)),
        ("committed_value", pa.decimal128(38, 2)),
        ("agreement_price", pa.decimal128(38, 6)),
        ("agreement_currency", pa.string()),
        ("agreement_unit", pa.string()),
        ("agreement_rate", pa.decimal128(38, 8)),
    ]
)


def agreement_key(agreement: Agreement) -> str:
    """The key of one agreement row: its id, and its item where it has one."""
    return f"{agreement.agreement_id}/{agreement.item or ''}"


def agreements_table(agreements: list[Agreement], rates: Rates, as_of: date) -> Any:
    """Agreements as an Ibis memtable, each with its rate into reporting currency.

    Committed values convert at the rate valid on the as-of date; a missing
    rate stops the run (``RateError``), never a silent 1.0.
    """
    rows = [
        {
            "agreement_key": agreement_key(a),
            "agreement_id": a.agreement_id,
            "agreement_item": a.item,
            "agreement_customer_id": a.customer_id,
            "agreement_customer_name": a.customer_name,
            "agreement_type": a.agreement_type,
            "agreement_status": a.status,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "committed_qty": a.committed_qty,
            "committed_value": a.committed_value,
            "agreement_price": a.unit_price,
            "agreement_currency": a.currency or rates.reporting_currency,
            "agreement_unit": a.unit,
            "agreement_rate": rates.rate(a.currency, as_of),
        }
        for a in agreements
    ]
    return ibis.memtable(pa.Table.from_pylist(rows, schema=AGREEMENT_SCHEMA))


def agreement_documents(lines: Any, agreements: Any) -> Any:
    """Order lines that are an agreement itself, exported as an order.

    Some ERPs list a blanket order or contract among the sales orders under
    its own number; such a line is coverage, never an open order. An order
    whose number is an agreement id of the agreements file is such a line.
    """
    own = lines.semi_join(agreements, lines.order_id == agreements.agreement_id)
    return own.select("line_key", "order_id").order_by("line_key")


def call_offs(lines: Any, agreements: Any) -> Any:
    """Every call-off line with the agreement row it draws on and what it releases.

    ``matched`` is false when no agreement row fits the line's agreement and
    item; such lines release nothing and are listed for correction.
    """
    t = lines.filter(lines.agreement_id.notnull())
    t = t.anti_join(agreements, t.order_id == agreements.agreement_id)
    t = _release(t)

    fits = agreements.agreement_item.isnull() | (agreements.agreement_item == t.item)
    t = t.left_join(agreements, [t.agreement_id == agreements.agreement_id, fits])
    t = t.mutate(matched=t.agreement_id_right.notnull()).drop("agreement_id_right")
    return _in_agreement_terms(t)


def _release(t: Any) -> Any:
    """The quantity each call-off releases, and the rule that decided it."""
    order_status = t.order_status.fill_null("")
    confirmed = t.status.isin(CONFIRMED_STATUSES) & ~order_status.isin(
        UNCONFIRMED_ORDERS
    )
    delivered = ibis.greatest(t.shipped_qty, 0)
    released = ibis.cases(
        (confirmed, ibis.greatest(t.ordered_qty, t.shipped_qty)), else_=delivered
    )
    ended = ibis.cases((t.status.isin(("cancelled", "closed")), t.status), else_="")
    state = ibis.cases((ended != "", ended), else_=order_status)
    rule = ibis.cases(
        (confirmed, "confirmed: ordered quantity"),
        (state.isin(("cancelled", "closed")), state + ": delivered quantity only"),
        else_="not confirmed: delivered quantity only",
    )
    return t.mutate(release_qty=released.cast(QTY), release_rule=rule)


def _in_agreement_terms(t: Any) -> Any:
    """Released quantity in the agreement's unit, value in its currency."""
    same_unit = (
        t.agreement_unit.isnull() | t.unit.isnull() | (t.unit == t.agreement_unit)
    )
    qty = ibis.cases(
        (same_unit, t.release_qty),
        (t.stock_unit == t.agreement_unit, t.release_qty * t.unit_factor),
        else_=ibis.null(QTY),
    )
    doc_value = (t.release_qty * t.net_price).round(2).cast(MONEY)
    # Another currency goes through the reporting currency; rare, and the only
    # place a decimal division (and so rounding) enters.
    converted = (doc_value * t.fx_rate / t.agreement_rate).round(2)
    value = ibis.cases(
        (t.currency == t.agreement_currency, doc_value), else_=converted.cast(MONEY)
    )
    return t.mutate(
        released_qty=qty.cast(QTY),
        released_value=value.cast(MONEY),
        released_value_reporting=(doc_value * t.fx_rate).round(2).cast(MONEY),
    )


def released_by_agreement(call_off_lines: Any) -> Any:
    """Released quantity and value summed per agreement row."""
    t = call_off_lines.filter(call_off_lines.matched)
    return t.group_by("agreement_key").aggregate(
        call_off_lines=t.count(),
        released_qty=t.released_qty.sum(),
        released_value=t.released_value.sum(),
        unit_mismatch_lines=t.released_qty.isnull().sum(),
        unpriced_lines=t.net_price.isnull().sum(),
    )


def agreement_coverage(
    call_off_lines: Any,
    agreements: Any,
    as_of: date,
    warning_days: int = 60,
    warning_share: Decimal = Decimal("0.5"),
) -> Any:
    """One row per agreement: committed, released, remaining, state and flags.

    ``call_off_lines`` is ``call_offs(lines, agreements)``, computed once.
    An active agreement whose ``valid_to`` lies before ``as_of`` has expired: it
    leaves coverage (remaining 0) and keeps what was left as ``unreleased``.
    One in force that ends within ``warning_days`` with at least
    ``warning_share`` of its commitment unreleased is flagged ``expiring``.
    """
    released = released_by_agreement(call_off_lines)
    t = agreements.left_join(
        released, agreements.agreement_key == released.agreement_key
    ).drop("agreement_key_right")
    t = t.mutate(
        call_off_lines=t.call_off_lines.fill_null(0),
        released_qty=t.released_qty.fill_null(0).cast(QTY),
        released_value=t.released_value.fill_null(0).cast(MONEY),
        unit_mismatch_lines=t.unit_mismatch_lines.fill_null(0),
        unpriced_lines=t.unpriced_lines.fill_null(0),
    )
    t = _unreleased(t)
    t = _state(t, as_of)
    return _flags(t, as_of, warning_days, warning_share)


def _unreleased(t: Any) -> Any:
    """Left to release and released beyond the commitment, never below zero."""
    qty_left = _floored(t.committed_qty - t.released_qty, QTY)
    qty_over = _floored(t.released_qty - t.committed_qty, QTY)
    value_left = ibis.cases(
        (t.committed_value.notnull(), t.committed_value - t.released_value),
        else_=(qty_left * t.agreement_price).round(2),
    )
    value_over = _floored(t.released_value - t.committed_value, MONEY)
    return t.mutate(
        unreleased_qty=qty_left,
        over_released_qty=qty_over,
        unreleased_value=_floored(value_left, MONEY),
        over_released_value=value_over,
    )


def _floored(amount: Any, kind: str) -> Any:
    """``amount`` floored at zero; NULL stays NULL (nothing committed to compare)."""
    zero = ibis.literal(0).cast(kind)
    return ibis.cases((amount < 0, zero), else_=amount).cast(kind)


def _state(t: Any, as_of: date) -> Any:
    """in force, not started, expired, or the agreement's own inactive status."""
    active = t.agreement_status == "active"
    expired = active & (t.valid_to < as_of).fill_null(False)
    state = ibis.cases(
        (~active, t.agreement_status),
        (expired, "expired"),
        ((t.valid_from > as_of).fill_null(False), "not started"),
        else_="in force",
    )
    counts = active & ~expired

    remaining_value = _counted(t.unreleased_value, counts, MONEY)
    return t.mutate(
        state=state,
        counts_as_coverage=counts,
        remaining_qty=_counted(t.unreleased_qty, counts, QTY),
        remaining_value=remaining_value,
        remaining_value_reporting=_reporting(remaining_value, t.agreement_rate),
        unreleased_value_reporting=_reporting(t.unreleased_value, t.agreement_rate),
        days_left=t.valid_to.delta(ibis.literal(as_of), unit="day").cast("int64"),
        valid_to_month=_month_key(t.valid_to),
    )


def _counted(unreleased: Any, counts: Any, kind: str) -> Any:
    """What is left where the agreement counts, else zero; NULL stays NULL."""
    zero = ibis.literal(0).cast(kind)
    return ibis.cases((counts | unreleased.isnull(), unreleased), else_=zero).cast(kind)


def _reporting(value: Any, rate: Any) -> Any:
    return (value * rate).round(2).cast(MONEY)


def _flags(t: Any, as_of: date, warning_days: int, warning_share: Decimal) -> Any:
    """Over-released, expired with something left, ending soon with much left."""
    share = ibis.literal(warning_share, type="decimal(38, 4)")
    by_qty = _positive(t.committed_qty)
    much_left = ibis.cases(
        (by_qty, t.unreleased_qty >= t.committed_qty * share),
        else_=t.unreleased_value >= t.committed_value * share,
    )
    much_left = much_left & (by_qty | _positive(t.committed_value))
    ends_soon = t.valid_to <= as_of + timedelta(days=warning_days)
    over = _positive(t.over_released_qty) | _positive(t.over_released_value)
    left = _positive(t.unreleased_qty) | _positive(t.unreleased_value)
    return t.mutate(
        over_released=over,
        expired_unreleased=(t.state == "expired") & left,
        expiring=(t.counts_as_coverage & ends_soon & much_left).fill_null(False),
    )


def _positive(amount: Any) -> Any:
    """True where ``amount`` is above zero; NULL counts as not."""
    return (amount > 0).fill_null(False)


def coverage_by(per_agreement: Any, keys: list[str]) -> Any:
    """Remaining coverage of the agreements that count, grouped by ``keys``."""
    t = per_agreement.filter(per_agreement.counts_as_coverage)
    return (
        t.group_by(keys)
        .aggregate(
            agreements=t.count(),
            remaining_value=t.remaining_value_reporting.sum(),
            unvalued_agreements=t.remaining_value_reporting.isnull().sum(),
        )
        .order_by(keys)
    )


def _month_key(day: Any) -> Any:
    return day.year().cast("string") + "-" + day.month().cast("string").lpad(2, "0")
