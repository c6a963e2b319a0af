"""The weekly report as Backlog Desk builds it, for the benchmarks.

Builds the ``Report`` object (every table of the weekly report) from a store,
as of a date, for its ISO week, with default settings; no file is written.
Run as a separate process by the benchmarks:

    python benchmarks/report_product.py STORE AS_OF
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from typing import Any

from backlogdesk.review import build_report
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store


def run(path: str, as_of: date) -> dict[str, Any]:
    """Build the report; return the figures that are compared across tools."""
    with Store(path, read_only=True) as store:
        report = build_report(store, as_of, "week", Settings.defaults())
    figures: dict[str, Any] = {
        name: float(report.numbers[name].value)
        for name in ("open_orders", "sales_backlog", "blocked", "pending")
    }
    figures |= {f"bucket_{b}": float(box.value) for b, box in report.buckets.items()}
    figures["open_lines"] = report.numbers["open_orders"].lines
    split = next(t for t in report.splits if t.name == "by_ship_month")
    figures["rows_by_ship_month"] = len(split.rows)
    figures |= {f"rows_{table.name}": len(table.rows) for table in report.triage}
    if report.history is not None:
        figures |= {f"rows_{t.name}": len(t.rows) for t in report.history.changes}
    return figures


def main() -> None:
    """Run once and print the compute time and the figures as JSON."""
    started = time.perf_counter()
    figures = run(sys.argv[1], date.fromisoformat(sys.argv[2]))
    figures["seconds"] = time.perf_counter() - started
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
