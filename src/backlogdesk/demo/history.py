"""Half a year of the demo company's weekly exports, one folder per week.

One order book is generated at the first week and moved on seven days at a
time, so every export follows from the one before it the way a real ERP's
weekly exports do. Only the last export carries the three damaged rows: the
weeks before it import cleanly, and the final report shows rejects working.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from backlogdesk.demo.export import DemoExport, write_export
from backlogdesk.demo.orderbook import OrderBook

log = logging.getLogger(__name__)


def write_demo_history(
    folder: Path, last_as_of: date, weeks: int = 26, seed: int = 7
) -> list[DemoExport]:
    """Write ``weeks`` weekly exports ending on ``last_as_of``, oldest first.

    Each week's files go to a subfolder named by its as-of date (2026-11-30).
    """
    if weeks < 1:
        raise ValueError(f"a history needs at least one week, not {weeks}")
    book = OrderBook.generate(last_as_of - timedelta(weeks=weeks - 1), seed)
    exports = []
    for week in range(weeks):
        if week:
            book.advance(7)
        last = week == weeks - 1
        subfolder = folder / book.as_of.isoformat()
        exports.append(write_export(book, subfolder, seed, damaged=last))
    log.info("wrote %d weekly demo exports into %s", weeks, folder)
    return exports
