"""A budget split by product group, customer, region or sales person.

Each member's target is scored against that member's actuals and its own A and
B lines, so a group without sales shows minus its target; the company line
counts only the members the budget names. Open lines carry a product group and
a customer, so A and B split by those; for region and sales person they cannot
be split, and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backlogdesk.budget.scoring import Actual
from backlogdesk.budget.targets import BudgetTarget, Dimension
from backlogdesk.reports.model import Column, Table

# The open-line columns that name a member of each dimension.
LINE_FIELDS: dict[str, tuple[str, ...]] = {
    "product_group": ("product_group",),
    "customer": ("customer_id", "customer_name"),
}
AMOUNT_KEYS = {"revenue": "open_value", "units": "open_units", "margin": "open_margin"}
MEMBER_COLUMNS = (
    Column("member", "Member"),
    Column("measure", "Measure"),
    Column("budget", "Budget", "qty"),
    Column("actual", "Actual to date", "qty"),
    Column("bucket_a", "+ A", "qty"),
    Column("bucket_b", "+ B", "qty"),
    Column("committed", "Actual + A", "qty"),
    Column("variance", "Actual + A - budget", "qty"),
    Column("status", "Status"),
)


@dataclass(frozen=True)
class MemberAmounts:
    """A and B per member and measure, from the open lines."""

    a: dict[tuple[str, str], Decimal]
    b: dict[tuple[str, str], Decimal]
    split: bool


def budget_dimension(targets: Sequence[BudgetTarget]) -> Dimension | None:
    """The one dimension a budget is split by, or None for a company budget."""
    for target in targets:
        if target.dimension is not None:
            return target.dimension
    return None


def member_actuals(
    actuals: Sequence[Actual], dimension: Dimension, members: set[str]
) -> list[Actual]:
    """The actuals of the budgeted members only."""
    return [a for a in actuals if a.member(dimension) in members]


def member_buckets(
    open_lines: Any, dimension: Dimension, members: set[str]
) -> MemberAmounts:
    """A and B of each budgeted member, when the lines name the dimension."""
    fields = LINE_FIELDS.get(dimension)
    if fields is None:
        return MemberAmounts({}, {}, False)
    t = open_lines.filter(open_lines.bucket.isin(["A", "B"]))
    rows = (
        t.select("bucket", "open_value", "open_units", "open_margin", *fields)
        .to_pyarrow()
        .to_pylist()
    )
    found: dict[str, dict[tuple[str, str], Decimal]] = {"A": {}, "B": {}}
    for row in rows:
        member = next((row[f] for f in fields if row[f] in members), None)
        if member is None:
            continue
        for measure, key in AMOUNT_KEYS.items():
            sums = found[row["bucket"]]
            sums[member, measure] = sums.get((member, measure), Decimal(0)) + (
                row[key] or Decimal(0)
            )
    return MemberAmounts(found["A"], found["B"], True)


def members_table(rows: list[dict[str, Any]], dimension: str) -> Table:
    """Each member's line per measure, in member order."""
    label = dimension.replace("_", " ")
    return Table(
        "members",
        f"Budget by {label}",
        MEMBER_COLUMNS,
        rows,
        f"Each {label}'s target against its own actuals and its own A and B lines; "
        "a member without sales shows minus its target.",
    )
