"""The month-end review on a hand-checked November with two imports.

2 November: SO-1 (1000, due 20 Nov) and SO-2 (500, due 25 Nov) in A; SO-3 (200,
due 15 Nov) on credit hold. 23 November: SO-1 shipped and invoiced (1000 on 10
Nov), SO-2 moved to 10 December for capacity, SO-3 still blocked, SO-4 (300,
due 27 Nov) new in A. November budget: revenue 3000, units 30.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import run_cli
from history_kit import import_week, line

BUDGET = "period,revenue,units\n2026-11,3000,30\n"
BUDGET_MAPPING = """name = "month-budget"
[fields]
period = "period"
revenue = "revenue"
units = "units"
"""
ACTUALS = "kind,day,amount,qty\nINVOICE,2026-11-10,1000,10\n"
ACTUALS_MAPPING = """name = "month-actuals"
[fields]
date = "day"
kind = { column = "kind", map = "kind" }
revenue = "amount"
units = "qty"
[values.kind]
INVOICE = "invoice"
[rules]
currency = "USD"
"""


@pytest.fixture(scope="module")
def month_end(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    folder = tmp_path_factory.mktemp("month-end")
    import_week(
        folder,
        "2026-11-02",
        [
            line("SO-1", confirmed="2026-11-20"),
            line("SO-2", qty="5", confirmed="2026-11-25"),
            line("SO-3", qty="2", confirmed="2026-11-15", status="hold", block="CR"),
        ],
    )
    import_week(
        folder,
        "2026-11-23",
        [
            line("SO-1", delivered="10", status="shipped", delivery_date="2026-11-09"),
            line("SO-2", qty="5", confirmed="2026-12-10", delay_reason="capacity"),
            line("SO-3", qty="2", confirmed="2026-11-15", status="hold", block="CR"),
            line("SO-4", qty="3", confirmed="2026-11-27"),
        ],
    )
    files = {
        "budget.csv": BUDGET,
        "budget.toml": BUDGET_MAPPING,
        "actuals.csv": ACTUALS,
        "actuals.toml": ACTUALS_MAPPING,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")

    from backlogdesk.pipeline import month_end_from_store
    from backlogdesk.plan_inputs import PlanFiles
    from backlogdesk.settings import Settings

    plan = PlanFiles(
        budget=(folder / "budget.csv",),
        budget_mapping=str(folder / "budget.toml"),
        actuals=(folder / "actuals.csv",),
        actuals_mapping=str(folder / "actuals.toml"),
    )
    out = folder / "out"
    month, _ = month_end_from_store(
        folder / "store.duckdb",
        date(2026, 11, 23),
        out,
        ("html", "xlsx", "pdf"),
        Settings.defaults(),
        plan_files=plan,
    )
    return month, out


def _gap(month: Any, measure: str) -> Any:
    return next(gap for gap in month.gaps if gap.measure == measure)


def test_revenue_gap_is_budget_less_actual_and_a(month_end: tuple[Any, Path]) -> None:
    gap = _gap(month_end[0], "revenue")
    # 3000 - invoiced 1000 - A (SO-4) 300 = 1700.
    assert (gap.budget, gap.actual, gap.bucket_a) == (
        Decimal("3000.00"),
        Decimal("1000.00"),
        Decimal("300.00"),
    )
    assert gap.gap == Decimal("1700.00")


def test_revenue_gap_parts_add_back_in_their_order(month_end: tuple[Any, Path]) -> None:
    gap = _gap(month_end[0], "revenue")
    explained = {part.part: part.explained for part in gap.parts}
    # Blocked SO-3 200, slipped SO-2 500, no estimates, no agreements: 1000 left.
    assert explained == {
        "blocked": Decimal("200.00"),
        "slipped": Decimal("500.00"),
        "unconfirmed": Decimal("0"),
        "covered": Decimal("0"),
        "not_covered": Decimal("1000.00"),
    }
    assert sum(explained.values(), Decimal(0)) == gap.gap


def test_units_gap_counts_units_the_same_way(month_end: tuple[Any, Path]) -> None:
    gap = _gap(month_end[0], "units")
    # 30 - 10 - 3 = 17: blocked 2, slipped 5, not covered 10.
    assert gap.gap == Decimal(17)
    explained = [part.explained for part in gap.parts]
    assert explained == [Decimal(2), Decimal(5), Decimal(0), Decimal(0), Decimal(10)]


def test_month_conversion_follows_a_and_b_from_the_first_import(
    month_end: tuple[Any, Path],
) -> None:
    conversion = month_end[0].conversion
    assert conversion.total_value == Decimal("1500.00")  # SO-1 1000 + SO-2 500
    outcomes = {o["outcome"]: o["value"] for o in conversion.outcomes}
    assert outcomes["shipped"] == Decimal("1000.00")
    assert outcomes["slipped_out"] == Decimal("500.00")


def test_slip_reason_of_the_month_is_listed(month_end: tuple[Any, Path]) -> None:
    rows = month_end[0].reasons.slip_reasons.rows
    assert [(row["reason"], row["lines"]) for row in rows] == [("capacity", 1)]


def test_month_end_writes_html_excel_and_a_pdf(month_end: tuple[Any, Path]) -> None:
    out = month_end[1]
    html = (out / "month-end-2026-11.html").read_text(encoding="utf-8")
    assert "Gap to budget, 2026-11" in html
    assert "1,700.00" in html
    assert (out / "month-end-2026-11.pdf").read_bytes().startswith(b"%PDF")
    workbook = openpyxl.load_workbook(out / "month-end-2026-11.xlsx")
    assert workbook.sheetnames[:3] == ["Gap to budget", "Conversion", "Reasons"]
    assert "Scoreboard" in workbook.sheetnames


def test_month_end_command_names_a_missing_snapshot(tmp_path: Path) -> None:
    import_week(tmp_path, "2026-11-02", [line("SO-1", confirmed="2026-11-20")])
    result = run_cli(
        "month-end",
        "--db",
        tmp_path / "store.duckdb",
        "--as-of",
        "2026-11-05",
        "--out",
        tmp_path / "out",
    )
    assert result.exit_code == 2
    assert "no snapshot dated 2026-11-05" in result.output
