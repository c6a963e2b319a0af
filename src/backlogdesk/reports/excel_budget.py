"""The budget sheets of the Excel report: scoreboard, claim vs plan, coverage.

Each sheet appears only when the report carries its section: the Scoreboard
right after Summary (first on the weekly agenda), Claim vs plan and Coverage
right after Buckets. Totals are formulas over the cells they add, with the
report's exact figures as their cached results; the renderer computes nothing
a reader did not see in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from backlogdesk.reports.excel_sheets import (
    DrawSheet,
    SheetWriter,
    lines_text,
    number_style,
)
from backlogdesk.reports.model import (
    ClaimScope,
    ClaimView,
    Column,
    ColumnKind,
    Report,
    Scoreboard,
    ScoreLine,
    Table,
)

if TYPE_CHECKING:
    from backlogdesk.coverage.summary import AgreementCoverage, Coverage, CoverageGroup

SCOREBOARD_AFTER = "Summary"
PLAN_AFTER = "Buckets"
SCORE_COLUMNS = (
    Column("measure", "Measure"),
    Column("unit", "Unit"),
    Column("budget", "Budget"),
    Column("budget_to_date", "Budget to date"),
    Column("actual", "Actual to date"),
    Column("bucket_a", "+ A confirmed"),
    Column("bucket_b", "+ B estimated"),
    Column("committed", "Committed (actual + A)"),
    Column("likely", "Likely (committed + B)"),
    Column("variance", "Variance (committed - budget)"),
    Column("status", "Status"),
    Column("landing_p50", "Landing P50"),
    Column("landing_p90", "Landing P90"),
    Column("note", "Note"),
)
# Column positions of the scoreboard rows, for their formulas.
BUDGET_COL, ACTUAL_COL, A_COL, B_COL = 2, 4, 5, 6
COMMITTED_COL, LIKELY_COL, VARIANCE_COL, STATUS_COL = 7, 8, 9, 10
PAIR_COLUMNS = (
    Column("label", "Counted"),
    Column("claim", "Sales claim"),
    Column("plannable", "Planning number"),
)
CLAIM_COL, PLAN_COL = 1, 2
PART_COLUMNS = (
    Column("part", "Part"),
    Column("title", "Part of the difference"),
    Column("lines", "Lines or agreements", "int"),
    Column("value", "Value", "money"),
)
PART_VALUE_COL = 3
AGREEMENT_COLUMNS = (
    Column("agreement_id", "Agreement"),
    Column("customer_id", "Customer id"),
    Column("customer_name", "Customer"),
    Column("item", "Item"),
    Column("agreement_type", "Type"),
    Column("status", "Status"),
    Column("state", "State"),
    Column("valid_from", "Valid from", "date"),
    Column("valid_to", "Valid to", "date"),
    Column("days_left", "Days left", "int"),
    Column("unit", "Unit"),
    Column("currency", "Currency"),
    Column("committed_qty", "Committed qty", "qty"),
    Column("committed_value", "Committed value", "money"),
    Column("call_off_lines", "Call-off lines", "int"),
    Column("released_qty", "Released qty", "qty"),
    Column("released_value", "Released value", "money"),
    Column("remaining_qty", "Remaining qty", "qty"),
    Column("remaining_value", "Remaining value", "money"),
    Column("remaining_value_reporting", "Remaining value (reporting)", "money"),
    Column("unreleased_share", "Unreleased share", "pct"),
    Column("over_released_qty", "Over-released qty", "qty"),
    Column("over_released_value", "Over-released value", "money"),
    Column("unit_mismatch_lines", "Lines in another unit", "int"),
    Column("unpriced_lines", "Lines without price", "int"),
    Column("counts_as_coverage", "Counts as coverage", "flag"),
    Column("over_released", "Over-released", "flag"),
    Column("expiring", "Ending soon", "flag"),
    Column("expired_unreleased", "Expired with quantity left", "flag"),
)
GROUP_COLUMNS = (
    Column("agreements", "Agreements", "int"),
    Column("value", "Remaining value", "money"),
    Column("unvalued_agreements", "Agreements without price", "int"),
)
CLAIM_NOTE = (
    "Sales claim = invoiced + open orders + agreement coverage not yet released. "
    "Planning number = invoiced + the released, unblocked backlog dated by the end "
    "of the scope. The parts below add up to the difference."
)
LINES_NOTE = "Filter the Scope and Part columns to list the lines behind one part."
COVERAGE_NOTE = (
    "Committed on agreements and not yet called off: kept apart, never added to "
    "open orders or backlog. Filter the flag columns to list the flagged agreements."
)


def with_budget_sheets(
    sheets: list[tuple[str, DrawSheet]], report: Report
) -> list[tuple[str, DrawSheet]]:
    """``sheets`` with the budget sheets the report has, each in its place."""
    placed = list(sheets)
    if report.scoreboard is not None:
        scoreboard = _bound(_scoreboard_sheet, report, report.scoreboard)
        _insert_after(placed, SCOREBOARD_AFTER, [("Scoreboard", scoreboard)])

    plan: list[tuple[str, DrawSheet]] = []
    if report.claim is not None:
        plan.append(("Claim vs plan", _bound(_claim_sheet, report, report.claim)))
    if report.coverage is not None:
        plan.append(("Coverage", _bound(_coverage_sheet, report, report.coverage)))
    _insert_after(placed, PLAN_AFTER, plan)
    return placed


def budget_sheets(report: Report) -> list[tuple[str, DrawSheet]]:
    """The budget sheets the report has, in reading order, for other workbooks
    such as the month-end review."""
    sheets: list[tuple[str, DrawSheet]] = []
    if report.scoreboard is not None:
        sheets.append(
            ("Scoreboard", _bound(_scoreboard_sheet, report, report.scoreboard))
        )
    if report.claim is not None:
        sheets.append(("Claim vs plan", _bound(_claim_sheet, report, report.claim)))
    if report.coverage is not None:
        sheets.append(("Coverage", _bound(_coverage_sheet, report, report.coverage)))
    return sheets


def _insert_after(
    sheets: list[tuple[str, DrawSheet]], name: str, extra: list[tuple[str, DrawSheet]]
) -> None:
    after = [sheet_name for sheet_name, _ in sheets].index(name) + 1
    sheets[after:after] = extra


def _bound(
    draw: Callable[[SheetWriter, Report, Any], None], report: Report, section: Any
) -> DrawSheet:
    return lambda out: draw(out, report, section)


# -- Scoreboard -------------------------------------------------------------------


def _scoreboard_sheet(out: SheetWriter, report: Report, scoreboard: Scoreboard) -> None:
    out.heading(f"Budget scoreboard {scoreboard.period_key}")
    out.pair("As of", report.as_of, "date")
    out.pair("Actuals basis", scoreboard.basis)
    out.pair("Budget phasing", scoreboard.phasing.replace("_", " "))
    out.pair("Currency", report.currency)

    out.skip()
    out.header(SCORE_COLUMNS)
    for line in scoreboard.lines:
        _score_row(out, line, report.currency)
    out.line(
        "Variance is committed - budget: negative is a shortfall.", out.styles.note
    )

    out.skip()
    if scoreboard.shipped_not_invoiced is not None:
        value, units = scoreboard.shipped_not_invoiced
        out.pair(f"Shipped, not invoiced ({report.currency})", value, "money")
        out.pair("Shipped, not invoiced (units)", units, "qty")
    out.pair("Landing range", scoreboard.landing_method)
    for note in scoreboard.notes:
        out.line(note, out.styles.note)

    for table in (scoreboard.mix, scoreboard.members):
        if table is not None:
            out.block(table.title, table.note)
            out.excel_table(table, f"Scoreboard_{table.name}", "No rows.")


def _score_row(out: SheetWriter, line: ScoreLine, currency: str) -> None:
    """One measure: amounts as given, committed, likely and variance as formulas."""
    kind: ColumnKind = "qty" if line.measure == "units" else "money"
    row = out.row
    out.cell(row, 0, line.measure.capitalize(), "text")
    out.cell(row, 1, "units" if line.measure == "units" else currency, "text")
    given = (line.budget, line.budget_to_date, line.actual, line.bucket_a)
    for col, value in enumerate((*given, line.bucket_b), start=BUDGET_COL):
        out.cell(row, col, value, kind)

    committed = f"={_cell(row, ACTUAL_COL)}+{_cell(row, A_COL)}"
    likely = f"={_cell(row, COMMITTED_COL)}+{_cell(row, B_COL)}"
    _formula(out, row, COMMITTED_COL, committed, line.committed, kind)
    _formula(out, row, LIKELY_COL, likely, line.likely, kind)
    if line.variance is not None:
        variance = f"={_cell(row, COMMITTED_COL)}-{_cell(row, BUDGET_COL)}"
        # Money shows its sign both ways; units keep their own format.
        style = "signed_money" if kind == "money" else kind
        _formula(out, row, VARIANCE_COL, variance, line.variance, style)

    out.cell(row, STATUS_COL, line.status, "text")
    out.cell(row, STATUS_COL + 1, line.landing_p50, kind)
    out.cell(row, STATUS_COL + 2, line.landing_p90, kind)
    out.cell(row, STATUS_COL + 3, line.note, "text")
    out.row += 1


# -- Claim vs plan ----------------------------------------------------------------


def _claim_sheet(out: SheetWriter, report: Report, claim: ClaimView) -> None:
    out.heading("Claimed vs plannable")
    out.pair("As of", report.as_of, "date")
    out.pair("Invoiced basis", claim.basis)
    out.pair("Currency", report.currency)
    out.line(CLAIM_NOTE, out.styles.note)

    for scope in claim.scopes:
        out.block(f"{scope.title}, to {scope.end.isoformat()}")
        difference_row = _claim_pair(out, scope)
        out.skip()
        _claim_parts(out, scope, difference_row)

    lines = claim.lines
    out.block(f"{lines.title}: {lines_text(len(lines.rows))}", LINES_NOTE)
    _autofiltered(out, lines, "No lines behind the parts.")


def _claim_pair(out: SheetWriter, scope: ClaimScope) -> int:
    """Sales claim beside planning number, totals as sums; the difference row."""
    rows = [
        ("Invoiced", scope.invoiced, scope.invoiced),
        ("Open orders", scope.open_orders, None),
        ("Agreement coverage not yet released", scope.coverage, None),
        ("Plannable backlog", None, scope.plannable_backlog),
    ]
    out.header(PAIR_COLUMNS)
    first = out.row
    for label, claim, plannable in rows:
        out.cell(out.row, 0, label, "text")
        out.cell(out.row, CLAIM_COL, claim, "money")
        out.cell(out.row, PLAN_COL, plannable, "money")
        out.row += 1

    last, total = out.row - 1, out.row
    out.sheet.write_string(total, 0, "Total", out.styles.title)
    _formula(out, total, CLAIM_COL, _sum(first, last, CLAIM_COL), scope.claim, "money")
    plan_sum = _sum(first, last, PLAN_COL)
    _formula(out, total, PLAN_COL, plan_sum, scope.plannable, "money")

    difference = total + 1
    label = "Difference: claim - planning number"
    out.sheet.write_string(difference, 0, label, out.styles.title)
    out.measure(0, label)
    formula = f"={_cell(total, CLAIM_COL)}-{_cell(total, PLAN_COL)}"
    _formula(out, difference, CLAIM_COL, formula, scope.difference, "money")
    out.row = difference + 1
    return difference


def _claim_parts(out: SheetWriter, scope: ClaimScope, difference_row: int) -> None:
    """The parts of the difference, then the check that they add up to it."""
    rows = [
        {"part": p.part, "title": p.title, "lines": p.lines, "value": p.value}
        for p in scope.parts
    ]
    table = Table(f"parts_{scope.scope}", "Parts", PART_COLUMNS, rows)
    first = out.plain_table(table) + 1
    parts_total = sum((part.value for part in scope.parts), Decimal(0))

    check = out.row
    out.sheet.write_string(check, 0, "Check: parts add to")
    formula = _sum(first, check - 1, PART_VALUE_COL)
    _formula(out, check, PART_VALUE_COL, formula, parts_total, "money")
    adds_up = parts_total == scope.difference
    verdict = "equals the difference" if adds_up else "differs from the difference"
    out.sheet.write_string(check, PART_VALUE_COL + 1, verdict, out.styles.title)
    out.row += 1


# -- Coverage ---------------------------------------------------------------------


def _coverage_sheet(out: SheetWriter, report: Report, coverage: Coverage) -> None:
    out.heading(f"Agreement coverage as of {coverage.as_of.isoformat()}")
    _coverage_totals(out, coverage)
    out.line(COVERAGE_NOTE, out.styles.note)

    agreements = _agreements_table(coverage.agreements)
    out.block(f"Agreements: {len(agreements.rows):,}")
    _autofiltered(out, agreements, "No agreements.")

    out.block("By customer")
    _groups(out, coverage.by_customer, "Customer")
    out.block("By month the agreement ends")
    _groups(out, coverage.by_month, "Month")

    if coverage.unmatched_call_offs:
        out.block("Call-off lines that fit no agreement (id and item): to correct")
        for line_key in coverage.unmatched_call_offs:
            out.line(line_key)


def _coverage_totals(out: SheetWriter, coverage: Coverage) -> None:
    total = coverage.total
    out.pair("Currency", coverage.currency)
    out.pair("Agreements counted", total.agreements, "int")
    out.pair("Remaining value, not yet called off", total.value, "money")
    if total.units is not None:
        out.pair(f"Remaining quantity ({total.unit})", total.units, "qty")
    out.pair("Agreements without a price", total.unvalued_agreements, "int")

    out.skip()
    out.pair("Over-released", len(coverage.over_released), "int")
    out.pair("Ending soon with much unreleased", len(coverage.expiring), "int")
    out.pair("Expired with quantity left", len(coverage.expired), "int")
    unmatched = len(coverage.unmatched_call_offs)
    out.pair("Call-off lines fitting no agreement", unmatched, "int")


def _agreements_table(agreements: list[AgreementCoverage]) -> Table:
    rows = []
    for agreement in agreements:
        row = {
            column.key: getattr(agreement, column.key) for column in AGREEMENT_COLUMNS
        }
        share = agreement.unreleased_share
        # A pct column holds 0-100; the agreement gives its share as a fraction.
        row["unreleased_share"] = None if share is None else share * 100
        rows.append(row)
    return Table("agreements", "Agreements", AGREEMENT_COLUMNS, rows)


def _groups(out: SheetWriter, groups: list[CoverageGroup], label: str) -> None:
    if not groups:
        out.line("None.", out.styles.note)
        return
    rows = [
        {
            "label": group.label,
            "agreements": group.agreements,
            "value": group.value,
            "unvalued_agreements": group.unvalued_agreements,
        }
        for group in groups
    ]
    columns = (Column("label", label), *GROUP_COLUMNS)
    out.plain_table(Table("groups", label, columns, rows))


# -- shared -----------------------------------------------------------------------


def _autofiltered(out: SheetWriter, table: Table, empty: str) -> None:
    """A table with the sheet's one autofilter on it, and no frozen rows.

    It sits below other blocks: freezing its header would pin half a screen.
    """
    if not table.rows:
        out.line(empty, out.styles.note)
        return
    header_row = out.header(table.columns)
    last_row = out.body(table)
    out.sheet.autofilter(header_row, 0, last_row, len(table.columns) - 1)


def _formula(
    out: SheetWriter, row: int, col: int, formula: str, cached: Decimal, style: str
) -> None:
    """A formula with the report's figure as its cached result, for viewers
    that do not recalculate. ``style`` is a number format name or "qty"."""
    name = number_style(cached, "qty") if style == "qty" else style
    # Adding 0.0 turns -0.0 into 0.0, so no cell reads "-0".
    result = float(cached) + 0.0
    out.sheet.write_formula(row, col, formula, out.styles.numbers[name], result)
    out.measure(col, f"+{cached:,.2f}")


def _sum(first_row: int, last_row: int, col: int) -> str:
    return f"=SUM({_cell(first_row, col)}:{_cell(last_row, col)})"


def _cell(row: int, col: int) -> str:
    return str(xl_rowcol_to_cell(row, col))
