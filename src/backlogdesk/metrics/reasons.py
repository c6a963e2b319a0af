"""Slip and block reasons month by month, and the ones that keep coming back.

The month-end review lists the top slip reasons (the delay reason of lines
whose ship date moved later) and block reasons (the block reason of blocked
open lines) of the month, then the reasons that were among a month's top three
in several of the last months: those become a process change.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

import ibis

from backlogdesk.metrics.landing import classified_imports
from backlogdesk.periods import Period, month
from backlogdesk.reports.model import Column, Table
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store

log = logging.getLogger(__name__)

ReasonKind = Literal["slip", "block"]
NO_REASON = "(no reason given)"
TOP_PLACES = 3
PROCESS_CHANGES = 2

REASON_COLUMNS = (
    Column("reason", "Reason"),
    Column("lines", "Lines", "int"),
    Column("value", "Open value", "money"),
)
MONTH_COLUMNS = (
    Column("month", "Month"),
    Column("kind", "Kind"),
    Column("rank", "Rank", "int"),
    Column("reason", "Reason"),
    Column("lines", "Lines", "int"),
    Column("value", "Open value", "money"),
)


@dataclass(frozen=True)
class RecurringReason:
    """A reason among the month's top three in several months of the window.

    ``total_value`` sums its value over those months (``month_keys``), so it
    can be traced to the rows of the month-by-month table.
    """

    kind: ReasonKind
    reason: str
    months: int
    total_value: Decimal
    month_keys: tuple[str, ...]


@dataclass(frozen=True)
class ReasonsReview:
    """Top slip and block reasons of the month and the recurring ones."""

    month_key: str
    months: list[str]
    slip_reasons: Table
    block_reasons: Table
    top_by_month: Table
    recurring: list[RecurringReason]
    process_changes: list[RecurringReason]
    rule: str

    def __repr__(self) -> str:
        return f"<ReasonsReview {self.month_key} recurring={len(self.recurring)}>"


def reasons_review(
    store: Store,
    as_of: date,
    settings: Settings,
    months: int = 6,
    recur_months: int = 3,
) -> ReasonsReview:
    """Reasons of the ``months`` calendar months ending with ``as_of``'s month.

    Reads only imports on or before ``as_of``.
    """
    window = window_months(as_of, months)
    dates = [day for day in store.snapshot_dates() if day <= as_of]
    in_window = [day for day in dates if day >= window[0].start]

    slips: list[dict[str, Any]] = []
    blocks: list[dict[str, Any]] = []
    if in_window:
        earlier = [day for day in dates if day < in_window[0]]
        days = earlier[-1:] + in_window
        lines = classified_imports(store, days, settings).cache()
        slips = _slip_rows(lines, _import_pairs(days, in_window))
        blocks = _block_rows(lines, _month_last_imports(in_window))

    review = _review(window, slips, blocks, recur_months)
    log.info(
        "reasons %s: %d import(s) over %d month(s), %d recurring",
        review.month_key,
        len(in_window),
        months,
        len(review.recurring),
    )
    return review


def window_months(as_of: date, months: int) -> list[Period]:
    """The ``months`` calendar months ending with ``as_of``'s month, oldest first."""
    window = [month(as_of)]
    while len(window) < months:
        window.insert(0, month(window[0].start - timedelta(days=1)))
    return window


def _import_pairs(days: list[date], in_window: list[date]) -> Any:
    """Each import in the window with the import before it and its month."""
    previous = dict(zip(days[1:], days[:-1], strict=True))
    paired = [day for day in in_window if day in previous]
    return ibis.memtable(
        {
            "slip_day": paired,
            "previous_day": [previous[day] for day in paired],
            "month_key": [month(day).key for day in paired],
        },
        schema={"slip_day": "date", "previous_day": "date", "month_key": "string"},
    )


def _month_last_imports(in_window: list[date]) -> Any:
    """The last import of each month in the window."""
    last = {month(day).key: day for day in in_window}
    return ibis.memtable(
        {"block_day": list(last.values()), "month_key": list(last)},
        schema={"block_day": "date", "month_key": "string"},
    )


def reason_label(column: Any) -> Any:
    """The reason as shown: trimmed, with a missing or blank one named so."""
    text = column.strip()
    return ibis.cases((text.isnull() | (text == ""), NO_REASON), else_=text)


def _slip_rows(lines: Any, pairs: Any) -> list[dict[str, Any]]:
    """Slipped lines per month and delay reason.

    A slip is an open goods line whose planning ship date is later than at
    the import before, where it was open too (the weekly 'slipped' change). A
    charge follows its order's goods and has no delay reason of its own, so it
    is left out. A line that slipped twice in a month counts once, with its last
    slip's reason and open value.
    """
    now = lines.join(pairs, lines.import_day == pairs.slip_day)
    before = lines.select(
        p_day=lines.import_day,
        p_key=lines.line_key,
        p_open=lines.is_open,
        p_ship=lines.ship_date,
    )
    j = now.join(
        before, (now.line_key == before.p_key) & (now.previous_day == before.p_day)
    )
    slipped = j.filter(j.is_goods & j.is_open & j.p_open & (j.ship_date > j.p_ship))
    slipped = slipped.mutate(reason=reason_label(slipped.delay_reason))

    per_line = slipped.group_by(["month_key", "line_key"]).aggregate(
        reason=slipped.reason.argmax(slipped.import_day),
        value=slipped.open_value.argmax(slipped.import_day),
    )
    return _grouped(per_line)


def _block_rows(lines: Any, last_imports: Any) -> list[dict[str, Any]]:
    """Blocked open lines per month and block reason at the month's last import."""
    j = lines.join(last_imports, lines.import_day == last_imports.block_day)
    blocked = j.filter(j.is_open & (j.status_class == "blocked"))
    return _grouped(
        blocked.select(
            "month_key",
            reason=reason_label(blocked.block_reason),
            value=blocked.open_value,
        )
    )


def _grouped(lines: Any) -> list[dict[str, Any]]:
    """Lines and value per month and reason."""
    grouped = lines.group_by(["month_key", "reason"]).aggregate(
        lines=lines.count(), value=lines.value.sum()
    )
    rows: list[dict[str, Any]] = grouped.to_pyarrow().to_pylist()
    return rows


def ranked_by_month(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each month's reasons, largest value first, then by reason."""
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_month[row["month_key"]].append(
            {
                "reason": row["reason"],
                "lines": int(row["lines"]),
                "value": Decimal(row["value"] or 0),
            }
        )
    for reasons in by_month.values():
        reasons.sort(key=lambda reason: (-reason["value"], reason["reason"]))
    return dict(by_month)


def _review(
    window: list[Period],
    slips: list[dict[str, Any]],
    blocks: list[dict[str, Any]],
    recur_months: int,
) -> ReasonsReview:
    keys = [period.key for period in window]
    current = keys[-1]
    ranked: dict[ReasonKind, dict[str, list[dict[str, Any]]]] = {
        "slip": ranked_by_month(slips),
        "block": ranked_by_month(blocks),
    }

    recurring = recurring_reasons(ranked, keys, recur_months)
    return ReasonsReview(
        month_key=current,
        months=keys,
        slip_reasons=_month_table("slip", current, ranked["slip"].get(current, [])),
        block_reasons=_month_table("block", current, ranked["block"].get(current, [])),
        top_by_month=_top_table(ranked, keys),
        recurring=recurring,
        process_changes=recurring[:PROCESS_CHANGES],
        rule=(
            f"A reason recurs when it is among a month's top {TOP_PLACES} by value "
            f"in at least {recur_months} of the {len(keys)} months {keys[0]} to "
            f"{current}; the first {PROCESS_CHANGES} recurring reasons (most months, "
            "then most value) become a process change."
        ),
    )


def recurring_reasons(
    ranked: dict[ReasonKind, dict[str, list[dict[str, Any]]]],
    month_keys: list[str],
    recur_months: int,
) -> list[RecurringReason]:
    """Reasons in a month's top three in at least ``recur_months`` months.

    Sorted by months, then value (both largest first), then kind and reason.
    """
    found = []
    for kind, by_month in ranked.items():
        tops: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        for key in month_keys:
            for row in by_month.get(key, [])[:TOP_PLACES]:
                tops[row["reason"]].append((key, row["value"]))

        for reason, hits in tops.items():
            if len(hits) >= recur_months:
                total = sum((value for _, value in hits), Decimal(0))
                keys = tuple(key for key, _ in hits)
                found.append(RecurringReason(kind, reason, len(hits), total, keys))
    found.sort(key=lambda r: (-r.months, -r.total_value, r.kind, r.reason))
    return found


def _month_table(kind: ReasonKind, key: str, rows: list[dict[str, Any]]) -> Table:
    if kind == "slip":
        title = f"Top slip reasons, {key}"
        note = (
            "Open goods lines whose ship date moved later at an import in the "
            "month, by delay reason; a line that slipped twice counts once, with "
            "its last slip's reason and open value."
        )
    else:
        title = f"Top block reasons, {key}"
        note = "Blocked open lines at the month's last import, by block reason."
    return Table(f"month_{kind}_reasons", title, REASON_COLUMNS, rows, note)


def _top_table(
    ranked: dict[ReasonKind, dict[str, list[dict[str, Any]]]], month_keys: list[str]
) -> Table:
    rows = [
        {"month": key, "kind": kind, "rank": rank, **row}
        for key in month_keys
        for kind in ("slip", "block")
        for rank, row in enumerate(ranked[kind].get(key, [])[:TOP_PLACES], 1)
    ]
    title = f"Top {TOP_PLACES} slip and block reasons by month"
    return Table("reasons_by_month", title, MONTH_COLUMNS, rows)
