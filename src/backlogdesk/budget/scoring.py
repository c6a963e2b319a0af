"""Scoring: actuals against budget targets, with one sign rule everywhere.

Variance = actual - target, in every view (case 36): a negative variance is a
shortfall, a positive one is ahead of budget, and a period without sales shows
minus its target. Achievement = actual / target, as a percentage.

Actuals are matched to a target by day, so June 2024 never counts for the
June 2025 target (case 24), and by member: a product group's target counts its
own actuals and those of every sub-group below it in a parent map. An order
shared by several sales people credits each with their allocated share, so
the credits add up to the order and no more (case 34).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from backlogdesk.budget.targets import (
    BudgetPeriodKind,
    BudgetTarget,
    Dimension,
    Measure,
    period_containing,
)
from backlogdesk.errors import InputError

HUNDRED = Decimal(100)
PCT_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class Actual:
    """An actual amount on its business day, with the members it belongs to.

    One invoiced or shipped line, or a figure already summed for a period (dated
    on the period's first day). A measure left None is unknown (a line without
    a cost has no margin), which is not the same as zero.
    """

    day: date
    revenue: Decimal | None = None
    units: Decimal | None = None
    margin: Decimal | None = None
    order_id: str | None = None
    product_group: str | None = None
    region: str | None = None
    customer: str | None = None
    sales_person: str | None = None

    def amount(self, measure: Measure) -> Decimal | None:
        """The actual for one measure."""
        value: Decimal | None = getattr(self, measure)
        return value

    def member(self, dimension: Dimension) -> str | None:
        """The member of ``dimension`` this actual belongs to."""
        value: str | None = getattr(self, dimension)
        return value


@dataclass(frozen=True)
class Allocation:
    """A sales person's share of one order, in percent (50 means half)."""

    order_id: str
    sales_person: str
    share_pct: Decimal


@dataclass(frozen=True)
class TargetScore:
    """One target against its actuals for one measure."""

    target: BudgetTarget
    measure: Measure
    target_value: Decimal
    actual: Decimal
    variance: Decimal
    achievement_pct: Decimal | None
    counted: int
    unknown: int

    def __repr__(self) -> str:
        who = f" {self.target.member}" if self.target.member else ""
        return (
            f"<TargetScore {self.target.period_key}{who} {self.measure} "
            f"target={self.target_value} actual={self.actual} "
            f"variance={self.variance}>"
        )


def variance(actual: Decimal, target: Decimal) -> Decimal:
    """Actual minus target: negative is a shortfall, positive is ahead."""
    return actual - target


def achievement_pct(actual: Decimal, target: Decimal) -> Decimal | None:
    """Actual as a percentage of target, to 0.1; None when the target is 0."""
    if target == 0:
        return None
    return (actual / target * HUNDRED).quantize(PCT_PLACES, ROUND_HALF_UP)


def members_under(member: str, parents: Mapping[str, str]) -> frozenset[str]:
    """``member`` and every member below it in a child -> parent map."""
    check_parents(parents)
    return _descendants(member, _children(parents))


def _children(parents: Mapping[str, str]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    return children


def _descendants(member: str, children: Mapping[str, list[str]]) -> frozenset[str]:
    found = {member}
    waiting = [member]
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return frozenset(found)


def check_parents(parents: Mapping[str, str]) -> None:
    """Refuse a parent map in which a member is its own ancestor."""
    for start in parents:
        seen = [start]
        current = parents.get(start)
        while current is not None:
            if current in seen:
                chain = " -> ".join([*seen, current])
                raise InputError(
                    f"The group hierarchy loops ({chain}); each member must have "
                    "one parent above it. Fix the parent of one of these."
                )
            seen.append(current)
            current = parents.get(current)


def credit_allocations(
    actuals: Iterable[Actual], allocations: Iterable[Allocation]
) -> list[Actual]:
    """Split each shared order's actuals between its sales people by share.

    An order with allocations yields one actual per person, each measure
    multiplied by the person's share; the shares of an order must add to
    exactly 100 %. Actuals of other orders are kept as they are.
    """
    shares = _shares_by_order(allocations)
    credited: list[Actual] = []
    for actual in actuals:
        order_shares = shares.get(actual.order_id or "")
        if actual.order_id is None or order_shares is None:
            credited.append(actual)
            continue
        for person, share_pct in order_shares:
            credited.append(_credited(actual, person, share_pct / HUNDRED))
    return credited


def _shares_by_order(
    allocations: Iterable[Allocation],
) -> dict[str, list[tuple[str, Decimal]]]:
    shares: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for allocation in allocations:
        if allocation.share_pct < 0:
            raise InputError(
                f"Order {allocation.order_id}: {allocation.sales_person} has a "
                f"negative share ({allocation.share_pct} %); shares are 0 to 100."
            )
        shares[allocation.order_id].append(
            (allocation.sales_person, allocation.share_pct)
        )

    for order_id, order_shares in shares.items():
        people = [person for person, _ in order_shares]
        total = sum((share for _, share in order_shares), Decimal(0))
        if len(set(people)) != len(people) or total != HUNDRED:
            listed = ", ".join(f"{p} {s} %" for p, s in order_shares)
            raise InputError(
                f"Order {order_id}: the sales-person shares ({listed}) add to "
                f"{total} %, not 100 %, or name a person twice. Fix the "
                "allocation so each order's shares add to exactly 100 %."
            )
    return dict(shares)


def _credited(actual: Actual, person: str, share: Decimal) -> Actual:
    def part(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * share

    return replace(
        actual,
        sales_person=person,
        revenue=part(actual.revenue),
        units=part(actual.units),
        margin=part(actual.margin),
    )


def score_targets(
    targets: Iterable[BudgetTarget],
    actuals: Sequence[Actual],
    measure: Measure,
    parents: Mapping[str, str] | None = None,
) -> list[TargetScore]:
    """Score every target that sets ``measure`` against the actuals it covers.

    A target with a member counts the actuals of that member and of its
    descendants in ``parents`` (child -> parent); one without counts all.
    """
    parents = parents or {}
    check_parents(parents)
    children = _children(parents)
    index = _ActualIndex(actuals)

    scores = []
    for target in targets:
        target_value = target.amount(measure)
        if target_value is None:
            continue
        members = None
        if target.dimension is not None and target.member is not None:
            members = _descendants(target.member, children)
        found = index.between(target.start, target.end, target.dimension, members)
        scores.append(_score(target, measure, target_value, found))
    return scores


def _score(
    target: BudgetTarget, measure: Measure, target_value: Decimal, found: list[Actual]
) -> TargetScore:
    known = [a.amount(measure) for a in found if a.amount(measure) is not None]
    actual = sum((value for value in known if value is not None), Decimal(0))
    return TargetScore(
        target=target,
        measure=measure,
        target_value=target_value,
        actual=actual,
        variance=variance(actual, target_value),
        achievement_pct=achievement_pct(actual, target_value),
        counted=len(known),
        unknown=len(found) - len(known),
    )


class _ActualIndex:
    """Actuals sorted by day, so each target finds its days by bisection."""

    def __init__(self, actuals: Sequence[Actual]) -> None:
        self.actuals = sorted(actuals, key=lambda actual: actual.day)
        self.days = [actual.day for actual in self.actuals]

    def between(
        self,
        start: date,
        end: date,
        dimension: Dimension | None,
        members: frozenset[str] | None,
    ) -> list[Actual]:
        low, high = bisect_left(self.days, start), bisect_right(self.days, end)
        found = self.actuals[low:high]
        if dimension is None or members is None:
            return found
        return [a for a in found if a.member(dimension) in members]


def actuals_by_period(
    actuals: Iterable[Actual],
    kind: BudgetPeriodKind,
    measure: Measure,
    dimension: Dimension | None = None,
) -> dict[tuple[str, str | None], Decimal]:
    """Actuals summed per (period key with its year, member), oldest first."""
    totals: dict[tuple[str, str | None], Decimal] = {}
    for actual in sorted(actuals, key=lambda actual: actual.day):
        amount = actual.amount(measure)
        if amount is None:
            continue
        key = period_containing(actual.day, kind).key
        member = actual.member(dimension) if dimension else None
        totals[(key, member)] = totals.get((key, member), Decimal(0)) + amount
    return totals
