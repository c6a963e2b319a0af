"""The HTML report: one self-contained, escaped file drawn from a ``Report``."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backlogdesk.reports.chart import BRIDGE_COLORS, BUCKET_COLORS, compact_amount
from backlogdesk.reports.formatting import (
    format_date,
    format_flag,
    format_money,
    format_qty,
    format_signed_money,
    plural,
)
from backlogdesk.reports.html import render_html, write_html
from backlogdesk.reports.model import (
    Box,
    Bridge,
    BridgeStep,
    Column,
    Conversion,
    History,
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
from history_kit import import_week, line

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


CHANGE_COLUMNS = (
    Column("line_key", "Order / line"),
    Column("customer_name", "Customer"),
    Column("value_before", "Value before", "money"),
    Column("value_now", "Value now", "money"),
    Column("shipped_on", "Shipped on", "date"),
)
CHANGE_KINDS = (
    ("new", "New lines"),
    ("shipped", "Shipped"),
    ("cancelled", "Cancelled"),
    ("left_export", "Left the export"),
    ("slipped", "Ship date slipped"),
    ("pulled_in", "Ship date pulled in"),
    ("newly_blocked", "Newly blocked"),
    ("unblocked", "Unblocked"),
    ("value_changed", "Value changed"),
)
# Opening 10,000.00 + 3,000.00 - 2,500.00 - 500.00 + 250.40 - 1,000.00 = 9,250.40;
# four steps moved nothing and are listed but not drawn.
BRIDGE_STEPS = (
    ("new", "New lines", 1, "3000.00"),
    ("shipped", "Shipped", 2, "-2500.00"),
    ("cancelled", "Cancelled or short-closed", 0, "0"),
    ("left_export", "Left the export", 1, "-500.00"),
    ("changes", "Changes", 2, "250.40"),
    ("from_blocked", "Unblocked into backlog", 0, "0"),
    ("to_blocked", "Blocked out of backlog", 1, "-1000.00"),
    ("from_pending", "Released from pending", 0, "0"),
    ("to_pending", "Back to pending", 0, "0"),
)
PREVIOUS = date(2005, 5, 24)


def _changed_line(number: int, customer: str = "Acme Tools") -> dict[str, Any]:
    return {
        "line_key": f"700{number}/1",
        "customer_name": customer,
        "value_before": None,
        "value_now": Decimal("100.00") * number,
        "shipped_on": None,
    }


def _changes(new_lines: list[dict[str, Any]]) -> list[Table]:
    return [
        Table(
            f"changed_{kind}",
            title,
            CHANGE_COLUMNS,
            new_lines if kind == "new" else [],
        )
        for kind, title in CHANGE_KINDS
    ]


def _bridge(steps: tuple[tuple[str, str, int, str], ...] = BRIDGE_STEPS) -> Bridge:
    columns = (Column("line_key", "Order / line"), Column("customer_name", "Customer"))
    return Bridge(
        previous=PREVIOUS,
        opening=Decimal("10000.00"),
        opening_lines=4,
        steps=[BridgeStep(n, t, c, Decimal(v)) for n, t, c, v in steps],
        closing=Decimal("10000.00") + sum(Decimal(v) for *_, v in steps),
        closing_lines=3,
        lines=Table("bridge_lines", "Bridge, line by line", columns, []),
    )


def _conversion() -> Conversion:
    # 4,000.00 in A and B: 1,000 shipped (25 %), 2,500 slipped (62.5 %),
    # 500 blocked (12.5 %).
    values = {"shipped": "1000.00", "slipped_out": "2500.00", "blocked": "500.00"}
    counts = {"shipped": 1, "slipped_out": 2, "blocked": 1}
    names = ("shipped", "slipped_out", "still_open", "blocked", "cancelled")
    reasons = (Column("reason", "Reason"), Column("lines", "Lines", "int"))
    return Conversion(
        period_key="2005-04",
        start_import=date(2005, 4, 5),
        end_import=date(2005, 5, 3),
        total_lines=4,
        total_value=Decimal("4000.00"),
        outcomes=[
            {
                "outcome": name,
                "title": f"Outcome {name}",
                "lines": counts.get(name, 0),
                "value": Decimal(values.get(name, "0")),
            }
            for name in names
        ],
        slip_reasons=Table(
            "slip_reasons",
            "Top slip reasons",
            reasons,
            [{"reason": "material late", "lines": 2}],
        ),
        block_reasons=Table("block_reasons", "Top block reasons", reasons, []),
    )


def with_history(
    new_lines: list[dict[str, Any]] | None = None, **changes: Any
) -> History:
    """A week of history: two new lines, the bridge above, April's conversion."""
    lines = [_changed_line(1), _changed_line(2)] if new_lines is None else new_lines
    history = History(
        snapshots=[PREVIOUS, AS_OF],
        previous=PREVIOUS,
        changes_summary=[
            {"kind": kind, "title": title, "lines": len(lines) if kind == "new" else 0}
            for kind, title in CHANGE_KINDS
        ],
        changes=_changes(lines),
        bridge=_bridge(),
        conversion=_conversion(),
    )
    return replace(history, **changes)


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


# -- history: what changed, the bridge, the conversion -----------------------------

BAR = re.compile(
    r'<g class="bridge-bar" data-step="(\w+)" data-kind="(\w+)">'
    r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"'
    r'[^>]*>.*?class="total">([^<]*)</text>'
)


def _bars(html: str) -> dict[str, tuple[str, float, float, str]]:
    """Each drawn bridge bar by step: kind, top y, bottom y, value label."""
    svg = html[html.index('<svg class="chart bridge-chart"') :]
    svg = svg[: svg.index("</svg>")]
    return {
        step: (kind, float(y), float(y) + float(height), label)
        for step, kind, y, height, label in BAR.findall(svg)
    }


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start : html.index("</section>", start)]


def test_history_sections_come_after_the_chart_and_before_the_splits():
    html = render_html(small_report(history=with_history()))

    markers = [
        'id="ship-months"',
        'id="changes"',
        'id="bridge"',
        'id="conversion"',
        'id="splits"',
    ]
    positions = [html.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert "What changed since 2005-05-24" in html
    assert "Backlog bridge 2005-05-24 &rarr; 2005-05-31" in html
    assert "Backlog conversion 2005-04" in html
    assert 'href="#bridge"' in html


def test_report_without_history_shows_no_history_section_but_says_when_it_comes():
    html = render_html(small_report())

    for name in ("changes", "bridge", "conversion"):
        assert f'id="{name}"' not in html
        assert f'href="#{name}"' not in html
    assert "bridge-chart" not in html
    assert "appear here once the store holds two" in html


def test_change_summary_counts_every_kind_and_links_only_the_lists_shown():
    html = render_html(small_report(history=with_history()))

    changes = _section(html, "changes")
    summary = changes[: changes.index("</ul>")]
    assert summary.count("<li ") == len(CHANGE_KINDS)
    assert '<a href="#table-changed_new"><strong>2</strong>' in summary
    assert "#table-changed_shipped" not in summary
    assert 'id="table-changed_new"' in changes
    assert 'id="table-changed_shipped"' not in changes  # an empty kind has no list


def test_change_list_is_cut_at_the_row_cap_like_triage():
    lines = [_changed_line(n) for n in range(1, 6)]
    report = small_report(
        history=with_history(new_lines=lines), settings={"triage_rows": 3}
    )

    block = _table_block(render_html(report), "changed_new")

    assert _body_rows(block) == 3
    assert "5 lines" in block
    assert "2 more lines in the Excel report" in " ".join(block.split())


def test_change_list_leaves_out_columns_empty_for_every_line():
    block = _table_block(
        render_html(small_report(history=with_history())), "changed_new"
    )

    assert "Value now" in block
    assert "Value before" not in block  # new lines had no value before
    assert "Shipped on" not in block


def test_changed_lines_escape_customer_names_from_the_data():
    hostile = [_changed_line(1, customer=HOSTILE_NAME)]

    html = render_html(small_report(history=with_history(new_lines=hostile)))

    assert "<script" not in html.lower()
    block = _table_block(html, "changed_new")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block


def test_bridge_chart_draws_opening_each_step_that_moved_value_and_closing():
    bars = _bars(render_html(small_report(history=with_history())))

    assert list(bars) == [
        "opening",
        "new",
        "shipped",
        "left_export",
        "changes",
        "to_blocked",
        "closing",
    ]
    assert [kind for kind, *_ in bars.values()] == [
        "total",
        "up",
        "down",
        "down",
        "up",
        "down",
        "total",
    ]
    assert [label for *_, label in bars.values()] == [
        "10k",
        "+3k",
        "-2.5k",
        "-500",
        "+250",
        "-1k",
        "9.25k",
    ]


def test_bridge_bars_float_from_where_the_bar_before_ended():
    bars = _bars(render_html(small_report(history=with_history())))
    top = {step: values[1] for step, values in bars.items()}
    bottom = {step: values[2] for step, values in bars.items()}

    # Up bars start at the previous level's height, down bars hang from it
    # (coordinates are written to 0.1, so two of them may differ by 0.2).
    assert bottom["new"] == pytest.approx(top["opening"], abs=0.2)
    assert top["shipped"] == pytest.approx(top["new"], abs=0.2)
    assert top["left_export"] == pytest.approx(bottom["shipped"], abs=0.2)
    assert bottom["changes"] == pytest.approx(bottom["left_export"], abs=0.2)
    assert bottom["opening"] == pytest.approx(bottom["closing"], abs=0.2)
    opening_height = bottom["opening"] - top["opening"]
    closing_height = bottom["closing"] - top["closing"]
    assert closing_height / opening_height == pytest.approx(0.92504, rel=1e-3)


def test_bridge_chart_colours_steps_green_up_and_red_down():
    html = render_html(small_report(history=with_history()))

    svg = html[html.index('<svg class="chart bridge-chart"') :]
    new_bar = svg[svg.index('data-step="new"') :]
    shipped_bar = svg[svg.index('data-step="shipped"') :]
    assert new_bar.index(f'fill="{BRIDGE_COLORS["up"]}"') < new_bar.index("</g>")
    assert shipped_bar.index(f'fill="{BRIDGE_COLORS["down"]}"') < shipped_bar.index(
        "</g>"
    )
    assert "New lines: +3,000.00 EUR, 1 line" in svg  # hover title, exact


def test_bridge_below_zero_keeps_every_bar_inside_the_drawing():
    steps = (("shipped", "Shipped", 1, "-12000.00"), ("new", "New", 1, "3000.00"))
    bridge = _bridge(steps)
    html = render_html(small_report(history=with_history(bridge=bridge)))

    bars = _bars(html)
    assert list(bars) == ["opening", "shipped", "new", "closing"]
    # The running total dips to -2,000 and ends at 1,000: 12,000 over four ticks
    # gives steps of 5,000, so the axis starts at -5,000.
    assert ">-5k</text>" in html[html.index("bridge-chart") :]
    assert all(0 < top < bottom < 360 for _, top, bottom, _ in bars.values())


def test_bridge_table_lists_every_step_and_states_opening_plus_steps():
    html = render_html(small_report(history=with_history()))

    bridge = _section(html, "bridge")
    assert bridge.count("data-step=") == len(BRIDGE_STEPS) + 7  # table rows + bars
    assert 'class="zero"\n        data-step="cancelled"' in bridge
    assert ">+3,000.00</td>" in bridge and ">-2,500.00</td>" in bridge
    text = " ".join(bridge.split())
    assert (
        "Opening + steps = closing: 10,000.00 + 3,000.00 - 2,500.00 - 500.00 "
        "+ 250.40 - 1,000.00 = 9,250.40 EUR." in text
    )


def test_conversion_shows_outcomes_with_their_share_of_the_starting_value():
    html = render_html(small_report(history=with_history()))

    conversion = " ".join(_section(html, "conversion").split())
    assert "buckets A and B held <strong>4 lines</strong> worth" in conversion
    assert "<strong>4,000.00 EUR</strong>" in conversion
    for outcome, share in (
        ("shipped", "25.0 %"),
        ("slipped_out", "62.5 %"),
        ("blocked", "12.5 %"),
        ("still_open", "0.0 %"),
    ):
        row = conversion[conversion.index(f'data-outcome="{outcome}"') :]
        assert row.index(share) < row.index("</tr>")
    assert "material late" in conversion
    assert "1 reason" in conversion


def test_conversion_note_shown_when_history_is_too_short():
    note = "Backlog conversion of 2005-04 needs an import inside it and one after it."
    history = with_history(conversion=None, conversion_note=note)

    conversion = _section(render_html(small_report(history=history)), "conversion")

    assert "<h2>Backlog conversion</h2>" in conversion
    assert note in conversion
    assert "data-outcome" not in conversion


@pytest.fixture(scope="module")
def three_weeks_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Three weekly imports (Feb 26, Mar 4, Mar 11, 2024), reviewed by month.

    Between Mar 4 and Mar 11 the sales backlog goes from 9,000 to 13,300:
    SO-8 new (+5,000), 4 of SO-2's 20 units shipped (-400), SO-9 left the
    export (-900), SO-7's price 300 → 320 (+200), SO-4 released from its
    credit hold (+1,000), SO-10 put on credit hold (-600); SO-5 was pending
    when cancelled, so it is no step.
    """
    folder = tmp_path_factory.mktemp("weeks")
    hostile = HOSTILE_NAME + " GmbH"
    so2 = {"customer": hostile, "qty": "20"}
    import_week(
        folder,
        "2024-02-26",
        [
            line("SO-2", confirmed="2024-02-29", **so2),
            line("SO-3", confirmed="2024-03-20", price="250"),
            line("SO-4", status="hold", block="CR", confirmed="2024-03-12"),
            line("SO-5", status="pending"),
        ],
    )
    before = [
        line("SO-2", confirmed="2024-03-15", delay_reason="material late", **so2),
        line("SO-3", confirmed="2024-03-20", price="250"),
        line("SO-4", status="hold", block="CR", confirmed="2024-03-12"),
        line("SO-5", status="pending"),
        line("SO-7", confirmed="2024-03-25", price="300"),
        line("SO-9", confirmed="2024-03-28", price="90"),
        line("SO-10", confirmed="2024-04-02", price="60"),
    ]
    import_week(folder, "2024-03-04", before)
    now = [
        line("SO-2", confirmed="2024-03-22", delivered="4", **so2),
        line("SO-3", confirmed="2024-03-14", price="250"),
        line("SO-4", confirmed="2024-03-12"),
        line("SO-5", status="cancelled"),
        line("SO-7", confirmed="2024-03-25", price="320"),
        line("SO-8", confirmed="2024-04-10", price="500"),
        line("SO-10", confirmed="2024-04-02", price="60", status="hold", block="CR"),
    ]
    import_week(folder, "2024-03-11", now)
    store = Store(folder / "store.duckdb")
    return build_report(store, date(2024, 3, 11), "month", Settings.defaults())


def test_real_history_renders_the_bridge_from_the_imports(three_weeks_report):
    html = render_html(three_weeks_report)

    bars = _bars(html)
    assert list(bars) == [
        "opening",
        "new",
        "shipped",
        "left_export",
        "changes",
        "from_blocked",
        "to_blocked",
        "closing",
    ]
    assert [label for *_, label in bars.values()] == [
        "9k",
        "+5k",
        "-400",
        "-900",
        "+200",
        "+1k",
        "-600",
        "13.3k",
    ]
    text = " ".join(_section(html, "bridge").split())
    assert (
        "Opening + steps = closing: 9,000.00 + 5,000.00 - 400.00 - 900.00 + 200.00 "
        "+ 1,000.00 - 600.00 = 13,300.00 USD." in text
    )


def test_real_history_escapes_a_hostile_customer_in_changed_lines(three_weeks_report):
    html = render_html(three_weeks_report)

    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; GmbH" in _table_block(
        html, "changed_slipped"
    )
    assert 'href="#table-changed_left_export"' in html


def test_real_history_shows_february_conversion(three_weeks_report):
    # At Feb 26, A (confirmed in February) held SO-2 only: 20 x 100 = 2,000.00,
    # which had slipped to March 15 by the first March import.
    conversion = " ".join(
        _section(render_html(three_weeks_report), "conversion").split()
    )

    assert "Backlog conversion 2024-02" in conversion
    assert "<strong>1 line</strong> worth <strong>2,000.00 USD</strong>" in conversion
    row = conversion[conversion.index('data-outcome="slipped_out"') :]
    assert row.index("100.0 %") < row.index("</tr>")
    assert "material late" in conversion


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


def test_signed_money_and_plural_nouns():
    assert format_signed_money(Decimal("5000")) == "+5,000.00"
    assert format_signed_money(Decimal("-400.5")) == "-400.50"
    assert format_signed_money(Decimal("0")) == "0.00"
    assert plural("line", 1) == "line"
    assert plural("line", 0) == "lines"
    assert plural("reason", 2) == "reasons"


def test_html_triggers_section_shows_each_rule_measured_against_threshold(
    classicmodels_report,
):
    html = render_html(classicmodels_report)
    section = html[html.index('<section id="rules">') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r'<tr class="(fired|clear)" id="rule-([a-z_]+)"', section)
    assert len(rows) == len(classicmodels_report.rules) == 12
    fired = {code for state, code in rows if state == "fired"}
    assert fired == {rule.code for rule in classicmodels_report.rules if rule.fired}
    assert "not evaluated" in section  # no budget file: the mix rule is not run
