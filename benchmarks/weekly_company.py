"""Benchmark: a year of weekly imports, the weekly import and the weekly report.

Builds the synthetic company of company.py (LINES open lines, WEEKS weekly
snapshots, ~5 % of lines moving and 1 % replaced each week): the first
WEEKS - 1 snapshots go straight into the store; the last week is written as a
CSV export and imported with ``backlogdesk import``, as an analyst would. Then
measures, each in a fresh process and each against a baseline run here:

- import throughput against DuckDB's own CSV reader loading the same file;
- the weekly report (report_product.py) against hand-written DuckDB SQL
  (report_sql.py) and against pandas (report_pandas.py), same tables;
- the report's peak memory, and store rows against lines + changes.

    python benchmarks/weekly_company.py                          # 1,000,000 x 52
    python benchmarks/weekly_company.py --lines 100000 --weeks 8  # a few minutes
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
from company import (
    MAPPING_PATH,
    changes_made,
    keys_made,
    week_date,
    week_table,
    write_export,
)
from measure import ChildRun, Row, print_table, run_child

from backlogdesk.store.database import Store
from backlogdesk.store.snapshots import drop_snapshot, import_snapshot

HERE = Path(__file__).parent
COMPARED = ("open_lines", "open_orders", "sales_backlog", "blocked", "pending")


def build_history(store_path: Path, lines: int, weeks: int) -> None:
    """Import weeks 0 .. weeks - 1 straight from the generator (lines parsed)."""
    maker = duckdb.connect()
    with Store(store_path) as store:
        for week in range(weeks):
            table = week_table(maker, lines, week)
            started = time.perf_counter()
            outcome = import_snapshot(store, week_date(week), table, "benchmark")
            seconds = time.perf_counter() - started
            print(f"week {week + 1:>2}: {seconds:6.2f} s  {outcome}", flush=True)


def drop_last(store_path: Path, day: date) -> None:
    """Undo a kept run's import of ``day``, so it can be measured again."""
    with Store(store_path) as store:
        if day in store.snapshot_dates():
            drop_snapshot(store, day)


def measure_import(folder: Path, store_path: Path, lines: int, week: int) -> Row:
    """``backlogdesk import`` of one export against DuckDB's read_csv."""
    export = write_export(duckdb.connect(), lines, week, folder / "export.csv")
    export.read_bytes()  # both readers start from a warm file cache
    (folder / "csv.duckdb").unlink(missing_ok=True)
    copy_sql = (
        f"create table export as select * from read_csv('{export}', header = true)"
    )
    duck = run_child(
        [
            sys.executable,
            "-c",
            f"import duckdb; duckdb.connect('{folder / 'csv.duckdb'}')"
            f'.execute("{copy_sql}")',
        ]
    )
    ours = run_child(
        [
            str(Path(sys.executable).with_name("backlogdesk")),
            "import",
            str(export),
            "--mapping",
            str(MAPPING_PATH),
            "--as-of",
            str(week_date(week)),
            "--db",
            str(store_path),
        ]
    )
    if duck.failure:
        raise RuntimeError(f"the DuckDB baseline {duck.failure}")
    ratio = duck.seconds / ours.seconds
    print(f"import: {ours.seconds:.1f} s, {ours.peak_mb:,.0f} MB peak", flush=True)
    return Row(
        "import of one weekly export (rows/s)",
        ours.shown(f"{lines / ours.seconds:,.0f} ({ours.seconds:.1f} s)"),
        f"{lines / duck.seconds:,.0f} ({duck.seconds:.1f} s, DuckDB read_csv)",
        None if ours.failure else ratio,
        ">= 0.7x DuckDB",
        not ours.failure and ratio >= 0.7,
    )


def measure_report(store_path: Path, week: int) -> tuple[list[Row], list[str]]:
    """The weekly report against SQL and pandas computing the same tables."""
    day = str(week_date(week))
    runs: dict[str, ChildRun] = {}
    for name in ("sql", "pandas", "product"):
        script = str(HERE / f"report_{name}.py")
        runs[name] = run_child([sys.executable, script, str(store_path), day], True)
        shown = runs[name].shown(f"{runs[name].seconds:.1f} s")
        print(f"report ({name}): {shown}", flush=True)
    ours, sql, frames = runs["product"], runs["sql"], runs["pandas"]
    finished = not (ours.failure or sql.failure or frames.failure)
    rows = [
        Row(
            "weekly report vs DuckDB SQL (s)",
            ours.shown(f"{ours.seconds:.1f}"),
            sql.shown(f"{sql.seconds:.1f}"),
            ours.seconds / sql.seconds if finished else None,
            "<= 1.3x SQL time",
            finished and ours.seconds <= 1.3 * sql.seconds,
        ),
        Row(
            "weekly report vs pandas (s)",
            ours.shown(f"{ours.seconds:.1f}"),
            frames.shown(f"{frames.seconds:.1f}"),
            frames.seconds / ours.seconds if finished else None,
            ">= 5x faster",
            finished and frames.seconds >= 5 * ours.seconds,
        ),
        Row(
            "peak memory of the report (MB)",
            f"{ours.peak_mb:,.0f}" + (f" ({ours.failure})" if ours.failure else ""),
            f"{sql.peak_mb:,.0f} SQL, {frames.peak_mb:,.0f} pandas",
            ours.peak_mb / sql.peak_mb,
            "<= 1,024 MB",
            not ours.failure and ours.peak_mb <= 1024,
        ),
    ]
    return rows, _agreement(runs)


def _agreement(runs: dict[str, ChildRun]) -> list[str]:
    """Figures on which the computations differ (none expected)."""
    notes = []
    ours = runs["product"].output
    for name in ("sql", "pandas"):
        other = runs[name].output
        keys = [*COMPARED, *(k for k in other if k.startswith(("bucket_", "rows_")))]
        for key in keys:
            if key in ours and abs(float(ours[key]) - float(other[key])) > 0.5:
                notes.append(f"{key}: Backlog Desk {ours[key]}, {name} {other[key]}")
    done = {k: r for k, r in runs.items() if not r.failure}
    compute = ", ".join(f"{k} {r.output['seconds']:.1f} s" for k, r in done.items())
    notes.append(f"compute time inside each process: {compute}")
    return notes


def store_row(store_path: Path, lines: int, weeks: int) -> Row:
    """Store rows against the lines and changes the generator made."""
    con = duckdb.connect(str(store_path), read_only=True)
    rows = int(con.sql("select count(*) from line_versions").fetchall()[0][0])
    con.close()
    made = keys_made(lines, weeks) + changes_made(duckdb.connect(), lines, weeks)
    ratio = rows / made
    return Row(
        "store rows / (lines + changes)",
        f"{rows:,}",
        f"{made:,} (full copies: {lines * weeks:,})",
        ratio,
        "<= 1.2",
        ratio <= 1.2,
    )


def main() -> None:
    """Build the company, run every measurement, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--keep", action="store_true", help="Keep the store.")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="Folder of a kept run of the same size: drop its last snapshot and "
        "measure again from the import on, without building the history.",
    )
    args = parser.parse_args()
    folder = args.reuse or Path(tempfile.mkdtemp(prefix="backlogdesk-bench-"))
    store_path = folder / "store.duckdb"
    last = args.weeks - 1

    if args.reuse is None:
        build_history(store_path, args.lines, last)
    else:
        drop_last(store_path, week_date(last))
    rows = [measure_import(folder, store_path, args.lines, last)]
    report_rows, notes = measure_report(store_path, last)
    rows += report_rows
    rows.append(store_row(store_path, args.lines, args.weeks))

    print(f"\n{args.lines:,} lines, {args.weeks} weekly imports, store in {folder}\n")
    print_table(rows)
    for note in notes:
        print(f"- {note}")
    if not (args.keep or args.reuse):
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
