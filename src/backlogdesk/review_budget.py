"""Assemble the budget sections: the scoreboard and claimed vs plannable."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from backlogdesk.budget.phasing import PhasingRule
from backlogdesk.budget.scoring import Actual
from backlogdesk.budget.targets import MEASURES, BudgetTarget
from backlogdesk.metrics.claim import CLAIM_LINE_COLUMNS, claim_line_rows, claim_scope
from backlogdesk.metrics.scoreboard import (
    STEPS,
    actual_to_date,
    budget_to_date,
    mix_is_wrong,
    mix_table,
    period_budget,
    score_line,
)
from backlogdesk.periods import Period
from backlogdesk.reports.model import Box, ClaimView, Scoreboard, ScoreLine, Table
from backlogdesk.settings import Settings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PlanInput:
    """Budget targets and actual rows given for a report (either may be absent)."""

    targets: list[BudgetTarget] | None = None
    actual_rows: list[Any] | None = None
    budget_source: str = ""
    actuals_source: str = ""


def phasing_rule(settings: Settings) -> PhasingRule:
    """The phasing rule the settings name."""
    if settings["budget_phasing"] == "working_days":
        return PhasingRule.working_days()
    return PhasingRule.even()


def basis_actuals(plan: PlanInput, settings: Settings) -> list[Actual]:
    """The actuals that count on the chosen basis (dispatch or invoice)."""
    if not plan.actual_rows:
        return []
    from backlogdesk.budget.actuals import actuals_for

    return actuals_for(plan.actual_rows, str(settings["actuals_basis"]))


def build_scoreboard(
    plan: PlanInput,
    period: Period,
    as_of: date,
    buckets: dict[str, Box],
    open_lines: Any,
    settings: Settings,
    landing: Any = None,
) -> Scoreboard:
    """Budget, actual to date, A and B per measure, with colour and landing."""
    rule = phasing_rule(settings)
    budget = period_budget(plan.targets or [], period, rule)
    actuals = basis_actuals(plan, settings)
    lines, notes = [], _input_notes(plan, settings)
    for measure in MEASURES:
        total = budget.amounts[measure]
        to_date = None
        if total is not None:
            to_date = budget_to_date(total, period, as_of, rule, STEPS[measure])
        actual, unknown = actual_to_date(actuals, period.start, as_of, measure)
        line = score_line(measure, total, to_date, actual, buckets, settings)
        lines.append(_with_landing(line, landing, unknown))
    if budget.derived_margin:
        notes.append("The margin budget is revenue x the budget's margin %.")
    return Scoreboard(
        period_key=period.key,
        basis=str(settings["actuals_basis"]),
        phasing=rule.kind,
        lines=lines,
        shipped_not_invoiced=_shipped_not_invoiced(plan, period.start, as_of),
        landing_method=_landing_method(landing),
        mix=mix_table(open_lines) if mix_is_wrong(lines) else None,
        notes=notes,
    )


def _with_landing(line: ScoreLine, landing: Any, unknown: int) -> ScoreLine:
    note = ""
    if unknown and line.measure != "revenue":
        note = f"{unknown} actual row(s) without {line.measure} are not counted"
    if landing is None or not landing.enough:
        return replace(line, note=note)
    step = STEPS[line.measure] if line.measure == "units" else CENT
    p50 = (
        line.actual
        + line.bucket_a * landing.share_a_p50
        + (line.bucket_b * landing.share_b_p50)
    )
    p90 = (
        line.actual
        + line.bucket_a * landing.share_a_p90
        + (line.bucket_b * landing.share_b_p90)
    )
    return replace(
        line,
        landing_p50=p50.quantize(step, ROUND_HALF_UP),
        landing_p90=p90.quantize(step, ROUND_HALF_UP),
        note=note,
    )


def _landing_method(landing: Any) -> str:
    if landing is None:
        return "No landing range: the store holds one import only."
    if not landing.enough:
        return str(landing.reason)
    return str(landing.method)


def _input_notes(plan: PlanInput, settings: Settings) -> list[str]:
    notes = []
    if plan.actual_rows is None:
        notes.append(
            "No actuals file was given (--actuals): actual to date counts as 0, so "
            "committed and likely hold backlog only."
        )
    else:
        kinds = (
            "deliveries less returns"
            if settings["actuals_basis"] == "dispatch"
            else "invoices less credit notes"
        )
        notes.append(f"Actual to date: {kinds} (setting actuals_basis).")
    return notes


def _shipped_not_invoiced(
    plan: PlanInput, start: date, as_of: date
) -> tuple[Decimal, Decimal] | None:
    if not plan.actual_rows:
        return None
    from backlogdesk.budget.actuals import shipped_not_invoiced

    return shipped_not_invoiced(plan.actual_rows, start, as_of)


def build_claim_view(
    plan: PlanInput,
    open_lines: Any,
    period: Period,
    as_of: date,
    coverage: Any,
    settings: Settings,
) -> ClaimView:
    """Claimed vs plannable for the review period and the year of ``as_of``."""
    actuals = basis_actuals(plan, settings)
    cover = (Decimal(0), 0)
    if coverage is not None:
        cover = (coverage.total.value, coverage.total.agreements)
    year_start, year_end = date(as_of.year, 1, 1), date(as_of.year, 12, 31)
    scopes = [
        ("period", f"Period {period.key}", period.start, period.end),
        ("year", f"Year {as_of.year}", year_start, year_end),
    ]
    views = []
    for scope, title, start, end in scopes:
        invoiced, _ = actual_to_date(actuals, start, as_of, "revenue")
        views.append(claim_scope(open_lines, scope, title, end, invoiced, cover))
    rows = claim_line_rows(open_lines, [(s, end) for s, _, _, end in scopes])
    lines = Table(
        "claim_lines",
        "Lines behind the difference, by scope and part",
        CLAIM_LINE_COLUMNS,
        rows,
    )
    return ClaimView(str(settings["actuals_basis"]), views, lines)
