"""Weekly as-of exports cut from the public datasets, imported as a history and
checked against a plain computation from the same files.

Open as of D = ordered on or before D and not shipped by D (cancelled orders
left out: the data does not say when they were cancelled).
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conftest import report_json, run_cli

CENT = Decimal("0.01")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


class Dataset:
    """One dataset's files and how to cut an as-of export from them."""

    def __init__(self, folder: Path, spec: dict) -> None:
        self.folder = folder
        self.spec = spec
        self.orders = _read(folder / spec["orders"])
        self.lines = _read(folder / spec["lines"])

    def open_orders(self, day: date) -> dict[str, dict[str, str]]:
        spec, result = self.spec, {}
        for order in self.orders:
            ordered = date.fromisoformat(order[spec["order_date"]])
            shipped = order[spec["shipped_date"]]
            if order.get(spec.get("status", ""), "") == "Cancelled" or ordered > day:
                continue
            if not shipped or date.fromisoformat(shipped) > day:
                result[order[spec["key"]]] = order
        return result

    def open_lines(self, day: date) -> dict[str, Decimal]:
        """Line key -> open value as of ``day``, computed from the raw files."""
        spec, orders = self.spec, self.open_orders(day)
        values = {}
        for row in self.lines:
            if row[spec["key"]] in orders:
                key = f"{row[spec['key']]}/{row[spec['line']]}"
                values[key] = spec["value"](row).quantize(CENT, ROUND_HALF_UP)
        return values

    def export(self, day: date, into: Path) -> list[Path]:
        spec, orders = self.spec, self.open_orders(day)
        into.mkdir(parents=True)
        shown = []
        for order in orders.values():
            row = dict(order, **{spec["shipped_date"]: ""})
            if spec.get("status") and row[spec["status"]] != "On Hold":
                row[spec["status"]] = "In Process"
            shown.append(row)
        _write(into / spec["orders"], shown, list(self.orders[0]))
        kept = [r for r in self.lines if r[spec["key"]] in orders]
        _write(into / spec["lines"], kept, list(self.lines[0]))
        for name in spec["lookups"]:
            shutil.copy(self.folder / name, into / name)
        return [into / spec["lines"], into / spec["orders"]] + [
            into / name for name in spec["lookups"]
        ]


CLASSIC = {
    "orders": "orders.csv",
    "lines": "orderdetails.csv",
    "key": "orderNumber",
    "line": "orderLineNumber",
    "order_date": "orderDate",
    "shipped_date": "shippedDate",
    "status": "status",
    "lookups": ["customers.csv", "products.csv", "employees.csv"],
    "mapping": "classicmodels",
    "blocked": lambda order: order["status"] == "On Hold",
    "value": lambda r: Decimal(r["quantityOrdered"]) * Decimal(r["priceEach"]),
    "first": date(2005, 3, 7),
}
NORTHWIND = {
    "orders": "Orders.csv",
    "lines": "Order_Details.csv",
    "key": "OrderID",
    "line": "ProductID",
    "order_date": "OrderDate",
    "shipped_date": "ShippedDate",
    "lookups": ["Customers.csv", "Products.csv", "Categories.csv", "Employees.csv"],
    "mapping": "northwind",
    "blocked": lambda order: False,
    "value": lambda r: (
        Decimal(r["Quantity"]) * Decimal(r["UnitPrice"]) * (1 - Decimal(r["Discount"]))
    ),
    "first": date(1998, 2, 2),
}
WEEKS = 10


@pytest.mark.parametrize(
    ("folder", "spec"),
    [("classicmodels/csv", CLASSIC), ("northwind", NORTHWIND)],
    ids=["classicmodels", "northwind"],
)
def test_weekly_history_matches_a_plain_computation(
    shared_data, tmp_path, folder, spec
):
    data = Dataset(shared_data / folder, spec)
    store = tmp_path / "store.duckdb"
    days = [spec["first"] + timedelta(weeks=week) for week in range(WEEKS)]
    previous: dict[str, Decimal] = {}
    first_seen: dict[str, date] = {}

    for day in days:
        files = data.export(day, tmp_path / day.isoformat())
        result = run_cli(
            "import",
            *files,
            "--mapping",
            spec["mapping"],
            "--as-of",
            day.isoformat(),
            "--db",
            store,
        )
        assert result.exit_code == 0, result.output

        current = data.open_lines(day)
        new, left = set(current) - set(previous), set(previous) - set(current)
        counts = re.search(
            r"(\d+) new, (\d+) changed, (\d+) left the export", result.output
        )
        assert counts is not None, result.output
        assert (int(counts[1]), int(counts[2]), int(counts[3])) == (
            len(new),
            0,
            len(left),
        )
        for key in new:
            first_seen.setdefault(key, day)
        previous = current

    _check_report(data, spec, tmp_path, store, days, first_seen)


def _check_report(data, spec, tmp_path, store, days, first_seen) -> None:
    day, before = days[-1], days[-2]
    out = tmp_path / "report"
    result = run_cli(
        "report",
        "--db",
        store,
        "--as-of",
        day.isoformat(),
        "--out",
        out,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = report_json(out)

    current, earlier = data.open_lines(day), data.open_lines(before)
    lines = {row["line_key"]: row for row in report["lines"]}
    assert set(lines) == set(current)
    assert Decimal(report["numbers"]["open_orders"]["value"]) == sum(current.values())
    for key, row in lines.items():
        assert row["first_seen"] == first_seen[key].isoformat()
        assert row["last_movement_date"] == first_seen[key].isoformat()
        assert row["slips"] == 0

    orders_now, orders_before = data.open_orders(day), data.open_orders(before)
    backlog_now = _backlog(current, orders_now, spec)
    backlog_before = _backlog(earlier, orders_before, spec)
    bridge = report["history"]["bridge"]
    steps = {step["step"]: Decimal(step["value"]) for step in bridge["steps"]}
    assert Decimal(bridge["opening"]["value"]) == sum(backlog_before.values())
    assert Decimal(bridge["closing"]["value"]) == sum(backlog_now.values())
    new_value = sum(v for k, v in backlog_now.items() if k not in backlog_before)
    left_value = sum(v for k, v in backlog_before.items() if k not in current)
    assert steps["new"] == new_value
    assert steps["left_export"] == -left_value


def _backlog(
    values: dict[str, Decimal], orders: dict, spec: dict
) -> dict[str, Decimal]:
    return {
        key: value
        for key, value in values.items()
        if not spec["blocked"](orders[key.split("/")[0]])
    }
