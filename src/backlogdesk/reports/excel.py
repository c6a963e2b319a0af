"""The weekly backlog report as an Excel workbook.

Sheets in reading order: Summary, Buckets, Lines, Triage, Data quality, then
Changes, Bridge and Conversion when the store holds more than one import, then
Definitions, and Splits, Inputs and Settings for reference. Money and
quantities are written as numbers so Excel can filter and sum them; the
exact decimal strings live in the JSON report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_rowcol_to_cell

from backlogdesk.errors import ReportError
from backlogdesk.reports.excel_budget import with_budget_sheets
from backlogdesk.reports.excel_history import history_sheets
from backlogdesk.reports.excel_rules import rules_sheet
from backlogdesk.reports.excel_sheets import (
    DrawSheet,
    SheetWriter,
    lines_text,
    make_styles,
    number_style,
    table_name,
)
from backlogdesk.reports.model import (
    BOX_NAMES,
    BUCKET_NAMES,
    Box,
    Column,
    ColumnKind,
    Report,
    Table,
)

log = logging.getLogger(__name__)

# Text from ERP exports must never become a formula, a number or a link.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
BOX_LABELS = {
    "open_orders": "Open orders",
    "sales_backlog": "Sales backlog",
    "blocked": "Blocked",
    "pending": "Pending",
}
BOX_COLUMNS = (
    Column("measure", "Number"),
    Column("lines", "Lines", "int"),
    Column("units", "Units", "qty"),
    Column("value", "Value", "money"),
    Column("margin", "Margin", "money"),
    Column("margin_pct", "Margin %", "pct"),
    Column("margin_lines", "Lines with cost", "int"),
)
CHECK_COLUMNS: tuple[tuple[str, ColumnKind], ...] = (
    ("lines", "int"),
    ("units", "qty"),
    ("value", "money"),
    ("margin", "money"),
)
BUCKET_COLUMNS = (
    Column("bucket", "Bucket"),
    Column("lines", "Lines", "int"),
    Column("units", "Units", "qty"),
    Column("value", "Value", "money"),
    Column("margin", "Margin", "money"),
    Column("past_due_lines", "Past-due lines", "int"),
    Column("past_due_value", "Past-due value", "money"),
    Column("meaning", "Meaning"),
)
SHIP_MONTH_COLUMNS = (
    Column("month", "Ship month"),
    *(Column(name, f"Bucket {name}", "money") for name in BUCKET_NAMES),
)
INPUT_COLUMNS = (
    Column("file", "File"),
    Column("read", "Read", "int"),
    Column("accepted", "Accepted", "int"),
    Column("rejected", "Rejected", "int"),
)
COUNT_COLUMNS = (Column("list", "List"), Column("lines", "Lines", "int"))
DEFINITION_COLUMNS = (Column("term", "Term"), Column("meaning", "Meaning"))
SETTING_COLUMNS = (Column("setting", "Setting"), Column("value", "Value"))


def write_excel(report: Report, path: Path) -> Path:
    """Write ``report`` as an .xlsx workbook at ``path``; return the path."""
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    # A creation date from the report, not the clock, keeps the file byte-stable.
    workbook.set_properties(
        {
            "title": f"Backlog report as of {report.as_of.isoformat()}",
            "comments": report.generated_by,
            "created": datetime.combine(report.as_of, time()),
        }
    )
    styles = make_styles(workbook)

    for sheet_name, draw in _sheets(report):
        out = SheetWriter(workbook.add_worksheet(sheet_name), styles)
        draw(out)
        out.finish()

    try:
        workbook.close()
    except FileCreateError as error:
        raise ReportError(
            f"cannot write the Excel report {path}: {error}. Close the file if it "
            "is open in Excel, or choose another folder."
        ) from error
    log.info("wrote Excel report as of %s to %s", report.as_of, path)
    return path


def _sheets(report: Report) -> list[tuple[str, DrawSheet]]:
    """Each sheet's name and drawing, the history sheets after Data quality."""
    sheets = [(name, _bound(draw, report)) for name, draw in SHEETS]
    if report.history is not None:
        after = [name for name, _ in sheets].index(HISTORY_AFTER) + 1
        sheets[after:after] = history_sheets(report, report.history)
    return with_budget_sheets(sheets, report)


def _bound(draw: Callable[[SheetWriter, Report], None], report: Report) -> DrawSheet:
    return lambda out: draw(out, report)


def _summary_sheet(out: SheetWriter, report: Report) -> None:
    out.heading(f"Backlog report as of {report.as_of.isoformat()}")
    out.pair("As of", report.as_of, "date")
    out.pair("Period", f"{report.period.key} ({report.period.kind})")
    out.pair("Period start", report.period.start, "date")
    out.pair("Period end", report.period.end, "date")
    out.pair("Currency", report.currency)
    out.pair("Source", report.source or "not given")
    out.pair("Generated by", report.generated_by)

    out.skip()
    _numbers_block(out, report)

    out.skip()
    out.line("Kept apart: never added to open orders", out.styles.title)
    for item in report.not_provided.values():
        out.pair(item.title, item.reason)

    out.skip()
    _inputs_block(out, report)

    out.skip()
    out.line("Notes", out.styles.title)
    for note in report.notes or ["No notes."]:
        out.line(note)


def _numbers_block(out: SheetWriter, report: Report) -> None:
    out.line("The four numbers", out.styles.title)
    rows = [_box_row(BOX_LABELS[name], report.numbers[name]) for name in BOX_NAMES]
    header_row = out.plain_table(Table("numbers", "Numbers", BOX_COLUMNS, rows))
    _check_row(out, rows, open_row=header_row + 1)


def _box_row(label: str, box: Box) -> dict[str, Any]:
    return {
        "measure": label,
        "lines": box.lines,
        "units": box.units,
        "value": box.value,
        "margin": box.margin,
        "margin_pct": box.margin_pct,
        "margin_lines": box.margin_lines,
    }


def _check_row(out: SheetWriter, rows: list[dict[str, Any]], open_row: int) -> None:
    """Backlog + blocked + pending as formulas, right under the open orders rows.

    The formulas let a reader click through to the cells they add; the cached
    results are the exact sums, for viewers that do not recalculate.
    """
    out.sheet.write_string(out.row, 0, "Check: backlog + blocked + pending")
    matches = True
    for col, (key, kind) in enumerate(CHECK_COLUMNS, start=1):
        parts = [xl_rowcol_to_cell(open_row + offset, col) for offset in (1, 2, 3)]
        total = sum((Decimal(row[key] or 0) for row in rows[1:]), Decimal(0))
        style = out.styles.numbers[number_style(total, kind)]
        out.sheet.write_formula(
            out.row, col, "=" + "+".join(parts), style, float(total)
        )
        matches = matches and total == Decimal(rows[0][key] or 0)

    verdict = "equals open orders" if matches else "differs from open orders"
    out.sheet.write_string(out.row, len(CHECK_COLUMNS) + 1, verdict, out.styles.title)
    out.row += 1


def _inputs_block(out: SheetWriter, report: Report) -> None:
    out.line("Input files", out.styles.title)
    if report.inputs:
        header_row = out.plain_table(_inputs_table(report))
        _total_row(out, report, first_row=header_row + 1)
    else:
        out.line("No input counts were recorded for this report.", out.styles.note)
    out.pair("Rejected rows file", report.rejected_file or "none")


def _inputs_table(report: Report) -> Table:
    rows = [
        {
            "file": count.file,
            "read": count.read,
            "accepted": count.accepted,
            "rejected": count.rejected,
        }
        for count in report.inputs
    ]
    return Table("inputs", "Input files", INPUT_COLUMNS, rows)


def _total_row(out: SheetWriter, report: Report, first_row: int) -> None:
    accepted = sum(count.accepted for count in report.inputs)
    totals = (report.read, accepted, report.rejected)
    last_row = out.row - 1
    out.sheet.write_string(out.row, 0, "Total", out.styles.title)
    for col, total in enumerate(totals, start=1):
        cells = (
            f"{xl_rowcol_to_cell(first_row, col)}:{xl_rowcol_to_cell(last_row, col)}"
        )
        style = out.styles.numbers["int"]
        out.sheet.write_formula(out.row, col, f"=SUM({cells})", style, total)
    out.row += 1


def _buckets_sheet(out: SheetWriter, report: Report) -> None:
    period = report.period
    out.heading(f"Review buckets for {period.key} ({period.start} to {period.end})")
    meanings = dict(report.definitions)
    rows = [_bucket_row(report, name, meanings) for name in BUCKET_NAMES]
    buckets = Table("buckets", "Buckets", BUCKET_COLUMNS, rows)
    out.excel_table(buckets, table_name("Buckets"))

    out.skip()
    out.line("Open value by ship month and bucket", out.styles.title)
    rows_by_month = list(report.ship_month_by_bucket)
    months = Table("ship_months", "Ship months", SHIP_MONTH_COLUMNS, rows_by_month)
    out.excel_table(months, table_name("Ship_months"), "No lines with a ship date.")


def _bucket_row(report: Report, name: str, meanings: dict[str, str]) -> dict[str, Any]:
    box = report.buckets[name]
    past_due = report.past_due.get(name)
    return {
        "bucket": name,
        "lines": box.lines,
        "units": box.units,
        "value": box.value,
        "margin": box.margin,
        "past_due_lines": past_due.lines if past_due else None,
        "past_due_value": past_due.value if past_due else None,
        "meaning": meanings.get(f"Bucket {name}", ""),
    }


def _lines_sheet(out: SheetWriter, report: Report) -> None:
    out.heading(f"{report.lines.title} as of {report.as_of.isoformat()}")
    out.filtered_table(report.lines)


def _triage_sheet(out: SheetWriter, report: Report) -> None:
    out.heading(f"Triage as of {report.as_of.isoformat()}")
    counts = [
        {"list": table.title, "lines": len(table.rows)} for table in report.triage
    ]
    out.excel_table(Table("lists", "Lists", COUNT_COLUMNS, counts), "Triage_lists")

    for table in report.triage:
        out.block(f"{table.title}: {lines_text(len(table.rows))}", table.note)
        out.excel_table(table, table_name("Triage", table.name))


def _quality_sheet(out: SheetWriter, report: Report) -> None:
    out.heading(f"Data quality as of {report.as_of.isoformat()}")
    counts = [{"list": issue.title, "lines": issue.lines} for issue in report.quality]
    out.excel_table(Table("lanes", "Lanes", COUNT_COLUMNS, counts), "Quality_lanes")

    for issue in report.quality:
        out.block(f"{issue.title}: {lines_text(issue.lines)}", issue.table.note)
        out.excel_table(issue.table, table_name("Quality", issue.code))


def _splits_sheet(out: SheetWriter, report: Report) -> None:
    out.heading(f"Open orders split several ways, as of {report.as_of.isoformat()}")
    for table in report.splits:
        out.block(table.title, table.note)
        out.excel_table(table, table_name("Split", table.name), "No open lines.")


def _definitions_sheet(out: SheetWriter, report: Report) -> None:
    out.heading("Definitions")
    rows = [{"term": term, "meaning": meaning} for term, meaning in report.definitions]
    out.filtered_table(Table("definitions", "Definitions", DEFINITION_COLUMNS, rows))
    out.wrap_column(1, 90)


def _inputs_sheet(out: SheetWriter, report: Report) -> None:
    out.heading("Input files")
    out.filtered_table(_inputs_table(report))
    if not report.inputs:
        out.line("No input counts were recorded for this report.", out.styles.note)

    out.skip()
    out.pair("Rejected rows file", report.rejected_file or "none")


def _settings_sheet(out: SheetWriter, report: Report) -> None:
    out.heading("Settings used")
    rows = [
        {"setting": name, "value": _setting_text(value)}
        for name, value in report.settings.items()
    ]
    out.filtered_table(Table("settings", "Settings", SETTING_COLUMNS, rows))


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


SHEETS: tuple[tuple[str, Callable[[SheetWriter, Report], None]], ...] = (
    ("Summary", _summary_sheet),
    ("Buckets", _buckets_sheet),
    ("Lines", _lines_sheet),
    ("Triggers", rules_sheet),
    ("Triage", _triage_sheet),
    ("Data quality", _quality_sheet),
    ("Definitions", _definitions_sheet),
    ("Splits", _splits_sheet),
    ("Inputs", _inputs_sheet),
    ("Settings", _settings_sheet),
)
HISTORY_AFTER = "Data quality"
