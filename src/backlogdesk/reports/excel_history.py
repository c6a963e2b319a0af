"""The history sheets of the Excel report: what changed, the bridge, the conversion.

They follow Data quality when the store holds more than one import. Like the
Summary check row, totals are formulas over the cells they add, with the
report's exact figures as their cached results.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from backlogdesk.reports.excel_sheets import (
    DrawSheet,
    SheetWriter,
    lines_text,
    table_name,
)
from backlogdesk.reports.model import Bridge, Column, Conversion, History, Report, Table

CHANGE_SUMMARY_COLUMNS = (
    Column("kind", "Kind"),
    Column("title", "Change"),
    Column("lines", "Lines", "int"),
)
BRIDGE_STEP_COLUMNS = (
    Column("label", "Sales backlog"),
    Column("lines", "Lines", "int"),
    Column("value", "Value", "money"),
)
OUTCOME_COLUMNS = (
    Column("title", "Outcome"),
    Column("lines", "Lines", "int"),
    Column("value", "Value at period start", "money"),
    Column("share", "Share of value", "pct"),
)
# Column positions of the bridge and outcome blocks, for their formulas.
LINES_COL, VALUE_COL, SHARE_COL = 1, 2, 3
VERDICT_COL = 3
BRIDGE_NOTE = (
    "A step's lines are the lines it moved. Filter the Step column of the table "
    "below by a step's name to list its lines. A line shipped in part stays in the "
    "step of its other changes; its shipped part counts in Shipped."
)
CONVERSION_NOTE = (
    "What stood in buckets A and B at the period's first import, and where it "
    "stood at the first import after the period."
)


def _changes_sheet(out: SheetWriter, report: Report, history: History) -> None:
    since = _since(history)
    out.heading(f"What changed since {since}, as of {report.as_of.isoformat()}")
    summary = Table(
        "changes", "Changes", CHANGE_SUMMARY_COLUMNS, history.changes_summary
    )
    out.excel_table(summary, "Changes_summary")

    changed = [table for table in history.changes if table.rows]
    if not changed:
        out.skip()
        out.line(f"No line changed since {since}.", out.styles.note)
        return
    out.line("A line can be in more than one list.", out.styles.note)

    for table in changed:
        out.block(f"{table.title}: {lines_text(len(table.rows))}", table.note)
        out.excel_table(table, table_name("Changes", table.name))


def _since(history: History) -> str:
    previous = history.previous
    return "the previous import" if previous is None else previous.isoformat()


def _bridge_sheet(out: SheetWriter, report: Report, history: History) -> None:
    bridge = history.bridge
    if bridge is None:
        out.heading("Backlog bridge")
        out.line(
            "No backlog bridge: there is no earlier import to start from.",
            out.styles.note,
        )
        return

    out.heading(
        f"Backlog bridge {bridge.previous.isoformat()} to {report.as_of.isoformat()}"
    )
    out.pair("Previous import", bridge.previous, "date")
    out.pair("This import", report.as_of, "date")
    out.pair("Currency", report.currency)

    out.block("Sales backlog, opening to closing")
    _bridge_steps(out, bridge)
    out.line(BRIDGE_NOTE, out.styles.note)

    out.block(f"{bridge.lines.title}: {lines_text(len(bridge.lines.rows))}")
    out.excel_table(bridge.lines, "Bridge_lines", "No line moved the backlog.")


def _bridge_steps(out: SheetWriter, bridge: Bridge) -> None:
    """Opening, each step, closing, then the check that the steps add up."""
    out.header(BRIDGE_STEP_COLUMNS)
    opening_row = out.row
    _bridge_row(out, "Opening", bridge.opening_lines, bridge.opening, "money")
    for step in bridge.steps:
        _bridge_row(out, step.title, step.lines, step.value, "signed_money")
    step_rows = (opening_row + 1, out.row - 1)
    _bridge_row(out, "Closing", bridge.closing_lines, bridge.closing, "money")

    _bridge_check(out, bridge, opening_row, step_rows)


def _bridge_check(
    out: SheetWriter, bridge: Bridge, opening_row: int, step_rows: tuple[int, int]
) -> None:
    """Opening + steps as a formula, and whether that equals the closing value."""
    opening = xl_rowcol_to_cell(opening_row, VALUE_COL)
    steps = _cell_range(step_rows[0], step_rows[1], VALUE_COL)
    formula = f"={opening}+SUM({steps})" if bridge.steps else f"={opening}"
    total = bridge.opening + sum((step.value for step in bridge.steps), Decimal(0))

    out.sheet.write_string(out.row, 0, "Check: opening + steps")
    _formula(out, out.row, VALUE_COL, formula, total, "money")
    verdict = "equals closing" if total == bridge.closing else "differs from closing"
    out.sheet.write_string(out.row, VERDICT_COL, verdict, out.styles.title)
    out.row += 1


def _bridge_row(
    out: SheetWriter, label: str, lines: int, value: Decimal, style: str
) -> None:
    """One row of the bridge; steps show their sign, opening and closing do not."""
    out.cell(out.row, 0, label, "text")
    out.cell(out.row, LINES_COL, lines, "int")
    # Zero is written, not left blank: a step that moved nothing still reads 0.00.
    out.sheet.write_number(
        out.row, VALUE_COL, float(value) + 0.0, out.styles.numbers[style]
    )
    out.measure(VALUE_COL, f"+{value:,.2f}")
    out.row += 1


def _conversion_sheet(out: SheetWriter, report: Report, history: History) -> None:
    conversion = history.conversion
    if conversion is None:
        out.heading("Backlog conversion")
        out.line(history.conversion_note, out.styles.note)
        return

    out.heading(f"Backlog conversion {conversion.period_key}")
    out.pair("Period", conversion.period_key)
    out.pair("Start import", conversion.start_import, "date")
    out.pair("End import", conversion.end_import, "date")
    out.pair("Currency", report.currency)
    out.line(CONVERSION_NOTE, out.styles.note)

    out.block("Outcomes")
    _outcomes(out, conversion)

    slips = conversion.slip_reasons
    out.block(slips.title, slips.note)
    out.excel_table(slips, "Conversion_slip_reasons", "No line slipped out.")
    blocks = conversion.block_reasons
    out.block(blocks.title, blocks.note)
    out.excel_table(blocks, "Conversion_block_reasons", "No line was blocked since.")


def _outcomes(out: SheetWriter, conversion: Conversion) -> None:
    """Outcome rows and their total; shares are formulas over the value column."""
    outcomes = Table("outcomes", "Outcomes", OUTCOME_COLUMNS, conversion.outcomes)
    rows = (out.plain_table(outcomes) + 1, out.row - 1)

    out.sheet.write_string(out.row, 0, "Total in A and B", out.styles.title)
    _sum_cell(out, rows, LINES_COL, conversion.total_lines, "int")
    _sum_cell(out, rows, VALUE_COL, conversion.total_value, "money")
    # A share of nothing is no share: blank rather than a division by zero.
    if conversion.total_value:
        _shares(out, conversion, rows)
    out.row += 1


def _shares(out: SheetWriter, conversion: Conversion, rows: tuple[int, int]) -> None:
    """Each outcome's value over the total (on the current row), and their sum."""
    total = xl_rowcol_to_cell(out.row, VALUE_COL, row_abs=True)
    for row, outcome in enumerate(conversion.outcomes, start=rows[0]):
        value = xl_rowcol_to_cell(row, VALUE_COL)
        share = Decimal(outcome["value"]) / conversion.total_value
        _formula(out, row, SHARE_COL, f"={value}/{total}", share, "pct")

    values = sum((Decimal(o["value"]) for o in conversion.outcomes), Decimal(0))
    _sum_cell(out, rows, SHARE_COL, values / conversion.total_value, "pct")


def _sum_cell(
    out: SheetWriter, rows: tuple[int, int], col: int, total: Any, style: str
) -> None:
    """A SUM over ``rows`` of one column, written in the row under them."""
    formula = f"=SUM({_cell_range(rows[0], rows[1], col)})"
    _formula(out, out.row, col, formula, total, style)


def _formula(
    out: SheetWriter, row: int, col: int, formula: str, cached: Any, style: str
) -> None:
    """A formula with its result cached, for viewers that do not recalculate."""
    # Adding 0.0 turns -0.0 into 0.0; line counts stay whole numbers.
    result = cached if isinstance(cached, int) else float(cached) + 0.0
    out.sheet.write_formula(row, col, formula, out.styles.numbers[style], result)


def _cell_range(first_row: int, last_row: int, col: int) -> str:
    first = xl_rowcol_to_cell(first_row, col)
    return f"{first}:{xl_rowcol_to_cell(last_row, col)}"


HistoryDraw = Callable[[SheetWriter, Report, History], None]
HISTORY_SHEETS: tuple[tuple[str, HistoryDraw], ...] = (
    ("Changes", _changes_sheet),
    ("Bridge", _bridge_sheet),
    ("Conversion", _conversion_sheet),
)


def history_sheets(report: Report, history: History) -> list[tuple[str, DrawSheet]]:
    """The history sheets by name, each ready to draw on an empty worksheet."""
    return [(name, _bound(draw, report, history)) for name, draw in HISTORY_SHEETS]


def _bound(draw: HistoryDraw, report: Report, history: History) -> DrawSheet:
    return lambda out: draw(out, report, history)
