"""The HTML report: one self-contained, escaped file drawn from a ``Report``."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.ingest.conversions import Rates, Units
from backlogdesk.ingest.lines import IngestContext, ingest_files
from backlogdesk.ingest.mapping import load_mapping
from backlogdesk.reports.chart import BUCKET_COLORS, compact_amount
from backlogdesk.reports.formatting import (
    format_date,
    format_flag,
    format_money,
    format_qty,
)
from backlogdesk.reports.html import render_html, write_html
from backlogdesk.reports.model import (
    Box,
    Column,
    InputCount,
    NotProvided,
    PeriodInfo,
    QualityIssue,
    Report,
    Table,
)
from backlogdesk.review import build_report
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.schema import lines_to_arrow

AS_OF = date(2005, 5, 31)
HOSTILE_NAME = "<script>alert(1)</script>"
LINE_COLUMNS = (
    Column("customer_name", "Customer"),
    Column("line_key", "Order / line"),
    Column("open_value", "Open value", "money"),
    Column("open_units", "Units", "qty"),
    Column("ship_date", "Ship date", "date"),
    Column("past_due", "Past due", "flag"),
)


# -- building reports -------------------------------------------------------------


@pytest.fixture(scope="module")
def classicmodels_report(shared_data: Path) -> Report:
    """The classicmodels sample as of 2005-05-31, reviewed by month."""
    folder = shared_data / "classicmodels" / "csv"
    names = ["orderdetails", "orders", "customers", "products", "employees"]
    context = IngestContext("UTC", Rates("USD"), Units(), "order_date", AS_OF)
    result = ingest_files(
        [folder / f"{name}.csv" for name in names],
        load_mapping("classicmodels"),
        context,
    )
    store = Store(":memory:")
    store.replace_with_single_snapshot(AS_OF, lines_to_arrow(result.lines), "test")
    return build_report(store, AS_OF, "month", Settings.defaults())


def _line(number: int, customer: str = "Acme Tools") -> dict[str, Any]:
    return {
        "customer_name": customer,
        "line_key": f"500{number}/1",
        "open_value": Decimal("1000.00") + number,
        "open_units": Decimal("2.5000"),
        "ship_date": date(2005, 6, number % 28 + 1),
        "past_due": number % 2 == 0,
    }


def _lines_table(name: str, title: str, count: int) -> Table:
    return Table(name, title, LINE_COLUMNS, [_line(n) for n in range(1, count + 1)])


def _box(lines: int, units: str, value: str, margin: str | None = None) -> Box:
    if margin is None:
        return Box(lines, Decimal(units), Decimal(value))
    return Box(
        lines, Decimal(units), Decimal(value), Decimal(margin), lines, Decimal(value)
    )


def _zero_box() -> Box:
    return Box(0, Decimal(0), Decimal(0))


def _month(
    key: str, a: str = "0", b: str = "0", c: str = "0", d: str = "0"
) -> dict[str, Any]:
    return {
        "month": key,
        "A": Decimal(a),
        "B": Decimal(b),
        "C": Decimal(c),
        "D": Decimal(d),
    }


def _lane(code: str, title: str, lines: int) -> QualityIssue:
    return QualityIssue(code, title, lines, _lines_table(code, title, lines))


def _small_numbers() -> dict[str, Box]:
    # 5 open lines = 3 backlog + 1 blocked + 1 pending; only backlog has cost.
    open_orders = Box(
        5,
        Decimal("12.5"),
        Decimal("4100.00"),
        Decimal("900.00"),
        3,
        Decimal("3000.00"),
    )
    return {
        "open_orders": open_orders,
        "sales_backlog": _box(3, "7.5", "3000.00", "900.00"),
        "blocked": _box(1, "2.5", "99.50"),
        "pending": _box(1, "2.5", "1000.50"),
    }


def _small_buckets() -> dict[str, Box]:
    return {
        "A": _box(1, "2.5", "1200.50"),
        "B": _box(1, "2.5", "300.00"),
        "C": _box(1, "2.5", "2500.00"),
        "D": _box(1, "2.5", "99.50"),
    }


def _not_provided() -> dict[str, NotProvided]:
    return {
        "budget": NotProvided("Budget", "not provided: no budget file was given"),
        "agreement_coverage": NotProvided(
            "Agreement coverage", "not provided: no agreements file was given"
        ),
    }


def small_report(**changes: Any) -> Report:
    """A hand-built report: 5 open lines, 3 ship months, a few triage lines."""
    customers = (Column("group", "Customer"), Column("value", "Open value", "money"))
    report = Report(
        as_of=AS_OF,
        period=PeriodInfo("month", "2005-05", date(2005, 5, 1), AS_OF),
        currency="EUR",
        numbers=_small_numbers(),
        buckets=_small_buckets(),
        past_due={"A": _box(1, "2.5", "1200.50"), "B": _zero_box()},
        not_provided=_not_provided(),
        splits=[
            Table(
                "by_customer",
                "By customer",
                customers,
                [{"group": "Acme Tools", "value": Decimal("4100.00")}],
            )
        ],
        ship_month_by_bucket=[
            _month("2005-06", a="1200.50", b="300.00", d="99.50"),
            _month("2005-07"),
            _month("2005-08", c="2500.00"),
        ],
        triage=[_lines_table("blocked", "Blocked (bucket D)", 1)],
        quality=[
            _lane("no_owner", "Open lines without an owner", 2),
            _lane("no_price", "Open lines without price", 0),
        ],
        lines=_lines_table("lines", "All open lines", 5),
        inputs=[InputCount("orders.csv", 7, 5, 2)],
        rejected_file="orders.rejected.csv",
        definitions=[("Open orders", "Every line not yet shipped.")],
        settings={"triage_rows": 200, "stale_after_days": 30},
        notes=["Export taken Tuesday morning."],
        source="erp-export",
        generated_by="Backlog Desk test",
    )
    return replace(report, **changes)


def empty_report() -> Report:
    """No open lines at all: every box zero, every list empty."""
    zero = {
        name: _zero_box()
        for name in ("open_orders", "sales_backlog", "blocked", "pending")
    }
    return small_report(
        numbers=zero,
        buckets={name: _zero_box() for name in "ABCD"},
        past_due={"A": _zero_box(), "B": _zero_box()},
        splits=[],
        ship_month_by_bucket=[],
        triage=[_lines_table("blocked", "Blocked (bucket D)", 0)],
        quality=[],
        lines=_lines_table("lines", "All open lines", 0),
        inputs=[],
        rejected_file=None,
        notes=[],
    )


def _table_block(html: str, name: str) -> str:
    """The HTML of one titled table block, up to the next block or section."""
    start = html.index(f'id="table-{name}"')
    ends = [
        html.find(mark, start + 1) for mark in ('class="table-block"', "</section>")
    ]
    return html[start : min(end for end in ends if end > 0)]


def _body_rows(block: str) -> int:
    body = block[block.index("<tbody>") : block.index("</tbody>")]
    return body.count("<tr>")


# -- numbers and layout -----------------------------------------------------------


def test_html_shows_classicmodels_headline_numbers_formatted(classicmodels_report):
    html = render_html(classicmodels_report)

    # Published figures for the sample as of 2005-05-31 (open, backlog, blocked).
    for figure in ("304,847.13", "135,271.52", "169,575.61"):
        assert figure in html
    assert "3,484" in html  # open units without the stored trailing zeros
    assert "as of 2005-05-31" in html
    assert "not provided: no budget file was given" in html
    assert "not provided: no agreements file was given" in html


def test_html_shows_open_orders_as_backlog_plus_blocked_plus_pending():
    text = " ".join(render_html(small_report()).split())

    assert "= sales backlog + blocked + pending" in text
    assert "4,100.00 = 3,000.00 + 99.50 + 1,000.50 EUR; 5 = 3 + 1 + 1 lines" in text


def test_html_says_margin_covers_only_the_costed_lines():
    html = render_html(small_report())

    assert "margin on 3 of 5" in html
    assert "900.00 (30.0 %)" in html  # 900 / 3,000 of costed value


def test_html_bucket_boxes_show_past_due_for_a_and_b_only():
    html = render_html(small_report())

    bucket_a = html[html.index('id="bucket-A"') : html.index('id="bucket-B"')]
    bucket_b = html[html.index('id="bucket-B"') : html.index('id="bucket-C"')]
    bucket_c = html[html.index('id="bucket-C"') : html.index('id="bucket-D"')]
    assert "Past due: 1 line, 1,200.50 EUR" in " ".join(bucket_a.split())
    assert "Past due: none" in bucket_b
    assert "Past due" not in bucket_c


def test_html_sections_come_in_reading_order():
    html = render_html(small_report())

    markers = [
        'class="definitions"',
        'id="numbers"',
        'id="buckets"',
        'id="ship-months"',
        'id="splits"',
        'id="triage"',
        'id="quality"',
        'id="inputs"',
        'id="notes"',
        'id="settings"',
        "<footer>",
    ]
    positions = [html.index(marker) for marker in markers]
    assert positions == sorted(positions)


def test_html_lists_inputs_with_totals_and_rejected_file():
    html = render_html(small_report())

    inputs = html[html.index('id="inputs"') : html.index('id="notes"')]
    assert "orders.csv" in inputs
    assert "<th>Total</th>" in inputs
    assert "orders.rejected.csv" in inputs
    assert "Export taken Tuesday morning." in html
    assert "Backlog Desk test" in html[html.index("<footer>") :]


# -- safety: escaping and no network ----------------------------------------------


def test_html_escapes_customer_text_from_the_data():
    hostile_line = _line(1, customer=HOSTILE_NAME)
    report = small_report(
        triage=[Table("blocked", "Blocked", LINE_COLUMNS, [hostile_line])],
        notes=[HOSTILE_NAME],
        source=HOSTILE_NAME,
    )

    html = render_html(report)

    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_escapes_text_inside_the_chart():
    month = _month('"><b>x</b>', a="1")

    html = render_html(small_report(ship_month_by_bucket=[month]))

    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_html_loads_nothing_from_the_network(classicmodels_report):
    for report in (classicmodels_report, small_report(), empty_report()):
        html = render_html(report)

        assert "http://" not in html
        assert "https://" not in html
        assert "<link" not in html
        assert "<script" not in html
        assert "url(" not in html
        assert "@import" not in html


# -- chart --------------------------------------------------------------------------


def test_chart_draws_one_bar_group_per_month_with_its_values():
    html = render_html(small_report())

    svg = html[html.index("<svg") : html.index("</svg>")]
    months = re.findall(r'<g class="month" data-month="([^"]+)">', svg)
    assert months == ["2005-06", "2005-07", "2005-08"]
    assert "2005-06 bucket A: 1,200.50 EUR" in svg
    assert "2005-06 bucket D: 99.50 EUR" in svg
    assert "2005-08 bucket C: 2,500.00 EUR" in svg
    assert 'data-bucket="A" data-value="1200.50"' in svg


def test_chart_stacks_each_month_to_its_total_height():
    svg = render_html(small_report()).split("<svg", 1)[1]
    groups = svg.split('<g class="month"')[1:]

    def bar_height(group: str) -> float:
        return sum(float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', group))

    # June 1,600 and August 2,500 on one scale; July has nothing open.
    june, july, august = (bar_height(group) for group in groups)
    assert july == 0
    assert june / august == pytest.approx(1600 / 2500, rel=0.01)


def test_chart_legend_uses_the_bucket_colours_of_the_boxes():
    html = render_html(small_report())

    legend = html[html.index('<g class="legend">') :]
    for name, color in BUCKET_COLORS.items():
        assert f"--bucket-{name}: {color};" in html
        assert f'fill="{color}"' in legend


def test_chart_says_no_dated_lines_when_no_month_has_value(classicmodels_report):
    # The sample export has no confirmed or estimated ship dates.
    html = render_html(classicmodels_report)

    assert "No dated lines" in html
    assert "<svg" not in html


def test_compact_amount_keeps_three_significant_digits():
    assert compact_amount(135271.52) == "135k"
    assert compact_amount(2_500_000) == "2.5M"
    assert compact_amount(1600) == "1.6k"
    assert compact_amount(0) == "0"


# -- triage and data quality --------------------------------------------------------


def test_triage_list_is_cut_at_the_row_cap_with_a_note():
    report = small_report(
        triage=[_lines_table("blocked", "Blocked (bucket D)", 5)],
        settings={"triage_rows": 3},
    )

    block = _table_block(render_html(report), "blocked")

    assert _body_rows(block) == 3
    assert "2 more lines in the Excel report" in " ".join(block.split())


def test_triage_list_at_the_row_cap_has_no_cut_note():
    report = small_report(
        triage=[_lines_table("blocked", "Blocked (bucket D)", 3)],
        settings={"triage_rows": 3},
    )

    block = _table_block(render_html(report), "blocked")

    assert _body_rows(block) == 3
    assert "more line" not in block


def test_quality_lanes_show_counts_and_list_only_non_empty_lanes():
    report = small_report(
        quality=[
            _lane("no_owner", "Open lines without an owner", 4),
            _lane("no_price", "Open lines without price", 0),
        ],
        settings={"triage_rows": 3},
    )

    html = render_html(report)

    quality = html[html.index('id="quality"') : html.index('id="inputs"')]
    assert "Open lines without price" in quality
    assert 'id="table-no_price"' not in quality
    block = _table_block(html, "no_owner")
    assert _body_rows(block) == 3
    assert "1 more line in the Excel report" in " ".join(block.split())


def test_table_cells_are_formatted_by_column_kind_and_numbers_right_aligned():
    block = _table_block(render_html(small_report()), "blocked")

    assert '<td class="num">1,001.00</td>' in block
    assert '<td class="num">2.5</td>' in block
    assert '<td class="k-date">2005-06-02</td>' in block
    assert '<td class="k-flag"></td>' in block  # line 1 is not past due


# -- empty report and writing -------------------------------------------------------


def test_empty_report_renders_and_says_nothing_is_open():
    html = render_html(empty_report())

    assert "No open order lines as of 2005-05-31" in html
    assert "No dated lines" in html
    assert "Input file counts were not recorded" in html


def test_write_html_writes_one_utf8_file_and_returns_its_path(tmp_path):
    target = tmp_path / "backlog.html"
    report = small_report(source="Müller GmbH")

    written = write_html(report, target)

    assert written == target
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "Müller GmbH" in text
    assert list(tmp_path.iterdir()) == [target]


# -- formatting -----------------------------------------------------------------------


def test_cell_formatting_money_qty_dates_and_flags():
    assert format_money(Decimal("1234567.8")) == "1,234,567.80"
    assert format_money(Decimal("-0.00")) == "0.00"
    assert format_money(None) == ""
    assert format_qty(Decimal("3484.0000")) == "3,484"
    assert format_qty(Decimal("12.5000")) == "12.5"
    assert format_qty(Decimal("1E+3")) == "1,000"
    assert format_date(date(2005, 5, 31)) == "2005-05-31"
    assert format_flag(True) == "yes"
    assert format_flag(False) == ""
