"""The ``backlogdesk`` command line: parse options, call one core function, print.

Heavy libraries (Ibis, DuckDB, Arrow, XlsxWriter) load inside the commands, so
``backlogdesk --help`` answers at once.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from backlogdesk import __version__
from backlogdesk.cli_plan import month_end, plan_files, plan_options
from backlogdesk.cli_support import DateType, StoreSpecType, domain_errors

DEMO_AS_OF = date(2026, 11, 30)


def as_of_option(required: bool) -> Callable[[Any], Any]:
    """The --as-of option, shared by every command that reports."""
    return click.option(
        "--as-of",
        type=DateType(),
        required=required,
        help="The date the report describes (YYYY-MM-DD).",
    )


def period_option(function: Any) -> Any:
    """The --period option: which review period the buckets refer to."""
    return click.option(
        "--period",
        type=click.Choice(["week", "month", "quarter"]),
        default="week",
        show_default=True,
        help="Review period containing the as-of date (ISO weeks).",
    )(function)


def input_options(function: Any) -> Any:
    """--mapping, --rates, --units and --settings, shared by report and check."""
    options = [
        click.option(
            "--mapping",
            "mapping_spec",
            help="Mapping TOML file, or the name of a shipped mapping "
            "(see 'backlogdesk mappings list').",
        ),
        click.option(
            "--rates",
            type=click.Path(path_type=Path),
            help="Currency rates CSV: currency,date,rate into the reporting currency.",
        ),
        click.option(
            "--units",
            type=click.Path(path_type=Path),
            help="Unit conversions CSV: item,unit,stock_unit,factor.",
        ),
        click.option(
            "--movements",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Deliveries, returns, invoices or credit notes file (repeatable); "
            "the mapping's [movements] section reads them.",
        ),
        click.option(
            "--settings",
            "settings_path",
            type=click.Path(path_type=Path),
            help="Settings TOML overriding defaults (see 'backlogdesk settings').",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group()
@click.version_option(__version__, prog_name="backlogdesk")
@click.option("-v", "--verbose", count=True, help="Log each unit of work (-vv: debug).")
def main(verbose: int) -> None:
    """Backlog Desk: one honest weekly sales backlog report from ERP exports.

    Keeps budget, open orders, sales backlog and agreement coverage apart.

    Example: backlogdesk demo
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def db_option(function: Any) -> Any:
    """The --db option: the store (a DuckDB file, created when missing, or a
    PostgreSQL URL)."""
    return click.option(
        "--db",
        type=StoreSpecType(),
        default=None,
        help="Store: a DuckDB file, or postgresql://user@host:port/dbname "
        "(password from PGPASSWORD). Default for import: backlog.duckdb.",
    )(function)


@main.command()
@click.argument("orders", nargs=-1, type=click.Path(path_type=Path))
@input_options
@db_option
@as_of_option(required=True)
@period_option
@plan_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder for the report files (created if missing).",
)
@click.option(
    "--format",
    "formats",
    default="html,xlsx,json",
    show_default=True,
    help="Comma-separated output formats: html, xlsx, json.",
)
@domain_errors
def report(
    orders: tuple[Path, ...],
    mapping_spec: str | None,
    rates: Path | None,
    units: Path | None,
    movements: tuple[Path, ...],
    settings_path: Path | None,
    db: Path | str | None,
    as_of: date,
    period: str,
    out_dir: Path,
    formats: str,
    **plan: Any,
) -> None:
    """Write the weekly backlog report, from export files or from the store.

    With ORDERS (the lines file and any header or lookup files the mapping
    names) the report describes that one export; rows that cannot be used go
    to rejected-rows.csv in the output folder. With --db and no ORDERS it
    describes an imported date, with history: movement, slips, what changed.

    Example: backlogdesk report orderdetails.csv orders.csv customers.csv
    products.csv employees.csv --mapping classicmodels --as-of 2005-05-31
    --period month --out report/

    Example: backlogdesk report --db backlog.duckdb --as-of 2026-11-30 --out report/
    --budget budget.csv --budget-mapping my-budget.toml --actuals invoices.csv
    --actuals-mapping my-invoices.toml
    """
    from backlogdesk.pipeline import report_from_exports, report_from_store
    from backlogdesk.settings import load_settings

    settings = load_settings(settings_path)
    kind: Any = period
    files = plan_files(plan, rates)
    if not orders:
        if db is None:
            raise click.UsageError("Give export files (ORDERS) or --db STORE.")
        _print_run(
            report_from_store(
                db,
                as_of,
                kind,
                out_dir,
                _formats(formats),
                settings,
                plan_files=files,
            )
        )
        return
    if db is not None:
        raise click.UsageError(
            "Give either export files or --db: to report a store's date, import "
            "the files first (backlogdesk import) and report with --db only."
        )
    inputs = _inputs(mapping_spec, rates, units, movements)
    run = report_from_exports(
        list(orders), inputs, as_of, kind, out_dir, _formats(formats), settings, files
    )
    _print_run(run)


@main.command("import")
@click.argument("orders", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@db_option
@as_of_option(required=True)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Rejected rows CSV. Default: rejected-rows-<as-of>.csv beside the store "
    "file (in the current folder for a PostgreSQL store).",
)
@domain_errors
def import_command(
    orders: tuple[Path, ...],
    mapping_spec: str | None,
    rates: Path | None,
    units: Path | None,
    movements: tuple[Path, ...],
    settings_path: Path | None,
    db: Path | str | None,
    as_of: date,
    rejected_path: Path | None,
) -> None:
    """Add one week's export to the store as the snapshot of --as-of.

    The store keeps a versioned line history: a line gets a new version only
    when a planning-relevant field changes. Importing the same export again
    changes nothing; an export older than the newest snapshot is refused.
    The store is a DuckDB file or a PostgreSQL database (see docs/scale.md).

    Example: backlogdesk import orders-2026-11-30.csv --mapping my-erp.toml
    --as-of 2026-11-30 --db backlog.duckdb
    """
    from backlogdesk.pipeline import import_exports
    from backlogdesk.settings import load_settings

    store_path = db or Path("backlog.duckdb")
    beside = store_path if isinstance(store_path, Path) else Path("store")
    rejected = rejected_path or beside.with_name(f"rejected-rows-{as_of}.csv")
    outcome, result = import_exports(
        list(orders),
        _inputs(mapping_spec, rates, units, movements),
        as_of,
        load_settings(settings_path),
        store_path,
        rejected,
    )
    click.echo(
        f"{result.read:,} rows read = {len(result.lines):,} accepted + "
        f"{len(result.rejects):,} rejected"
        + (f" (see {rejected})" if result.rejects else "")
    )
    click.echo(str(outcome))


@main.group()
def snapshots() -> None:
    """See and undo the imports in a store.

    Example: backlogdesk snapshots list --db backlog.duckdb
    """


@snapshots.command("list")
@db_option
@domain_errors
def snapshots_list(db: Path | str | None) -> None:
    """List the imported snapshots, oldest first.

    Example: backlogdesk snapshots list --db backlog.duckdb
    """
    from backlogdesk.store.engines import open_store

    with open_store(_existing_store(db)) as store:
        shown = store.snapshots()
    if not shown:
        click.echo("No snapshots imported yet.")
    for snapshot in shown:
        click.echo(f"{snapshot.as_of}  {snapshot.lines:>9,} lines  {snapshot.source}")


@snapshots.command("drop")
@click.argument("day", type=DateType())
@db_option
@domain_errors
def snapshots_drop(day: date, db: Path | str | None) -> None:
    """Undo the import of one date; the history reads as if it never happened.

    Example: backlogdesk snapshots drop 2026-11-30 --db backlog.duckdb
    """
    from backlogdesk.store.engines import open_store
    from backlogdesk.store.snapshots import drop_snapshot

    with open_store(_existing_store(db)) as store:
        touched = drop_snapshot(store, day)
    click.echo(f"dropped snapshot {day} ({touched:,} line versions adjusted)")


def _existing_store(db: Path | str | None) -> Path | str:
    path = db or Path("backlog.duckdb")
    if isinstance(path, Path) and not path.exists():
        raise click.UsageError(f"{path}: no store here. Give --db STORE.")
    return path


def _inputs(
    mapping_spec: str | None,
    rates: Path | None,
    units: Path | None,
    movements: tuple[Path, ...] = (),
) -> Any:
    from backlogdesk.ingest.mapping import load_mapping
    from backlogdesk.pipeline import Inputs

    if mapping_spec is None:
        raise click.UsageError("--mapping is required with export files.")
    return Inputs(load_mapping(mapping_spec), rates, units, movements)


@main.command()
@click.argument("orders", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_options
@as_of_option(required=False)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Also write the rejected rows to this CSV file.",
)
@domain_errors
def check(
    orders: tuple[Path, ...],
    mapping_spec: str | None,
    rates: Path | None,
    units: Path | None,
    movements: tuple[Path, ...],
    settings_path: Path | None,
    as_of: date | None,
    rejected_path: Path | None,
) -> None:
    """Validate an export without reporting: rows read, accepted, rejected.

    Exits 0 when every row is accepted, 1 when some rows are rejected, 2 when
    the files cannot be read at all.

    Example: backlogdesk check order_lines.csv orders.csv --mapping my-erp.toml
    """
    from backlogdesk.ingest.rejects import problem_counts, write_rejects
    from backlogdesk.pipeline import ingest_exports
    from backlogdesk.settings import load_settings

    inputs = _inputs(mapping_spec, rates, units, movements)
    result = ingest_exports(
        list(orders), inputs, as_of or date.today(), load_settings(settings_path)
    )
    for file in result.counts:
        click.echo(
            f"{file.file}: {file.read:,} rows read, {file.accepted:,} accepted, "
            f"{file.rejected:,} rejected"
        )
    accepted = sum(file.accepted for file in result.counts)
    rejected = sum(file.rejected for file in result.counts)
    click.echo(
        f"Total: {result.read:,} read = {accepted:,} accepted + {rejected:,} rejected"
    )
    for problem, times in problem_counts(result.rejects):
        click.echo(f"  {times:,} x {problem}")
    for reject in result.rejects[:20]:
        click.echo(f"  - {reject}")
    if len(result.rejects) > 20:
        click.echo(f"  ... and {len(result.rejects) - 20:,} more")
    if rejected_path is not None:
        write_rejects(result.rejects, rejected_path)
        click.echo(f"Rejected rows written to {rejected_path}")
    sys.exit(1 if result.rejects else 0)


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("backlog-demo"),
    show_default=True,
    help="Folder for the demo exports, store and report.",
)
@as_of_option(required=False)
@period_option
@click.option("--weeks", default=26, show_default=True, help="Weekly imports to make.")
@click.option("--seed", default=7, show_default=True, help="Seed of the demo company.")
@domain_errors
def demo(out_dir: Path, as_of: date | None, period: str, weeks: int, seed: int) -> None:
    """Generate a manufacturer's weekly exports, import them, write the report.

    The weekly exports land in OUT/exports, the store in OUT/demo.duckdb, the
    report of the last week (HTML, Excel, JSON) and its rejected rows in OUT.
    The same seed and date always give the same files.

    Example: backlogdesk demo --out backlog-demo
    """
    from backlogdesk.pipeline import run_demo

    kind: Any = period
    run = run_demo(out_dir, as_of or DEMO_AS_OF, kind, weeks, seed)
    _print_run(run)
    click.echo(f"Open {out_dir / f'backlog-{run.report.as_of}.html'} in a browser.")


@main.command("settings")
def settings_command() -> None:
    """List every setting with its default, unit and meaning.

    Override them in a TOML file under [settings] and pass --settings FILE.

    The output is itself a valid settings file: save it, edit it, pass it.

    Example: backlogdesk settings > settings.toml
    """
    from backlogdesk.settings import REGISTRY

    click.echo("[settings]")
    for setting in REGISTRY:
        value = _toml_value(setting.default)
        click.echo(f"# {setting.help} ({setting.unit})")
        click.echo(f"{setting.name} = {value}")


@main.group()
def mappings() -> None:
    """List and show the mappings shipped with Backlog Desk.

    Example: backlogdesk mappings show classicmodels
    """


@mappings.command("list")
def mappings_list() -> None:
    """List the shipped mappings by name.

    Example: backlogdesk mappings list
    """
    from backlogdesk.ingest.mapping import shipped_mapping_names

    for name in shipped_mapping_names():
        kind, description = _mapping_description(name)
        click.echo(f"{name}{kind}: {description.split('. ')[0]}")


def _shipped_toml(name: str) -> dict[str, Any]:
    import tomllib
    from importlib import resources

    shipped = resources.files("backlogdesk") / "mappings" / f"{name}.toml"
    return tomllib.loads(shipped.read_text(encoding="utf-8"))


def _mapping_description(name: str) -> tuple[str, str]:
    """What kind of file a shipped mapping reads, and its description."""
    from backlogdesk.budget import load_budget_mapping
    from backlogdesk.budget.actuals_mapping import load_actuals_mapping
    from backlogdesk.coverage.agreement_mapping import load_agreement_mapping
    from backlogdesk.ingest.mapping import load_mapping

    if name.startswith("budget-"):
        return " (budget file)", load_budget_mapping(name).description
    if name.startswith("actuals-"):
        return " (actuals file)", load_actuals_mapping(name).description
    if name.startswith("agreements-"):
        load_agreement_mapping(name)
        return " (agreements file)", str(_shipped_toml(name).get("description", ""))
    return "", load_mapping(name).description


@mappings.command("show")
@click.argument("name")
@domain_errors
def mappings_show(name: str) -> None:
    """Print a shipped mapping's TOML, to copy and adapt.

    Example: backlogdesk mappings show demo > my-erp.toml
    """
    from importlib import resources

    from backlogdesk.ingest.mapping import shipped_mapping_names

    if name not in shipped_mapping_names():
        shown = ", ".join(shipped_mapping_names())
        raise click.UsageError(f"No shipped mapping '{name}'. Shipped: {shown}.")
    path = resources.files("backlogdesk") / "mappings" / f"{name}.toml"
    click.echo(path.read_text(encoding="utf-8"), nl=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {v}' for k, v in value.items()) + " }"
    return str(value)


def _formats(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


def _print_run(run: Any) -> None:
    from rich.console import Console

    from backlogdesk.reports.terminal import print_summary

    console = Console()
    print_summary(run.report, console)
    for path in run.written:
        console.print(f"wrote {path}")


from backlogdesk.web.commands import register  # noqa: E402

register(main)
main.add_command(month_end)
