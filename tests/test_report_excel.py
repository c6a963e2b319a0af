"""The Excel report: real numbers and dates, text kept as text, a sheet per section."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from backlogdesk.errors import ReportError
from backlogdesk.ingest.conversions import Rates, Units
from backlogdesk.ingest.lines import IngestContext, ingest_files
from backlogdesk.ingest.mapping import load_mapping
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
from backlogdesk.store.schema import lines_to_arrow

AS_OF = date(2005, 5, 31)
FORMULA_LIKE_NAMES = ['=HYPERLINK("http://x")', "+1-2", "@SUM(A1)", "-3+4"]
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


@pytest.fixture(scope="module")
def classicmodels_book(
    classicmodels_report: Report, tmp_path_factory: pytest.TempPathFactory
) -> openpyxl.Workbook:
    """The classicmodels workbook, read back with openpyxl."""
    path = tmp_path_factory.mktemp("excel") / "report.xlsx"
    return openpyxl.load_workbook(write_excel(classicmodels_report, path))


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


# -- sheets and headline numbers --------------------------------------------------


def test_excel_sheets_follow_the_reading_order(classicmodels_book: Any) -> None:
    assert classicmodels_book.sheetnames[:6] == [
        "Summary",
        "Buckets",
        "Lines",
        "Triage",
        "Data quality",
        "Definitions",
    ]
    assert {"Splits", "Inputs"} <= set(classicmodels_book.sheetnames)


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
