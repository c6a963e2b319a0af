"""The budget scoreboard and claimed vs plannable, on a hand-checked company.

Seven open lines, four actual documents, a monthly budget and one frame
agreement; every expected figure below is worked out by hand in the comments.
Period: November 2026, as of 2026-11-20.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backlogdesk.budget.phasing import PhasingRule
from backlogdesk.budget.targets import BudgetTarget
from backlogdesk.metrics.gap import GapSource, measure_gap
from backlogdesk.metrics.scoreboard import budget_to_date, spread_to_date, status
from backlogdesk.periods import period_containing
from backlogdesk.settings import Settings
from conftest import report_json, run_cli

ORDERS = """order,line,customer,qty,price,cost,status,block,confirmed,estimated
SO-1,10,Acme,10,100,60,open,,2026-11-25,
SO-2,10,Acme,5,100,90,open,,,2026-11-28
SO-3,10,Bolt,4,250,200,open,,2026-12-15,
SO-4,10,Bolt,2,500,,hold,credit,2026-11-22,
SO-5,10,Cora,1,300,,open,,,
SO-6,10,Cora,3,100,,open,,2027-02-01,
SO-7,10,Dune,2,200,,pending,,2026-11-26,
"""
ORDER_MAPPING = """name = "scoreboard-case"
[fields]
order_id = "order"
line_id = "line"
customer_name = "customer"
ordered_qty = "qty"
unit_price = "price"
unit_cost = "cost"
status = { column = "status", map = "status" }
block_reason = { column = "block", map = "block_reason", unmapped = "empty" }
confirmed_date = "confirmed"
estimated_date = "estimated"
[values.status]
open = "released"
pending = "pending"
hold = "blocked"
[values.block_reason]
credit = "credit_hold"
"""
ACTUALS = """kind;doc;day;amount;qty;cost
INVOICE;I-1;2026-03-10;5000;50;3000
INVOICE;I-2;2026-11-05;2000;20;1500
CREDIT;C-1;2026-11-12;200;2;150
DELIVERY;D-1;2026-11-18;700;7;500
INVOICE;I-3;2026-11-21;999;9;500
"""
ACTUALS_MAPPING = """name = "case-actuals"
[format]
delimiter = ";"
[fields]
date = "day"
kind = { column = "kind", map = "kind" }
document = "doc"
revenue = "amount"
units = "qty"
cost = "cost"
[values.kind]
INVOICE = "invoice"
CREDIT = "credit_note"
DELIVERY = "dispatch"
[rules]
currency = "USD"
"""
BUDGET_MAPPING = """name = "case-budget"
[fields]
period = "period"
revenue = "revenue"
units = "units"
margin = "margin"
"""
AGREEMENTS = """id,customer,value,from,to
FA-1,Acme,5000,2026-01-01,2026-12-31
"""
AGREEMENTS_MAPPING = """name = "case-agreements"
[fields]
agreement_id = "id"
customer_name = "customer"
committed_value = "value"
valid_from = "from"
valid_to = "to"
[rules]
currency = "USD"
"""


def _budget_csv() -> str:
    # November: revenue 2800, units 40, margin 1200; other months 4000 / 40 / 1200.
    rows = ["period,revenue,units,margin"]
    for month in range(1, 13):
        revenue = 2800 if month == 11 else 4000
        rows.append(f"2026-{month:02d},{revenue},40,1200")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("scoreboard")
    files = {
        "orders.csv": ORDERS,
        "orders.toml": ORDER_MAPPING,
        "actuals.csv": ACTUALS,
        "actuals.toml": ACTUALS_MAPPING,
        "budget.csv": _budget_csv(),
        "budget.toml": BUDGET_MAPPING,
        "agreements.csv": AGREEMENTS,
        "agreements.toml": AGREEMENTS_MAPPING,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = folder / "out"
    result = run_cli(
        "report", str(folder / "orders.csv"), "--mapping", str(folder / "orders.toml"),
        "--as-of", "2026-11-20", "--period", "month", "--out", str(out),
        "--format", "json,html,xlsx",
        "--budget", str(folder / "budget.csv"),
        "--budget-mapping", str(folder / "budget.toml"),
        "--actuals", str(folder / "actuals.csv"),
        "--actuals-mapping", str(folder / "actuals.toml"),
        "--agreements", str(folder / "agreements.csv"),
        "--agreements-mapping", str(folder / "agreements.toml"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = report_json(out)
    assert doc["inputs"]["rejected"] == 0
    return doc


def test_scoreboard_revenue_counts_invoices_less_credit_notes_to_date(
    document: dict[str, Any],
) -> None:
    revenue = document["scoreboard"]["measures"]["revenue"]
    # Invoices 2000 on 5 Nov less credit note 200 on 12 Nov; the invoice of
    # 21 Nov is after the as-of date and the March one before the period.
    assert revenue["actual"] == "1800.00"
    assert revenue["bucket_a"] == "1000.00"  # SO-1: 10 x 100, confirmed 25 Nov
    assert revenue["bucket_b"] == "500.00"  # SO-2: 5 x 100, estimated 28 Nov
    assert revenue["committed"] == "2800.00"
    assert revenue["likely"] == "3300.00"
    assert revenue["budget"] == "2800.00"
    assert revenue["variance"] == "0.00"
    assert revenue["status"] == "green"  # committed reaches the budget exactly


def test_scoreboard_units_and_margin_are_red_with_a_negative_variance(
    document: dict[str, Any],
) -> None:
    measures = document["scoreboard"]["measures"]
    # Units: 20 - 2 = 18 actual, + A 10 = 28, + B 5 = 33 < 40.
    assert measures["units"]["committed"] == "28"
    assert measures["units"]["variance"] == "-12"
    assert measures["units"]["status"] == "red"
    # Margin: (2000 - 1500) + (-200 + 150) = 450; A: 10 x (100 - 60) = 400;
    # B: 5 x (100 - 90) = 50; committed 850, likely 900 < 1200.
    assert measures["margin"]["actual"] == "450.00"
    assert measures["margin"]["committed"] == "850.00"
    assert measures["margin"]["likely"] == "900.00"
    assert measures["margin"]["variance"] == "-350.00"
    assert measures["margin"]["status"] == "red"


def test_revenue_green_but_units_red_adds_the_mix_cut_and_fires_the_rule(
    document: dict[str, Any],
) -> None:
    mix = document["scoreboard"]["mix"]
    assert mix is not None
    # A and B lines only: SO-1 (40 % margin) and SO-2 (10 % margin).
    assert sum(Decimal(row["value"]) for row in mix) == Decimal("1500.00")
    bands = {row["margin_band"]: Decimal(row["value"]) for row in mix}
    assert bands == {"30 % and up": Decimal("1000.00"), "0-15 %": Decimal("500.00")}
    rule = next(
        r for r in document["rules"] if r["code"] == "revenue_green_units_margin_red"
    )
    assert rule["fired"] is True
    # Weakest of units (33 / 40 = 0.825) and margin (900 / 1200 = 0.75).
    assert rule["measured"] == "0.75"


def test_shipped_not_invoiced_is_deliveries_less_invoices_in_the_period(
    document: dict[str, Any],
) -> None:
    unbilled = document["scoreboard"]["shipped_not_invoiced"]
    # Delivered 700 (7 units); invoiced net 1800 (18 units) from 1 to 20 Nov.
    assert unbilled == {"value": "-1100.00", "units": "-11"}


def test_claim_parts_add_back_to_the_difference_for_the_period(
    document: dict[str, Any],
) -> None:
    period = document["claim"]["scopes"]["period"]
    # Claim: invoiced 1800 + open 4500 + coverage 5000 = 11300.
    assert period["open_orders"] == "4500.00"
    assert period["claim"] == "11300.00"
    # Planning: invoiced 1800 + SO-1 1000 + SO-2 500 = 3300.
    assert period["plannable"] == "3300.00"
    parts = {name: part["value"] for name, part in period["parts"].items()}
    assert parts == {
        "coverage": "5000.00",
        "pending": "400.00",  # SO-7
        "blocked": "1000.00",  # SO-4
        "after": "1300.00",  # SO-3 1000 + SO-6 300
        "undated": "300.00",  # SO-5
    }
    assert period["difference"] == "8000.00"


def test_claim_for_the_year_counts_the_year_s_invoices_and_december(
    document: dict[str, Any],
) -> None:
    year = document["claim"]["scopes"]["year"]
    # Invoiced in 2026 to date: 5000 + 2000 - 200 = 6800.
    assert year["invoiced"] == "6800.00"
    assert year["claim"] == "16300.00"  # 6800 + 4500 + 5000
    assert year["plannable"] == "9300.00"  # 6800 + 1000 + 500 + 1000 (SO-3)
    assert year["parts"]["after"]["value"] == "300.00"  # SO-6 only
    assert year["difference"] == "7000.00"


def test_claim_lines_list_every_line_of_each_part(document: dict[str, Any]) -> None:
    lines = document["claim"]["lines"]
    period_after = sorted(
        row["line_key"]
        for row in lines
        if row["scope"] == "period" and row["part"] == "after"
    )
    assert period_after == ["SO-3/10", "SO-6/10"]
    year_keys = sorted(row["line_key"] for row in lines if row["scope"] == "year")
    assert year_keys == ["SO-4/10", "SO-5/10", "SO-6/10", "SO-7/10"]


def test_budget_box_is_provided_and_kept_apart(document: dict[str, Any]) -> None:
    budget = document["numbers"]["budget"]
    assert budget["provided"] is True
    assert budget["value"] == "2800.00"
    # The budget never enters open orders.
    assert document["numbers"]["open_orders"]["value"] == "4500.00"


def test_pacing_spreads_the_period_budget_over_its_days() -> None:
    november = period_containing(date(2026, 11, 20), "month")
    # 1200 over 30 days is 40 a day: 20 days give 800.
    to_date = spread_to_date(
        Decimal(1200), november.start, november.end, date(2026, 11, 20),
        PhasingRule.even(), Decimal("0.01"),
    )  # fmt: skip
    assert to_date == Decimal("800.00")
    # Working days: November 2026 has 21 weekdays (1 November is a Sunday);
    # 2 to 20 November hold 15. 2100 / 21 = 100 a working day.
    to_date = spread_to_date(
        Decimal(2100), november.start, november.end, date(2026, 11, 20),
        PhasingRule.working_days(), Decimal("0.01"),
    )  # fmt: skip
    assert to_date == Decimal("1500.00")


def test_pacing_of_a_week_across_two_months_takes_each_month_s_pace() -> None:
    # November 3000 (100 a day), December 6200 (200 a day). Week 2026-W49 runs
    # 30 Nov - 6 Dec; as of 2 Dec: 30 Nov 100 + 1-2 Dec 400 = 500.
    targets = [
        BudgetTarget("month", "2026-11", date(2026, 11, 1), date(2026, 11, 30),
                     revenue=Decimal(3000)),
        BudgetTarget("month", "2026-12", date(2026, 12, 1), date(2026, 12, 31),
                     revenue=Decimal(6200)),
    ]  # fmt: skip
    week = period_containing(date(2026, 12, 2), "week")
    to_date = budget_to_date(
        targets, week, date(2026, 12, 2), PhasingRule.even(), "revenue"
    )
    assert to_date == Decimal("500.00")


@pytest.mark.parametrize(
    ("committed", "likely", "expected"),
    [("100", "100", "green"), ("99.99", "100", "amber"), ("50", "99.99", "red")],
)
def test_status_is_green_amber_or_red_against_the_budget(
    committed: str, likely: str, expected: str
) -> None:
    settings = Settings.defaults()
    assert status(Decimal(100), Decimal(committed), Decimal(likely), settings) == (
        expected
    )
    assert status(None, Decimal(1), Decimal(1), settings) == "not budgeted"


def test_gap_parts_explain_the_gap_in_order_and_add_back() -> None:
    sources = [
        GapSource("blocked", 2, Decimal("100.00")),
        GapSource("slipped", 1, Decimal("50.00")),
        GapSource("unconfirmed", 4, Decimal("400.00")),
        GapSource("covered", 1, Decimal("1000.00")),
    ]
    gap = measure_gap(
        "revenue", Decimal("1000.00"), Decimal("300.00"), Decimal("200.00"), sources
    )
    # 1000 - 300 - 200 = 500: blocked 100, slipped 50, unconfirmed 350 of its 400.
    assert gap.gap == Decimal("500.00")
    explained = [part.explained for part in gap.parts]
    assert explained == [
        Decimal("100.00"),
        Decimal("50.00"),
        Decimal("350.00"),
        Decimal(0),
        Decimal(0),
    ]
    assert sum(explained, Decimal(0)) == gap.gap


def test_gap_not_covered_is_what_no_source_explains() -> None:
    sources = [
        GapSource("blocked", 1, Decimal("100")),
        GapSource("unconfirmed", 1, Decimal("200")),
        GapSource("covered", 1, Decimal("300")),
    ]
    gap = measure_gap("revenue", Decimal(1000), Decimal(0), Decimal(0), sources)
    assert gap.parts[-1].part == "not_covered"
    assert gap.parts[-1].explained == Decimal(400)
    ahead = measure_gap("revenue", Decimal(100), Decimal(150), Decimal(0), sources)
    assert ahead.gap == 0
    assert all(part.explained == 0 for part in ahead.parts)
