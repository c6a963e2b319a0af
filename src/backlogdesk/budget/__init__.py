"""Budget: targets read from a finance file, phased to periods and scored.

Budget is one of the four numbers and is never mixed with orders: targets come
from a budget file (``read_budget``), are split exactly into the report's
periods (``phase_targets``) and are scored against actuals with one sign rule,
variance = actual - target (``score_targets``). docs/budget.md is the reference.
"""

from __future__ import annotations

from backlogdesk.budget.mapping import BudgetMapping, load_budget_mapping
from backlogdesk.budget.phasing import (
    PhasingRule,
    phase_amount,
    phase_target,
    phase_targets,
    split_exact,
)
from backlogdesk.budget.reader import BudgetReadResult, read_budget
from backlogdesk.budget.scoring import (
    Actual,
    Allocation,
    TargetScore,
    achievement_pct,
    actuals_by_period,
    credit_allocations,
    members_under,
    score_targets,
    variance,
)
from backlogdesk.budget.targets import BudgetPeriod, BudgetTarget, parse_period_text

__all__ = [
    "Actual",
    "Allocation",
    "BudgetMapping",
    "BudgetPeriod",
    "BudgetReadResult",
    "BudgetTarget",
    "PhasingRule",
    "TargetScore",
    "achievement_pct",
    "actuals_by_period",
    "credit_allocations",
    "load_budget_mapping",
    "members_under",
    "parse_period_text",
    "phase_amount",
    "phase_target",
    "phase_targets",
    "read_budget",
    "score_targets",
    "split_exact",
    "variance",
]
