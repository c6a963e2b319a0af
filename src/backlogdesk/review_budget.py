"""Assemble the budget sections: the scoreboard and claimed vs plannable."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from backlogdesk.budget.phasing import PhasingRule
from backlogdesk.budget.scoring import Actual
from backlogdesk.budget.targets import MEASURES, BudgetTarget
from backlogdesk.metrics.claim import CLAIM_LINE_COLUMNS, claim_line_rows, claim_scope
from backlogdesk.metrics.members import (
    MemberAmounts,
    budget_dimension,
    member_actuals,
    member_buckets,
    members_table,
)
from backlogdesk.metrics.scoreboard import (
    STEPS,
    actual_to_date,
    budget_to_date,
    mix_is_wrong,
    mix_table,
    period_budget,
    score_line,
    status,
)
from backlogdesk.periods import Period
from backlogdesk.reports.model import (
    Box,
    ClaimScope,
    ClaimView,
    Scoreboard,
    ScoreLine,
    Table,
)
from backlogdesk.settings import Settings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class PlanInput:
    """Budget targets and actual rows given for a report (either may be absent)."""

    targets: list[BudgetTarget] | None = None
    actual_rows: list[Any] | None = None
    budget_source: str = ""
    actuals_source: str = ""
    rejected: dict[str, int] = field(default_factory=dict)


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
    targets = plan.targets or []
    budget = period_budget(targets, period, rule)
    actuals = basis_actuals(plan, settings)
    lines, notes = [], _input_notes(plan, settings)
    members = None
    dimension = budget_dimension(targets)
    if dimension is not None:
        names = {t.member for t in targets if t.member is not None}
        actuals = member_actuals(actuals, dimension, names)
        amounts = member_buckets(open_lines, dimension, names)
        if amounts.split:
            buckets = _member_boxes(buckets, amounts)
        notes.append(_member_note(dimension, amounts.split))
        rows = _member_rows(targets, period, as_of, actuals, amounts, settings)
        members = members_table(rows, dimension)
    for measure in MEASURES:
        total = budget.amounts[measure]
        to_date = None
        if total is not None:
            to_date = budget_to_date(targets, period, as_of, rule, measure)
        actual, _ = actual_to_date(actuals, period.start, as_of, measure)
        line = score_line(measure, total, to_date, actual, buckets, settings)
        note = _unknown_note(measure, actuals, period.start, as_of, buckets)
        lines.append(replace(_with_landing(line, landing), note=note))
    if budget.derived_margin:
        notes.append("The margin budget is revenue x the budget's margin %.")
    return Scoreboard(
        period_key=period.key,
        basis=str(settings["actuals_basis"]),
        phasing=rule.kind,
        lines=lines,
        shipped_not_invoiced=_shipped_not_invoiced(plan, period.start, as_of),
        landing_method=_landing_method(landing),
        members=members,
        mix=mix_table(open_lines) if mix_is_wrong(lines) else None,
        notes=notes,
    )


def _member_note(dimension: str, split: bool) -> str:
    label = dimension.replace("_", " ")
    if split:
        return (
            f"The budget is split by {label}: actuals, A and B count the budgeted "
            f"{label}s only, each scored on its own below."
        )
    return (
        f"The budget is split by {label}: actuals count the budgeted {label}s only; "
        f"open lines carry no {label}, so A and B count every line."
    )


def _member_boxes(buckets: dict[str, Box], amounts: MemberAmounts) -> dict[str, Box]:
    """Buckets A and B of the budgeted members only, for the company line."""
    boxed = dict(buckets)
    for name, sums in (("A", amounts.a), ("B", amounts.b)):

        def total(measure: str, sums: dict[Any, Decimal] = sums) -> Decimal:
            return sum((v for (_, m), v in sums.items() if m == measure), Decimal(0))

        boxed[name] = Box(0, total("units"), total("revenue"), total("margin"))
    return boxed


def _member_rows(
    targets: list[BudgetTarget],
    period: Period,
    as_of: date,
    actuals: list[Actual],
    amounts: MemberAmounts,
    settings: Settings,
) -> list[dict[str, Any]]:
    """One row per member and budgeted measure."""
    rule = phasing_rule(settings)
    rows = []
    for member in sorted({t.member for t in targets if t.member is not None}):
        own = [t for t in targets if t.member == member]
        budget = period_budget(own, period, rule).amounts
        dimension = own[0].dimension
        mine = [a for a in actuals if dimension and a.member(dimension) == member]
        for measure in MEASURES:
            if budget[measure] is None:
                continue
            actual, _ = actual_to_date(mine, period.start, as_of, measure)
            a = amounts.a.get((member, measure), Decimal(0))
            b = amounts.b.get((member, measure), Decimal(0))
            target = budget[measure]
            rows.append(
                {
                    "member": member,
                    "measure": measure,
                    "budget": target,
                    "actual": actual,
                    "bucket_a": a,
                    "bucket_b": b,
                    "committed": actual + a,
                    "variance": None if target is None else actual + a - target,
                    "status": status(target, actual + a, actual + a + b, settings),
                }
            )
    return rows


def _unknown_note(
    measure: str, actuals: list[Actual], start: date, as_of: date, buckets: Any
) -> str:
    """Say how much of the actuals and of A and B the measure could not count."""
    if measure == "revenue":
        return ""
    name: Any = measure
    missing = [a for a in actuals if start <= a.day <= as_of and a.amount(name) is None]
    parts = []
    if missing:
        revenue = sum((a.revenue or Decimal(0) for a in missing), Decimal(0))
        parts.append(
            f"{len(missing)} actual row(s) with {revenue:,.2f} revenue carry no "
            f"{measure}: left out, not counted as 0"
        )
    if measure == "margin":
        for name in ("A", "B"):
            box = buckets[name]
            if box.lines and box.margin_lines < box.lines:
                parts.append(
                    f"{name}: margin of {box.margin_lines} of {box.lines} lines "
                    "(the others have no cost)"
                )
    return "; ".join(parts)


def _with_landing(line: ScoreLine, landing: Any) -> ScoreLine:
    if landing is None or not landing.enough:
        return line
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
    for kind, count in plan.rejected.items():
        if count:
            notes.append(
                f"{count} {kind} row(s) were rejected and are left out of these "
                "figures: see the rejected rows file for each row's reason and fix."
            )
    return notes


def _shipped_not_invoiced(
    plan: PlanInput, start: date, as_of: date
) -> tuple[Decimal, Decimal] | None:
    if not plan.actual_rows:
        return None
    from backlogdesk.budget.actuals import shipped_not_invoiced

    return shipped_not_invoiced(plan.actual_rows, start, as_of)


def _without_coverage(scope: ClaimScope) -> ClaimScope:
    """Say that coverage is missing, rather than showing it as zero."""
    parts = [
        replace(part, title="Coverage: not provided (no agreements file given)")
        if part.part == "coverage"
        else part
        for part in scope.parts
    ]
    return replace(scope, parts=parts)


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
        view = claim_scope(open_lines, scope, title, end, invoiced, cover)
        if coverage is None:
            view = _without_coverage(view)
        views.append(view)
    rows = claim_line_rows(open_lines, [(s, end) for s, _, _, end in scopes])
    lines = Table(
        "claim_lines",
        "Lines behind the difference, by scope and part",
        CLAIM_LINE_COLUMNS,
        rows,
    )
    return ClaimView(str(settings["actuals_basis"]), views, lines)
