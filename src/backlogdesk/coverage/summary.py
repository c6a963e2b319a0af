"""Agreement coverage as plain results for the report: totals, groups, flags.

``compute_coverage`` runs the expressions of ``coverage.metrics`` once and
returns exact decimals; renderers draw these results and compute nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import ibis

from backlogdesk.coverage.agreements import Agreement
from backlogdesk.coverage.metrics import (
    agreement_coverage,
    agreement_documents,
    agreements_table,
    call_offs,
    coverage_by,
)
from backlogdesk.ingest.conversions import Rates

log = logging.getLogger(__name__)

SHARE_PLACES = Decimal("0.001")
NO_CUSTOMER = "(no customer)"
# AgreementCoverage fields named otherwise in the Ibis table, where order-line
# columns of the same name live beside them.
RENAMED = {
    "item": "agreement_item",
    "customer_id": "agreement_customer_id",
    "customer_name": "agreement_customer_name",
    "status": "agreement_status",
    "unit": "agreement_unit",
    "currency": "agreement_currency",
}
OPEN_ENDED = "open-ended"


@dataclass(frozen=True)
class AgreementCoverage:
    """One agreement row: what it commits, what its call-offs released, flags.

    Quantities are in the agreement's unit; ``released_value`` and
    ``remaining_value`` in its currency; ``*_reporting`` in the reporting one.
    """

    agreement_id: str
    item: str | None
    customer_id: str | None
    customer_name: str | None
    agreement_type: str | None
    status: str
    state: str
    valid_from: date | None
    valid_to: date | None
    days_left: int | None
    unit: str | None
    currency: str
    committed_qty: Decimal | None
    committed_value: Decimal | None
    call_off_lines: int
    released_qty: Decimal
    released_value: Decimal
    remaining_qty: Decimal | None
    remaining_value: Decimal | None
    remaining_value_reporting: Decimal | None
    unreleased_qty: Decimal | None
    unreleased_value_reporting: Decimal | None
    unreleased_share: Decimal | None
    over_released_qty: Decimal | None
    over_released_value: Decimal | None
    unit_mismatch_lines: int
    unpriced_lines: int
    counts_as_coverage: bool
    over_released: bool
    expired_unreleased: bool
    expiring: bool


@dataclass(frozen=True)
class CoverageGroup:
    """Remaining coverage of one customer or one month of ``valid_to``."""

    key: str
    label: str
    agreements: int
    value: Decimal
    unvalued_agreements: int


@dataclass(frozen=True)
class CoverageTotal:
    """Remaining coverage of every agreement that counts.

    ``units`` is given only when the agreements committing a quantity share one
    unit; ``unvalued_agreements`` commit a quantity without a price.
    """

    agreements: int
    value: Decimal
    unvalued_agreements: int
    units: Decimal | None
    unit: str | None


@dataclass(frozen=True)
class Coverage:
    """Agreement coverage as of a date, kept apart from backlog."""

    as_of: date
    currency: str
    total: CoverageTotal
    agreements: list[AgreementCoverage]
    by_customer: list[CoverageGroup]
    by_month: list[CoverageGroup]
    over_released: list[AgreementCoverage]
    expired: list[AgreementCoverage]
    expiring: list[AgreementCoverage]
    unmatched_call_offs: list[str]
    agreement_lines: list[str]

    def __repr__(self) -> str:
        return (
            f"<Coverage {self.as_of} agreements={self.total.agreements} "
            f"value={self.total.value} {self.currency}>"
        )


def compute_coverage(
    lines: Any,
    agreements: list[Agreement],
    as_of: date,
    rates: Rates,
    warning_days: int = 60,
    warning_share: Decimal = Decimal("0.5"),
) -> Coverage:
    """Coverage of ``agreements`` given the classified order ``lines``.

    ``warning_days`` is the ``agreement_expiry_warning_days`` setting;
    ``warning_share`` the unreleased share from which an agreement ending
    within that many days is flagged.
    """
    table = agreements_table(agreements, rates, as_of)
    call_off_lines = call_offs(lines, table).cache()
    per_agreement = agreement_coverage(
        call_off_lines, table, as_of, warning_days, warning_share
    ).cache()
    rows = [_agreement(row) for row in _records(per_agreement)]
    rows.sort(key=lambda row: (row.agreement_id, row.item or ""))

    unmatched = call_off_lines.filter(~call_off_lines.matched).order_by("line_key")
    coverage = Coverage(
        as_of=as_of,
        currency=rates.reporting_currency,
        total=_total(rows),
        agreements=rows,
        by_customer=_groups(per_agreement, "agreement_customer_id"),
        by_month=_groups(per_agreement, "valid_to_month"),
        over_released=[row for row in rows if row.over_released],
        expired=[row for row in rows if row.expired_unreleased],
        expiring=sorted((r for r in rows if r.expiring), key=_by_end),
        unmatched_call_offs=_keys(unmatched),
        agreement_lines=_keys(agreement_documents(lines, table)),
    )
    log.info("computed %r", coverage)
    return coverage


def agreement_line_keys(lines: Any, agreements: list[Agreement]) -> list[str]:
    """Keys of order lines that are an agreement itself: exclude them from open
    orders, they are coverage (an order numbered like an agreement id)."""
    ids = sorted({agreement.agreement_id for agreement in agreements})
    table = ibis.memtable({"agreement_id": ids}, schema={"agreement_id": "string"})
    return _keys(agreement_documents(lines, table))


def _records(table: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = table.to_pyarrow().to_pylist()
    return records


def _keys(table: Any) -> list[str]:
    return [str(key) for key in table.line_key.to_pyarrow().to_pylist()]


def _by_end(row: AgreementCoverage) -> tuple[date, str]:
    return row.valid_to or date.max, row.agreement_id


def _agreement(row: dict[str, Any]) -> AgreementCoverage:
    values = {
        name: row[RENAMED.get(name, name)]
        for name in AgreementCoverage.__dataclass_fields__
        if name != "unreleased_share"
    }
    return AgreementCoverage(**values, unreleased_share=_share(row))


def _share(row: dict[str, Any]) -> Decimal | None:
    """Unreleased part of the commitment: by quantity where one is committed."""
    for left, committed in (
        (row["unreleased_qty"], row["committed_qty"]),
        (row["unreleased_value"], row["committed_value"]),
    ):
        if committed:
            share: Decimal = left / committed
            return share.quantize(SHARE_PLACES)
    return None


def _total(rows: list[AgreementCoverage]) -> CoverageTotal:
    counted = [row for row in rows if row.counts_as_coverage]
    valued = [row.remaining_value_reporting for row in counted]
    quantities = [row for row in counted if row.remaining_qty is not None]
    units = {row.unit for row in quantities}
    units_total = sum(
        (row.remaining_qty or Decimal(0) for row in quantities), Decimal(0)
    )
    return CoverageTotal(
        agreements=len(counted),
        value=sum((value for value in valued if value is not None), Decimal(0)),
        unvalued_agreements=sum(1 for value in valued if value is None),
        units=units_total if len(units) == 1 else None,
        unit=next(iter(units)) if len(units) == 1 else None,
    )


def _groups(per_agreement: Any, key: str) -> list[CoverageGroup]:
    labels = {
        "agreement_customer_id": "agreement_customer_name",
        "valid_to_month": "valid_to_month",
    }
    keys = list(dict.fromkeys([key, labels[key]]))
    groups = []
    for row in _records(coverage_by(per_agreement, keys)):
        blank = OPEN_ENDED if key == "valid_to_month" else NO_CUSTOMER
        groups.append(
            CoverageGroup(
                key=row[key] or "",
                label=row[labels[key]] or row[key] or blank,
                agreements=int(row["agreements"]),
                value=row["remaining_value"] or Decimal(0),
                unvalued_agreements=int(row["unvalued_agreements"]),
            )
        )
    return groups
