"""Benchmark: a year of weekly imports of a large order book.

Builds the synthetic company of company.py with LINES open lines and WEEKS
weekly snapshots in which about 5 % of lines move their ship date and about
1 % ship out and are replaced by new lines. Prints store rows
against lines + changes (target <= 1.2) and against a full copy per import,
import time per week, peak memory, and the time of the weekly report over the
whole history.

    python benchmarks/history_size.py                 # 1,000,000 lines x 52 weeks
    python benchmarks/history_size.py --lines 100000 --weeks 12
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import duckdb
from company import FIRST_WEEK as FIRST
from company import changes_made as expected_changes
from company import keys_made, week_table

from backlogdesk.review import build_report
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.snapshots import import_snapshot


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="backlogdesk-bench-"))
    maker = duckdb.connect()
    import_seconds = []
    with Store(folder / "store.duckdb") as store:
        for week in range(args.weeks):
            table = week_table(maker, args.lines, week)
            started = time.perf_counter()
            outcome = import_snapshot(
                store, FIRST + timedelta(weeks=week), table, "bench"
            )
            import_seconds.append(time.perf_counter() - started)
            print(
                f"week {week + 1:>2}: {import_seconds[-1]:6.2f} s  {outcome}",
                flush=True,
            )
        _summary(store, args, import_seconds)


def _summary(
    store: Store, args: argparse.Namespace, import_seconds: list[float]
) -> None:
    rows = store.sql("select count(*) from line_versions")[0][0]
    keys = keys_made(args.lines, args.weeks)
    changes = expected_changes(duckdb.connect(), args.lines, args.weeks)
    last = FIRST + timedelta(weeks=args.weeks - 1)

    started = time.perf_counter()
    report = build_report(store, last, "week", Settings.defaults())
    report_seconds = time.perf_counter() - started

    full_copies = args.lines * args.weeks
    print()
    print(f"lines made by the generator: {keys:,}")
    print(f"changes made by the generator: {changes:,}")
    print(f"store rows:                 {rows:,}")
    ratio = rows / (keys + changes)
    print(f"store rows / (lines + changes): {ratio:.3f}  (target <= 1.2)")
    print(
        f"store rows / full copies:   {rows / full_copies:.3f}  ({full_copies:,} rows)"
    )
    median = sorted(import_seconds)[len(import_seconds) // 2]
    print(
        f"import per week:            median {median:.2f} s, "
        f"max {max(import_seconds):.2f} s"
    )
    print(
        f"weekly report over history: {report_seconds:.2f} s "
        f"({report.numbers['open_orders'].lines:,} open lines)"
    )
    print(f"peak memory:                {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
