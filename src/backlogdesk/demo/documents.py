"""The demo firm's actuals: deliveries, invoices, returns and credit notes.

Every delivery in the order book's delivery log becomes a delivery note (one
per order and day) and, one to five days later, an invoice for the same
amounts. A few delivered lines come back as customer returns, each credited
by a credit note a few days after. Documents dated after the last export's
day are not written: they have not happened yet, so the last days' deliveries
are shipped but not yet invoiced.

The file is the ERP's document register: semicolon-separated UTF-8, dates
year-month-day, a decimal point, and returns and credit notes written with
positive quantities and amounts (the document type says which way they go).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from pathlib import Path

from backlogdesk.demo.orderbook import Delivery, OrderBook

CENT = Decimal("0.01")
DOCUMENT_COLUMNS = (
    "DOC_TYPE",
    "DOC_NO",
    "DOC_DATE",
    "ORDER_NO",
    "LINE_NO",
    "ITEM",
    "PROD_GRP",
    "CUSTOMER",
    "SALES_REP",
    "REGION",
    "QTY",
    "NET_AMOUNT",
    "COST_AMOUNT",
    "CURRENCY",
)
# Sales regions by customer country, as the sales organisation splits them.
REGIONS = {
    "US": "North America",
    "CA": "North America",
    "GB": "UK & Ireland",
    "IE": "UK & Ireland",
    "SE": "Nordics",
    "DK": "Nordics",
    "NO": "Nordics",
    "FI": "Nordics",
    "IT": "Southern Europe",
    "FR": "Southern Europe",
    "ES": "Southern Europe",
    "PT": "Southern Europe",
}
CENTRAL_EUROPE = "Central Europe"
INVOICE_LAG_DAYS = (1, 5)
# Share of goods deliveries that come back, days until they do, and days
# until the credit note follows the returned goods.
RETURN_SHARE = 0.006
RETURN_AFTER_DAYS = (10, 45)
CREDIT_AFTER_DAYS = (2, 6)
DOCUMENT_ORDER = ("DELIVERY", "INVOICE", "RETURN", "CREDIT")


@dataclass(frozen=True)
class Document:
    """One row of the document register: a document's line for one order line."""

    doc_type: str
    number: str
    day: date
    delivery: Delivery
    qty: Decimal

    def __repr__(self) -> str:
        line = f"{self.delivery.order.number}/{self.delivery.line.line_no}"
        return f"<Document {self.doc_type} {self.number} {self.day} {line}>"

    @property
    def net_amount(self) -> Decimal:
        """Quantity x net unit price (after discount), in the order's currency."""
        line = self.delivery.line
        net = self.qty * line.unit_price * (1 - line.discount_pct / 100)
        return net.quantize(CENT, ROUND_HALF_UP)

    @property
    def cost_amount(self) -> Decimal | None:
        """Quantity x unit cost, or None when the line has no cost."""
        cost = self.delivery.line.unit_cost
        return None if cost is None else (self.qty * cost).quantize(CENT, ROUND_HALF_UP)


def book_documents(book: OrderBook, seed: int = 7) -> list[Document]:
    """Every document of the book up to its as-of date, in register order."""
    deliveries = book.deliveries()
    notes = list(_delivery_notes(deliveries))
    documents = notes + _invoices(notes, book.as_of, random.Random(f"{seed}-invoices"))
    documents += _returns(deliveries, book, random.Random(f"{seed}-returns"))
    documents.sort(key=_register_order)
    return documents


def _delivery_notes(deliveries: list[Delivery]) -> Iterator[Document]:
    """One delivery note per order and day, numbered by day."""
    by_note = groupby(deliveries, key=lambda entry: (entry.day, entry.order.number))
    for count, (_, entries) in enumerate(by_note, start=1):
        for entry in entries:
            yield Document("DELIVERY", f"DN{count:07d}", entry.day, entry, entry.qty)


def _invoices(notes: list[Document], as_of: date, rng: random.Random) -> list[Document]:
    """Each delivery note invoiced a few days later, if that day has come."""
    invoice_days: dict[str, date] = {}
    for note in notes:
        if note.number not in invoice_days:
            lag = timedelta(days=rng.randint(*INVOICE_LAG_DAYS))
            invoice_days[note.number] = note.day + lag

    # Invoices are numbered in the order they are written.
    written = sorted(invoice_days, key=lambda number: (invoice_days[number], number))
    numbers = {note: f"IN{count:07d}" for count, note in enumerate(written, start=1)}
    return [
        Document("INVOICE", numbers[note.number], invoice_days[note.number],
                 note.delivery, note.qty)
        for note in notes
        if invoice_days[note.number] <= as_of
    ]  # fmt: skip


def _returns(
    deliveries: list[Delivery], book: OrderBook, rng: random.Random
) -> list[Document]:
    """A few goods deliveries partly returned, each with its credit note."""
    returns = []
    for entry in deliveries:
        if entry.line.item is book.company.freight or rng.random() >= RETURN_SHARE:
            continue
        qty = Decimal(rng.randint(1, max(int(entry.qty), 1)))
        returned = entry.day + timedelta(days=rng.randint(*RETURN_AFTER_DAYS))
        credited = returned + timedelta(days=rng.randint(*CREDIT_AFTER_DAYS))
        returns.append((returned, credited, entry, qty))

    documents = []
    returns.sort(key=lambda entry: entry[0])
    for count, (returned, credited, entry, qty) in enumerate(returns, start=1):
        for doc_type, prefix, day in (
            ("RETURN", "RN", returned),
            ("CREDIT", "CN", credited),
        ):
            if day <= book.as_of:
                documents.append(
                    Document(doc_type, f"{prefix}{count:07d}", day, entry, qty)
                )
    return documents


def _register_order(document: Document) -> tuple[date, int, str, int]:
    rank = DOCUMENT_ORDER.index(document.doc_type)
    return document.day, rank, document.number, document.delivery.line.line_no


def document_row(document: Document) -> list[str]:
    """One register row as the ERP writes it."""
    order, line = document.delivery.order, document.delivery.line
    customer = order.customer
    cost = document.cost_amount
    return [
        document.doc_type,
        document.number,
        document.day.isoformat(),
        order.number,
        str(line.line_no),
        line.item.code,
        line.item.group.code,
        customer.name,
        customer.owner,
        REGIONS.get(customer.country, CENTRAL_EUROPE),
        str(document.qty),
        f"{document.net_amount:.2f}",
        "" if cost is None else f"{cost:.2f}",
        customer.currency,
    ]


def write_documents(path: Path, documents: list[Document]) -> Path:
    """Write the document register to ``path``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(DOCUMENT_COLUMNS)
        writer.writerows(document_row(document) for document in documents)
    return path
