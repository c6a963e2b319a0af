"""The demo company's ERP export: deterministic, ingestible, and a full report.

The cross-checks read the written CSV files with plain Python, not with the
product's readers, so a wrong export and a wrong ingest cannot hide each other.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.demo import DemoExport, OrderBook, write_demo_export
from backlogdesk.demo.company import build_company
from backlogdesk.demo.export import write_export
from backlogdesk.ingest.conversions import Units, load_rates
from backlogdesk.ingest.lines import IngestContext, IngestResult, ingest_files
from backlogdesk.ingest.mapping import load_mapping
from backlogdesk.reports.model import Report
from backlogdesk.review import build_report
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.schema import lines_to_arrow

AS_OF = date(2024, 6, 12)
CENT = Decimal("0.01")
LINE_CODES = {"OPEN", "AWRL", "REL", "PSHP", "HOLD", "SHIP", "CLSD", "SCLS", "CANC"}
OPEN_CODES = {"OPEN", "AWRL", "REL", "PSHP", "HOLD"}
ENDED_ORDER_CODES = {"CANC", "CLSD"}


def ingest(export: DemoExport) -> IngestResult:
    """Ingest an export with the shipped demo mapping and its rates file."""
    rates = load_rates(export.rates_path, "USD")
    context = IngestContext("UTC", rates, Units(), "order_date", export.as_of)
    return ingest_files(export.export_paths, load_mapping("demo"), context)


def read_lines(path: Path) -> list[dict[str, str]]:
    """The lines export as plain dicts; a spreadsheet row number in '_row'."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return [row | {"_row": str(number)} for number, row in enumerate(rows, start=2)]


def read_headers(path: Path) -> dict[str, dict[str, str]]:
    """The header export by order number."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["SO_NUMBER"]: row for row in csv.DictReader(handle)}


def damage_of(row: dict[str, str]) -> tuple[str, str] | None:
    """Column and problem of a row that cannot be read, or None when it is fine."""
    for column in ("ORD_QTY", "DLV_QTY", "UNIT_PRICE", "DISC_PCT"):
        try:
            Decimal(row[column])
        except InvalidOperation:
            return column, "bad number"
    for column in ("REQ_DATE", "CONF_DATE", "EST_DATE"):
        try:
            if row[column]:
                datetime.strptime(row[column], "%d/%m/%Y")
        except ValueError:
            return column, "bad date"
    if row["LINE_STATUS"] not in LINE_CODES:
        return "LINE_STATUS", "unknown status"
    return None


def usd_rate(
    rates: dict[str, list[tuple[date, Decimal]]], currency: str, on: date
) -> Decimal:
    """The latest rate dated on or before ``on``; 1 for USD itself."""
    if currency == "USD":
        return Decimal(1)
    return max((day, rate) for day, rate in rates[currency] if day <= on)[1]


def read_rates(path: Path) -> dict[str, list[tuple[date, Decimal]]]:
    """The rates file by currency."""
    rates: dict[str, list[tuple[date, Decimal]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = (date.fromisoformat(row["date"]), Decimal(row["rate"]))
            rates.setdefault(row["currency"], []).append(entry)
    return rates


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> DemoExport:
    return write_demo_export(tmp_path_factory.mktemp("demo"), AS_OF)


@pytest.fixture(scope="module")
def ingested(demo_export: DemoExport) -> IngestResult:
    return ingest(demo_export)


@pytest.fixture(scope="module")
def report(ingested: IngestResult) -> Report:
    store = Store(":memory:")
    store.replace_with_single_snapshot(AS_OF, lines_to_arrow(ingested.lines), "demo")
    return build_report(store, AS_OF, "month", Settings.defaults())


def test_demo_export_is_byte_identical_for_the_same_seed_and_date(
    tmp_path: Path, demo_export: DemoExport
) -> None:
    again = write_demo_export(tmp_path / "again", AS_OF)
    other_seed = write_demo_export(tmp_path / "other", AS_OF, seed=8)

    for first, second in (
        (demo_export.orders_path, again.orders_path),
        (demo_export.lines_path, again.lines_path),
        (demo_export.rates_path, again.rates_path),
    ):
        assert first.read_bytes() == second.read_bytes()
    assert other_seed.lines_path.read_bytes() != demo_export.lines_path.read_bytes()


def test_demo_lines_file_is_semicolon_separated_utf8_with_bom(
    demo_export: DemoExport,
) -> None:
    raw = demo_export.lines_path.read_bytes()
    header = raw.split(b"\r\n", 1)[0]

    assert raw.startswith(b"\xef\xbb\xbfSO_NUMBER;LINE_NO;")
    assert header.count(b";") == 21 and header.endswith(b";REMARKS;AGREEMENT")
    names = demo_export.orders_path.read_text(encoding="utf-8")
    assert all(letter in names for letter in "äøé")


def test_demo_company_has_sixty_customers_six_owners_and_partial_costs() -> None:
    company = build_company()
    names = [customer.name for customer in company.customers]
    owners = Counter(customer.owner for customer in company.customers)
    costed = sum(1 for item in company.items if item.unit_cost is not None)

    assert len(set(names)) == len(names) == 60
    assert len({customer.number for customer in company.customers}) == 60
    assert len(owners) == 6 and set(owners) == set(company.owners)
    assert all(len(owner.split()) == 2 for owner in company.owners)
    assert 0.55 < costed / len(company.items) < 0.85
    assert {group.name for group in company.groups} >= {"Pumps", "Valves", "Drives"}


def test_ingest_rejects_exactly_the_three_damaged_rows(
    demo_export: DemoExport, ingested: IngestResult
) -> None:
    rows = read_lines(demo_export.lines_path)
    damaged = {
        (int(row["_row"]), *problem)
        for row in rows
        if (problem := damage_of(row)) is not None
    }
    rejected = {(r.row, r.column, r.problem) for r in ingested.rejects}

    assert sorted(problem for _, _, problem in damaged) == [
        "bad date",
        "bad number",
        "unknown status",
    ]
    assert rejected == damaged
    assert ingested.read == len(rows) == len(ingested.lines) + len(ingested.rejects)
    assert [(c.read, c.accepted, c.rejected) for c in ingested.counts] == [
        (len(rows), len(rows) - 3, 3)
    ]


def test_demo_book_has_the_awkward_cases_a_real_book_has(
    demo_export: DemoExport, ingested: IngestResult
) -> None:
    rows = [row for row in read_lines(demo_export.lines_path) if not damage_of(row)]
    headers = read_headers(demo_export.orders_path)
    over = [r for r in rows if Decimal(r["DLV_QTY"]) > Decimal(r["ORD_QTY"])]
    statuses = Counter(row["LINE_STATUS"] for row in rows)
    currencies = Counter(headers[row["SO_NUMBER"]]["CURR"] for row in rows)
    charges = {
        line["line_key"] for line in ingested.lines if line["line_type"] == "charge"
    }

    assert 1 <= Counter(h["HDR_STATUS"] for h in headers.values())["CANC"] <= 3
    assert len(over) >= 3 and statuses["SCLS"] > 0 and statuses["CANC"] > 0
    assert currencies["EUR"] > 0 and currencies["GBP"] > 0
    assert currencies["USD"] > max(currencies["EUR"], currencies["GBP"])
    freight = {
        f"{r['SO_NUMBER']}/{r['LINE_NO']}" for r in rows if r["ITEM_NO"] == "FREIGHT"
    }
    assert freight and charges == freight


def test_demo_report_fills_every_bucket_and_flag(report: Report) -> None:
    flags = Counter(
        flag
        for row in report.lines.rows
        for flag in ("partial", "past_due", "future_dated")
        if row[flag]
    )
    undated_released = [
        row
        for row in report.lines.rows
        if row["undated"] and row["status_class"] == "released"
    ]
    open_orders = report.numbers["open_orders"]

    assert all(report.buckets[name].lines > 0 for name in "ABCD")
    assert report.numbers["pending"].lines > 0
    assert report.past_due["A"].lines + report.past_due["B"].lines > 0
    assert all(flags[flag] > 0 for flag in ("partial", "past_due", "future_dated"))
    assert 0 < len(undated_released) < 20
    assert 0 < open_orders.margin_lines < open_orders.lines


def test_open_orders_is_backlog_plus_blocked_plus_pending(report: Report) -> None:
    boxes = [report.numbers[name] for name in ("sales_backlog", "blocked", "pending")]
    total = report.numbers["open_orders"]

    assert total.lines == sum(box.lines for box in boxes) > 1000
    assert total.units == sum(box.units for box in boxes)
    assert total.value == sum(box.value for box in boxes)


def test_open_orders_value_matches_an_independent_sum_over_the_csv(
    demo_export: DemoExport, report: Report
) -> None:
    headers = read_headers(demo_export.orders_path)
    rates = read_rates(demo_export.rates_path)
    lines = 0
    value = Decimal(0)
    for row in read_lines(demo_export.lines_path):
        header = headers[row["SO_NUMBER"]]
        if damage_of(row) or not is_open(row, header):
            continue
        lines += 1
        value += open_value_usd(row, header, rates)

    assert report.numbers["open_orders"].lines == lines
    assert report.numbers["open_orders"].value == value


def is_open(row: dict[str, str], header: dict[str, str]) -> bool:
    """An open line: open status, order not ended, quantity left to ship."""
    left = Decimal(row["ORD_QTY"]) - Decimal(row["DLV_QTY"])
    return (
        row["LINE_STATUS"] in OPEN_CODES
        and header["HDR_STATUS"] not in ENDED_ORDER_CODES
        and left > 0
    )


def open_value_usd(
    row: dict[str, str],
    header: dict[str, str],
    rates: dict[str, list[tuple[date, Decimal]]],
) -> Decimal:
    """Open qty × net price in cents of the order currency, then in USD cents."""
    left = Decimal(row["ORD_QTY"]) - Decimal(row["DLV_QTY"])
    net_price = Decimal(row["UNIT_PRICE"]) * (1 - Decimal(row["DISC_PCT"]) / 100)
    in_currency = (left * net_price).quantize(CENT, ROUND_HALF_UP)
    order_date = datetime.strptime(header["ORDER_DATE"], "%d/%m/%Y").date()
    rate = usd_rate(rates, header["CURR"], order_date)
    return (in_currency * rate).quantize(CENT, ROUND_HALF_UP)


def test_order_book_advance_ships_lines_and_takes_new_orders(tmp_path: Path) -> None:
    book = OrderBook.generate(AS_OF)
    before = {(o.number, line.line_no): line.status for o, line in book.lines()}
    orders_before = len(book.orders)

    book.advance(7)
    after = {(o.number, line.line_no): line.status for o, line in book.lines()}
    shipped = [
        key
        for key, status in before.items()
        if status in OPEN_CODES and after[key] == "SHIP"
    ]
    new_dates = {o.order_date for o in book.orders[orders_before:]}

    assert book.as_of == date(2024, 6, 19)
    assert set(before) <= set(after) and shipped
    assert new_dates and min(new_dates) > AS_OF and max(new_dates) <= book.as_of
    result = ingest(write_export(book, tmp_path))
    assert len(result.rejects) == 3


def test_order_book_advance_is_deterministic() -> None:
    books = [OrderBook.generate(AS_OF, seed=3, order_count=200) for _ in range(2)]
    for book in books:
        book.advance(14)

    def snapshot(book: OrderBook) -> list[Any]:
        return [
            (o.number, line.line_no, line.status, line.ship_date)
            for o, line in book.lines()
        ]

    assert snapshot(books[0]) == snapshot(books[1])
