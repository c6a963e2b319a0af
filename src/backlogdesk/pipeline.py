"""The report job: exports in, report files out, every row accounted for."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backlogdesk.errors import ReportError, StoreError
from backlogdesk.ingest.conversions import load_rates, load_units
from backlogdesk.ingest.lines import (
    FileCount,
    IngestContext,
    IngestResult,
    ingest_files,
)
from backlogdesk.ingest.mapping import Mapping
from backlogdesk.ingest.movements import apply_movements, read_movements
from backlogdesk.ingest.rejects import write_rejects
from backlogdesk.periods import PeriodKind
from backlogdesk.plan_inputs import PlanFiles, read_plan_files
from backlogdesk.reports.model import InputCount, MonthEnd, Report
from backlogdesk.review import build_report
from backlogdesk.rules.ownership import Owners
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.engines import open_store, require_existing
from backlogdesk.store.schema import lines_to_arrow
from backlogdesk.store.snapshots import ImportOutcome, import_snapshot

if TYPE_CHECKING:
    from backlogdesk.demo.history import DemoHistory

log = logging.getLogger(__name__)

FORMATS = ("html", "xlsx", "json")
REJECTED_NAME = "rejected-rows.csv"
# Rows of the budget, actuals and agreements files rejected by a store report:
# the import wrote the orders' rejected rows already.
PLAN_REJECTED_NAME = "rejected-plan-rows.csv"


@dataclass(frozen=True)
class Inputs:
    """The files a report run reads, besides the exports themselves."""

    mapping: Mapping
    rates: Path | None = None
    units: Path | None = None
    movements: tuple[Path, ...] = ()


@dataclass
class ReportRun:
    """What a report run produced."""

    report: Report
    ingest: IngestResult | None
    written: list[Path] = field(default_factory=list)


def ingest_exports(
    paths: list[Path], inputs: Inputs, as_of: date, settings: Settings
) -> IngestResult:
    """Read and map the exports; nothing is written."""
    context = IngestContext(
        business_timezone=str(settings["business_timezone"]),
        rates=load_rates(inputs.rates, str(settings["reporting_currency"])),
        units=load_units(inputs.units),
        rate_policy=str(settings["rate_date_policy"]),
        as_of=as_of,
    )
    result = ingest_files(paths, inputs.mapping, context)
    if inputs.movements:
        _apply_movement_files(result, inputs, context.business_timezone)
    return result


def _apply_movement_files(result: IngestResult, inputs: Inputs, zone: str) -> None:
    """Read the movement files and set each line's shipped quantity from them."""
    moved = read_movements(list(inputs.movements), inputs.mapping, zone)
    unmatched, differing = apply_movements(
        result.lines, moved.movements, inputs.mapping.returns_reshipped
    )
    if differing:
        result.notes.append(
            f"{differing} line(s): the export's shipped quantity differs from the "
            "movement files; the movement files were used"
        )
    rejects = moved.rejects + unmatched
    result.rejects.extend(rejects)
    for file, read, accepted, rejected in moved.counts:
        late = sum(1 for reject in unmatched if reject.file == file)
        result.counts.append(FileCount(file, read, accepted - late, rejected + late))
    result.notes.append(
        f"shipped quantities from {len(inputs.movements)} movement file(s); "
        + (
            "returned goods are re-shipped"
            if inputs.mapping.returns_reshipped
            else "returned goods are not re-shipped"
        )
    )


def report_from_exports(
    paths: list[Path],
    inputs: Inputs,
    as_of: date,
    period: PeriodKind,
    out_dir: Path,
    formats: tuple[str, ...],
    settings: Settings,
    plan_files: PlanFiles | None = None,
) -> ReportRun:
    """Ingest the exports into a one-snapshot store in ``out_dir`` and report."""
    result = ingest_exports(paths, inputs, as_of, settings)
    plan = read_plan_files(plan_files or PlanFiles(), settings)
    result.rejects.extend(plan.rejects)
    result.counts.extend(plan.counts)
    out_dir.mkdir(parents=True, exist_ok=True)
    rejected = write_rejects(result.rejects, out_dir / REJECTED_NAME)

    store_path = out_dir / "backlog.duckdb"
    with Store(store_path) as store:
        store.replace_with_single_snapshot(
            as_of, lines_to_arrow(result.lines), ", ".join(p.name for p in paths)
        )
        report = build_report(
            store,
            as_of,
            period,
            settings,
            inputs=[
                InputCount(c.file, c.read, c.accepted, c.rejected)
                for c in result.counts
            ],
            rejected_file=rejected.name,
            notes=result.notes,
            source=_source(paths, inputs),
            agreements=plan.agreements,
            plan=plan.plan,
        )
    run = ReportRun(report, result, [rejected, store_path])
    run.written += write_formats(report, out_dir, formats)
    log.info(
        "reported %s: %d lines read, %d rejected",
        as_of,
        result.read,
        len(result.rejects),
    )
    return run


def import_exports(
    paths: list[Path],
    inputs: Inputs,
    as_of: date,
    settings: Settings,
    db: Path | str,
    rejected_path: Path,
) -> tuple[ImportOutcome, IngestResult]:
    """Add the exports as the snapshot of ``as_of`` to the store ``db`` names
    (a DuckDB path or a server URL, see ``store/engines.py``)."""
    result = ingest_exports(paths, inputs, as_of, settings)
    source = _source(paths, inputs)
    counts = [asdict(count) for count in result.counts]
    with open_store(db) as store:
        outcome = import_snapshot(
            store,
            as_of,
            lines_to_arrow(result.lines),
            source,
            counts,
            str(rejected_path),
            str(settings["reporting_currency"]),
        )
    if not outcome.unchanged:
        write_rejects(result.rejects, rejected_path)
    return outcome, result


def _source(paths: list[Path], inputs: Inputs) -> str:
    names = ", ".join(path.name for path in paths)
    return f"{names} (mapping {inputs.mapping.name})"


def report_from_store(
    db: Path | str,
    as_of: date,
    period: PeriodKind,
    out_dir: Path,
    formats: tuple[str, ...],
    settings: Settings,
    owners: Owners | None = None,
    plan_files: PlanFiles | None = None,
) -> ReportRun:
    """Report from an existing store, as the business looked on ``as_of``.

    Rows of the plan files (budget, actuals, agreements) that cannot be used
    go to rejected-rows.csv in ``out_dir``.
    """
    require_existing(db)
    with open_store(db, read_only=True) as store:
        dates = store.snapshot_dates()
        if as_of not in dates:
            shown = ", ".join(str(d) for d in dates[-8:]) or "none"
            raise StoreError(
                f"{db} has no snapshot dated {as_of}. Latest snapshots: {shown}."
            )
        snapshot = next(s for s in store.snapshots() if s.as_of == as_of)
        notes = []
        if snapshot.currency and snapshot.currency != settings["reporting_currency"]:
            notes.append(
                f"Values are in {snapshot.currency}, the currency this snapshot was "
                f"imported in; the setting reporting_currency = "
                f"{settings['reporting_currency']} applies to new imports only."
            )
            settings = settings.with_overrides(
                {"reporting_currency": snapshot.currency}, "the store"
            )
        plan = read_plan_files(plan_files or PlanFiles(), settings)
        out_dir.mkdir(parents=True, exist_ok=True)
        rejected_file = snapshot.rejected_file
        written = []
        if plan_files is not None and plan_files.given:
            written.append(write_rejects(plan.rejects, out_dir / PLAN_REJECTED_NAME))
            rejected_file = f"{rejected_file} (orders); {written[0].name} (plan files)"
        report = build_report(
            store,
            as_of,
            period,
            settings,
            inputs=[InputCount(**count) for count in snapshot.inputs]
            + [InputCount(c.file, c.read, c.accepted, c.rejected) for c in plan.counts],
            rejected_file=rejected_file,
            notes=notes,
            source=snapshot.source,
            owners=owners,
            agreements=plan.agreements,
            plan=plan.plan,
        )
    return ReportRun(report, None, written + write_formats(report, out_dir, formats))


def month_end_from_store(
    db: Path | str,
    as_of: date,
    out_dir: Path,
    formats: tuple[str, ...],
    settings: Settings,
    owners: Owners | None = None,
    plan_files: PlanFiles | None = None,
) -> tuple[MonthEnd, list[Path]]:
    """The month-end review of the month containing ``as_of``, written to files."""
    from backlogdesk.month_end import build_month_end
    from backlogdesk.reports.month_end_files import write_month_end

    require_existing(db)
    plan = read_plan_files(plan_files or PlanFiles(), settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    rejected = write_rejects(plan.rejects, out_dir / PLAN_REJECTED_NAME)
    with open_store(db, read_only=True) as store:
        if as_of not in store.snapshot_dates():
            shown = ", ".join(str(d) for d in store.snapshot_dates()[-8:]) or "none"
            raise StoreError(
                f"{db} has no snapshot dated {as_of}. Latest snapshots: {shown}."
            )
        snapshot = next(s for s in store.snapshots() if s.as_of == as_of)
        month = build_month_end(
            store,
            as_of,
            settings,
            owners=owners,
            agreements=plan.agreements,
            plan=plan.plan,
            source=snapshot.source,
            inputs=[*(InputCount(**count) for count in snapshot.inputs)]
            + [InputCount(c.file, c.read, c.accepted, c.rejected) for c in plan.counts],
            rejected_file=rejected.name,
        )
    return month, [rejected, *write_month_end(month, out_dir, formats)]


def write_formats(
    report: Report, out_dir: Path, formats: tuple[str, ...]
) -> list[Path]:
    """Render ``report`` in each requested format into ``out_dir``."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError(
            f"Unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}."
        )
    stem = f"backlog-{report.as_of.isoformat()}"
    written = []
    for fmt in formats:
        writer = _writer(fmt)
        written.append(writer(report, out_dir / f"{stem}.{fmt}"))
    return written


def _writer(fmt: str) -> Callable[[Report, Path], Path]:
    if fmt == "html":
        from backlogdesk.reports.html import write_html

        return write_html
    if fmt == "xlsx":
        from backlogdesk.reports.excel import write_excel

        return write_excel
    from backlogdesk.reports.json_report import write_json

    return write_json


MONTH_END_FORMATS = ("html", "xlsx", "pdf")


def run_demo(
    out_dir: Path, last_as_of: date, period: PeriodKind, weeks: int, seed: int
) -> ReportRun:
    """Write the demo company's weekly exports, import them all, and report."""
    from backlogdesk.demo.history import write_demo_history
    from backlogdesk.demo.meeting import record_last_meeting, write_owners
    from backlogdesk.ingest.mapping import load_mapping
    from backlogdesk.rules.ownership import load_owners

    settings = Settings.defaults()
    mapping = load_mapping("demo")
    db = out_dir / "demo.duckdb"
    if db.exists():
        db.unlink()
    rejected = out_dir / REJECTED_NAME
    history = write_demo_history(out_dir / "exports", last_as_of, weeks, seed)
    exports = history.exports
    for export in exports:
        inputs = Inputs(mapping, rates=export.rates_path)
        outcome, _ = import_exports(
            export.export_paths, inputs, export.as_of, settings, db, rejected
        )
        log.info("demo: %s", outcome)
        if len(exports) > 1 and export is exports[-2]:
            with Store(db) as store:
                record_last_meeting(store, export.as_of)
    owners = load_owners(write_owners(out_dir / "exports", seed))
    files = demo_plan_files(history)
    run = report_from_store(
        db, last_as_of, period, out_dir, FORMATS, settings, owners, files
    )
    _, month_files = month_end_from_store(
        db,
        last_as_of,
        out_dir / "month-end",
        MONTH_END_FORMATS,
        settings,
        owners,
        files,
    )
    run.written += month_files
    return run


def demo_plan_files(history: DemoHistory) -> PlanFiles:
    """The demo company's budget, actuals and agreements with their mappings."""
    return PlanFiles(
        budget=(history.budget_path,),
        budget_mapping="budget-demo",
        actuals=(history.actuals_path,),
        actuals_mapping="actuals-demo",
        agreements=(history.agreements_path,),
        agreements_mapping="agreements-demo",
        rates=history.rates_path,
    )
