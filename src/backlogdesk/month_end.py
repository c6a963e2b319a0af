"""Assemble the month-end review from the store, as of a date in the month.

The month is the calendar month of the as-of date. Its report is the ordinary
report with the period set to that month; on top of it come the gap to budget
per measure and where it sits, the month's backlog conversion so far, and the
slip and block reasons that recur month after month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from backlogdesk.metrics.conversion import conversion_lines
from backlogdesk.metrics.gap import GapSource, measure_gap
from backlogdesk.periods import Period, period_containing
from backlogdesk.reports.model import MeasureGap, MonthEnd, Report
from backlogdesk.review import AgreementInput, build_report
from backlogdesk.review_budget import PlanInput
from backlogdesk.review_history import classified_as_of, conversion_result
from backlogdesk.rules.ownership import Owners
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store

AMOUNT_KEYS = {"revenue": "open_value", "units": "open_units", "margin": "open_margin"}


def build_month_end(
    store: Store,
    as_of: date,
    settings: Settings,
    owners: Owners | None = None,
    agreements: AgreementInput | None = None,
    plan: PlanInput | None = None,
    **report_args: Any,
) -> MonthEnd:
    """The month-end review of the month that contains ``as_of``."""
    report = build_report(
        store,
        as_of,
        "month",
        settings,
        owners=owners,
        agreements=agreements,
        plan=plan,
        **report_args,
    )
    month = period_containing(as_of, "month")
    first = _first_import(store, month, as_of)
    slipped: set[str] = set()
    conversion, note = (
        None,
        (f"The month's conversion needs an import inside {month.key} before {as_of}."),
    )
    if first is not None:
        lines = _month_lines(store, first, as_of, month, settings)
        slipped = _slipped_keys(lines)
        conversion = conversion_result(lines, month, first, as_of)
        note = ""
    return MonthEnd(
        report=report,
        month_key=month.key,
        gaps=_gaps(report, month, slipped),
        conversion=conversion,
        conversion_note=note,
        reasons=_reasons(store, as_of, settings),
        notes=_notes(report),
    )


def _first_import(store: Store, month: Period, as_of: date) -> date | None:
    inside = [d for d in store.snapshot_dates() if month.start <= d < as_of]
    return inside[0] if inside else None


def _month_lines(
    store: Store, first: date, as_of: date, month: Period, settings: Settings
) -> Any:
    """A and B at the month's first import, and what became of them by ``as_of``."""
    start = classified_as_of(store, first, month, settings)
    end = classified_as_of(store, as_of, month, settings)
    return conversion_lines(start, end, month.end).cache()


def _slipped_keys(lines: Any) -> set[str]:
    slipped = lines.filter(lines.outcome == "slipped_out").select("line_key")
    return {row["line_key"] for row in slipped.to_pyarrow().to_pylist()}


def _gaps(report: Report, month: Period, slipped: set[str]) -> list[MeasureGap]:
    scoreboard = report.scoreboard
    if scoreboard is None:
        return []
    rows = report.lines.rows
    covered = _covered(report, month)
    gaps = []
    for line in scoreboard.lines:
        key = AMOUNT_KEYS[line.measure]
        sources = [
            _source("blocked", rows, key, lambda r: _blocked_in(r, month)),
            _source("slipped", rows, key, lambda r: r["line_key"] in slipped),
            GapSource("unconfirmed", report.buckets["B"].lines, line.bucket_b),
            GapSource("covered", covered[0], covered[1].get(line.measure, Decimal(0))),
        ]
        note = _gap_note(line.measure, report)
        gaps.append(
            measure_gap(
                line.measure, line.budget, line.actual, line.bucket_a, sources, note
            )
        )
    return gaps


def _blocked_in(row: dict[str, Any], month: Period) -> bool:
    ship = row["ship_date"]
    return bool(
        row["status_class"] == "blocked" and (ship is None or ship <= month.end)
    )


def _source(part: str, rows: list[dict[str, Any]], key: str, keep: Any) -> GapSource:
    chosen = [row for row in rows if keep(row)]
    amount = sum((row[key] or Decimal(0) for row in chosen), Decimal(0))
    return GapSource(part, len(chosen), amount)


def _covered(report: Report, month: Period) -> tuple[int, dict[str, Decimal]]:
    """Agreements valid in the month with value not yet called off."""
    coverage = report.coverage
    if coverage is None:
        return 0, {}
    valid = [
        row
        for row in coverage.agreements
        if row.counts_as_coverage
        and (row.valid_from is None or row.valid_from <= month.end)
        and (row.valid_to is None or row.valid_to >= month.start)
    ]
    value = sum((r.unreleased_value_reporting or Decimal(0) for r in valid), Decimal(0))
    units = sum((r.unreleased_qty or Decimal(0) for r in valid), Decimal(0))
    return len(valid), {"revenue": value, "units": units}


def _gap_note(measure: str, report: Report) -> str:
    if measure == "margin":
        return (
            "Margin counts lines with a cost only; agreements carry no margin, so "
            "coverage explains no margin gap."
        )
    if measure == "units" and report.coverage is not None:
        return "Coverage units are the agreements' own units, as committed."
    return ""


def _reasons(store: Store, as_of: date, settings: Settings) -> Any:
    from backlogdesk.metrics.reasons import reasons_review

    return reasons_review(
        store, as_of, settings, recur_months=int(settings["recurring_reason_months"])
    )


def _notes(report: Report) -> list[str]:
    notes = list(report.notes)
    if report.scoreboard is None:
        notes.append(
            "No budget file was given (--budget): the gap to budget cannot be shown."
        )
    return notes
