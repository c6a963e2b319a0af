"""The budget sections in the HTML and Excel reports: scoreboard, claimed vs
plannable, agreement coverage. Every number asserted is a hand-made input: the
renderers draw the report and compute nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from backlogdesk.coverage.summary import (
    AgreementCoverage,
    Coverage,
    CoverageGroup,
    CoverageTotal,
)
from backlogdesk.metrics.claim import CLAIM_LINE_COLUMNS
from backlogdesk.reports.excel import write_excel
from backlogdesk.reports.html import render_html
from backlogdesk.reports.model import (
    ClaimPart,
    ClaimScope,
    ClaimView,
    Column,
    Report,
    Scoreboard,
    ScoreLine,
    Table,
)
from test_report_html import small_report

HOSTILE_NAME = "<script>alert(1)</script>"
FORMULA_NAME = "=SUM(A1:A9)"
D = Decimal


# -- building the sections by hand ------------------------------------------------
# Revenue: 6,000.00 actual + 1,200.50 A = 7,200.50 committed; + 300.00 B = 7,500.50
# likely; 7,200.50 - 10,000.00 budget = -2,799.50 (red). Units: 40 + 2.5 = 42.5,
# + 2.5 = 45; 42.5 - 50 = -7.5 (amber). Margin: 1,000.00 + 0 against 900.00 = +100.00.


def _score_line(measure: str, status: str, *amounts: str, note: str = "") -> ScoreLine:
    """budget, to date, actual, A, B, committed, likely, variance, P50, P90."""
    values = [None if amount == "" else D(amount) for amount in amounts]
    budget, to_date, actual, a, b, committed, likely, variance, p50, p90 = values
    return ScoreLine(
        measure,
        budget,
        to_date,
        actual or D(0),
        a or D(0),
        b or D(0),
        committed or D(0),
        likely or D(0),
        variance,
        status,
        p50,
        p90,
        note,
    )


def _score_lines() -> list[ScoreLine]:
    hostile_note = f"2 actual rows without margin; one from {HOSTILE_NAME}"
    return [
        _score_line(
            "revenue",
            "red",
            *("10000.00", "9000.00", "6000.00", "1200.50", "300.00"),
            *("7200.50", "7500.50", "-2799.50", "7300.00", "7650.00"),
        ),
        _score_line(
            "units",
            "amber",
            *("50", "45", "40", "2.5", "2.5", "42.5", "45", "-7.5", "43", "46"),
        ),
        _score_line(
            "margin",
            "green",
            *("900.00", "810.00", "1000.00", "0", "0"),
            *("1000.00", "1000.00", "100.00", "", ""),
            note=hostile_note,
        ),
    ]


MIX_COLUMNS = (
    Column("ship_month", "Ship month"),
    Column("margin_band", "Margin band"),
    Column("value", "Value", "money"),
)


def scoreboard(**changes: Any) -> Scoreboard:
    """May 2005 against its budget, with a landing range and a mix table."""
    board = Scoreboard(
        period_key="2005-05",
        basis="invoice",
        phasing="working_days",
        lines=_score_lines(),
        shipped_not_invoiced=(D("250.00"), D(3)),
        landing_method="Landing range from 4 finished months of history.",
        mix=Table(
            "mix",
            "Backlog shipping this period by ship month, margin band and group",
            MIX_COLUMNS,
            [{"ship_month": "2005-06", "margin_band": "0-15 %", "value": D("1500.50")}],
        ),
        notes=["Actual to date: invoices less credit notes."],
    )
    return replace(board, **changes)


# Claim 6,000.00 + 4,100.00 + 1,200.00 = 11,300.00; planning 6,000.00 + 4,070.00
# = 10,070.00; difference 1,230.00 = 1,200.00 + 20.00 + 10.00 + 0.00 + 0.00.
def _parts(pending_lines: int = 2) -> list[ClaimPart]:
    return [
        ClaimPart("coverage", "Coverage not yet released", 2, D("1200.00")),
        ClaimPart("pending", "Pending", pending_lines, D("20.00")),
        ClaimPart("blocked", "Blocked", 1, D("10.00")),
        ClaimPart("after", "Released, dated after the end", 0, D(0)),
        ClaimPart("undated", "Released, no ship date", 0, D(0)),
    ]


def _scope(scope: str, title: str, end: date, pending_lines: int) -> ClaimScope:
    return ClaimScope(
        scope=scope,
        title=title,
        end=end,
        invoiced=D("6000.00"),
        open_orders=D("4100.00"),
        coverage=D("1200.00"),
        claim=D("11300.00"),
        plannable_backlog=D("4070.00"),
        plannable=D("10070.00"),
        difference=D("1230.00"),
        parts=_parts(pending_lines),
    )


def _claim_line(scope: str, part: str, key: str, customer: str) -> dict[str, Any]:
    return {
        "scope": scope,
        "part": part,
        "line_key": key,
        "customer_name": customer,
        "status_class": "blocked" if part == "blocked" else "pending",
        "block_reason": "credit hold" if part == "blocked" else None,
        "ship_date": date(2005, 6, 10),
        "open_value": D("10.00"),
    }


def claim(pending_keys: tuple[str, ...] = ("7001/1", "7002/1")) -> ClaimView:
    """Both scopes with the same parts; the pending and blocked lines of each."""
    rows = []
    for scope in ("period", "year"):
        for key in pending_keys:
            rows.append(_claim_line(scope, "pending", f"{scope}-{key}", HOSTILE_NAME))
        rows.append(_claim_line(scope, "blocked", f"{scope}-7009/1", FORMULA_NAME))
    lines = Table(
        "claim_lines", "Lines behind the difference", CLAIM_LINE_COLUMNS, rows
    )
    scopes = [
        _scope("period", "Period 2005-05", date(2005, 5, 31), len(pending_keys)),
        _scope("year", "Year 2005", date(2005, 12, 31), len(pending_keys)),
    ]
    return ClaimView("invoice", scopes, lines)


def _agreement(agreement_id: str, customer: str, **flags: Any) -> AgreementCoverage:
    values: dict[str, Any] = {
        "agreement_id": agreement_id,
        "item": "P-100",
        "customer_id": "C1",
        "customer_name": customer,
        "agreement_type": "blanket",
        "status": "active",
        "state": "in force",
        "valid_from": date(2005, 1, 1),
        "valid_to": date(2005, 6, 30),
        "days_left": 30,
        "unit": "pcs",
        "currency": "EUR",
        "committed_qty": D(100),
        "committed_value": D("1000.00"),
        "call_off_lines": 2,
        "released_qty": D(40),
        "released_value": D("400.00"),
        "remaining_qty": D(60),
        "remaining_value": D("600.00"),
        "remaining_value_reporting": D("600.00"),
        "unreleased_qty": D(60),
        "unreleased_value_reporting": D("600.00"),
        "unreleased_share": D("0.600"),
        "over_released_qty": None,
        "over_released_value": None,
        "unit_mismatch_lines": 0,
        "unpriced_lines": 0,
        "counts_as_coverage": True,
        "over_released": False,
        "expired_unreleased": False,
        "expiring": False,
    }
    values.update(flags)
    return AgreementCoverage(**values)


def coverage() -> Coverage:
    """Two agreements of 600.00 left each; BA-1 ends soon with 60 % unreleased."""
    agreements = [
        _agreement("BA-1", HOSTILE_NAME, expiring=True),
        _agreement("BA-2", FORMULA_NAME),
    ]
    return Coverage(
        as_of=date(2005, 5, 31),
        currency="EUR",
        total=CoverageTotal(2, D("1200.00"), 0, D(120), "pcs"),
        agreements=agreements,
        by_customer=[
            CoverageGroup("C1", HOSTILE_NAME, 1, D("600.00"), 0),
            CoverageGroup("C2", "Beta Pumps", 1, D("600.00"), 0),
        ],
        by_month=[CoverageGroup("2005-06", "2005-06", 2, D("1200.00"), 0)],
        over_released=[],
        expired=[],
        expiring=[agreements[0]],
        unmatched_call_offs=["8001/1"],
        agreement_lines=[],
    )


def budget_report(**changes: Any) -> Report:
    """The small hand-built report with all three budget sections."""
    sections = {"scoreboard": scoreboard(), "claim": claim(), "coverage": coverage()}
    return small_report(**{**sections, **changes})


def _section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start : html.index("</section>", start)]


def _text(html: str) -> str:
    """The words of some HTML, tags left out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _row(section: str, marker: str) -> str:
    """The table row whose opening tag holds ``marker``."""
    start = section.rindex("<tr", 0, section.index(marker))
    return section[start : section.index("</tr>", start)]


# -- HTML: the scoreboard ---------------------------------------------------------


def test_scoreboard_is_the_first_section_after_the_header():
    html = render_html(budget_report())

    after_header = html[html.index("</header>") :]
    first_section = re.search(r"<section id=\"([\w-]+)\"", after_header)
    assert first_section is not None and first_section.group(1) == "scoreboard"
    assert after_header.index('id="scoreboard"') < after_header.index("definitions")
    assert 'href="#scoreboard"' in html[: html.index("</header>")]


def test_budget_sections_follow_the_agenda_order():
    html = render_html(budget_report())

    markers = [
        'id="scoreboard"',
        'id="numbers"',
        'id="buckets"',
        'id="claim"',
        'id="coverage"',
        'id="splits"',
        'id="triage"',
    ]
    positions = [html.index(marker) for marker in markers]
    assert positions == sorted(positions)


def test_scoreboard_shows_each_status_as_a_word_beside_its_colour():
    section = _section(render_html(budget_report()), "scoreboard")

    for measure, status in (
        ("revenue", "red"),
        ("units", "amber"),
        ("margin", "green"),
    ):
        row = _row(section, f'data-measure="{measure}"')
        assert f'class="status status-{status}"' in row
        assert f"</span>{status}</td>" in row


def test_scoreboard_marks_a_measure_without_budget_as_not_budgeted():
    lines = _score_lines()
    lines[2] = replace(
        lines[2], budget=None, budget_to_date=None, variance=None, status="not budgeted"
    )

    section = _section(
        render_html(budget_report(scoreboard=scoreboard(lines=lines))), "scoreboard"
    )

    row = _row(section, 'data-measure="margin"')
    assert 'class="status status-not-budgeted"' in row
    assert "not budgeted</td>" in row
    assert '<td class="num variance"></td>' in row


def test_scoreboard_variance_keeps_its_sign():
    section = _section(render_html(budget_report()), "scoreboard")

    variances = re.findall(r'<td class="num variance">([^<]*)</td>', section)
    assert variances == ["-2,799.50", "-7.5", "+100.00"]


def test_scoreboard_shows_money_with_cents_and_units_as_quantities():
    section = _section(render_html(budget_report()), "scoreboard")

    revenue = _text(_row(section, 'data-measure="revenue"'))
    units = _text(_row(section, 'data-measure="units"'))
    assert revenue.startswith(
        "Revenue EUR 10,000.00 9,000.00 6,000.00 1,200.50 300.00 7,200.50 7,500.50"
    )
    assert "7,300.00 7,650.00" in revenue
    assert units.startswith("Units units 50 45 40 2.5 2.5 42.5 45 -7.5 amber 43 46")
    assert "EUR" not in units


def test_scoreboard_states_unbilled_basis_landing_method_and_notes():
    text = _text(_section(render_html(budget_report()), "scoreboard"))

    assert "Shipped, not invoiced, in 2005-05 to date: 250.00 EUR , 3 units." in text
    assert "Landing range from 4 finished months of history." in text
    assert "on the invoice basis; budget phased working days" in text
    assert "Actual to date: invoices less credit notes." in text


def test_scoreboard_hides_landing_columns_without_a_landing_range():
    lines = [
        replace(line, landing_p50=None, landing_p90=None) for line in _score_lines()
    ]

    section = _section(
        render_html(budget_report(scoreboard=scoreboard(lines=lines))), "scoreboard"
    )

    assert "Landing P50" not in section


def test_scoreboard_shows_the_mix_table_right_below_it():
    html = render_html(budget_report())

    section = _section(html, "scoreboard")
    assert 'id="table-mix"' in section
    assert "2005-06 0-15 % 1,500.50" in _text(
        section[section.index('id="table-mix"') :]
    )

    without_mix = render_html(budget_report(scoreboard=scoreboard(mix=None)))
    assert 'id="table-mix"' not in without_mix


def test_report_without_budget_sections_shows_none_of_them():
    html = render_html(small_report())

    for name in ("scoreboard", "claim", "coverage"):
        assert f'id="{name}"' not in html
        assert f'href="#{name}"' not in html


# -- HTML: claimed vs plannable ---------------------------------------------------


def test_claim_shows_sales_claim_beside_planning_number_for_each_scope():
    section = _section(render_html(budget_report()), "claim")

    for scope, end in (("period", "2005-05-31"), ("year", "2005-12-31")):
        block = section[section.index(f'id="claim-{scope}"') :]
        text = _text(block[: block.index('class="claim-parts"')])
        assert "Sales claim Planning number" in text
        assert "Invoiced 6,000.00 6,000.00" in text
        assert "Open orders 4,100.00" in text
        assert "Agreement coverage not yet released 1,200.00" in text
        assert f"dated by {end} 4,070.00" in text
        assert "Total (EUR) 11,300.00 10,070.00" in text
        assert "Difference: claim &minus; planning number 1,230.00" in text


def test_claim_parts_add_up_to_the_difference_in_a_check_line():
    section = _section(render_html(budget_report()), "claim")

    checks = re.findall(r'<p class="check">(.*?)</p>', section, re.S)
    assert [" ".join(check.split()) for check in checks] == [
        "Parts add to the difference: 1,230.00 = "
        "1,200.00 + 20.00 + 10.00 + 0.00 + 0.00 EUR."
    ] * 2


def test_claim_parts_with_lines_link_to_their_list_and_empty_parts_do_not():
    html = render_html(budget_report())
    section = _section(html, "claim")

    period = section[
        section.index('id="claim-period"') : section.index('id="claim-year"')
    ]
    links = dict(re.findall(r'<tr data-part="(\w+)"><td><a href="#([\w-]+)"', period))
    assert links == {
        "coverage": "coverage-agreements",
        "pending": "table-claim_period_pending",
        "blocked": "table-claim_period_blocked",
    }
    for target in links.values():
        assert html.count(f'id="{target}"') == 1
    assert "<td>Released, dated after the end</td>" in period
    assert "<td>Released, no ship date</td>" in period


def test_claim_part_link_leads_into_its_closed_details_list():
    section = _section(render_html(budget_report()), "claim")

    details = section[
        section.index('<details class="claim-lines" id="claim-year-pending"') :
    ]
    details = details[: details.index("</details>")]
    assert 'id="table-claim_year_pending"' in details
    assert "year-7001/1" in details and "year-7002/1" in details
    assert "7009/1" not in details
    assert "period-" not in details


def test_claim_part_list_is_cut_at_the_row_cap_and_says_how_many_more():
    keys = tuple(f"70{n:02d}/1" for n in range(1, 6))
    report = budget_report(claim=claim(keys), settings={"triage_rows": 3})

    section = _section(render_html(report), "claim")

    details = section[section.index('id="claim-period-pending"') :]
    details = details[: details.index("</details>")]
    assert details.count("period-70") == 3
    assert "2 more lines in the Excel report." in _text(details)


def test_claim_coverage_part_has_no_link_without_a_coverage_section():
    section = _section(render_html(budget_report(coverage=None)), "claim")

    assert 'href="#coverage-agreements"' not in section
    assert "<td>Coverage not yet released</td>" in section


# -- HTML: agreement coverage -----------------------------------------------------


def test_coverage_section_shows_total_groups_agreements_and_flags():
    section = _section(render_html(budget_report()), "coverage")
    text = _text(section)

    assert "1,200.00 EUR not yet called off on 2 agreements, 120 pcs." in text
    assert "Ending soon with much left unreleased : 1" in text
    assert "Over-released: call-offs beyond the commitment: none" in text
    assert 'id="coverage-expiring"' in section
    by_customer = text[text.index("By customer") : text.index("By month")]
    assert "Beta Pumps 1 600.00 0" in by_customer
    agreements = section[section.index('id="coverage-agreements"') :]
    assert agreements.count("<tr data-agreement=") == 2
    assert "60.0 %" in agreements
    assert "ending soon" in _row(agreements, 'data-agreement="BA-1"')
    assert "8001/1" in section


# -- HTML: safety -----------------------------------------------------------------


def test_budget_sections_escape_text_from_the_data():
    html = render_html(budget_report())

    assert "<script" not in html.lower()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for name in ("scoreboard", "claim", "coverage"):
        assert escaped in _section(html, name)


def test_budget_sections_load_nothing_from_the_network():
    html = render_html(budget_report())

    for outside in ("http://", "https://", "<link", "<script", "url(", "@import"):
        assert outside not in html


def test_real_report_with_budget_sections_renders_them(classicmodels_report):
    report = replace(classicmodels_report, scoreboard=scoreboard(), claim=claim())

    html = render_html(report)

    assert re.search(r"</header>\s*<section id=\"scoreboard\">", html)
    assert 'id="claim-year"' in html
    assert 'id="coverage"' not in html


# -- Excel ------------------------------------------------------------------------


def written(report: Report, tmp_path: Path, data_only: bool = False) -> Any:
    """Write ``report`` and read it back with openpyxl."""
    path = write_excel(report, tmp_path / "report.xlsx")
    return openpyxl.load_workbook(path, data_only=data_only)


def row_of(sheet: Any, label: str, after: int = 0) -> list[Any]:
    """The cells of the first row from ``after`` on whose first cell is ``label``."""
    for row in sheet.iter_rows(min_row=after + 1):
        if row[0].value == label:
            return list(row)
    raise AssertionError(f"no row starting with {label!r} in {sheet.title}")


def test_excel_budget_sheets_follow_summary_and_buckets(tmp_path):
    book = written(budget_report(), tmp_path)

    assert book.sheetnames[:5] == [
        "Summary",
        "Scoreboard",
        "Buckets",
        "Claim vs plan",
        "Coverage",
    ]


def test_excel_writes_no_budget_sheet_for_an_absent_section(tmp_path):
    book = written(budget_report(scoreboard=None, coverage=None), tmp_path)

    assert "Scoreboard" not in book.sheetnames
    assert "Coverage" not in book.sheetnames
    assert "Claim vs plan" in book.sheetnames


def test_excel_scoreboard_holds_each_measure_with_number_formats(tmp_path):
    sheet = written(budget_report(), tmp_path, data_only=True)["Scoreboard"]

    revenue = row_of(sheet, "Revenue")
    assert [cell.value for cell in revenue[1:11]] == [
        "EUR",
        10000,
        9000,
        6000,
        1200.5,
        300,
        7200.5,
        7500.5,
        -2799.5,
        "red",
    ]
    assert revenue[2].number_format == "#,##0.00"
    assert revenue[9].number_format == "+#,##0.00;-#,##0.00;0.00"
    units = row_of(sheet, "Units")
    assert [cell.value for cell in units[1:13]] == [
        "units",
        50,
        45,
        40,
        2.5,
        2.5,
        42.5,
        45,
        -7.5,
        "amber",
        43,
        46,
    ]
    assert (units[2].number_format, units[5].number_format) == ("#,##0", "#,##0.####")
    assert row_of(sheet, "Margin")[10].value == "green"


def test_excel_scoreboard_committed_and_likely_are_formulas(tmp_path):
    sheet = written(budget_report(), tmp_path)["Scoreboard"]

    revenue = row_of(sheet, "Revenue")
    row = revenue[0].row
    assert revenue[7].value == f"=E{row}+F{row}"
    assert revenue[8].value == f"=H{row}+G{row}"
    assert revenue[9].value == f"=H{row}-C{row}"


def test_excel_scoreboard_lists_unbilled_landing_and_mix(tmp_path):
    sheet = written(budget_report(), tmp_path)["Scoreboard"]

    assert row_of(sheet, "Shipped, not invoiced (EUR)")[1].value == 250
    assert row_of(sheet, "Shipped, not invoiced (units)")[1].value == 3
    landing = row_of(sheet, "Landing range")[1].value
    assert landing == "Landing range from 4 finished months of history."
    assert "Scoreboard_mix" in sheet.tables
    assert row_of(sheet, "2005-06")[2].value == 1500.5


def test_excel_claim_sheet_sets_claim_beside_plan_with_parts(tmp_path):
    sheet = written(budget_report(), tmp_path, data_only=True)["Claim vs plan"]

    year = row_of(sheet, "Year 2005, to 2005-12-31")[0].row
    assert [c.value for c in row_of(sheet, "Total", year)[:3]] == [
        "Total",
        11300,
        10070,
    ]
    difference = row_of(sheet, "Difference: claim - planning number", year)
    assert difference[1].value == 1230
    parts = {
        row[0].value: (row[2].value, row[3].value)
        for row in sheet.iter_rows(min_row=year)
        if row[0].value in ("coverage", "pending", "blocked", "after", "undated")
    }
    assert parts == {
        "coverage": (2, 1200),
        "pending": (2, 20),
        "blocked": (1, 10),
        "after": (0, 0),
        "undated": (0, 0),
    }
    check = row_of(sheet, "Check: parts add to", year)
    assert (check[3].value, check[4].value) == (1230, "equals the difference")


def test_excel_claim_lines_carry_scope_and_part_under_an_autofilter(tmp_path):
    sheet = written(budget_report(), tmp_path)["Claim vs plan"]

    header = row_of(sheet, "Scope")
    assert [cell.value for cell in header[:3]] == ["Scope", "Part", "Order / line"]
    first = header[0].row
    assert sheet.auto_filter.ref == f"A{first}:H{first + 6}"
    lines = [
        (row[0].value, row[1].value, row[2].value)
        for row in sheet.iter_rows(min_row=first + 1)
    ]
    assert lines[:3] == [
        ("period", "pending", "period-7001/1"),
        ("period", "pending", "period-7002/1"),
        ("period", "blocked", "period-7009/1"),
    ]


def test_excel_coverage_sheet_lists_agreements_customers_and_months(tmp_path):
    sheet = written(budget_report(), tmp_path)["Coverage"]

    assert row_of(sheet, "Remaining value, not yet called off")[1].value == 1200
    assert row_of(sheet, "Ending soon with much unreleased")[1].value == 1
    header = row_of(sheet, "Agreement")
    first = header[0].row
    assert sheet.auto_filter.ref.startswith(f"A{first}:")
    assert sheet.auto_filter.ref.endswith(str(first + 2))
    share = [cell.value for cell in header].index("Unreleased share")
    agreement = row_of(sheet, "BA-1")
    assert agreement[share].value == pytest.approx(0.6)
    assert agreement[share].number_format == "0.0%"
    assert [c.value for c in row_of(sheet, "Beta Pumps")[:4]] == [
        "Beta Pumps",
        1,
        600,
        0,
    ]
    assert [c.value for c in row_of(sheet, "2005-06")[:3]] == ["2005-06", 2, 1200]


def test_excel_budget_sheets_write_formula_like_text_as_text(tmp_path):
    book = written(budget_report(), tmp_path)

    coverage = row_of(book["Coverage"], "BA-2")
    assert coverage[2].value == FORMULA_NAME and coverage[2].data_type == "s"
    claim_line = row_of(book["Claim vs plan"], "period", 0)
    blocked = next(
        row
        for row in book["Claim vs plan"].iter_rows(min_row=claim_line[0].row)
        if row[1].value == "blocked"
    )
    assert blocked[3].value == FORMULA_NAME and blocked[3].data_type == "s"
