"""Currency rates by policy, tax-inclusive prices, and missing rates."""

from __future__ import annotations

from pathlib import Path

from conftest import report_json, run_cli

MAPPING = """
name = "money"
[fields]
order_id = "order"
line_id = "line"
ordered_qty = "qty"
unit_price = "price"
currency = "currency"
order_date = "order_date"
tax_rate = "tax"
status = { value = "released" }
[rules]
prices_include_tax = TAX
"""

RATES = """currency,date,rate
EUR,2024-01-01,1.10
EUR,2024-03-01,1.20
EUR,2024-05-01,1.30
"""


def _run(tmp_path: Path, rows: str, policy: str, tax: bool = False):
    (tmp_path / "m.toml").write_text(MAPPING.replace("TAX", str(tax).lower()))
    (tmp_path / "rates.csv").write_text(RATES)
    (tmp_path / "s.toml").write_text(f'[settings]\nrate_date_policy = "{policy}"\n')
    export = tmp_path / "lines.csv"
    export.write_text("order,line,qty,price,currency,order_date,tax\n" + rows)
    out = tmp_path / "out"
    result = run_cli(
        "report",
        export,
        "--mapping",
        tmp_path / "m.toml",
        "--rates",
        tmp_path / "rates.csv",
        "--settings",
        tmp_path / "s.toml",
        "--as-of",
        "2024-05-20",
        "--out",
        out,
        "--format",
        "json",
    )
    return result, out


def test_order_date_policy_uses_the_rate_of_the_order_date(tmp_path):
    result, out = _run(tmp_path, "SO-1,10,10,100,EUR,2024-03-15,\n", "order_date")

    assert result.exit_code == 0, result.output
    assert report_json(out)["numbers"]["open_orders"]["value"] == "1200.00"


def test_report_date_policy_uses_the_rate_of_the_as_of_date(tmp_path):
    _, out = _run(tmp_path, "SO-1,10,10,100,EUR,2024-03-15,\n", "report_date")

    assert report_json(out)["numbers"]["open_orders"]["value"] == "1300.00"


def test_budget_rate_policy_uses_the_rate_of_1_january(tmp_path):
    _, out = _run(tmp_path, "SO-1,10,10,100,EUR,2024-03-15,\n", "budget_rate")

    assert report_json(out)["numbers"]["open_orders"]["value"] == "1100.00"


def test_a_missing_rate_stops_the_run_naming_currency_and_date(tmp_path):
    result, _ = _run(tmp_path, "SO-1,10,10,100,CHF,2024-03-15,\n", "order_date")

    assert result.exit_code == 2
    assert "No rate for CHF into USD" in result.output
    assert "CHF,2024-03-15,<rate>" in result.output


def test_a_rate_older_than_the_first_listed_is_an_error(tmp_path):
    result, _ = _run(tmp_path, "SO-1,10,10,100,EUR,2023-12-15,\n", "order_date")

    assert result.exit_code == 2
    assert "No rate for EUR on or before 2023-12-15" in result.output


def test_prices_including_tax_are_reported_net(tmp_path):
    result, out = _run(
        tmp_path, "SO-1,10,10,119,USD,2024-03-15,0.19\n", "order_date", tax=True
    )

    assert result.exit_code == 0, result.output
    assert report_json(out)["numbers"]["open_orders"]["value"] == "1000.00"


def test_tax_inclusive_line_without_tax_rate_is_rejected(tmp_path):
    _, out = _run(tmp_path, "SO-1,10,10,119,USD,2024-03-15,\n", "order_date", tax=True)

    assert report_json(out)["inputs"]["rejected"] == 1
    assert "no tax rate" in (out / "rejected-rows.csv").read_text()
