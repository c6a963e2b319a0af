"""Half a year of the demo company's weekly exports, and its company files.

One order book is generated at the first week and moved on seven days at a
time, so every export follows from the one before it the way a real ERP's
weekly exports do. Only the last export carries the three damaged rows: the
weeks before it import cleanly, and the final report shows rejects working.

Beside the weekly folders go the files a company keeps next to its orders:
the document register (actuals.csv: deliveries, invoices, returns, credit
notes), finance's budget for the year (budget.csv) and the contract list
(agreements.csv), each read with the shipped mapping of the same name
(actuals-demo, budget-demo, agreements-demo).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from backlogdesk.demo.agreements import write_agreements
from backlogdesk.demo.budget import month_rates, month_targets, run_rate, write_budget
from backlogdesk.demo.documents import book_documents, write_documents
from backlogdesk.demo.export import DemoExport, rate_rows, write_export
from backlogdesk.demo.orderbook import OrderBook

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoHistory:
    """The weekly exports, oldest first, and the company files beside them.

    ``rates_path`` is the last week's rates file, which covers every date of
    the history, the actuals and the agreements.
    """

    exports: list[DemoExport]
    actuals_path: Path
    budget_path: Path
    agreements_path: Path
    rates_path: Path

    def __repr__(self) -> str:
        return f"<DemoHistory weeks={len(self.exports)} in {self.actuals_path.parent}>"


def write_demo_history(
    folder: Path, last_as_of: date, weeks: int = 26, seed: int = 7
) -> DemoHistory:
    """Write ``weeks`` weekly exports ending on ``last_as_of``, and the company files.

    Each week's files go to a subfolder named by its as-of date (2026-11-30);
    the company files go to ``folder`` itself.
    """
    if weeks < 1:
        raise ValueError(f"a history needs at least one week, not {weeks}")
    first_as_of = last_as_of - timedelta(weeks=weeks - 1)
    book = OrderBook.generate(first_as_of, seed, last_as_of=last_as_of)
    exports = []
    for week in range(weeks):
        if week:
            book.advance(7)
        last = week == weeks - 1
        subfolder = folder / book.as_of.isoformat()
        exports.append(write_export(book, subfolder, seed, damaged=last))

    history = write_company_files(book, folder, exports, seed)
    log.info(
        "wrote %d weekly demo exports and the company files into %s", weeks, folder
    )
    return history


def write_company_files(
    book: OrderBook, folder: Path, exports: list[DemoExport], seed: int
) -> DemoHistory:
    """Write the actuals, budget and agreements of ``book`` into ``folder``."""
    documents = book_documents(book, seed)
    first = min(order.order_date for order in book.orders)
    rates = month_rates(rate_rows(first, book.as_of, seed))
    year = book.as_of.year
    targets = month_targets(run_rate(documents, rates, year), year)
    return DemoHistory(
        exports=exports,
        actuals_path=write_documents(folder / "actuals.csv", documents),
        budget_path=write_budget(folder / "budget.csv", targets),
        agreements_path=write_agreements(folder / "agreements.csv", book.agreements),
        rates_path=exports[-1].rates_path,
    )
