"""The month-end review as HTML, an Excel workbook and a PDF pack."""

from __future__ import annotations

import logging
from datetime import datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from backlogdesk.errors import ReportError
from backlogdesk.reports.chart import BUCKET_COLORS
from backlogdesk.reports.excel import WORKBOOK_OPTIONS
from backlogdesk.reports.excel_sheets import DrawSheet, SheetWriter, make_styles
from backlogdesk.reports.html import REASON_ROWS, claim_tables, row_cap, template
from backlogdesk.reports.model import Column, MonthEnd, Table
from backlogdesk.reports.pdf import write_pdf

log = logging.getLogger(__name__)

MONTH_END_FORMATS = ("html", "xlsx", "pdf")
GAP_COLUMNS = (
    Column("measure", "Measure"),
    Column("title", "Part"),
    Column("lines", "Lines", "int"),
    Column("available", "Holds", "qty"),
    Column("explained", "Explains", "qty"),
)
OUTCOME_COLUMNS = (
    Column("title", "Outcome"),
    Column("lines", "Lines", "int"),
    Column("value", "Value at the month's first import", "money"),
)
RECURRING_COLUMNS = (
    Column("kind", "Kind"),
    Column("reason", "Reason"),
    Column("months", "Months in top three", "int"),
    Column("value", "Value", "money"),
)


def render_month_end_html(month: MonthEnd) -> str:
    """The month-end review as one self-contained HTML document."""
    report = month.report
    html: str = template("month_end.html.j2").render(
        month=month,
        bucket_colors=BUCKET_COLORS,
        reason_cap=REASON_ROWS,
        row_cap=row_cap(report),
        claim_tables=claim_tables(report.claim),
        accepted_rows=sum(count.accepted for count in report.inputs),
    )
    return html


def write_month_end(
    month: MonthEnd, out_dir: Path, formats: tuple[str, ...]
) -> list[Path]:
    """Write month-end-<YYYY-MM>.html / .xlsx / .pdf into ``out_dir``."""
    unknown = [name for name in formats if name not in MONTH_END_FORMATS]
    if unknown:
        raise ReportError(
            f"Unknown format(s) {', '.join(unknown)}; choose from "
            f"{', '.join(MONTH_END_FORMATS)}."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"month-end-{month.month_key}"
    written = []
    html = render_month_end_html(month)
    if "html" in formats:
        path = stem.with_suffix(".html")
        path.write_text(html, encoding="utf-8")
        written.append(path)
    if "xlsx" in formats:
        written.append(write_month_end_excel(month, stem.with_suffix(".xlsx")))
    if "pdf" in formats:
        written.append(write_pdf(html, stem.with_suffix(".pdf")))
    log.info("wrote the month-end review %s into %s", month.month_key, out_dir)
    return written


def write_month_end_excel(month: MonthEnd, path: Path) -> Path:
    """The gap, conversion and reasons sheets, then the budget sheets."""
    from backlogdesk.reports.excel_budget import budget_sheets

    report = month.report
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    workbook.set_properties(
        {
            "title": f"Month-end review {month.month_key}",
            "comments": report.generated_by,
            "created": datetime.combine(report.as_of, time()),
        }
    )
    styles = make_styles(workbook)
    sheets: list[tuple[str, DrawSheet]] = [
        ("Gap to budget", lambda out: _gap_sheet(out, month)),
        ("Conversion", lambda out: _conversion_sheet(out, month)),
        ("Reasons", lambda out: _reasons_sheet(out, month)),
        *budget_sheets(report),
    ]
    for name, draw in sheets:
        out = SheetWriter(workbook.add_worksheet(name), styles)
        draw(out)
        out.finish()
    try:
        workbook.close()
    except FileCreateError as error:
        raise ReportError(
            f"cannot write {path}: {error}. Close the file if it is open in Excel."
        ) from error
    return path


def _gap_sheet(out: SheetWriter, month: MonthEnd) -> None:
    out.heading(f"Gap to budget, {month.month_key}, as of {month.report.as_of}")
    if not month.gaps:
        out.line("No budget was given: the gap to budget needs --budget.")
        return
    out.line(
        "Gap = budget - (actual + A), never below 0; parts explain it in order, "
        "each at most what is still unexplained."
    )
    rows: list[dict[str, Any]] = []
    for gap in month.gaps:
        out.pair(f"{gap.measure} budget", gap.budget, "qty")
        out.pair(f"{gap.measure} gap", gap.gap, "qty")
        rows += [
            {
                "measure": gap.measure,
                "title": part.title,
                "lines": part.lines,
                "available": part.available,
                "explained": part.explained,
            }
            for part in gap.parts
        ]
    out.skip()
    out.excel_table(Table("gap", "Gap parts", GAP_COLUMNS, rows), "Gap_parts")


def _conversion_sheet(out: SheetWriter, month: MonthEnd) -> None:
    out.heading(f"Backlog conversion of {month.month_key} so far")
    conversion = month.conversion
    if conversion is None:
        out.line(month.conversion_note)
        return
    out.pair("First import of the month", conversion.start_import, "date")
    out.pair("Compared with", conversion.end_import, "date")
    out.skip()
    table = Table("outcomes", "Outcomes", OUTCOME_COLUMNS, conversion.outcomes)
    out.excel_table(table, "Month_conversion")


def _reasons_sheet(out: SheetWriter, month: MonthEnd) -> None:
    reasons = month.reasons
    out.heading(f"Slip and block reasons, {month.month_key}")
    for item in reasons.process_changes:
        out.line(
            f"Process change: {item.reason} ({item.kind}) recurs in {item.months} "
            "months"
        )
    out.skip()
    out.excel_table(reasons.slip_reasons, "Slip_reasons")
    out.skip()
    out.excel_table(reasons.block_reasons, "Block_reasons")
    out.skip()
    rows = [
        {"kind": r.kind, "reason": r.reason, "months": r.months, "value": r.total_value}
        for r in reasons.recurring
    ]
    table = Table("recurring", "Recurring reasons", RECURRING_COLUMNS, rows)
    out.excel_table(table, "Recurring_reasons", "No reason recurs.")
