"""A budget split by product group: each group scored on its own lines and
actuals, a group without sales at minus its target, the company line counting
budgeted groups only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import report_json, run_cli

ORDERS = """order,line,group,qty,price,status,confirmed
SO-1,10,Pumps,10,100,open,2026-11-25
SO-2,10,Valves,5,100,open,2026-11-26
"""
ORDER_MAPPING = """name = "members-case"
[fields]
order_id = "order"
line_id = "line"
product_group = "group"
ordered_qty = "qty"
unit_price = "price"
status = { column = "status", map = "status" }
confirmed_date = "confirmed"
[values.status]
open = "released"
"""
ACTUALS = """day,amount,group
2026-11-05,2000,Pumps
2026-11-06,700,Valves
"""
ACTUALS_MAPPING = """name = "members-actuals"
[fields]
date = "day"
kind = { value = "invoice" }
revenue = "amount"
product_group = "group"
[rules]
currency = "USD"
"""
BUDGET = "period,group,revenue\n2026-11,Pumps,2500\n2026-11,Widgets,400\n"
BUDGET_MAPPING = """name = "members-budget"
[fields]
period = "period"
product_group = "group"
revenue = "revenue"
"""


def _report(folder: Path) -> dict[str, Any]:
    files = {
        "orders.csv": ORDERS,
        "orders.toml": ORDER_MAPPING,
        "actuals.csv": ACTUALS,
        "actuals.toml": ACTUALS_MAPPING,
        "budget.csv": BUDGET,
        "budget.toml": BUDGET_MAPPING,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = run_cli(
        "report", str(folder / "orders.csv"), "--mapping", str(folder / "orders.toml"),
        "--as-of", "2026-11-20", "--period", "month", "--out", str(folder / "out"),
        "--format", "json",
        "--budget", str(folder / "budget.csv"),
        "--budget-mapping", str(folder / "budget.toml"),
        "--actuals", str(folder / "actuals.csv"),
        "--actuals-mapping", str(folder / "actuals.toml"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return report_json(folder / "out")


def test_company_line_counts_budgeted_groups_only(tmp_path: Path) -> None:
    revenue = _report(tmp_path)["scoreboard"]["measures"]["revenue"]
    # Budget Pumps 2500 + Widgets 400; Valves' invoice and line are not budgeted.
    assert revenue["budget"] == "2900.00"
    assert revenue["actual"] == "2000.00"
    assert revenue["bucket_a"] == "1000.00"
    assert revenue["committed"] == "3000.00"


def test_each_group_is_scored_and_a_group_without_sales_shows_minus_target(
    tmp_path: Path,
) -> None:
    rows = _report(tmp_path)["scoreboard"]["members"]
    by_member = {row["member"]: row for row in rows}
    assert by_member["Pumps"]["committed"] == "3000"
    assert by_member["Pumps"]["variance"] == "500"
    assert by_member["Pumps"]["status"] == "green"
    assert by_member["Widgets"]["actual"] == "0"
    assert by_member["Widgets"]["variance"] == "-400"
    assert by_member["Widgets"]["status"] == "red"
    assert "Valves" not in by_member
