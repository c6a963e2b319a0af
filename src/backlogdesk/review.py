"""Build the weekly backlog ``Report`` from the store, as of a date."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from backlogdesk import __version__
from backlogdesk.definitions import DEFINITIONS
from backlogdesk.ingest.conversions import Rates
from backlogdesk.metrics.classify import aging_band_order
from backlogdesk.metrics.invoicing import to_invoice
from backlogdesk.metrics.numbers import bucket_boxes, headline_boxes
from backlogdesk.metrics.orders import late_orders
from backlogdesk.metrics.promises import promises_table
from backlogdesk.metrics.quality import quality_issues
from backlogdesk.metrics.splits import SPLITS, ship_month_by_bucket, split_table
from backlogdesk.metrics.triage import FULL_COLUMNS, rows_of, triage_tables
from backlogdesk.periods import Period, PeriodKind, period_containing
from backlogdesk.reports.model import (
    InputCount,
    NotProvided,
    PeriodInfo,
    Report,
    Scoreboard,
    Table,
)
from backlogdesk.review_budget import PlanInput, build_claim_view, build_scoreboard
from backlogdesk.review_history import build_history, classified_as_of
from backlogdesk.rules.evaluate import evaluate_rules
from backlogdesk.rules.ownership import Owners, owning_function, proposed_person
from backlogdesk.settings import Settings
from backlogdesk.store.actions import latest_actions_table
from backlogdesk.store.database import Store

log = logging.getLogger(__name__)


def build_report(
    store: Store,
    as_of: date,
    period_kind: PeriodKind,
    settings: Settings,
    inputs: list[InputCount] | None = None,
    rejected_file: str | None = None,
    notes: list[str] | None = None,
    source: str = "",
    owners: Owners | None = None,
    agreements: AgreementInput | None = None,
    plan: PlanInput | None = None,
) -> Report:
    """Classify the lines valid on ``as_of`` and assemble every section."""
    period = period_containing(as_of, period_kind)
    every_line = classified_as_of(store, as_of, period, settings).cache()
    classified = every_line
    if agreements is not None:
        classified = _without_agreement_lines(every_line, agreements).cache()
    open_lines = _with_ownership(
        classified.filter(classified.is_open), store, owners or Owners(), as_of
    )

    numbers = headline_boxes(open_lines)
    buckets, past_due = bucket_boxes(open_lines)
    report = Report(
        as_of=as_of,
        period=PeriodInfo(period.kind, period.key, period.start, period.end),
        currency=str(settings["reporting_currency"]),
        numbers=numbers,
        buckets=buckets,
        past_due=past_due,
        not_provided=_not_provided(),
        splits=_splits(open_lines, settings),
        ship_month_by_bucket=ship_month_by_bucket(open_lines),
        triage=[
            *triage_tables(open_lines, as_of, settings),
            late_orders(open_lines),
            to_invoice(classified),
            promises_table(latest_actions_table(store), every_line, as_of),
        ],
        quality=quality_issues(classified, open_lines, settings),
        lines=Table("lines", "All open lines", FULL_COLUMNS, rows_of(open_lines)),
        inputs=inputs or [],
        rejected_file=rejected_file,
        definitions=list(DEFINITIONS),
        settings=dict(settings.values),
        notes=notes or [],
        source=source,
        generated_by=f"Backlog Desk {__version__}",
        history=build_history(store, classified, as_of, period_kind, settings),
    )
    coverage = None
    if agreements is not None:
        coverage = _coverage(every_line, agreements, as_of, settings)
        report.coverage = coverage
        report.not_provided["agreement_coverage"] = _coverage_box(coverage)
    if plan is not None:
        _add_plan(report, plan, store, period, open_lines, coverage, settings)
    report.rules = evaluate_rules(
        open_lines,
        numbers,
        buckets,
        as_of,
        settings,
        _not_evaluated(coverage is not None, report.scoreboard is not None),
        None if coverage is None else coverage.total.value,
        report.scoreboard,
    )
    log.info(
        "built report as of %s: %d open lines", as_of, numbers["open_orders"].lines
    )
    return report


def _splits(open_lines: Any, settings: Settings) -> list[Table]:
    orders = {
        "by_aging_band": aging_band_order(settings),
        "by_slip_count": ["0", "1", "2", "3 or more"],
    }
    return [
        split_table(open_lines, name, title, key, label, orders.get(name))
        for name, title, key, label in SPLITS
    ]


def _with_ownership(open_lines: Any, store: Store, owners: Owners, as_of: date) -> Any:
    """Open lines with their newest recorded action, owning function and a
    proposed person, so every red line can leave the meeting with an owner."""
    actions = latest_actions_table(store)
    t = open_lines.left_join(actions, open_lines.line_key == actions.line_key)
    t = t.drop("line_key_right")
    t = t.mutate(owning_function=owning_function(t))
    return t.mutate(
        proposed_owner=proposed_person(t, t.owning_function, owners),
        # A line that moved after its action was recorded has been dealt with.
        next_update_overdue=(
            (t.next_update < as_of) & (t.valid_from <= t.recorded_at.date())
        ).fill_null(False),
    ).cache()


def _add_plan(
    report: Report,
    plan: PlanInput,
    store: Store,
    period: Period,
    open_lines: Any,
    coverage: Any,
    settings: Settings,
) -> None:
    """The scoreboard (with a budget) and claimed vs plannable."""
    as_of = report.as_of
    if plan.targets is not None:
        from backlogdesk.metrics.landing import landing_forecast

        min_periods = int(settings["landing_min_periods"])
        landing = landing_forecast(store, as_of, period.kind, settings, min_periods)
        report.scoreboard = build_scoreboard(
            plan, period, as_of, report.buckets, open_lines, settings, landing
        )
        report.not_provided["budget"] = _budget_box(report.scoreboard, plan)
    report.claim = build_claim_view(plan, open_lines, period, as_of, coverage, settings)


def _budget_box(scoreboard: Scoreboard, plan: PlanInput) -> NotProvided:
    revenue = scoreboard.line("revenue")
    states = ", ".join(f"{line.measure} {line.status}" for line in scoreboard.lines)
    text = f"{scoreboard.period_key} ({plan.budget_source}): {states}."
    return NotProvided("Budget", text, provided=True, value=revenue.budget)


def _not_evaluated(with_coverage: bool, with_budget: bool) -> dict[str, str]:
    missing = {}
    if not with_budget:
        missing["revenue_green_units_margin_red"] = (
            "not evaluated: no budget file was given"
        )
    if not with_coverage:
        missing["coverage_not_schedulable"] = (
            "not evaluated: no agreements file was given"
        )
    return missing


@dataclass(frozen=True)
class AgreementInput:
    """Agreements read from their file, and the rates to value them with."""

    agreements: list[Any]
    rates: Rates


def _without_agreement_lines(classified: Any, given: AgreementInput) -> Any:
    """Lines an ERP exports for the agreement itself are coverage, not orders."""
    from backlogdesk.coverage.summary import agreement_line_keys

    keys = agreement_line_keys(classified, given.agreements)
    return classified.filter(~classified.line_key.isin(keys)) if keys else classified


def _coverage(
    classified: Any, given: AgreementInput, as_of: date, settings: Settings
) -> Any:
    from backlogdesk.coverage.summary import compute_coverage

    days = int(settings["agreement_expiry_warning_days"])
    return compute_coverage(classified, given.agreements, as_of, given.rates, days)


def _coverage_box(coverage: Any) -> NotProvided:
    total = coverage.total
    flags = [
        f"{len(coverage.over_released)} over-released",
        f"{len(coverage.expiring)} ending soon with much unreleased",
        f"{len(coverage.expired)} expired with quantity left",
    ]
    text = (
        f"{total.value:,.2f} {coverage.currency} not yet called off on "
        f"{total.agreements} agreement(s); never added to backlog. "
        + "; ".join(flags)
        + "."
    )
    return NotProvided(
        "Agreement coverage",
        text,
        provided=True,
        value=total.value,
        count=total.agreements,
    )


def _not_provided() -> dict[str, NotProvided]:
    return {
        "budget": NotProvided("Budget", "not provided: no budget file was given"),
        "agreement_coverage": NotProvided(
            "Agreement coverage", "not provided: no agreements file was given"
        ),
    }
