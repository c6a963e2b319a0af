"""The Excel report: real numbers and dates, text kept as text, a sheet per section."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from backlogdesk.errors import ReportError
from backlogdesk.reports.excel import write_excel
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
from history_kit import import_week, line

AS_OF = date(2005, 5, 31)
FORMULA_LIKE_NAMES = ['=HYPERLINK("http://x")', "+1-2", "@SUM(A1)", "-3+4"]
HISTORY_AS_OF = date(2024, 3, 18)
HISTORY_SHEETS = ["Changes", "Bridge", "Conversion"]
HOSTILE_CUSTOMER = '=HYPERLINK("http://x")'
LINE_COLUMNS = (
    Column("customer_name", "Customer"),
    Column("order_id", "Order"),
    Column("open_value", "Open value", "money"),
    Column("open_units", "Units", "qty"),
    Column("ship_date", "Ship date", "date"),
    Column("days_late", "Days late", "int"),
    Column("past_due", "Past due", "flag"),
)


# -- building reports -------------------------------------------------------------


@pytest.fixture(scope="module")
def classicmodels_book(
    classicmodels_report: Report, tmp_path_factory: pytest.TempPathFactory
) -> openpyxl.Workbook:
    """The classicmodels workbook, read back with openpyxl."""
    path = tmp_path_factory.mktemp("excel") / "report.xlsx"
    return openpyxl.load_workbook(write_excel(classicmodels_report, path))


@pytest.fixture(scope="module")
def history_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Three weekly imports, reviewed by week as of Monday 2024-03-18.

    At 2024-03-11 the backlog holds SO-1 (1,000.00, due 03-14), SO-2 (500.00,
    due 03-15) and SO-3 (1,000.00, due 03-28); SO-4 is on credit hold and SO-5
    pending. By 2024-03-18 SO-1 shipped, SO-2 slipped a week, SO-3 shipped 4 of
    10, SO-4 and SO-5 were released and SO-6 (3 x 50.00) is new.
    """
    folder = tmp_path_factory.mktemp("history")
    import_week(folder, "2024-03-04", [line("SO-1", confirmed="2024-03-14")])
    import_week(
        folder,
        "2024-03-11",
        [
            line("SO-1", confirmed="2024-03-14"),
            line("SO-2", qty="5", confirmed="2024-03-15"),
            line("SO-3", confirmed="2024-03-28"),
            line("SO-4", confirmed="2024-03-13", status="hold", block="CR"),
            line("SO-5", status="pending"),
        ],
    )
    shipped = {"delivered": "10", "status": "shipped", "delivery_date": "2024-03-14"}
    import_week(
        folder,
        "2024-03-18",
        [
            line("SO-1", confirmed="2024-03-14", **shipped),
            line("SO-2", qty="5", confirmed="2024-03-22", delay_reason="material late"),
            line("SO-3", confirmed="2024-03-28", delivered="4"),
            line("SO-4", confirmed="2024-03-25"),
            line("SO-5", confirmed="2024-03-26"),
            line(
                "SO-6",
                qty="3",
                price="50",
                confirmed="2024-03-27",
                customer=HOSTILE_CUSTOMER,
            ),
        ],
    )
    store = Store(folder / "store.duckdb")
    return build_report(store, HISTORY_AS_OF, "week", Settings.defaults())


@pytest.fixture(scope="module")
def history_path(
    history_report: Report, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The history report written as a workbook."""
    path = tmp_path_factory.mktemp("excel_history") / "report.xlsx"
    return write_excel(history_report, path)


def _box(lines: int, value: str) -> Box:
    return Box(lines, Decimal(lines), Decimal(value))


def _line(customer: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "customer_name": customer,
        "order_id": "10100",
        "open_value": Decimal("100.00"),
        "open_units": Decimal("1"),
        "ship_date": date(2005, 6, 15),
        "days_late": 0,
        "past_due": False,
    }
    row.update(values)
    return row


def small_report(rows: list[dict[str, Any]], **changes: Any) -> Report:
    """A hand-made report with the given open lines and round headline numbers."""
    lines = Table("lines", "All open lines", LINE_COLUMNS, rows)
    numbers = {
        "open_orders": _box(3, "600.00"),
        "sales_backlog": _box(2, "400.00"),
        "blocked": _box(1, "200.00"),
        "pending": _box(0, "0"),
    }
    fields: dict[str, Any] = {
        "as_of": AS_OF,
        "period": PeriodInfo("month", "2005-05", date(2005, 5, 1), AS_OF),
        "currency": "EUR",
        "numbers": numbers,
        "buckets": {name: _box(0, "0") for name in "ABCD"},
        "past_due": {name: _box(0, "0") for name in "AB"},
        "not_provided": {
            "budget": NotProvided("Budget", "not provided: no budget file was given"),
        },
        "splits": [],
        "ship_month_by_bucket": [],
        "triage": [Table("blocked", "Blocked (bucket D)", LINE_COLUMNS, rows)],
        "quality": [QualityIssue("no_owner", "Lines without an owner", 0, lines)],
        "lines": lines,
        "inputs": [],
        "rejected_file": None,
        "definitions": [("Open orders", "Every line not yet shipped.")],
        "settings": {"planning_horizon_days": 180},
    }
    fields.update(changes)
    return Report(**fields)


def written(report: Report, tmp_path: Path, data_only: bool = False) -> Any:
    """Write ``report`` and read it back with openpyxl."""
    path = write_excel(report, tmp_path / "report.xlsx")
    return openpyxl.load_workbook(path, data_only=data_only)


def row_starting(sheet: Worksheet, label: str) -> list[Any]:
    """The cells of the first row whose first cell reads ``label``."""
    for row in sheet.iter_rows():
        if row[0].value == label:
            return list(row)
    raise AssertionError(f"no row starting with {label!r} in {sheet.title}")


def first_column(sheet: Worksheet) -> list[Any]:
    """Every value of column A, top to bottom."""
    return [row[0].value for row in sheet.iter_rows()]


def table_rows(sheet: Worksheet, name: str) -> list[list[Any]]:
    """The data rows of the Excel table ``name``, header left out."""
    first, last = sheet.tables[name].ref.split(":")
    cells = sheet[f"{first[0]}{int(first[1:]) + 1}:{last}"]
    return [[cell.value for cell in row] for row in cells]


def cents(value: Any) -> Decimal:
    """A money cell read back as a Decimal to the cent."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


# -- sheets and headline numbers --------------------------------------------------


def test_excel_sheets_follow_the_reading_order(classicmodels_book: Any) -> None:
    assert classicmodels_book.sheetnames[:7] == [
        "Summary",
        "Buckets",
        "Lines",
        "Triggers",
        "Triage",
        "Data quality",
        "Definitions",
    ]
    assert {"Splits", "Inputs"} <= set(classicmodels_book.sheetnames)


def test_excel_triggers_sheet_lists_every_rule_with_its_state(
    classicmodels_book: Any,
) -> None:
    rows = table_rows(classicmodels_book["Triggers"], "Triggers")
    titles = [row[0] for row in rows]
    assert len(titles) == len(set(titles)) == 12
    states = {row[0]: row[5] for row in rows}
    # No budget and no agreements were given: those two rules are not evaluated.
    assert states["Revenue on track but units or margin short"] == "not evaluated"
    assert states["Coverage high, planning cannot schedule it"] == "not evaluated"


def test_excel_summary_holds_the_classicmodels_numbers(classicmodels_book: Any) -> None:
    summary = classicmodels_book["Summary"]
    expected = {
        "Open orders": (85, 304847.13),
        "Sales backlog": (41, 135271.52),
        "Blocked": (44, 169575.61),
    }

    for label, (lines, value) in expected.items():
        row = row_starting(summary, label)
        assert row[1].value == lines
        assert row[3].value == pytest.approx(value, abs=0.001)
        assert row[3].number_format == "#,##0.00"


def test_excel_summary_states_period_and_as_of_as_dates(
    classicmodels_book: Any,
) -> None:
    summary = classicmodels_book["Summary"]

    as_of = row_starting(summary, "As of")[1]

    assert as_of.is_date and as_of.value == datetime(2005, 5, 31)
    assert row_starting(summary, "Period")[1].value == "2005-05 (month)"
    assert row_starting(summary, "Period start")[1].value == datetime(2005, 5, 1)
    assert row_starting(summary, "Currency")[1].value == "USD"


def test_excel_check_row_adds_backlog_blocked_and_pending(tmp_path: Path) -> None:
    report = small_report([_line("Alpha")])

    formulas = row_starting(written(report, tmp_path)["Summary"], "Open orders")
    check = row_starting(
        written(report, tmp_path)["Summary"], "Check: backlog + blocked + pending"
    )
    cached = row_starting(
        written(report, tmp_path, data_only=True)["Summary"],
        "Check: backlog + blocked + pending",
    )

    open_row = formulas[0].row
    assert check[3].value == f"=D{open_row + 1}+D{open_row + 2}+D{open_row + 3}"
    # 400.00 + 200.00 + 0 from the hand-made boxes.
    assert cached[1].value == 3
    assert cached[3].value == pytest.approx(600.0)
    assert cached[5].value == "equals open orders"


def test_excel_summary_says_why_budget_is_missing(tmp_path: Path) -> None:
    summary = written(small_report([_line("Alpha")]), tmp_path)["Summary"]

    budget = row_starting(summary, "Budget")

    assert budget[1].value == "not provided: no budget file was given"


def test_excel_summary_counts_input_rows_per_file(tmp_path: Path) -> None:
    inputs = [InputCount("orders.csv", 10, 8, 2), InputCount("customers.csv", 5, 5, 0)]
    report = small_report([_line("Alpha")], inputs=inputs, rejected_file="rej.csv")

    summary = written(report, tmp_path, data_only=True)["Summary"]

    orders = row_starting(summary, "orders.csv")
    assert [cell.value for cell in orders[1:4]] == [10, 8, 2]
    total = row_starting(summary, "Total")
    assert [cell.value for cell in total[1:4]] == [15, 13, 2]
    assert row_starting(summary, "Rejected rows file")[1].value == "rej.csv"


def test_excel_summary_lists_the_notes(tmp_path: Path) -> None:
    report = small_report([_line("Alpha")], notes=["Rates from the ECB file."])

    summary = written(report, tmp_path)["Summary"]

    assert "Rates from the ECB file." in first_column(summary)


# -- the Lines sheet ---------------------------------------------------------------


def test_excel_lines_sheet_has_every_open_line(
    classicmodels_book: Any, classicmodels_report: Report
) -> None:
    lines = classicmodels_book["Lines"]
    header = row_starting(lines, "Customer")[0].row

    data_rows = lines.max_row - header

    assert data_rows == len(classicmodels_report.lines.rows) == 85


def test_excel_lines_sheet_freezes_its_header_and_filters(
    classicmodels_book: Any, classicmodels_report: Report
) -> None:
    lines = classicmodels_book["Lines"]
    header = row_starting(lines, "Customer")[0].row
    last_column = get_column_letter(len(classicmodels_report.lines.columns))

    assert lines.freeze_panes == f"A{header + 1}"
    assert lines.auto_filter.ref == f"A{header}:{last_column}{header + 85}"
    assert all(cell.font.b for cell in lines[header] if cell.value)


def test_excel_writes_formula_like_text_as_text(tmp_path: Path) -> None:
    report = small_report([_line(name) for name in FORMULA_LIKE_NAMES])

    lines = written(report, tmp_path)["Lines"]

    header = row_starting(lines, "Customer")[0].row
    cells = [lines.cell(header + offset, 1) for offset in range(1, 5)]
    assert [cell.value for cell in cells] == FORMULA_LIKE_NAMES
    assert [cell.data_type for cell in cells] == ["s"] * 4


def test_excel_keeps_number_like_order_ids_as_text(tmp_path: Path) -> None:
    report = small_report([_line("Alpha", order_id="00123")])

    lines = written(report, tmp_path)["Lines"]

    order = row_starting(lines, "Alpha")[1]
    assert (order.value, order.data_type) == ("00123", "s")


def test_excel_writes_dates_as_dates(tmp_path: Path) -> None:
    report = small_report([_line("Alpha", ship_date=date(2005, 6, 15))])

    ship_date = row_starting(written(report, tmp_path)["Lines"], "Alpha")[4]

    assert ship_date.is_date
    assert ship_date.value == datetime(2005, 6, 15)
    assert ship_date.number_format == "yyyy-mm-dd"


def test_excel_writes_money_and_quantities_as_numbers(tmp_path: Path) -> None:
    rows = [
        _line("Alpha", open_value=Decimal("1234.50"), open_units=Decimal("2.5000")),
        _line("Beta", open_units=Decimal("76.0000"), days_late=12, past_due=True),
    ]

    lines = written(small_report(rows), tmp_path)["Lines"]

    alpha, beta = row_starting(lines, "Alpha"), row_starting(lines, "Beta")
    assert (alpha[2].value, alpha[2].number_format) == (1234.5, "#,##0.00")
    assert (alpha[3].value, alpha[3].number_format) == (2.5, "#,##0.####")
    # A whole quantity must not show a trailing decimal point ("76.").
    assert (beta[3].value, beta[3].number_format) == (76, "#,##0")
    assert (beta[5].value, beta[5].number_format) == (12, "#,##0")
    assert (alpha[6].value, beta[6].value) == (None, "yes")


def test_excel_leaves_missing_values_blank(tmp_path: Path) -> None:
    report = small_report([_line("Alpha", open_value=None, ship_date=None)])

    alpha = row_starting(written(report, tmp_path)["Lines"], "Alpha")

    assert alpha[2].value is None and alpha[4].value is None


# -- the other sheets --------------------------------------------------------------


def test_excel_buckets_sheet_lists_a_to_d_and_ship_months(tmp_path: Path) -> None:
    buckets = {name: _box(0, "0") for name in "ABCD"}
    buckets["A"] = _box(2, "300.00")
    past_due = {"A": _box(1, "120.00"), "B": _box(0, "0")}
    months = [
        {
            "month": "2005-06",
            "A": Decimal("300.00"),
            "B": Decimal(0),
            "C": Decimal(0),
            "D": Decimal("200.00"),
        }
    ]
    report = small_report(
        [_line("Alpha")],
        buckets=buckets,
        past_due=past_due,
        ship_month_by_bucket=months,
    )

    sheet = written(report, tmp_path)["Buckets"]

    assert [cell.value for cell in row_starting(sheet, "A")[1:7]] == [
        2,
        2,
        300.0,
        None,
        1,
        120.0,
    ]
    assert row_starting(sheet, "D")[5].value is None
    june = row_starting(sheet, "2005-06")
    assert [cell.value for cell in june[1:5]] == [300.0, 0, 0, 200.0]


def test_excel_triage_sheet_titles_each_list_in_bold(
    classicmodels_book: Any, classicmodels_report: Report
) -> None:
    triage = classicmodels_book["Triage"]
    column = first_column(triage)

    blocked = row_starting(triage, "Blocked (bucket D): 44 lines")[0]

    assert blocked.font.b
    for table in classicmodels_report.triage:
        assert any(str(value).startswith(table.title + ":") for value in column)


def test_excel_gives_each_stacked_table_its_own_filter(classicmodels_book: Any) -> None:
    triage_tables = classicmodels_book["Triage"].tables

    blocked = triage_tables["Triage_blocked"]

    first, last = blocked.ref.split(":")
    # Header plus the 44 blocked lines of the classicmodels sample.
    assert int(last[1:]) - int(first[1:]) == 44


def test_excel_data_quality_shows_each_lane_with_its_count(
    classicmodels_book: Any, classicmodels_report: Report
) -> None:
    column = first_column(classicmodels_book["Data quality"])

    for issue in classicmodels_report.quality:
        lines = "1 line" if issue.lines == 1 else f"{issue.lines:,} lines"
        assert f"{issue.title}: {lines}" in column


def test_excel_definitions_pair_term_and_meaning(tmp_path: Path) -> None:
    sheet = written(small_report([_line("Alpha")]), tmp_path)["Definitions"]

    row = row_starting(sheet, "Open orders")

    assert row[1].value == "Every line not yet shipped."
    assert sheet.freeze_panes is not None and sheet.auto_filter.ref


# -- the file itself ---------------------------------------------------------------


def test_excel_file_is_byte_stable_for_the_same_report(tmp_path: Path) -> None:
    report = small_report([_line("Alpha")])

    first = write_excel(report, tmp_path / "first.xlsx").read_bytes()
    second = write_excel(report, tmp_path / "second.xlsx").read_bytes()

    assert first == second


def test_excel_creation_date_comes_from_the_report(tmp_path: Path) -> None:
    book = written(small_report([_line("Alpha")]), tmp_path)

    assert book.properties.created == datetime(2005, 5, 31)


def test_excel_unwritable_path_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "missing-folder" / "report.xlsx"

    with pytest.raises(ReportError, match="missing-folder"):
        write_excel(small_report([_line("Alpha")]), path)


# -- the history sheets ------------------------------------------------------------


def test_excel_history_sheets_follow_data_quality(history_path: Path) -> None:
    sheetnames = openpyxl.load_workbook(history_path).sheetnames

    assert sheetnames[:10] == [
        "Summary",
        "Buckets",
        "Lines",
        "Triggers",
        "Triage",
        "Data quality",
        *HISTORY_SHEETS,
        "Definitions",
    ]


def test_excel_without_history_has_no_history_sheets(
    classicmodels_book: Any, tmp_path: Path
) -> None:
    small_book = written(small_report([_line("Alpha")]), tmp_path)

    for book in (classicmodels_book, small_book):
        assert not set(HISTORY_SHEETS) & set(book.sheetnames)


def test_excel_changes_sheet_counts_each_kind_of_change(history_path: Path) -> None:
    changes = openpyxl.load_workbook(history_path)["Changes"]

    summary = table_rows(changes, "Changes_summary")

    counts = {kind: lines for kind, _title, lines in summary}
    # SO-6 new; SO-1 and SO-3 shipped; SO-2 (+7 days) and SO-4 (+12) slipped.
    assert counts == {
        "new": 1,
        "shipped": 2,
        "cancelled": 0,
        "left_export": 0,
        "slipped": 2,
        "pulled_in": 0,
        "newly_blocked": 0,
        "unblocked": 1,
        "value_changed": 0,
    }


def test_excel_changes_sheet_lists_each_kind_in_its_own_table(
    history_path: Path,
) -> None:
    changes = openpyxl.load_workbook(history_path)["Changes"]

    assert set(changes.tables) == {
        "Changes_summary",
        "Changes_changed_new",
        "Changes_changed_shipped",
        "Changes_changed_slipped",
        "Changes_changed_unblocked",
    }
    assert "Ship date slipped: 2 lines" in first_column(changes)
    assert "Cancelled or short-closed: 0 lines" not in first_column(changes)
    slipped = table_rows(changes, "Changes_changed_slipped")
    moved = {row[0]: (row[4], row[5], row[6]) for row in slipped}
    assert moved == {
        "SO-2/10": (datetime(2024, 3, 15), datetime(2024, 3, 22), 7),
        "SO-4/10": (datetime(2024, 3, 13), datetime(2024, 3, 25), 12),
    }
    assert changes.tables["Changes_changed_slipped"].autoFilter is not None


def test_excel_bridge_walks_from_opening_to_closing(
    history_path: Path, history_report: Report
) -> None:
    bridge = openpyxl.load_workbook(history_path)["Bridge"]
    assert history_report.history is not None
    expected = history_report.history.bridge
    assert expected is not None

    opening, closing = row_starting(bridge, "Opening"), row_starting(bridge, "Closing")
    steps = {step.title: row_starting(bridge, step.title) for step in expected.steps}

    # Opening: SO-1 1,000 + SO-2 500 + SO-3 1,000. Closing adds the new SO-6
    # (150), takes off SO-1 and SO-3's shipped 4 x 100, adds SO-4 and SO-5.
    assert (opening[1].value, cents(opening[2].value)) == (3, Decimal("2500.00"))
    assert (closing[1].value, cents(closing[2].value)) == (5, Decimal("3250.00"))
    assert cents(steps["New lines"][2].value) == Decimal("150.00")
    assert cents(steps["Shipped"][2].value) == Decimal("-1400.00")
    assert cents(steps["Unblocked into backlog"][2].value) == Decimal("1000.00")
    assert cents(steps["Released from pending"][2].value) == Decimal("1000.00")
    assert cents(opening[2].value) == expected.opening
    assert cents(closing[2].value) == expected.closing
    for step in expected.steps:
        row = steps[step.title]
        assert (row[1].value, cents(row[2].value)) == (step.lines, step.value)


def test_excel_bridge_shows_steps_with_their_sign(history_path: Path) -> None:
    bridge = openpyxl.load_workbook(history_path)["Bridge"]

    shipped, opening = row_starting(bridge, "Shipped"), row_starting(bridge, "Opening")

    assert shipped[2].number_format == "+#,##0.00;-#,##0.00;0.00"
    assert opening[2].number_format == "#,##0.00"
    assert row_starting(bridge, "Previous import")[1].value == datetime(2024, 3, 11)


def test_excel_bridge_check_row_adds_opening_and_steps(history_path: Path) -> None:
    formulas = openpyxl.load_workbook(history_path)["Bridge"]
    cached = openpyxl.load_workbook(history_path, data_only=True)["Bridge"]

    opening_row = row_starting(formulas, "Opening")[0].row
    check = row_starting(formulas, "Check: opening + steps")
    result = row_starting(cached, "Check: opening + steps")

    steps = f"C{opening_row + 1}:C{opening_row + 9}"
    assert check[2].value == f"=C{opening_row}+SUM({steps})"
    assert cents(result[2].value) == Decimal("3250.00")
    assert result[3].value == "equals closing"


def test_excel_bridge_lists_every_moved_line_by_step(history_path: Path) -> None:
    bridge = openpyxl.load_workbook(history_path)["Bridge"]

    rows = table_rows(bridge, "Bridge_lines")

    # SO-2 only moved its date: its backlog value did not change.
    steps = {row[0]: row[2] for row in rows}
    assert steps == {
        "SO-1/10": "Shipped",
        "SO-3/10": "Changes (quantity, price, reopened)",
        "SO-4/10": "Unblocked into backlog",
        "SO-5/10": "Released from pending",
        "SO-6/10": "New lines",
    }
    # The Step filter values are the names in the bridge above the table.
    assert set(steps.values()) <= set(first_column(bridge))
    so_3 = next(row for row in rows if row[0] == "SO-3/10")
    assert [cents(value) for value in so_3[3:6]] == [
        Decimal("1000.00"),
        Decimal("600.00"),
        Decimal("400.00"),
    ]
    assert bridge.tables["Bridge_lines"].autoFilter is not None


def test_excel_conversion_shows_outcomes_with_their_share(history_path: Path) -> None:
    formulas = openpyxl.load_workbook(history_path)["Conversion"]
    cached = openpyxl.load_workbook(history_path, data_only=True)["Conversion"]

    shipped = row_starting(cached, "Shipped in the period")
    slipped = row_starting(cached, "Slipped out of the period")
    total = row_starting(cached, "Total in A and B")

    # Week 11 started with SO-1 (1,000.00) and SO-2 (500.00) in bucket A.
    assert row_starting(cached, "Period")[1].value == "2024-W11"
    assert row_starting(cached, "Start import")[1].value == datetime(2024, 3, 11)
    assert row_starting(cached, "End import")[1].value == datetime(2024, 3, 18)
    assert (shipped[1].value, cents(shipped[2].value)) == (1, Decimal("1000.00"))
    assert (slipped[1].value, cents(slipped[2].value)) == (1, Decimal("500.00"))
    assert shipped[3].value == pytest.approx(2 / 3)
    assert slipped[3].value == pytest.approx(1 / 3)
    assert shipped[3].number_format == "0.0%"
    assert (total[1].value, cents(total[2].value)) == (2, Decimal("1500.00"))
    assert total[3].value == pytest.approx(1.0)
    share = row_starting(formulas, "Shipped in the period")[3]
    assert share.value == f"=C{share.row}/C${total[0].row}"


def test_excel_conversion_lists_slip_and_block_reasons(history_path: Path) -> None:
    conversion = openpyxl.load_workbook(history_path)["Conversion"]

    reasons = table_rows(conversion, "Conversion_slip_reasons")

    assert [[row[0], row[1], cents(row[2])] for row in reasons] == [
        ["material late", 1, Decimal("500.00")]
    ]
    assert "Conversion_block_reasons" not in conversion.tables
    assert "No line was blocked since." in first_column(conversion)


def test_excel_conversion_sheet_says_why_there_is_none(
    history_report: Report, tmp_path: Path
) -> None:
    assert history_report.history is not None
    note = "Backlog conversion of 2024-W11 needs an import inside it."
    history = replace(history_report.history, conversion=None, conversion_note=note)

    book = written(replace(history_report, history=history), tmp_path)

    assert first_column(book["Conversion"]) == ["Backlog conversion", None, note]


def test_excel_history_writes_formula_like_text_as_text(history_path: Path) -> None:
    book = openpyxl.load_workbook(history_path)

    new_line = row_starting(book["Changes"], "SO-6/10")[1]
    bridge_line = row_starting(book["Bridge"], "SO-6/10")[1]

    for cell in (new_line, bridge_line):
        assert (cell.value, cell.data_type) == (HOSTILE_CUSTOMER, "s")
