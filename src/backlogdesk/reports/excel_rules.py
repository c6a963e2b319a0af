"""The Triggers sheet: every rule with its measured value against its threshold,
then the lines of each line rule that fired."""

from __future__ import annotations

from typing import Any

from backlogdesk.reports.excel_sheets import SheetWriter, table_name
from backlogdesk.reports.model import Column, Report, RuleResult, Table

RULE_COLUMNS = (
    Column("title", "Trigger"),
    Column("measure", "Measures"),
    Column("measured", "Measured", "qty"),
    Column("threshold", "Threshold", "qty"),
    Column("unit", "Unit"),
    Column("state", "State"),
    Column("function", "Owner function"),
    Column("action", "Action"),
    Column("lines", "Lines", "int"),
    Column("note", "Note"),
)


def rules_sheet(out: SheetWriter, report: Report) -> None:
    """The rules table, then one table of lines per fired line rule."""
    out.heading(f"Triggers as of {report.as_of.isoformat()}")
    out.line(
        "Each rule measures one condition against its threshold (a setting); a "
        "fired rule names the owning function and the action it asks for.",
        out.styles.note,
    )
    out.skip()
    rows = [_rule_row(rule) for rule in report.rules]
    out.excel_table(Table("rules", "Triggers", RULE_COLUMNS, rows), "Triggers")
    for rule in report.rules:
        if rule.lines is None or not rule.lines.rows:
            continue
        out.skip()
        out.line(f"{rule.title}: {len(rule.lines.rows)} lines", out.styles.title)
        out.excel_table(rule.lines, table_name("Rule", rule.code))


def _rule_row(rule: RuleResult) -> dict[str, Any]:
    state = "FIRED" if rule.fired else "clear"
    if rule.note.startswith("not evaluated"):
        state = "not evaluated"
    return {
        "title": rule.title,
        "measure": rule.measure,
        "measured": rule.measured,
        "threshold": rule.threshold,
        "unit": rule.unit,
        "state": state,
        "function": rule.function,
        "action": rule.action,
        "lines": None if rule.lines is None else len(rule.lines.rows),
        "note": rule.note,
    }
