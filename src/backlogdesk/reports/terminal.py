"""A short terminal summary of the report, drawn with Rich."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table as RichTable

from backlogdesk.reports.model import BUCKET_NAMES, Box, Report, ScoreLine

BOX_TITLES = {
    "open_orders": "Open orders",
    "sales_backlog": "  Sales backlog (released)",
    "blocked": "  Blocked",
    "pending": "  Pending",
}


def print_summary(report: Report, console: Console) -> None:
    """Print the four numbers, the buckets and the input counts."""
    console.print(
        f"[bold]Backlog as of {report.as_of}[/bold]  period {report.period.key} "
        f"({report.period.start} to {report.period.end}), values in {report.currency}"
    )
    console.print(_numbers_table(report))
    for item in report.not_provided.values():
        console.print(f"{item.title}: {item.reason}")
    if report.scoreboard is not None:
        for line in report.scoreboard.lines:
            console.print(_score_text(line))
    fired = [rule.title for rule in report.rules if rule.fired]
    if fired:
        console.print(f"Triggers fired ({len(fired)}): {'; '.join(fired)}")
    if report.inputs:
        console.print(
            f"Input rows: {report.read:,} read = {report.read - report.rejected:,} "
            f"accepted + {report.rejected:,} rejected"
            + (f" (see {report.rejected_file})" if report.rejected else "")
        )
    else:
        console.print(f"From the store: snapshot {report.as_of} ({report.source})")
    _print_history(report, console)
    issues = [q for q in report.quality if q.lines]
    if issues:
        shown = "; ".join(f"{q.title}: {q.lines}" for q in issues)
        console.print(f"Data quality: {shown}")


def _score_text(line: ScoreLine) -> str:
    """One scoreboard measure: budget against actual + A, and its status."""
    show = _qty if line.measure == "units" else _money

    def text(value: Decimal | None) -> str:
        return "n/a" if value is None else show(value)

    return (
        f"  {line.measure}: {line.status} - actual + A {text(line.committed)}, "
        f"+ B {text(line.likely)}, budget {text(line.budget)}"
    )


def _numbers_table(report: Report) -> RichTable:
    table = RichTable(show_edge=False, pad_edge=False)
    for label in ("", "Lines", "Units", "Value", "Margin"):
        table.add_column(label, justify="left" if not label else "right")
    for name, title in BOX_TITLES.items():
        table.add_row(title, *_cells(report.numbers[name]))
    for name in BUCKET_NAMES:
        table.add_row(f"Bucket {name}", *_cells(report.buckets[name]))
    return table


def _cells(box: Box) -> tuple[str, str, str, str]:
    margin = "-" if box.margin is None else _money(box.margin)
    return f"{box.lines:,}", _qty(box.units), _money(box.value), margin


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _qty(value: Decimal) -> str:
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _print_history(report: Report, console: Console) -> None:
    history = report.history
    if history is None:
        return
    changes = ", ".join(
        f"{row['title'].lower()}: {row['lines']:,}"
        for row in history.changes_summary
        if row["lines"]
    )
    console.print(f"Since {history.previous}: {changes or 'no changes'}")
    if history.bridge is not None:
        bridge = history.bridge
        console.print(
            f"Sales backlog bridge: {_money(bridge.opening)} -> "
            f"{_money(bridge.closing)}"
        )
    repeat = next((t for t in report.triage if t.name == "repeat_slips"), None)
    aging = next((t for t in report.triage if t.name == "aging"), None)
    if repeat is not None and aging is not None:
        console.print(
            f"Repeat slips: {len(repeat.rows):,} lines; no movement for too long: "
            f"{len(aging.rows):,} lines"
        )
