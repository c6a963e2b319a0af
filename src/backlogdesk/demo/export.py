"""Write the demo order book the way its ERP exports it, with a rates file beside.

Two exports from two ERP reports, as often seen in practice: the order header
file is comma-separated UTF-8; the order lines file is semicolon-separated UTF-8
with a byte-order mark, as many European ERPs write it. Dates are day/month/year.
Like a weekly ERP report, an export lists the open lines and the lines closed
in the last eight weeks; older closed lines and their orders are left out.
Three lines rows can be damaged on purpose (an impossible date, a quantity with
a unit typed into it, a status code the mapping does not know), so that the
demo shows rows being rejected with their reasons.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from backlogdesk.demo.lines import CLOSED_KEPT_DAYS, Order, OrderLine
from backlogdesk.demo.orderbook import OrderBook

DATE_FORMAT = "%d/%m/%Y"
CHANGE_FORMAT = "%d/%m/%Y %H:%M"
UNKNOWN_STATUS = "BKO"
HEADER_COLUMNS = (
    "SO_NUMBER",
    "SOLD_TO",
    "SOLD_TO_NAME",
    "COUNTRY",
    "ACCT_OWNER",
    "ORDER_DATE",
    "HDR_STATUS",
    "CURR",
    "CREDIT_BLOCK",
    "CUST_PO",
    "INCOTERMS",
    "PAY_TERMS",
)
LINE_COLUMNS = (
    "SO_NUMBER",
    "LINE_NO",
    "ITEM_NO",
    "ITEM_DESC",
    "PROD_GRP",
    "PLANT",
    "ORD_QTY",
    "DLV_QTY",
    "UOM",
    "UNIT_PRICE",
    "DISC_PCT",
    "UNIT_COST",
    "REQ_DATE",
    "CONF_DATE",
    "EST_DATE",
    "EST_CONF",
    "LINE_STATUS",
    "DLV_BLOCK",
    "DLY_RSN",
    "LAST_CHG",
    "REMARKS",
    "AGREEMENT",
)
# Rates into USD around which the monthly rates move.
BASE_RATES = {"EUR": 1.085, "GBP": 1.265}


@dataclass(frozen=True)
class DemoExport:
    """The files of one demo export and the date they stand on."""

    as_of: date
    orders_path: Path
    lines_path: Path
    rates_path: Path

    def __repr__(self) -> str:
        return f"<DemoExport {self.as_of} in {self.lines_path.parent}>"

    @property
    def export_paths(self) -> list[Path]:
        """The ERP files to ingest (the rates file is given separately)."""
        return [self.lines_path, self.orders_path]


def write_demo_export(folder: Path, as_of: date, seed: int = 7) -> DemoExport:
    """Generate the demo order book as of ``as_of`` and write its export files."""
    return write_export(OrderBook.generate(as_of, seed), folder, seed)


def write_export(
    book: OrderBook, folder: Path, seed: int = 7, damaged: bool = True
) -> DemoExport:
    """Write an order book's header, lines and rates files into ``folder``.

    With ``damaged``, three lines rows are spoilt so that ingest rejects them.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stamp = book.as_of.strftime("%Y%m%d")
    export = DemoExport(
        as_of=book.as_of,
        orders_path=folder / f"SO_HEADER_{stamp}.csv",
        lines_path=folder / f"SO_LINES_{stamp}.csv",
        rates_path=folder / f"FX_RATES_{stamp}.csv",
    )

    listed = exported_lines(book)
    numbers = {order.number for order, _ in listed}
    headers = [
        header_row(order, book.as_of)
        for order in book.orders
        if order.number in numbers
    ]
    _write_csv(export.orders_path, HEADER_COLUMNS, headers, ",", "utf-8")

    lines = [line_row(order, line) for order, line in listed]
    if damaged:
        damage_rows(lines, book.as_of, random.Random(seed))
    _write_csv(export.lines_path, LINE_COLUMNS, lines, ";", "utf-8-sig")

    first = min(order.order_date for order in book.orders)
    _write_csv(
        export.rates_path,
        ("currency", "date", "rate"),
        rate_rows(first, book.as_of, seed),
        ",",
        "utf-8",
    )
    return export


def exported_lines(book: OrderBook) -> list[tuple[Order, OrderLine]]:
    """The lines a weekly export lists: open ones and those closed lately."""
    since = book.as_of - timedelta(days=CLOSED_KEPT_DAYS)
    return [
        (order, line)
        for order, line in book.lines()
        if line.is_open or line.last_change.date() >= since
    ]


def header_row(order: Order, as_of: date) -> list[str]:
    """One order header as the ERP writes it."""
    customer = order.customer
    return [
        order.number,
        customer.number,
        customer.name,
        customer.country,
        customer.owner,
        _day(order.order_date),
        order.header_status(as_of),
        customer.currency,
        order.credit_block,
        order.customer_po,
        customer.incoterms,
        customer.payment_terms,
    ]


def line_row(order: Order, line: OrderLine) -> list[str]:
    """One order line as the ERP writes it."""
    item = line.item
    return [
        order.number,
        str(line.line_no),
        item.code,
        item.description,
        item.group.code,
        item.group.plant,
        str(line.ordered_qty),
        str(line.delivered_qty),
        item.unit,
        f"{line.unit_price:.2f}",
        f"{line.discount_pct:.2f}",
        "" if line.unit_cost is None else str(line.unit_cost),
        _day(line.requested_date),
        _day(line.confirmed_date),
        _day(line.estimated_date),
        line.confidence,
        line.status,
        line.block,
        line.delay_reason,
        line.last_change.strftime(CHANGE_FORMAT),
        line.remarks,
        line.agreement_id,
    ]


def damage_rows(rows: list[list[str]], as_of: date, rng: random.Random) -> None:
    """Spoil three open goods rows the way hand edits in an ERP spoil them."""
    column = {name: index for index, name in enumerate(LINE_COLUMNS)}
    dated = [
        row
        for row in rows
        if row[column["LINE_STATUS"]] == "REL" and row[column["CONF_DATE"]]
    ]
    wrong_date, typed_unit, odd_status = rng.sample(dated, 3)
    wrong_date[column["CONF_DATE"]] = f"31/02/{as_of.year}"
    typed_unit[column["ORD_QTY"]] += " pcs"
    odd_status[column["LINE_STATUS"]] = UNKNOWN_STATUS


def rate_rows(first: date, last: date, seed: int) -> list[list[str]]:
    """Month-start rates into USD for EUR and GBP, from ``first``'s month to ``last``.

    Each month's rate depends on the seed and the month only, so every export
    of the same book agrees on the rates of the months they share.
    """
    rows = []
    month = first.replace(day=1)
    while month <= last:
        index = month.year * 12 + month.month
        for currency, base in BASE_RATES.items():
            noise = random.Random(f"{seed}-{currency}-{index}").uniform(-0.012, 0.012)
            rate = base + 0.03 * math.sin(index / 5) + noise
            rows.append([currency, month.isoformat(), f"{rate:.4f}"])
        month = (month + timedelta(days=32)).replace(day=1)
    return rows


def _day(day: date | None) -> str:
    return "" if day is None else day.strftime(DATE_FORMAT)


def _write_csv(
    path: Path,
    columns: tuple[str, ...],
    rows: list[list[str]],
    delimiter: str,
    encoding: str,
) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
