"""Agreement coverage in the report: its own number, never added to backlog."""

from __future__ import annotations

from decimal import Decimal

from conftest import report_json, run_cli
from test_coverage import (
    AGREEMENT_COLUMNS,
    AGREEMENT_MAPPING,
    ORDER_COLUMNS,
    ORDER_MAPPING,
    agreement,
    order,
    write_csv,
)


def _run(tmp_path, with_agreements: bool) -> dict:
    (tmp_path / "orders.toml").write_text(ORDER_MAPPING, encoding="utf-8")
    (tmp_path / "agreements.toml").write_text(AGREEMENT_MAPPING, encoding="utf-8")
    rows = [
        order("SO-1", qty="40", status="confirmed", currency="USD"),
        order("SO-2", qty="20", status="cancelled", currency="USD"),
        order("Q-1", qty="30", status="quotation", currency="USD"),
        order("BA-1", qty="100", status="confirmed", agreement="", currency="USD"),
    ]
    orders = write_csv(tmp_path / "lines.csv", ORDER_COLUMNS, rows)
    contracts = write_csv(
        tmp_path / "contracts.csv", AGREEMENT_COLUMNS, [agreement(currency="USD")]
    )
    out = tmp_path / ("with" if with_agreements else "without")
    extra = (
        [
            "--agreements",
            contracts,
            "--agreements-mapping",
            tmp_path / "agreements.toml",
        ]
        if with_agreements
        else []
    )
    result = run_cli(
        "report",
        orders,
        "--mapping",
        tmp_path / "orders.toml",
        "--as-of",
        "2024-06-03",
        "--out",
        out,
        "--format",
        "json,html,xlsx",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return report_json(out)


def test_coverage_is_its_own_number_and_not_backlog(tmp_path):
    without = _run(tmp_path, with_agreements=False)
    report = _run(tmp_path, with_agreements=True)

    coverage = report["numbers"]["agreement_coverage"]
    assert coverage["provided"] is True
    # Case 31: released 40 (SO-1); the quotation and the cancelled order do not
    # consume; 60 of 100 remain at 10 each.
    assert coverage["value"] == "600.00"
    assert report["coverage"]["agreements"] == 1
    # The blanket line BA-1/10 is the agreement itself: coverage, not an order.
    assert report["coverage"]["agreement_lines"] == ["BA-1/10"]
    assert without["numbers"]["open_orders"]["lines"] == 3
    assert report["numbers"]["open_orders"]["lines"] == 2
    assert report["numbers"]["sales_backlog"]["value"] == "400.00"


def test_the_coverage_rule_measures_coverage_against_released_backlog(tmp_path):
    report = _run(tmp_path, with_agreements=True)

    rule = next(r for r in report["rules"] if r["code"] == "coverage_not_schedulable")
    assert Decimal(rule["measured"]) == Decimal("1.5")
    assert rule["fired"] is True
