"""The shipped mappings on the public sample datasets, checked independently."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from conftest import report_json, run_cli

CLASSIC_FILES = ("orderdetails", "orders", "customers", "products", "employees")
NORTHWIND_FILES = (
    "Order_Details",
    "Orders",
    "Customers",
    "Products",
    "Categories",
    "Employees",
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _classic_report(shared_data: Path, tmp_path: Path) -> dict:
    folder = shared_data / "classicmodels" / "csv"
    files = [folder / f"{name}.csv" for name in CLASSIC_FILES]
    result = run_cli(
        "report",
        *files,
        "--mapping",
        "classicmodels",
        "--as-of",
        "2005-05-31",
        "--period",
        "month",
        "--out",
        tmp_path,
        "--format",
        "json,html,xlsx",
    )
    assert result.exit_code == 0, result.output
    return report_json(tmp_path)


def test_classicmodels_numbers_match_the_published_figures(shared_data, tmp_path):
    report = _classic_report(shared_data, tmp_path)
    numbers = report["numbers"]

    assert numbers["open_orders"]["lines"] == 85
    assert numbers["open_orders"]["value"] == "304847.13"
    assert numbers["blocked"]["lines"] == 44
    assert numbers["blocked"]["value"] == "169575.61"
    assert numbers["sales_backlog"]["lines"] == 41
    assert numbers["sales_backlog"]["value"] == "135271.52"
    assert numbers["sales_backlog"]["units"] == "1490"
    assert numbers["budget"] == {
        "provided": False,
        "reason": "not provided: no budget file was given",
    }


def test_classicmodels_open_orders_agree_with_a_plain_csv_count(shared_data, tmp_path):
    report = _classic_report(shared_data, tmp_path)
    folder = shared_data / "classicmodels" / "csv"
    orders = {row["orderNumber"]: row for row in _rows(folder / "orders.csv")}
    by_status: dict[str, list[Decimal]] = defaultdict(list)
    for line in _rows(folder / "orderdetails.csv"):
        order = orders[line["orderNumber"]]
        if not order["shippedDate"] and order["status"] != "Cancelled":
            value = Decimal(line["quantityOrdered"]) * Decimal(line["priceEach"])
            by_status[order["status"]].append(value)

    expected = sum(by_status["In Process"], Decimal(0))
    assert Decimal(report["numbers"]["sales_backlog"]["value"]) == expected
    assert Decimal(report["numbers"]["blocked"]["value"]) == sum(by_status["On Hold"])
    assert report["inputs"]["read"] == 2996
    assert report["inputs"]["rejected"] == 0


def test_classicmodels_writes_every_format(shared_data, tmp_path):
    _classic_report(shared_data, tmp_path)
    names = {path.name for path in tmp_path.iterdir()}
    assert {"backlog-2005-05-31.html", "backlog-2005-05-31.xlsx"} <= names
    assert "rejected-rows.csv" in names


def test_northwind_open_orders_agree_with_a_plain_csv_count(shared_data, tmp_path):
    folder = shared_data / "northwind"
    files = [folder / f"{name}.csv" for name in NORTHWIND_FILES]
    result = run_cli(
        "report",
        *files,
        "--mapping",
        "northwind",
        "--as-of",
        "1998-05-06",
        "--out",
        tmp_path,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = report_json(tmp_path)

    shipped = {r["OrderID"]: r["ShippedDate"] for r in _rows(folder / "Orders.csv")}
    open_values = [
        (
            Decimal(r["Quantity"])
            * Decimal(r["UnitPrice"])
            * (1 - Decimal(r["Discount"]))
        ).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for r in _rows(folder / "Order_Details.csv")
        if not shipped[r["OrderID"]]
    ]
    assert report["numbers"]["open_orders"]["lines"] == len(open_values) == 73
    assert Decimal(report["numbers"]["open_orders"]["value"]) == sum(open_values)
    assert report["inputs"]["read"] == 2155
