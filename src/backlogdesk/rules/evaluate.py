"""Evaluate every rule on the classified open lines as of a date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backlogdesk.metrics.scoreboard import mix_is_wrong
from backlogdesk.metrics.triage import rows_of
from backlogdesk.reports.model import Box, Column, RuleResult, Scoreboard, Table
from backlogdesk.rules.catalog import RULES, Rule
from backlogdesk.settings import Settings

RULE_LINE_COLUMNS = (
    Column("customer_name", "Customer"),
    Column("line_key", "Order / line"),
    Column("open_value", "Open value", "money"),
    Column("status_class", "Status"),
    Column("bucket", "Bucket"),
    Column("ship_date", "Ship date", "date"),
    Column("days_since_movement", "Days since movement", "int"),
    Column("slips", "Slips", "int"),
    Column("block_reason", "Block reason"),
    Column("owning_function", "Function"),
    Column("proposed_owner", "Proposed owner"),
    Column("action_owner", "Assigned to"),
    Column("next_update", "Next update", "date"),
    Column("decision", "Decision"),
)


def evaluate_rules(
    open_lines: Any,
    numbers: dict[str, Box],
    buckets: dict[str, Box],
    as_of: date,
    settings: Settings,
    not_evaluated: dict[str, str],
    coverage_value: Decimal | None = None,
    scoreboard: Scoreboard | None = None,
) -> list[RuleResult]:
    """Each rule's measured value, threshold, whether it fired, and its lines."""
    period = _period_measures(open_lines, numbers, buckets, settings)
    mix = None if scoreboard is None else _mix_result(scoreboard, settings)
    if coverage_value is not None:
        backlog = numbers["sales_backlog"].value
        period["coverage_not_schedulable"] = (_share(coverage_value, backlog), "ratio")
    lines = _line_conditions(open_lines, as_of, settings)
    results = []
    for rule in RULES:
        if rule.code in not_evaluated:
            results.append(_skipped(rule, not_evaluated[rule.code]))
        elif rule.code == "revenue_green_units_margin_red" and mix is not None:
            results.append(mix(rule))
        elif rule.code in period:
            results.append(_period_result(rule, settings, *period[rule.code]))
        else:
            results.append(_line_result(rule, open_lines, lines[rule.code], settings))
    return results


def _period_measures(
    t: Any, numbers: dict[str, Box], buckets: dict[str, Box], settings: Settings
) -> dict[str, tuple[Decimal | None, str]]:
    open_value = numbers["open_orders"].value
    backlog_value = numbers["sales_backlog"].value
    row = (
        t.aggregate(
            stale=t.open_value.sum(where=t.aging),
            unconfirmed=t.open_value.sum(
                where=(t.status_class == "released") & (t.date_source != "confirmed")
            ),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    a_value, b_value = buckets["A"].value, buckets["B"].value
    return {
        "open_orders_not_moving": (_share(row["stale"], open_value), "share"),
        "backlog_unconfirmed": (_share(row["unconfirmed"], backlog_value), "share"),
        "too_many_estimates": (_share(b_value, a_value), "ratio"),
    }


def _mix_result(scoreboard: Scoreboard, settings: Settings) -> Any:
    """Revenue green but units or margin red: measured as the weakest of units
    and margin, likely (actual + A + B) as a share of budget, against the amber
    threshold."""
    shares = {
        line.measure: _share(line.likely, line.budget)
        for line in scoreboard.lines
        if line.measure in ("units", "margin") and line.budget
    }
    weakest = min(shares.values(), default=None, key=lambda v: v or Decimal(0))
    states = "; ".join(f"{line.measure} {line.status}" for line in scoreboard.lines)
    threshold = Decimal(str(settings["scoreboard_amber_pct"])) / 100
    fired = mix_is_wrong(scoreboard.lines)

    def result(rule: Rule) -> RuleResult:
        return RuleResult(
            rule.code,
            rule.title,
            rule.scope,
            rule.measure,
            weakest,
            "share of budget",
            threshold,
            fired,
            rule.function,
            rule.action,
            f"scoreboard {scoreboard.period_key}: {states}",
            None,
        )

    return result


def _share(part: Any, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / whole).quantize(Decimal("0.001"))


def _period_result(
    rule: Rule, settings: Settings, measured: Decimal | None, unit: str
) -> RuleResult:
    threshold = (
        Decimal(str(settings[rule.threshold_setting]))
        if rule.threshold_setting
        else None
    )
    fired = measured is not None and threshold is not None and measured > threshold
    note = "" if measured is not None else "nothing to measure (the base is zero)"
    return RuleResult(
        rule.code,
        rule.title,
        rule.scope,
        rule.measure,
        measured,
        unit,
        threshold,
        fired,
        rule.function,
        rule.action,
        note,
        None,
    )


def _line_conditions(t: Any, as_of: date, settings: Settings) -> dict[str, Any]:
    pending_cutoff = as_of - timedelta(days=int(settings["pending_max_days"]))
    blocked = t.status_class == "blocked"
    return {
        "no_movement": t.aging,
        "repeat_slip": t.slips.fill_null(0) == 2,
        "third_strike": t.slips.fill_null(0) >= 3,
        "blocked_without_owner": blocked
        & (t.action_owner.isnull() | t.next_update.isnull()),
        "next_update_passed": t.next_update_overdue,
        "undated_released": (t.status_class == "released") & t.undated,
        "pending_too_long": (t.status_class == "pending")
        & (t.order_date < pending_cutoff),
    }


def _line_result(rule: Rule, t: Any, condition: Any, settings: Settings) -> RuleResult:
    selected = t.filter(condition.fill_null(False))
    rows = rows_of(selected, None, RULE_LINE_COLUMNS)
    threshold = (
        Decimal(str(settings[rule.threshold_setting]))
        if rule.threshold_setting
        else None
    )
    table = Table(f"rule_{rule.code}", rule.title, RULE_LINE_COLUMNS, rows)
    return RuleResult(
        rule.code,
        rule.title,
        rule.scope,
        rule.measure,
        Decimal(len(rows)),
        "lines",
        threshold,
        bool(rows),
        rule.function,
        rule.action,
        "",
        table,
    )


def _skipped(rule: Rule, reason: str) -> RuleResult:
    return RuleResult(
        rule.code,
        rule.title,
        rule.scope,
        rule.measure,
        None,
        "",
        None,
        False,
        rule.function,
        rule.action,
        reason,
        None,
    )
