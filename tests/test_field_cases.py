"""Field cases on a single export, each driven through ``backlogdesk report``.

Every test is named after its case in the field-case list and asserts the
right values stated there, worked out by hand; the invariant open orders =
sales backlog + blocked + pending is checked on every case as well.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from casekit import (
    ExportWriter,
    assert_open_orders_add_up,
    box_totals,
    open_lines_by_key,
    order_line,
    run_report,
    stored_cell,
    write_case_csv,
    write_case_parquet,
    write_case_xlsx,
    write_mapping,
    write_rates,
    write_settings,
    write_units,
)

NOTHING_OPEN = (0, Decimal(0), Decimal(0))


def test_case_02_closed_remainder_is_not_open(tmp_path: Path) -> None:
    rows = [
        order_line("SO-1", item="P1", qty="10", delivered="4", status="closed"),
        order_line("SO-2", item="P1", qty="8", delivered="0", status="open"),
    ]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 5, 20))

    lines = open_lines_by_key(document)
    assert list(lines) == ["SO-2/10"]
    assert lines["SO-2/10"]["open_qty"] == "8"
    assert box_totals(document["numbers"]["open_orders"]) == (1, Decimal(8), Decimal(0))
    assert_open_orders_add_up(document)


def test_case_03_cancelled_lines_and_orders_are_not_demand(tmp_path: Path) -> None:
    rows = [
        order_line(
            "SO-1",
            "10",
            item="P1",
            qty="5",
            price="100",
            status="open",
            order_status="confirmed",
        ),
        order_line(
            "SO-1",
            "20",
            item="P2",
            qty="3",
            price="50",
            status="cancelled",
            order_status="confirmed",
        ),
        order_line(
            "SO-2",
            "10",
            item="P1",
            qty="2",
            price="100",
            status="open",
            order_status="cancelled",
        ),
    ]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 5, 20))

    open_orders = document["numbers"]["open_orders"]
    assert box_totals(open_orders) == (1, Decimal(5), Decimal(500))
    assert open_orders["value"] == "500.00"
    assert {line["order_id"] for line in document["lines"]} == {"SO-1"}
    assert list(open_lines_by_key(document)) == ["SO-1/10"]
    assert_open_orders_add_up(document)


def test_case_04_blocked_lines_stay_visible_in_their_own_bucket(
    tmp_path: Path,
) -> None:
    rows = [
        order_line(
            "SO-1", qty="10", price="10", status="open", confirmed_date="2024-05-22"
        ),
        order_line("SO-2", qty="5", price="10", status="on hold", block="credit block"),
    ]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 5, 20))

    numbers = document["numbers"]
    assert box_totals(numbers["open_orders"]) == (2, Decimal(15), Decimal(150))
    assert numbers["open_orders"]["value"] == "150.00"
    assert box_totals(numbers["sales_backlog"]) == (1, Decimal(10), Decimal(100))
    assert box_totals(numbers["blocked"]) == (1, Decimal(5), Decimal(50))
    assert box_totals(document["buckets"]["D"]) == (1, Decimal(5), Decimal(50))
    assert box_totals(document["buckets"]["A"]) == (1, Decimal(10), Decimal(100))
    blocked_line = open_lines_by_key(document)["SO-2/10"]
    assert blocked_line["status_class"] == "blocked"
    assert blocked_line["block_reason"] == "credit_hold"
    assert_open_orders_add_up(document)


@pytest.mark.parametrize(
    "freight_type",
    ["service/charge", None],
    ids=["charge-by-line-type", "charge-by-freight-item"],
)
def test_case_06_freight_line_does_not_decide_the_ship_date(
    tmp_path: Path, freight_type: str | None
) -> None:
    order = {"order_date": "2024-06-03", "status": "open"}
    rows = [
        order_line("SO-1", "10", item="P1", type="goods", qty="20", amount="2000")
        | order
        | {"confirmed_date": "2024-06-13"},
        order_line("SO-1", "20", item="Freight", type=freight_type, qty="1")
        | order
        | {"amount": "50", "confirmed_date": "2024-06-03"},
    ]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 6, 5))

    lines = open_lines_by_key(document)
    goods, freight = lines["SO-1/10"], lines["SO-1/20"]
    assert goods["open_units"] == "20"
    assert (freight["line_type"], freight["open_units"]) == ("charge", "0")
    assert Decimal(document["numbers"]["open_orders"]["units"]) == 20
    for line in (goods, freight):
        assert line.get("ship_week") == "2024-W24"
        assert (line["days_late"], line["past_due"]) == (0, False)
    weeks = [row["group"] for row in document["splits"]["by_ship_week"]["rows"]]
    assert weeks == ["2024-W24"]
    assert document["triage"]["past_due"]["rows"] == []
    assert document["triage"]["late_orders"]["rows"] == []
    assert_open_orders_add_up(document)


def test_case_15_over_delivery_is_floored_and_flagged(tmp_path: Path) -> None:
    rows = [
        order_line("SO-1", qty="10", delivered="12", status="open"),
        order_line("SO-2", qty="10", delivered="4", status="open"),
    ]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 5, 20))

    lines = open_lines_by_key(document)
    assert list(lines) == ["SO-2/10"]
    assert lines["SO-2/10"]["open_qty"] == "6"
    assert box_totals(document["numbers"]["open_orders"]) == (1, Decimal(6), Decimal(0))
    over = document["data_quality"]["over_delivery"]["rows"]
    assert [(row["line_key"], row["over_delivery_qty"]) for row in over] == [
        ("SO-1/10", "2")
    ]
    assert_open_orders_add_up(document)


def test_case_16_unit_conversion_is_applied_once(tmp_path: Path) -> None:
    rows = [
        order_line("SO-1", item="P1", qty="6", uom="Box", delivered="0", status="open")
    ]
    units = write_units(tmp_path, [("P1", "Box", "Unit", "4")])

    document = run_report(
        tmp_path,
        write_case_csv(tmp_path, rows),
        date(2024, 5, 20),
        extra_options=["--units", str(units)],
    )

    line = open_lines_by_key(document)["SO-1/10"]
    assert (line["open_qty"], line["unit"], line["open_units"]) == ("6", "Box", "24")
    assert box_totals(document["numbers"]["open_orders"]) == (
        1,
        Decimal(24),
        Decimal(0),
    )
    assert_open_orders_add_up(document)


def test_case_17_delivered_stock_units_complete_the_line(tmp_path: Path) -> None:
    rows = [
        order_line("SO-1", item="P1", qty="2", uom="Box", delivered="24", status="open")
    ]
    units = write_units(tmp_path, [("P1", "Box", "Unit", "12")])

    document = run_report(
        tmp_path,
        write_case_csv(tmp_path, rows),
        date(2024, 5, 20),
        extra_options=["--units", str(units)],
        mapping=write_mapping(tmp_path, delivered_unit="stock"),
    )

    assert document["lines"] == []
    assert box_totals(document["numbers"]["open_orders"]) == NOTHING_OPEN
    assert document["data_quality"]["over_delivery"]["rows"] == []
    assert_open_orders_add_up(document)


# Ten deliveries of 0.1 summed in binary floating point, as a source that
# totals movements in floats hands them over: 0.9999999999999999, not 1.
TEN_TENTHS = sum([0.1] * 10)


@pytest.mark.parametrize(
    "write_export", [write_case_xlsx, write_case_parquet], ids=["xlsx", "parquet"]
)
def test_case_19_float_residue_of_ten_tenths_completes_the_line(
    tmp_path: Path, write_export: ExportWriter
) -> None:
    rows = [order_line("SO-1", qty=1.0, delivered=TEN_TENTHS, status="open")]
    export = write_export(tmp_path, rows)
    assert stored_cell(export, "delivered") == 0.9999999999999999

    document = run_report(tmp_path, export, date(2024, 5, 20))

    assert document["lines"] == []
    assert box_totals(document["numbers"]["open_orders"]) == NOTHING_OPEN
    assert document["data_quality"]["over_delivery"]["rows"] == []
    assert_open_orders_add_up(document)


def test_case_19_decimal_text_delivery_completes_the_line(tmp_path: Path) -> None:
    rows = [order_line("SO-1", qty="1.0", delivered="1.0", status="open")]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 5, 20))

    assert document["lines"] == []
    assert box_totals(document["numbers"]["open_orders"]) == NOTHING_OPEN
    assert document["data_quality"]["over_delivery"]["rows"] == []
    assert_open_orders_add_up(document)


@pytest.mark.parametrize(
    ("write_export", "ordered", "delivered"),
    [
        (write_case_csv, "5.5", "5.95"),
        (write_case_xlsx, 5.5, 5.95),
        (write_case_parquet, 5.5, 5.95),
    ],
    ids=["csv", "xlsx", "parquet"],
)
def test_case_19_over_delivery_is_exactly_the_excess(
    tmp_path: Path,
    write_export: ExportWriter,
    ordered: str | float,
    delivered: str | float,
) -> None:
    rows = [order_line("SO-1", qty=ordered, delivered=delivered, status="open")]

    document = run_report(tmp_path, write_export(tmp_path, rows), date(2024, 5, 20))

    assert document["lines"] == []
    assert box_totals(document["numbers"]["open_orders"]) == NOTHING_OPEN
    over = document["data_quality"]["over_delivery"]["rows"]
    assert [(row["line_key"], Decimal(row["over_delivery_qty"])) for row in over] == [
        ("SO-1/10", Decimal("0.45"))
    ]
    assert_open_orders_add_up(document)


def test_case_20_currencies_are_converted_before_summing(tmp_path: Path) -> None:
    rows = [
        order_line("SO-1", customer="Customer A", amount="5000", currency="USD"),
        order_line("SO-2", customer="Customer B", amount="5000", currency="EUR"),
        order_line("SO-3", customer="Customer C", amount="10000", currency="AED"),
    ]
    rows = [row | {"qty": "1", "status": "open"} for row in rows]
    rates = write_rates(
        tmp_path, [("EUR", date(2024, 5, 1), "1.10"), ("AED", date(2024, 5, 1), "0.25")]
    )
    settings = write_settings(tmp_path, {"rate_date_policy": "report_date"})

    document = run_report(
        tmp_path,
        write_case_csv(tmp_path, rows),
        date(2024, 5, 20),
        extra_options=["--rates", str(rates), "--settings", str(settings)],
    )

    assert document["currency"] == "USD"
    lines = open_lines_by_key(document)
    values = {key: line["open_value"] for key, line in lines.items()}
    assert values == {"SO-1/10": "5000.00", "SO-2/10": "5500.00", "SO-3/10": "2500.00"}
    assert document["numbers"]["open_orders"]["value"] == "13000.00"
    assert_open_orders_add_up(document)


def test_case_22_orders_take_the_business_day_of_their_time_zone(
    tmp_path: Path,
) -> None:
    rows = [
        order_line("SO-1", order_date="2024-06-30 23:30", amount="1000"),
        order_line("SO-2", order_date="2024-06-30 22:30", amount="400"),
    ]
    rows = [row | {"qty": "1", "status": "open"} for row in rows]
    settings = write_settings(tmp_path, {"business_timezone": "Europe/London"})

    document = run_report(
        tmp_path,
        write_case_csv(tmp_path, rows),
        date(2024, 7, 5),
        extra_options=["--settings", str(settings)],
    )

    lines = open_lines_by_key(document)
    assert lines["SO-1/10"]["order_date"] == "2024-07-01"
    assert lines["SO-2/10"]["order_date"] == "2024-06-30"
    intake_by_month: dict[str, Decimal] = defaultdict(Decimal)
    for line in document["lines"]:
        intake_by_month[line["order_date"][:7]] += Decimal(line["open_value"])
    assert intake_by_month == {"2024-06": Decimal(400), "2024-07": Decimal(1000)}
    assert_open_orders_add_up(document)


def test_case_26_lateness_counts_from_the_confirmed_date(tmp_path: Path) -> None:
    rows = [
        order_line(
            "SO-1", order_date="2024-06-10", confirmed_date="2024-11-05", qty="5"
        ),
        order_line(
            "SO-2", order_date="2024-09-01", confirmed_date="2024-09-10", qty="3"
        ),
    ]
    rows = [row | {"status": "open"} for row in rows]

    document = run_report(
        tmp_path, write_case_csv(tmp_path, rows), date(2024, 9, 15), period="month"
    )

    lines = open_lines_by_key(document)
    future, late = lines["SO-1/10"], lines["SO-2/10"]
    assert (future["days_late"], future["past_due"], future["bucket"]) == (
        0,
        False,
        "C",
    )
    assert future.get("ship_month") == "2024-11"
    assert (late["days_late"], late["past_due"]) == (5, True)
    assert box_totals(document["past_due"]["A"]) == (1, Decimal(3), Decimal(0))
    months = document["splits"]["by_ship_month"]["rows"]
    assert [(row["group"], row["units"]) for row in months] == [
        ("2024-09", "3"),
        ("2024-11", "5"),
    ]
    assert_open_orders_add_up(document)


def test_case_25_order_delay_is_the_latest_line_not_the_sum(tmp_path: Path) -> None:
    rows = [
        order_line("SO-1", "10", confirmed_date="2024-04-10", qty="3"),
        order_line("SO-1", "20", confirmed_date="2024-04-10", qty="4"),
    ]
    rows = [row | {"status": "open"} for row in rows]

    document = run_report(tmp_path, write_case_csv(tmp_path, rows), date(2024, 4, 20))

    lines = open_lines_by_key(document)
    assert [lines[k]["days_late"] for k in ("SO-1/10", "SO-1/20")] == [10, 10]
    (order,) = document["triage"]["late_orders"]["rows"]
    assert (order["order_id"], order["max_days_late"]) == ("SO-1", 10)
    assert (order["open_lines"], order["late_lines"]) == (2, 2)
    assert_open_orders_add_up(document)
