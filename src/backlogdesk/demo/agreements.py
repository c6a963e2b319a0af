"""The demo company's frame, blanket and supply agreements, and their call-offs.

Agreements are dated around the last day the demo runs to, so every run tells
the same story: one large customer's frame contract for the year, mostly not
yet called off (sales counts it, planning cannot schedule it); a blanket order
that ends within weeks with most of it left; a supply agreement that expired
in the summer; a small blanket in force; and a draft for next year.

Call-offs are ordinary order lines that name their agreement in the lines
export. The contracts file is written the way the ERP's contract list exports
it: semicolon-separated UTF-8, dates day/month/year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from backlogdesk.demo.company import Company, Customer, Item
from backlogdesk.demo.lines import Order, OrderLine

DATE_FORMAT = "%d/%m/%Y"
AGREEMENT_COLUMNS = (
    "CONTRACT_NO",
    "CONTRACT_TYPE",
    "STATUS",
    "SOLD_TO",
    "SOLD_TO_NAME",
    "VALID_FROM",
    "VALID_TO",
    "ITEM_NO",
    "TARGET_QTY",
    "UOM",
    "UNIT_PRICE",
    "TARGET_VALUE",
    "CURR",
)
# The frame contract is sized against the whole firm's year, not the
# customer's history: that is what makes it look like the year is sold.
FRAME_VALUE = Decimal("36000000.00")


@dataclass(frozen=True)
class ItemCommitment:
    """One item of an agreement given by item: quantity and agreed price."""

    item: Item
    committed_qty: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class DemoAgreement:
    """One agreement: its customer, validity, commitment and what it covers.

    Value agreements commit ``committed_value`` for the product groups in
    ``groups``; item agreements commit each of ``items`` instead.
    """

    agreement_id: str
    type_code: str
    status_code: str
    customer: Customer
    valid_from: date
    valid_to: date
    groups: tuple[str, ...]
    committed_value: Decimal | None = None
    items: tuple[ItemCommitment, ...] = ()

    def __repr__(self) -> str:
        return (
            f"<DemoAgreement {self.agreement_id} {self.customer.number} "
            f"{self.valid_from}..{self.valid_to}>"
        )

    def calls_off(self, order: Order, line: OrderLine) -> bool:
        """True when ``line`` of ``order`` is entered as a call-off of this one."""
        if self.status_code != "ACT" or order.customer.number != self.customer.number:
            return False
        if not self.valid_from <= order.order_date <= self.valid_to:
            return False
        if self.items:
            return any(entry.item.code == line.item.code for entry in self.items)
        return line.item.group.code in self.groups


def demo_agreements(company: Company, last_as_of: date) -> tuple[DemoAgreement, ...]:
    """The agreements of the demo firm, dated around ``last_as_of``."""
    year = last_as_of.year
    frame_customer = _largest(company, ("US",))
    return (
        DemoAgreement(
            f"FC-{year % 100}001", "FC", "ACT", frame_customer,
            date(year, 1, 1), date(year + 1, 3, 31), ("PMP", "VLV", "DRV"),
            committed_value=FRAME_VALUE,
        ),
        DemoAgreement(
            f"BO-{year % 100}014", "BO", "ACT", _largest(company, ("DE", "NL")),
            date(year, 2, 1), last_as_of + timedelta(days=15), ("SPR", "SVK"),
            committed_value=Decimal("400000.00"),
        ),
        _expired_supply(company, year),
        DemoAgreement(
            f"BO-{year % 100}022", "BO", "ACT", _largest(company, ("CA",)),
            date(year, 4, 1), date(year + 1, 6, 30), ("VLV", "SPR"),
            committed_value=Decimal("180000.00"),
        ),
        DemoAgreement(
            f"FC-{(year + 1) % 100}003", "FC", "DRF", _largest(company, ("US",), 1),
            date(year + 1, 1, 1), date(year + 1, 12, 31), ("GBX",),
            committed_value=Decimal("2500000.00"),
        ),
    )  # fmt: skip


def _expired_supply(company: Company, year: int) -> DemoAgreement:
    """Mechanical seals by item at agreed prices, for the twelve months to June."""
    seals = [item for item in company.items if item.code.startswith("MSL-")]
    customer = _largest(company, ("GB",))
    items = tuple(
        ItemCommitment(item, Decimal(qty), item.price_in(customer.currency))
        for item, qty in zip(seals[:2], (600, 400), strict=True)
    )
    return DemoAgreement(
        f"SA-{(year - 1) % 100}007", "SA", "ACT", customer,
        date(year - 1, 7, 1), date(year, 6, 30), ("SPR",), items=items,
    )  # fmt: skip


def _largest(company: Company, countries: tuple[str, ...], rank: int = 0) -> Customer:
    """The customer of ``countries`` ordering most (by order weight), by rank."""
    chosen = [c for c in company.customers if c.country in countries]
    chosen.sort(key=lambda customer: -customer.order_weight)
    return chosen[rank]


def agreement_of(
    agreements: tuple[DemoAgreement, ...], order: Order, line: OrderLine
) -> str:
    """The agreement a new line is entered against, or "" for none."""
    for agreement in agreements:
        if agreement.calls_off(order, line):
            return agreement.agreement_id
    return ""


def agreement_rows(agreements: tuple[DemoAgreement, ...]) -> list[list[str]]:
    """The contract list rows: one per value agreement, one per agreed item."""
    rows = []
    for agreement in agreements:
        customer = agreement.customer
        head = [
            agreement.agreement_id,
            agreement.type_code,
            agreement.status_code,
            customer.number,
            customer.name,
            agreement.valid_from.strftime(DATE_FORMAT),
            agreement.valid_to.strftime(DATE_FORMAT),
        ]
        if agreement.committed_value is not None:
            value = f"{agreement.committed_value:.2f}"
            rows.append([*head, "", "", "", "", value, customer.currency])
        for entry in agreement.items:
            qty, price = str(entry.committed_qty), f"{entry.unit_price:.2f}"
            item, unit = entry.item.code, entry.item.unit
            rows.append([*head, item, qty, unit, price, "", customer.currency])
    return rows


def write_agreements(path: Path, agreements: tuple[DemoAgreement, ...]) -> Path:
    """Write the contract list to ``path``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(AGREEMENT_COLUMNS)
        writer.writerows(agreement_rows(agreements))
    return path
