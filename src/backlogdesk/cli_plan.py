"""The options for the files beside the orders: budget, actuals and agreements.

Shared by ``report``, ``month-end``, ``serve`` and ``pack``. Only click loads here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from backlogdesk.cli_support import DateType, StoreSpecType, domain_errors


def plan_options(function: Any) -> Any:
    """--budget, --actuals and --agreements, each with its mapping."""
    many: dict[str, Any] = {"multiple": True, "type": click.Path(path_type=Path)}
    options = [
        click.option(
            "--budget",
            help="Budget file (repeatable): revenue, units and margin targets "
            "(see docs/budget.md).",
            **many,
        ),
        click.option(
            "--budget-mapping",
            help="Budget mapping TOML, or a shipped one's name (budget-*).",
        ),
        click.option(
            "--actuals",
            help="Shipments / invoices file (repeatable): actual to date for the "
            "scoreboard (see docs/budget.md).",
            **many,
        ),
        click.option(
            "--actuals-mapping",
            help="Actuals mapping TOML, or a shipped one's name (actuals-*).",
        ),
        click.option(
            "--agreements",
            help="Frame / blanket / supply agreements file (repeatable): agreement "
            "coverage, kept apart from backlog.",
            **many,
        ),
        click.option(
            "--agreements-mapping",
            help="Agreements mapping TOML, or a shipped one's name "
            "(see docs/coverage.md).",
        ),
        click.option(
            "--plan-rates",
            type=click.Path(path_type=Path),
            help="Currency rates CSV for budget, actuals and agreements in other "
            "currencies (currency,date,rate). Default: the --rates file.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def plan_files(options: dict[str, Any], rates: Path | None = None) -> Any:
    """The PlanFiles named by the plan options in ``options`` (popped from it)."""
    from backlogdesk.plan_inputs import PlanFiles

    return PlanFiles(
        budget=tuple(options.pop("budget")),
        budget_mapping=options.pop("budget_mapping"),
        actuals=tuple(options.pop("actuals")),
        actuals_mapping=options.pop("actuals_mapping"),
        agreements=tuple(options.pop("agreements")),
        agreements_mapping=options.pop("agreements_mapping"),
        rates=options.pop("plan_rates") or rates,
    )


@click.command("month-end")
@click.option(
    "--db",
    type=StoreSpecType(),
    required=True,
    help="Store with the imported snapshots: a DuckDB file or a PostgreSQL URL.",
)
@click.option(
    "--as-of",
    type=DateType(),
    required=True,
    help="An imported date in the month to review (YYYY-MM-DD).",
)
@plan_options
@click.option(
    "--owners",
    type=click.Path(path_type=Path),
    help="Owners CSV (kind,key,person) proposing a person per red line.",
)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(path_type=Path),
    help="Settings TOML overriding defaults (see 'backlogdesk settings').",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the month-end files (created if missing).",
)
@click.option(
    "--format",
    "formats",
    default="html,xlsx,pdf",
    show_default=True,
    help="Comma-separated output formats: html, xlsx, pdf.",
)
@domain_errors
def month_end(
    db: Path | str,
    as_of: date,
    owners: Path | None,
    settings_path: Path | None,
    out_dir: Path,
    formats: str,
    **plan: Any,
) -> None:
    """Write the month-end review of the month that contains --as-of.

    Gap to budget in revenue, units and margin and where it sits (blocked,
    slipped out of the month, estimated, covered but not released, not covered
    at all), the month's backlog conversion, and the slip and block reasons that
    recur month after month. HTML, Excel and a PDF pack.

    Example: backlogdesk month-end --db backlog.duckdb --as-of 2026-11-30
    --budget budget.csv --budget-mapping budget-demo --actuals actuals.csv
    --actuals-mapping actuals-demo --out month-end/
    """
    from backlogdesk.pipeline import month_end_from_store
    from backlogdesk.rules.ownership import load_owners
    from backlogdesk.settings import load_settings

    chosen = tuple(p.strip().lower() for p in formats.split(",") if p.strip())
    month, written = month_end_from_store(
        db,
        as_of,
        out_dir,
        chosen,
        load_settings(settings_path),
        load_owners(owners),
        plan_files(plan),
    )
    for gap in month.gaps:
        click.echo(f"{gap.measure}: budget {gap.budget}, gap {gap.gap}")
    for path in written:
        click.echo(f"wrote {path}")
