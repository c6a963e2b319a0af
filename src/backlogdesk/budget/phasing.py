"""Phasing: split budget targets into quarters, months and ISO weeks, exactly.

Finer periods are derived from coarser ones: a year is split into its
quarters, a quarter into its months, a month into the parts of its ISO weeks.
So the months of a quarter always add up to that quarter's share, whichever
report period is asked for.

Rules (``PhasingRule``) say how much each part weighs:

- ``even``: every month weighs the same (a quarter weighs three months); a month
  is split over its ISO weeks by calendar days, so a week that cuts two months
  takes its days from each (case 38 C: March 2024 = 3100 gives W09 (1-3 March)
  300, W10-W12 700 each, W13 (25-31 March) 700).
- ``working_days``: every Monday to Friday that is not a listed holiday weighs
  one, at every level.
- ``table``: a share per calendar month (relative weights: a quarter's months
  are weighed against each other); inside a month by calendar days.

Rounding: money is split to 0.01 and units to whole numbers by the largest
remainder. Each part first gets its exact share rounded down to the step; the
steps left over go one each to the parts whose cut-off fraction is largest,
and among equal fractions to the latest period first. So the parts always add
back to the whole exactly, and no part is a full step away from its exact
share: 100000.00 over a year's months gives 8333.33, 8333.33 and 8333.34 in
each quarter; 25 units over four quarters give 6, 6, 6, 7 (case 38 A, B).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Literal

from backlogdesk.budget.targets import (
    MEASURES,
    MONEY_STEP,
    UNIT_STEP,
    BudgetPeriod,
    BudgetTarget,
    period_containing,
)
from backlogdesk.errors import InputError

Grain = Literal["week", "month", "quarter"]
RuleKind = Literal["even", "working_days", "table"]
RULE_KINDS: tuple[RuleKind, ...] = ("even", "working_days", "table")
_RANK = {"week": 0, "month": 1, "quarter": 2, "year": 3}
_STEPS = {"revenue": MONEY_STEP, "units": UNIT_STEP, "margin": MONEY_STEP}


@dataclass(frozen=True)
class PhasingRule:
    """How a target is spread over its parts: even, working days or a table."""

    kind: RuleKind = "even"
    holidays: frozenset[date] = frozenset()
    month_shares: tuple[Fraction, ...] = ()

    def __repr__(self) -> str:
        extra = f" holidays={len(self.holidays)}" if self.holidays else ""
        return f"<PhasingRule {self.kind}{extra}>"

    @classmethod
    def even(cls) -> PhasingRule:
        """Equal per month; inside a month by calendar days."""
        return cls("even")

    @classmethod
    def working_days(cls, holidays: Iterable[date] = ()) -> PhasingRule:
        """By working days: Monday to Friday, less the given holidays."""
        return cls("working_days", frozenset(holidays))

    @classmethod
    def table(cls, shares: Mapping[int, Decimal | int]) -> PhasingRule:
        """By a share per calendar month (1-12); shares are relative weights."""
        if sorted(shares) != list(range(1, 13)):
            raise InputError(
                "A phasing table needs a share for each month 1 to 12 (use 0 for "
                f"a month without budget); it has months {sorted(shares)}."
            )
        weights = tuple(Fraction(shares[month]) for month in range(1, 13))
        if any(weight < 0 for weight in weights) or not any(weights):
            raise InputError("Phasing table shares must be 0 or more, and not all 0.")
        return cls("table", month_shares=weights)


@dataclass(frozen=True)
class _Span:
    """A stretch of days at one level: a year, quarter, month or week part."""

    kind: str
    start: date
    end: date


def split_exact(
    total: Decimal, weights: Sequence[Decimal | Fraction | int], step: Decimal
) -> list[Decimal]:
    """Split ``total`` by ``weights`` into multiples of ``step`` that add to it.

    Largest remainder, ties to the latest part (see the module docstring).
    """
    if any(weight < 0 for weight in weights):
        raise InputError("Phasing weights must be 0 or more.")
    units = _whole_steps(total, step)
    parts = _largest_remainder(units, [Fraction(weight) for weight in weights])
    return [part * step for part in parts]


def phase_amount(
    total: Decimal,
    period: BudgetPeriod,
    grain: Grain,
    rule: PhasingRule,
    step: Decimal = MONEY_STEP,
) -> list[tuple[BudgetPeriod, Decimal]]:
    """Split one amount budgeted for ``period`` into periods of ``grain``.

    A period shorter than the grain (a week, or a month asked as a quarter)
    lands in the period that contains it; a week that cuts two months or
    quarters is split between them by the rule's day weights.
    """
    units = _whole_steps(total, step)
    top = _Span(period.kind, period.start, period.end)
    if _RANK[period.kind] < _RANK[grain]:
        leaves = _split(top, units, _cut(top, grain), rule)
    else:
        leaves = _descend(top, units, grain, rule)

    summed: dict[BudgetPeriod, int] = {}
    for span, part in leaves:
        key = period_containing(span.start, grain)
        summed[key] = summed.get(key, 0) + part
    return [(key, part * step) for key, part in summed.items()]


def phase_target(
    target: BudgetTarget, grain: Grain, rule: PhasingRule | None = None
) -> list[BudgetTarget]:
    """Split a target into targets of ``grain``; each measure adds back exactly.

    Money is split to the cent, units to whole units; ``margin_pct`` is a
    ratio and is carried to every part unchanged.
    """
    rule = rule or PhasingRule.even()
    split: dict[str, list[tuple[BudgetPeriod, Decimal]]] = {}
    for measure in MEASURES:
        amount = target.amount(measure)
        if amount is not None:
            try:
                split[measure] = phase_amount(
                    amount, target.period, grain, rule, _STEPS[measure]
                )
            except InputError as exc:
                raise InputError(f"{target.origin or target}: {exc}") from None

    def part(measure: str, index: int) -> Decimal | None:
        parts = split.get(measure)
        return None if parts is None else parts[index][1]

    keys = phase_amount(Decimal(0), target.period, grain, rule)
    return [
        replace(
            target,
            period_kind=key.kind,
            period_key=key.key,
            start=key.start,
            end=key.end,
            revenue=part("revenue", index),
            units=part("units", index),
            margin=part("margin", index),
        )
        for index, (key, _) in enumerate(keys)
    ]


def phase_targets(
    targets: Iterable[BudgetTarget], grain: Grain, rule: PhasingRule | None = None
) -> list[BudgetTarget]:
    """Phase every target and add parts of the same period and member together.

    Two yearly budgets meet in the ISO week that spans New Year; that week's
    target is the sum of both parts.
    """
    merged: dict[tuple[str, str | None, str | None], BudgetTarget] = {}
    for target in targets:
        for part in phase_target(target, grain, rule):
            key = (part.period_key, part.dimension, part.member)
            merged[key] = _combined(merged[key], part) if key in merged else part
    return sorted(merged.values(), key=lambda t: (t.start, t.member or ""))


def _combined(first: BudgetTarget, second: BudgetTarget) -> BudgetTarget:
    def total(a: Decimal | None, b: Decimal | None) -> Decimal | None:
        return a if b is None else b if a is None else a + b

    same_pct = first.margin_pct == second.margin_pct
    return replace(
        first,
        revenue=total(first.revenue, second.revenue),
        units=total(first.units, second.units),
        margin=total(first.margin, second.margin),
        margin_pct=first.margin_pct if same_pct else None,
        origin=f"{first.origin}; {second.origin}",
    )


def _whole_steps(total: Decimal, step: Decimal) -> int:
    units = total / step
    if units != units.to_integral_value():
        raise InputError(
            f"{total} is not a whole number of {step}; round the target to "
            f"{step} before it is split."
        )
    return int(units)


def _descend(
    span: _Span, units: int, grain: Grain, rule: PhasingRule
) -> list[tuple[_Span, int]]:
    """Split level by level until the parts are of ``grain``."""
    if span.kind in (grain, "week"):
        return [(span, units)]
    children = _children(span)
    return [
        leaf
        for child, part in _split(span, units, children, rule)
        for leaf in _descend(child, part, grain, rule)
    ]


def _split(
    parent: _Span, units: int, children: list[_Span], rule: PhasingRule
) -> list[tuple[_Span, int]]:
    weights = [_weight(rule, child) for child in children]
    if not any(weights) and units:
        raise InputError(
            f"{parent.start}..{parent.end} has no day that counts under the "
            f"{rule.kind} phasing rule, so its target cannot be placed; check "
            "the holiday list or the phasing table."
        )
    return list(zip(children, _largest_remainder(units, weights), strict=True))


def _largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        return [0] * len(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    parts = [math.floor(quota) for quota in quotas]

    # Ties go to the latest period, so 25 units over four quarters give
    # 6, 6, 6, 7 as case 38 B states.
    left_over = total - sum(parts)
    ranked = sorted(
        range(len(parts)), key=lambda i: (quotas[i] - parts[i], i), reverse=True
    )
    for index in ranked[:left_over]:
        parts[index] += 1
    return parts


def _children(span: _Span) -> list[_Span]:
    if span.kind == "year":
        return _cut(span, "quarter", "quarter")
    if span.kind == "quarter":
        return _cut(span, "month", "month")
    return _cut(span, "week")


def _cut(span: _Span, grain: Grain, kind: str = "week") -> list[_Span]:
    """The span cut at the boundaries of ``grain`` periods, oldest first."""
    pieces = []
    day = span.start
    while day <= span.end:
        end = min(period_containing(day, grain).end, span.end)
        pieces.append(_Span(kind, day, end))
        day = end + timedelta(days=1)
    return pieces


@lru_cache(maxsize=4096)
def _weight(rule: PhasingRule, span: _Span) -> Fraction:
    if rule.kind == "working_days":
        return Fraction(_working_days(span, rule.holidays))
    if span.kind == "week":
        return Fraction((span.end - span.start).days + 1)
    months = _cut(span, "month")
    if rule.kind == "even":
        return Fraction(len(months))
    return sum(
        (rule.month_shares[piece.start.month - 1] for piece in months), Fraction(0)
    )


def _working_days(span: _Span, holidays: frozenset[date]) -> int:
    days = (
        span.start + timedelta(days=n) for n in range((span.end - span.start).days + 1)
    )
    return sum(1 for day in days if day.weekday() < 5 and day not in holidays)
