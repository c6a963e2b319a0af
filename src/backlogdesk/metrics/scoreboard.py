"""The budget scoreboard: budget against actual to date plus buckets A and B.

Per measure (revenue, units, margin) for the review period:

- budget: the budget phased into the period (budget/phasing.py), all members;
- budget to date: the period's budget spread over its days by the same rule,
  summed up to the as-of date, for pacing;
- actual to date: shipped or invoiced (setting ``actuals_basis``) from the
  period's first day to the as-of date, returns and credit notes netted;
- committed = actual + A; likely = committed + B;
- green when committed reaches ``scoreboard_green_pct`` of budget, amber when
  likely reaches ``scoreboard_amber_pct`` of it, red otherwise.

Variance is committed - budget: negative is a shortfall, as everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from backlogdesk.budget.phasing import (
    PhasingRule,
    phase_target,
    phase_targets,
    split_exact,
)
from backlogdesk.budget.scoring import Actual
from backlogdesk.budget.targets import MEASURES, BudgetTarget, Measure
from backlogdesk.periods import Period
from backlogdesk.reports.model import Box, Column, ScoreLine, Table
from backlogdesk.settings import Settings

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
STEPS = {"revenue": CENT, "units": Decimal(1), "margin": CENT}


@dataclass(frozen=True)
class PeriodBudget:
    """The budget of one period per measure (None where the budget is silent)."""

    amounts: dict[str, Decimal | None]
    derived_margin: bool


def period_budget(
    targets: Sequence[BudgetTarget], period: Period, rule: PhasingRule
) -> PeriodBudget:
    """Sum the budget phased into ``period`` over every member."""
    amounts: dict[str, Decimal | None] = dict.fromkeys(MEASURES)
    derived = False
    for part in phase_targets(targets, period.kind, rule):
        if part.period_key != period.key:
            continue
        for measure in MEASURES:
            value = _target_amount(part, measure)
            if value is not None:
                amounts[measure] = (amounts[measure] or Decimal(0)) + value
        derived = derived or (part.margin is None and part.margin_pct is not None)
    return PeriodBudget(amounts, derived)


def _target_amount(target: BudgetTarget, measure: Measure) -> Decimal | None:
    """A measure's target; margin falls back to revenue x margin %."""
    value = target.amount(measure)
    pct, revenue = target.margin_pct, target.revenue
    if (
        value is None
        and measure == "margin"
        and pct is not None
        and revenue is not None
    ):
        value = (revenue * pct / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    return value


def budget_to_date(
    targets: Sequence[BudgetTarget],
    period: Period,
    as_of: date,
    rule: PhasingRule,
    measure: Measure,
) -> Decimal | None:
    """The part of the budget that falls on the period's days up to ``as_of``.

    Each target is taken month by month (a weekly target as its week) and
    spread over that month's days by the rule, so a week that cuts two months
    takes each month's own daily pace.
    """
    if as_of >= period.end:
        return period_budget(targets, period, rule).amounts[measure]
    total: Decimal | None = None
    for target in targets:
        parts = [target] if target.period_kind == "week" else []
        parts = parts or phase_target(target, "month", rule)
        for part in parts:
            amount = _target_amount(part, measure)
            first, last = max(part.start, period.start), min(part.end, as_of)
            if amount is None or first > last:
                continue
            spread = spread_to_date(
                amount, part.start, part.end, last, rule, STEPS[measure]
            )
            before = spread_to_date(
                amount, part.start, part.end, first - timedelta(days=1), rule,
                STEPS[measure],
            )  # fmt: skip
            total = (total or Decimal(0)) + spread - before
    return total


def spread_to_date(
    total: Decimal,
    start: date,
    end: date,
    as_of: date,
    rule: PhasingRule,
    step: Decimal,
) -> Decimal:
    """The part of ``total`` (spread over ``start``..``end`` by day weights)
    that falls on days up to ``as_of``; the parts add back to ``total``."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    weights = [_day_weight(day, rule) for day in days]
    if not any(weights):
        weights = [1] * len(days)
    parts = split_exact(total, weights, step)
    chosen = (part for day, part in zip(days, parts, strict=True) if day <= as_of)
    return sum(chosen, Decimal(0))


def _day_weight(day: date, rule: PhasingRule) -> int:
    if rule.kind == "working_days":
        return int(day.weekday() < 5 and day not in rule.holidays)
    return 1


def actual_to_date(
    actuals: Sequence[Actual], start: date, as_of: date, measure: Measure
) -> tuple[Decimal, int]:
    """The measure's actuals dated from ``start`` to ``as_of``, and how many
    of those actuals do not know the measure (a line without cost has no margin)."""
    total, unknown = Decimal(0), 0
    for actual in actuals:
        if start <= actual.day <= as_of:
            amount = actual.amount(measure)
            if amount is None:
                unknown += 1
            else:
                total += amount
    return total, unknown


def bucket_amount(box: Box, measure: str) -> Decimal:
    """A bucket's value, units or margin (margin of costed lines only)."""
    if measure == "revenue":
        return box.value
    if measure == "units":
        return box.units
    return box.margin or Decimal(0)


def score_line(
    measure: Measure,
    budget: Decimal | None,
    to_date: Decimal | None,
    actual: Decimal,
    buckets: dict[str, Box],
    settings: Settings,
) -> ScoreLine:
    """One measure's line: committed, likely, variance and its colour."""
    a = bucket_amount(buckets["A"], measure)
    b = bucket_amount(buckets["B"], measure)
    committed = actual + a
    likely = committed + b
    return ScoreLine(
        measure=measure,
        budget=budget,
        budget_to_date=to_date,
        actual=actual,
        bucket_a=a,
        bucket_b=b,
        committed=committed,
        likely=likely,
        variance=None if budget is None else committed - budget,
        status=status(budget, committed, likely, settings),
    )


def status(
    budget: Decimal | None, committed: Decimal, likely: Decimal, settings: Settings
) -> str:
    """green / amber / red against the budget, or "not budgeted"."""
    if budget is None:
        return "not budgeted"
    green = budget * Decimal(str(settings["scoreboard_green_pct"])) / HUNDRED
    amber = budget * Decimal(str(settings["scoreboard_amber_pct"])) / HUNDRED
    if committed >= green:
        return "green"
    if likely >= amber:
        return "amber"
    return "red"


def mix_is_wrong(lines: Sequence[ScoreLine]) -> bool:
    """Revenue green while units or margin is red: the mix carries revenue only."""
    by_measure = {line.measure: line.status for line in lines}
    return by_measure.get("revenue") == "green" and "red" in (
        by_measure.get("units"),
        by_measure.get("margin"),
    )


def margin_band(t: Any) -> Any:
    """Each line's margin band: no cost, below 0 %, 0-15 %, 15-30 %, 30 % and up."""
    import ibis

    pct = t.open_margin / t.open_value * 100
    return ibis.cases(
        (t.open_margin.isnull() | (t.open_value == 0), "no cost"),
        (pct < 0, "below 0 %"),
        (pct < 15, "0-15 %"),
        (pct < 30, "15-30 %"),
        else_="30 % and up",
    )


MIX_COLUMNS = (
    Column("ship_month", "Ship month"),
    Column("margin_band", "Margin band"),
    Column("product_group", "Product group"),
    Column("lines", "Lines", "int"),
    Column("units", "Units", "qty"),
    Column("value", "Value", "money"),
    Column("margin", "Margin (costed lines)", "money"),
)


def mix_table(open_lines: Any) -> Table:
    """Backlog shipping this period (A and B) by ship month x margin band x group.

    Shown when revenue is green but units or margin is red: it finds the
    lines that carry revenue without the units or the margin.
    """
    t = open_lines.filter(open_lines.bucket.isin(["A", "B"]))
    t = t.mutate(margin_band=margin_band(t))
    grouped = t.group_by(
        ship_month=t.ship_month.fill_null("(undated)"),
        margin_band=t.margin_band,
        product_group=t.product_group.fill_null("(none)"),
    ).aggregate(
        lines=t.count(),
        units=t.open_units.sum(),
        value=t.open_value.sum(),
        margin=t.open_margin.sum(),
    )
    rows = grouped.to_pyarrow().to_pylist()
    rows.sort(
        key=lambda r: (
            r["ship_month"],
            _band_rank(r["margin_band"]),
            r["product_group"],
        )
    )
    return Table(
        "mix",
        "Backlog shipping this period by ship month, margin band and product group",
        MIX_COLUMNS,
        rows,
        "Revenue is on track but units or margin is not: these lines carry the "
        "period's revenue; the low bands show where the mix falls short.",
    )


BANDS = ("below 0 %", "0-15 %", "15-30 %", "30 % and up", "no cost")


def _band_rank(band: str) -> int:
    return BANDS.index(band) if band in BANDS else len(BANDS)
