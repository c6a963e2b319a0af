"""Agreement coverage: call-offs release what their current state says, never more.

Each test writes an order export and an agreements file, ingests the orders
through the real mapping, stores and classifies them, then computes coverage.
Expected numbers are worked out by hand beside each test.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.coverage.agreement_mapping import (
    load_agreement_mapping,
    parse_agreement_mapping,
)
from backlogdesk.coverage.agreements import Agreement, read_agreements
from backlogdesk.coverage.summary import (
    Coverage,
    agreement_line_keys,
    compute_coverage,
)
from backlogdesk.errors import MappingError, RateError
from backlogdesk.ingest.conversions import Rates, Units
from backlogdesk.ingest.lines import IngestContext, ingest_files
from backlogdesk.ingest.mapping import load_mapping
from backlogdesk.periods import period_containing
from backlogdesk.review import build_report
from backlogdesk.review_history import classified_as_of
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.schema import lines_to_arrow

AS_OF = date(2024, 5, 20)

ORDER_COLUMNS = (
    "order",
    "line",
    "customer",
    "item",
    "qty",
    "uom",
    "delivered",
    "price",
    "currency",
    "status",
    "order_status",
    "agreement",
    "confirmed_date",
)

ORDER_MAPPING = """\
name = "coverage-orders"

[fields]
order_id = "order"
line_id = "line"
customer_id = "customer"
item = "item"
ordered_qty = "qty"
unit = "uom"
shipped_qty = "delivered"
unit_price = "price"
currency = "currency"
status = { column = "status", map = "status" }
order_status = { column = "order_status", map = "status" }
agreement_id = "agreement"
confirmed_date = "confirmed_date"

[values.status]
confirmed = "released"
draft = "pending"
quotation = "pending"
hold = "blocked"
shipped = "shipped"
cancelled = "cancelled"
closed = "closed"
"""

AGREEMENT_COLUMNS = (
    "contract",
    "customer",
    "kind",
    "item",
    "from",
    "to",
    "qty",
    "value",
    "price",
    "currency",
    "uom",
    "state",
)

AGREEMENT_MAPPING = """\
name = "coverage-agreements"

[format]
date = ["%Y-%m-%d", "%d.%m.%Y"]

[fields]
agreement_id = "contract"
customer_id = "customer"
agreement_type = { column = "kind", map = "agreement_type" }
item = "item"
valid_from = "from"
valid_to = "to"
committed_qty = "qty"
committed_value = "value"
unit_price = "price"
currency = "currency"
unit = "uom"
status = { column = "state", map = "agreement_status" }

[values.agreement_type]
BA = "blanket"
FC = "frame"
SA = "scheduling"

[values.agreement_status]
active = "active"
released = "active"
draft = "draft"
closed = "closed"
cancelled = "cancelled"
"""


def order(
    number: str,
    qty: str,
    status: str = "confirmed",
    *,
    agreement: str = "BA-1",
    delivered: str = "0",
    order_status: str = "",
    item: str = "P1",
    price: str = "10",
    currency: str = "EUR",
) -> dict[str, str]:
    """One order line row of the neutral export."""
    return {
        "order": number,
        "line": "10",
        "customer": "Customer A",
        "item": item,
        "qty": qty,
        "uom": "PCS",
        "delivered": delivered,
        "price": price,
        "currency": currency,
        "status": status,
        "order_status": order_status,
        "agreement": agreement,
        "confirmed_date": "2024-06-10",
    }


def agreement(contract: str = "BA-1", **cells: str) -> dict[str, str]:
    """One agreement row; by default blanket BA-1, 100 PCS of P1 at 10 EUR."""
    row = {
        "contract": contract,
        "customer": "Customer A",
        "kind": "BA",
        "item": "P1",
        "from": "2024-01-01",
        "to": "2024-12-31",
        "qty": "100",
        "value": "",
        "price": "10",
        "currency": "EUR",
        "uom": "PCS",
        "state": "active",
    }
    row.update(cells)
    return row


def write_csv(path: Path, columns: Sequence[str], rows: list[dict[str, str]]) -> Path:
    """Write ``rows`` as a CSV file with the given header."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def usd_rates() -> Rates:
    """EUR reporting; 1 USD = 0.90 EUR from 1 May 2024."""
    return Rates("EUR", {"USD": [(date(2024, 5, 1), Decimal("0.90"))]})


def stored_orders(tmp_path: Path, rows: list[dict[str, str]]) -> Store:
    """Ingest ``rows`` through the real mapping into an in-memory store."""
    export = write_csv(tmp_path / "orders.csv", ORDER_COLUMNS, rows)
    mapping_file = tmp_path / "orders.toml"
    mapping_file.write_text(ORDER_MAPPING, encoding="utf-8")
    context = IngestContext("UTC", usd_rates(), Units(), "report_date", AS_OF)
    result = ingest_files([export], load_mapping(mapping_file), context)
    assert not result.rejects, result.rejects
    store = Store(":memory:")
    store.replace_with_single_snapshot(AS_OF, lines_to_arrow(result.lines), "test")
    return store


def classified(store: Store) -> Any:
    """The classified lines of the store as of ``AS_OF``, cached as the report
    caches them."""
    period = period_containing(AS_OF, "month")
    return classified_as_of(store, AS_OF, period, Settings.defaults()).cache()


def read_agreement_rows(tmp_path: Path, rows: list[dict[str, str]]) -> list[Agreement]:
    """Read ``rows`` as an agreements CSV; every row must be accepted."""
    path = write_csv(tmp_path / "agreements.csv", AGREEMENT_COLUMNS, rows)
    mapping_file = tmp_path / "agreements.toml"
    mapping_file.write_text(AGREEMENT_MAPPING, encoding="utf-8")
    read = read_agreements([path], load_agreement_mapping(mapping_file))
    assert not read.rejects, read.rejects
    return read.agreements


def coverage_of(
    tmp_path: Path,
    orders: list[dict[str, str]],
    agreements: list[dict[str, str]],
    **options: Any,
) -> Coverage:
    """Coverage of ``agreements`` given the order lines ``orders``."""
    store = stored_orders(tmp_path, orders)
    ingested = read_agreement_rows(tmp_path, agreements)
    return compute_coverage(classified(store), ingested, AS_OF, usd_rates(), **options)


# Case 31 written both ways an ERP may say it: on the line, or on the order header.
CASE_31_BY_LINE = [
    order("Q-1", "30", "draft"),
    order("SO-1", "40", "confirmed"),
    order("SO-2", "20", "cancelled"),
]
CASE_31_BY_HEADER = [
    order("Q-1", "30", "confirmed", order_status="quotation"),
    order("SO-1", "40", "confirmed", order_status="confirmed"),
    order("SO-2", "20", "confirmed", order_status="cancelled"),
]


@pytest.mark.parametrize(
    "orders", [CASE_31_BY_LINE, CASE_31_BY_HEADER], ids=["line", "header"]
)
def test_case_31_quotations_and_cancelled_orders_do_not_consume_agreement(
    tmp_path: Path, orders: list[dict[str, str]]
) -> None:
    coverage = coverage_of(tmp_path, orders, [agreement()])

    (row,) = coverage.agreements
    assert row.released_qty == Decimal(40)
    assert row.remaining_qty == Decimal(60)
    assert row.call_off_lines == 3
    # 60 PCS left at the agreed 10 EUR.
    assert row.remaining_value_reporting == Decimal("600.00")
    assert coverage.total.value == Decimal("600.00")
    assert coverage.total.units == Decimal(60)
    assert coverage.total.unit == "PCS"
    assert coverage.over_released == []


def test_case_32_closed_call_off_keeps_only_what_it_delivered(tmp_path: Path) -> None:
    before_close = [
        order("SO-1", "40", "confirmed"),
        order("SO-2", "30", "confirmed", delivered="10"),
    ]
    after_close = [
        order("SO-1", "40", "confirmed"),
        order("SO-2", "30", "closed", delivered="10"),
    ]
    agreements = read_agreement_rows(tmp_path, [agreement()])

    store = stored_orders(tmp_path, before_close)
    stale = compute_coverage(classified(store), agreements, AS_OF, usd_rates())
    store.replace_with_single_snapshot(
        AS_OF, lines_to_arrow(_ingested(tmp_path, after_close)), "test"
    )
    fresh = compute_coverage(classified(store), agreements, AS_OF, usd_rates())

    # Before the close SO-2 still releases its 30: 70 released, 30 left.
    assert stale.agreements[0].released_qty == Decimal(70)
    assert stale.agreements[0].remaining_qty == Decimal(30)
    # Closed after delivering 10: 40 + 10 = 50 released, 50 left.
    assert fresh.agreements[0].released_qty == Decimal(50)
    assert fresh.agreements[0].remaining_qty == Decimal(50)
    assert fresh.total.value == Decimal("500.00")


def _ingested(tmp_path: Path, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    export = write_csv(tmp_path / "orders.csv", ORDER_COLUMNS, rows)
    context = IngestContext("UTC", usd_rates(), Units(), "report_date", AS_OF)
    mapping = load_mapping(tmp_path / "orders.toml")
    return ingest_files([export], mapping, context).lines


def test_blocked_and_shipped_call_offs_consume_and_pending_does_not(
    tmp_path: Path,
) -> None:
    orders = [
        order("SO-1", "10", "hold"),
        order("SO-2", "15", "shipped", delivered="15"),
        order("SO-3", "20", "draft"),
        order("SO-4", "5", "confirmed", delivered="7"),
    ]
    coverage = coverage_of(tmp_path, orders, [agreement()])

    # 10 held + 15 shipped + 7 over-delivered (more than the 5 ordered) = 32.
    assert coverage.agreements[0].released_qty == Decimal(32)
    assert coverage.agreements[0].remaining_qty == Decimal(68)


def test_over_release_is_listed_and_coverage_stops_at_zero(tmp_path: Path) -> None:
    orders = [order("SO-1", "40"), order("SO-2", "30")]
    coverage = coverage_of(tmp_path, orders, [agreement(qty="50")])

    (row,) = coverage.agreements
    assert row.released_qty == Decimal(70)
    assert row.remaining_qty == Decimal(0)
    assert row.over_released_qty == Decimal(20)
    assert coverage.over_released == [row]
    assert coverage.total.value == Decimal(0)


def test_value_agreement_over_release_is_measured_in_value(tmp_path: Path) -> None:
    orders = [order("SO-1", "40", price="30")]
    frame = agreement(qty="", value="1000", price="", kind="FC")
    coverage = coverage_of(tmp_path, orders, [frame])

    (row,) = coverage.agreements
    # 40 x 30 = 1200 released against 1000 committed.
    assert row.released_value == Decimal("1200.00")
    assert row.over_released_value == Decimal("200.00")
    assert row.remaining_value == Decimal(0)
    assert row.remaining_qty is None
    assert row.agreement_type == "frame"
    assert coverage.over_released == [row]
    assert coverage.total.units is None


def test_expired_agreement_leaves_coverage_with_what_was_left(tmp_path: Path) -> None:
    orders = [order("SO-1", "40")]
    ended = agreement(to="2024-04-30")
    coverage = coverage_of(tmp_path, orders, [ended])

    (row,) = coverage.agreements
    assert row.state == "expired"
    assert row.remaining_qty == Decimal(0)
    assert row.remaining_value_reporting == Decimal(0)
    assert row.unreleased_qty == Decimal(60)
    assert row.unreleased_value_reporting == Decimal("600.00")
    assert coverage.expired == [row]
    assert coverage.total.agreements == 0
    assert coverage.total.value == Decimal(0)


def test_agreement_ending_soon_with_much_unreleased_is_flagged(tmp_path: Path) -> None:
    orders = [
        order("SO-1", "20", agreement="BA-1"),
        order("SO-2", "80", agreement="BA-2"),
    ]
    agreements = [
        agreement("BA-1", to="2024-06-30"),  # 41 days left, 80 % unreleased
        agreement("BA-2", to="2024-06-30"),  # 41 days left, 20 % unreleased
        agreement("BA-3", to="2024-08-31"),  # 103 days left, all unreleased
    ]
    coverage = coverage_of(tmp_path, orders, agreements)

    assert [row.agreement_id for row in coverage.expiring] == ["BA-1"]
    flagged = coverage.expiring[0]
    assert flagged.days_left == 41
    assert flagged.unreleased_share == Decimal("0.800")


def test_expiry_warning_days_and_share_are_parameters(tmp_path: Path) -> None:
    orders = [
        order("SO-1", "20", agreement="BA-1"),
        order("SO-2", "80", agreement="BA-2"),
    ]
    agreements = [
        agreement("BA-1", to="2024-06-30"),
        agreement("BA-2", to="2024-06-30"),
        agreement("BA-3", to="2024-08-31"),
    ]
    coverage = coverage_of(
        tmp_path,
        orders,
        agreements,
        warning_days=120,
        warning_share=Decimal("0.2"),
    )

    assert [row.agreement_id for row in coverage.expiring] == ["BA-1", "BA-2", "BA-3"]


def test_blanket_order_exported_as_order_is_coverage_not_a_call_off(
    tmp_path: Path,
) -> None:
    orders = [
        order("BA-1", "100", agreement=""),  # the agreement itself, as an order
        order("SO-1", "25"),
    ]
    store = stored_orders(tmp_path, orders)
    agreements = read_agreement_rows(tmp_path, [agreement()])
    lines = classified(store)

    coverage = compute_coverage(lines, agreements, AS_OF, usd_rates())

    assert agreement_line_keys(lines, agreements) == ["BA-1/10"]
    assert coverage.agreement_lines == ["BA-1/10"]
    assert coverage.agreements[0].released_qty == Decimal(25)
    assert coverage.agreements[0].call_off_lines == 1


def test_blanket_line_naming_its_own_agreement_is_not_a_call_off(
    tmp_path: Path,
) -> None:
    orders = [order("BA-1", "100"), order("SO-1", "25")]
    coverage = coverage_of(tmp_path, orders, [agreement()])

    assert coverage.agreement_lines == ["BA-1/10"]
    assert coverage.agreements[0].released_qty == Decimal(25)


def test_coverage_is_never_added_into_sales_backlog(tmp_path: Path) -> None:
    orders = [order("SO-1", "40"), order("SO-2", "7", agreement="")]
    store = stored_orders(tmp_path, orders)
    settings = Settings.defaults()
    before = build_report(store, AS_OF, "month", settings).numbers["sales_backlog"]

    agreements = read_agreement_rows(tmp_path, [agreement()])
    coverage = compute_coverage(classified(store), agreements, AS_OF, usd_rates())
    after = build_report(store, AS_OF, "month", settings).numbers["sales_backlog"]

    # Backlog: 40 x 10 + 7 x 10 = 470; the 60 x 10 = 600 left is coverage only.
    assert before.value == after.value == Decimal("470.00")
    assert before.lines == after.lines == 2
    assert coverage.total.value == Decimal("600.00")


def test_coverage_in_another_currency_converts_at_the_as_of_rate(
    tmp_path: Path,
) -> None:
    orders = [order("SO-1", "300", price="10", currency="USD")]
    usd_frame = agreement(qty="", value="10000", price="", currency="USD")
    coverage = coverage_of(tmp_path, orders, [usd_frame])

    (row,) = coverage.agreements
    # 10,000 - 3,000 = 7,000 USD left; x 0.90 = 6,300 EUR.
    assert row.remaining_value == Decimal("7000.00")
    assert row.remaining_value_reporting == Decimal("6300.00")
    assert coverage.currency == "EUR"


def test_missing_rate_for_an_agreement_currency_stops_the_run(tmp_path: Path) -> None:
    store = stored_orders(tmp_path, [order("SO-1", "1")])
    agreements = read_agreement_rows(tmp_path, [agreement(currency="CHF")])

    with pytest.raises(RateError, match="CHF"):
        compute_coverage(classified(store), agreements, AS_OF, usd_rates())


def test_coverage_by_customer_and_by_month_of_validity(tmp_path: Path) -> None:
    orders = [order("SO-1", "40")]
    agreements = [
        agreement("BA-1", to="2024-12-31"),
        agreement("BA-2", to="2024-07-15", customer="Customer B"),
        agreement("BA-3", to="2024-12-01", customer="Customer B", qty="5"),
        agreement("BA-4", to="", customer="Customer B", state="draft"),
    ]
    coverage = coverage_of(tmp_path, orders, agreements)

    by_customer = [(g.key, g.agreements, g.value) for g in coverage.by_customer]
    assert by_customer == [
        ("Customer A", 1, Decimal("600.00")),
        ("Customer B", 2, Decimal("1050.00")),
    ]
    by_month = [(g.key, g.agreements, g.value) for g in coverage.by_month]
    assert by_month == [
        ("2024-07", 1, Decimal("1000.00")),
        ("2024-12", 2, Decimal("650.00")),
    ]
    assert coverage.total.agreements == 3
    assert coverage.total.value == Decimal("1650.00")


def test_call_off_of_an_unknown_agreement_is_listed(tmp_path: Path) -> None:
    orders = [order("SO-1", "40", agreement="BA-X"), order("SO-2", "5", item="P2")]
    coverage = coverage_of(tmp_path, orders, [agreement()])

    # BA-X is not in the file; SO-2 calls off P2 from an agreement on P1 only.
    assert coverage.unmatched_call_offs == ["SO-1/10", "SO-2/10"]
    assert coverage.agreements[0].released_qty == Decimal(0)


def test_agreement_split_by_item_matches_call_offs_by_item(tmp_path: Path) -> None:
    orders = [order("SO-1", "40", item="P1"), order("SO-2", "5", item="P2")]
    agreements = [agreement(item="P1"), agreement(item="P2", qty="50")]
    coverage = coverage_of(tmp_path, orders, agreements)

    released = {row.item: row.released_qty for row in coverage.agreements}
    assert released == {"P1": Decimal(40), "P2": Decimal(5)}
    assert coverage.total.units == Decimal(105)


def test_agreement_rows_are_accepted_or_rejected_with_a_fix(tmp_path: Path) -> None:
    rows = [
        agreement("BA-1"),
        agreement("BA-2", to="31/12/2024"),
        agreement("BA-3", state="signed"),
        agreement("BA-4", qty="", value=""),
        agreement("BA-5", **{"from": "2024-12-31", "to": "2024-01-01"}),
        agreement("BA-6", item="P1"),
        agreement("BA-6", item="P1"),
        agreement("", item="P9"),
    ]
    path = write_csv(tmp_path / "agreements.csv", AGREEMENT_COLUMNS, rows)
    mapping = parse_agreement_mapping(AGREEMENT_MAPPING, "agreements.toml")

    read = read_agreements([path], mapping)

    assert [a.agreement_id for a in read.agreements] == ["BA-1"]
    problems = {(r.row, r.column, r.problem) for r in read.rejects}
    assert problems == {
        (3, "to", "bad value"),
        (4, "state", "unknown status"),
        (5, "committed_qty, committed_value", "no commitment"),
        (6, "valid_to", "inconsistent dates"),
        (7, "agreement_id, item", "duplicate agreement"),
        (8, "agreement_id, item", "duplicate agreement"),
        (9, "contract", "bad value"),
    }
    assert all(r.file == "agreements.csv" and r.reason for r in read.rejects)
    (count,) = read.counts
    assert (count.read, count.accepted, count.rejected) == (8, 1, 7)


def test_agreements_read_from_a_workbook(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "agreements.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, AGREEMENT_COLUMNS)
    values = agreement(qty="", price="", value="")
    sheet.write_row(1, 0, [values[c] for c in AGREEMENT_COLUMNS])
    sheet.write_number(1, AGREEMENT_COLUMNS.index("qty"), 250)
    sheet.write_datetime(
        1,
        AGREEMENT_COLUMNS.index("to"),
        datetime(2025, 3, 31),
        workbook.add_format({"num_format": "yyyy-mm-dd"}),
    )
    workbook.close()
    mapping = parse_agreement_mapping(AGREEMENT_MAPPING, "agreements.toml")

    (read,) = read_agreements([path], mapping).agreements

    assert read.committed_qty == Decimal(250)
    assert read.valid_to == date(2025, 3, 31)


def test_agreement_mapping_names_an_unknown_field(tmp_path: Path) -> None:
    text = AGREEMENT_MAPPING + '\n[fields.price_list]\ncolumn = "list"\n'
    with pytest.raises(MappingError, match="not an agreement field"):
        parse_agreement_mapping(text, "agreements.toml")


def test_agreement_mapping_checks_status_targets(tmp_path: Path) -> None:
    text = AGREEMENT_MAPPING.replace('draft = "draft"', 'draft = "pending"')
    with pytest.raises(MappingError, match="active, draft, closed, cancelled"):
        parse_agreement_mapping(text, "agreements.toml")
