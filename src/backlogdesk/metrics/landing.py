"""Landing forecast: how much of buckets A and B past periods actually shipped.

For every finished period of the review period's kind that the store can
measure, the share of the A value and of the B value standing at the period's
first import that had shipped by the first import after it (the backlog
conversion's rule, see ``metrics/conversion.py``). The median share and the
cautious share (reached or beaten by 90 % of past periods) turn this period's
A and B into a likely landing range.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import ibis

from backlogdesk.metrics.classify import classify
from backlogdesk.metrics.conversion import conversion_lines
from backlogdesk.periods import Period, PeriodKind, period_containing
from backlogdesk.reports.model import Column, Table
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store

log = logging.getLogger(__name__)

# A month or quarter whose first import came later than this after its start
# would miss what shipped in its first days, so it is not measured.
START_WITHIN_DAYS = 7
SHARE_PLACES = Decimal("0.0001")
CENT = Decimal("0.01")
ZERO = Decimal(0)

# Columns of a classified line that do not depend on the review period or on
# the as-of date, so one classification serves every import at once.
IMPORT_COLUMNS = (
    "import_day",
    "line_key",
    "is_goods",
    "is_open",
    "open_value",
    "shipped_qty",
    "status",
    "order_status",
    "status_class",
    "ship_date",
    "date_source",
    "block_reason",
    "delay_reason",
)

LANDING_COLUMNS = (
    Column("period_key", "Period"),
    Column("start_import", "First import", "date"),
    Column("end_import", "Import after", "date"),
    Column("a_start_value", "A at start", "money"),
    Column("a_shipped_value", "A shipped", "money"),
    Column("share_a_pct", "A shipped %", "pct"),
    Column("b_start_value", "B at start", "money"),
    Column("b_shipped_value", "B shipped", "money"),
    Column("share_b_pct", "B shipped %", "pct"),
)


@dataclass(frozen=True)
class LandingPeriod:
    """One finished period's evidence: A and B at its start and what shipped."""

    period_key: str
    start_import: date
    end_import: date
    a_start_value: Decimal
    a_shipped_value: Decimal
    share_a: Decimal | None
    b_start_value: Decimal
    b_shipped_value: Decimal
    share_b: Decimal | None


@dataclass(frozen=True)
class LandingForecast:
    """Shares of A and B that past periods shipped, read as P50 and P90.

    ``enough`` is False when the history is too short; ``reason`` then says
    what is missing and every share is None.
    """

    period_kind: PeriodKind
    method: str
    periods: list[LandingPeriod]
    enough: bool
    reason: str
    share_a_p50: Decimal | None = None
    share_a_p90: Decimal | None = None
    share_b_p50: Decimal | None = None
    share_b_p90: Decimal | None = None

    def __repr__(self) -> str:
        return (
            f"<LandingForecast {self.period_kind} periods={len(self.periods)} "
            f"enough={self.enough}>"
        )


def landing_forecast(
    store: Store,
    as_of: date,
    period_kind: PeriodKind,
    settings: Settings,
    min_periods: int = 3,
) -> LandingForecast:
    """The landing forecast for the period of ``period_kind`` containing ``as_of``.

    Reads only imports on or before ``as_of``, so the answer for a date does
    not change when later weeks are imported.
    """
    windows = measured_periods(store.snapshot_dates(), as_of, period_kind)
    values = _bucket_values(store, windows, settings) if windows else {}

    periods = [_landing_period(window, values) for window in windows]
    forecast = _forecast(periods, period_kind, min_periods)
    log.info(
        "landing forecast %s: %d measured %s(s), enough=%s",
        period_containing(as_of, period_kind).key,
        len(periods),
        period_kind,
        forecast.enough,
    )
    return forecast


def measured_periods(
    snapshot_dates: list[date], as_of: date, kind: PeriodKind
) -> list[tuple[Period, date, date]]:
    """Finished periods before ``as_of``'s with their start and end imports.

    A period counts when its first import is at most seven days after its
    start and an import after its end exists on or before ``as_of``.
    """
    known = sorted(day for day in snapshot_dates if day <= as_of)
    if not known:
        return []
    current = period_containing(as_of, kind)
    period = period_containing(known[0], kind)

    measured = []
    while period.start < current.start:
        inside = [day for day in known if period.start <= day <= period.end]
        after = [day for day in known if day > period.end]
        near_start = bool(inside) and (
            (inside[0] - period.start).days <= START_WITHIN_DAYS
        )
        if near_start and after:
            measured.append((period, inside[0], after[0]))
        period = period_containing(period.end + timedelta(days=1), kind)
    return measured


def classified_imports(store: Store, days: list[date], settings: Settings) -> Any:
    """The lines of each import in ``days`` (one or more), classified, per import.

    One query for every import: each line version is paired with the imports
    it was valid at, and orders are keyed per import so a charge follows the
    goods of its own import. Only the columns that do not depend on the review
    period or the as-of date are kept (``IMPORT_COLUMNS``); they equal what
    ``review_history.classified_as_of`` gives for each import alone.
    """
    versions = store.versions()
    imports = ibis.memtable({"import_day": sorted(days)}, schema={"import_day": "date"})
    valid = (versions.valid_from <= imports.import_day) & (
        versions.valid_to.isnull() | (versions.valid_to > imports.import_day)
    )
    stacked = versions.join(imports, valid)
    stacked = stacked.mutate(
        order_id=stacked.import_day.cast("string") + "|" + stacked.order_id
    )

    # The as-of date and period only feed columns that are dropped below.
    last = max(days)
    classified = classify(stacked, last, period_containing(last, "week"), settings)
    return classified.select(*IMPORT_COLUMNS)


def _bucket_values(
    store: Store, windows: list[tuple[Period, date, date]], settings: Settings
) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(period key, bucket) -> (value at the start import, value shipped since)."""
    days = sorted({day for _, start, end in windows for day in (start, end)})
    lines = classified_imports(store, days, settings).cache()
    plan = ibis.memtable(
        {
            "period_key": [period.key for period, _, _ in windows],
            "period_end": [period.end for period, _, _ in windows],
            "start_day": [start for _, start, _ in windows],
            "end_day": [end for _, _, end in windows],
        },
        schema={
            "period_key": "string",
            "period_end": "date",
            "start_day": "date",
            "end_day": "date",
        },
    )

    # Keys carry the period, so one join follows every period's lines at once;
    # only the shipped value is read, so the slipped / still-open split (which
    # needs each period's end) does not matter here.
    start = _start_lines(lines, plan)
    end = _end_lines(lines, plan)
    last_end = max(period.end for period, _, _ in windows)
    outcome = conversion_lines(start, end, last_end)
    return _shipped_by_period(outcome)


def _start_lines(lines: Any, plan: Any) -> Any:
    """A and B lines at each period's first import, keyed by period and line.

    The bucket rule is classify's: released, open and dated on or before the
    period's end; a confirmed date makes A, an estimated one B.
    """
    j = lines.join(plan, lines.import_day == plan.start_day)
    due = (
        j.is_open
        & (j.status_class == "released")
        & j.ship_date.notnull()
        & (j.ship_date <= j.period_end)
    )
    bucket = ibis.cases(
        (due & (j.date_source == "confirmed"), "A"),
        (due, "B"),
        else_=ibis.null("string"),
    )
    return j.select(
        line_key=j.period_key + "|" + j.line_key,
        bucket=bucket,
        open_value=j.open_value,
        shipped_qty=j.shipped_qty,
    )


def _end_lines(lines: Any, plan: Any) -> Any:
    """The same lines at each period's first import after its end."""
    j = lines.join(plan, lines.import_day == plan.end_day)
    kept = [name for name in IMPORT_COLUMNS if name not in ("import_day", "line_key")]
    return j.select(
        line_key=j.period_key + "|" + j.line_key, **{name: j[name] for name in kept}
    )


def _shipped_by_period(outcome: Any) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """Start and shipped value per period and bucket; shipped parts count."""
    shipped = ibis.cases(
        (outcome.outcome == "shipped", outcome.s_value), else_=outcome.shipped_part
    )
    # Not split("|"): Spark splits on a regular expression, where | matches "".
    key = outcome.line_key
    grouped = outcome.group_by(
        period_key=key.substr(0, key.find("|")), bucket=outcome.s_bucket
    ).aggregate(start_value=outcome.s_value.sum(), shipped_value=shipped.sum())
    rows = grouped.to_pyarrow().to_pylist()
    return {
        (row["period_key"], row["bucket"]): (
            Decimal(row["start_value"] or 0),
            Decimal(row["shipped_value"] or 0),
        )
        for row in rows
    }


def _landing_period(
    window: tuple[Period, date, date],
    values: dict[tuple[str, str], tuple[Decimal, Decimal]],
) -> LandingPeriod:
    period, start_day, end_day = window
    a_start, a_shipped = values.get((period.key, "A"), (ZERO, ZERO))
    b_start, b_shipped = values.get((period.key, "B"), (ZERO, ZERO))
    return LandingPeriod(
        period_key=period.key,
        start_import=start_day,
        end_import=end_day,
        a_start_value=a_start,
        a_shipped_value=a_shipped,
        share_a=shipped_share(a_shipped, a_start),
        b_start_value=b_start,
        b_shipped_value=b_shipped,
        share_b=shipped_share(b_shipped, b_start),
    )


def shipped_share(shipped_value: Decimal, start_value: Decimal) -> Decimal | None:
    """Shipped value / starting value to four places; None without a start."""
    if start_value <= 0:
        return None
    return (shipped_value / start_value).quantize(SHARE_PLACES, ROUND_HALF_UP)


def median_share(shares: list[Decimal]) -> Decimal:
    """The middle share; the mean of the two middle ones for an even count."""
    ordered = sorted(shares)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    mean = (ordered[middle - 1] + ordered[middle]) / 2
    return mean.quantize(SHARE_PLACES, ROUND_HALF_UP)


def cautious_share(shares: list[Decimal]) -> Decimal:
    """The nearest-rank 10th percentile: reached or beaten by 90 % of the shares.

    Shares sorted from low to high; the one at rank ceil(count / 10).
    """
    ordered = sorted(shares)
    rank = -(-len(ordered) // 10)
    return ordered[rank - 1]


def _forecast(
    periods: list[LandingPeriod], kind: PeriodKind, min_periods: int
) -> LandingForecast:
    shares_a = [p.share_a for p in periods if p.share_a is not None]
    shares_b = [p.share_b for p in periods if p.share_b is not None]
    method = _method(kind, len(periods), len(shares_a), len(shares_b))
    reason = _shortfall(kind, len(periods), len(shares_a), len(shares_b), min_periods)
    if reason:
        return LandingForecast(kind, method, periods, False, reason)

    return LandingForecast(
        period_kind=kind,
        method=method,
        periods=periods,
        enough=True,
        reason="",
        share_a_p50=median_share(shares_a),
        share_a_p90=cautious_share(shares_a),
        share_b_p50=median_share(shares_b),
        share_b_p90=cautious_share(shares_b),
    )


def _shortfall(
    kind: PeriodKind, measured: int, with_a: int, with_b: int, min_periods: int
) -> str:
    """Why the history cannot give a range yet, or '' when it can."""
    if measured < min_periods:
        return (
            f"No landing range yet: it needs {min_periods} finished {kind}s with an "
            f"import within {START_WITHIN_DAYS} days of their start and one after "
            f"their end, and the store has {measured}."
        )
    for bucket, count in (("A", with_a), ("B", with_b)):
        if count < min_periods:
            return (
                f"No landing range yet: bucket {bucket} had value at the start of "
                f"only {count} of the {measured} measured {kind}s, and the range "
                f"needs {min_periods}."
            )
    return ""


def _method(kind: PeriodKind, measured: int, with_a: int, with_b: int) -> str:
    return (
        f"For each of {measured} finished {kind}s with an import within "
        f"{START_WITHIN_DAYS} days of its start and one after its end: the share of "
        f"the bucket A value and of the bucket B value at its first import that had "
        f"shipped by the first import after it (a partly shipped line counts its "
        f"shipped part; {with_a} {kind}s had A value, {with_b} had B value). "
        f"P50 is the median share. P90 is the share that 90 % of those {kind}s "
        f"reached or beat: the 10th percentile by nearest rank, the share at rank "
        f"count / 10 rounded up with shares sorted low to high. Likely landing = "
        f"actual to date + A x share of A + B x share of B."
    )


def likely_landing(
    forecast: LandingForecast, actual: Decimal, a_value: Decimal, b_value: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """(P50, P90) landing: actual + A x share of A + B x share of B, to the cent.

    Both are None when the forecast has not enough history.
    """
    a50, a90 = forecast.share_a_p50, forecast.share_a_p90
    b50, b90 = forecast.share_b_p50, forecast.share_b_p90
    if not forecast.enough or a50 is None or a90 is None or b50 is None or b90 is None:
        return None, None

    p50 = actual + a_value * a50 + b_value * b50
    p90 = actual + a_value * a90 + b_value * b90
    return p50.quantize(CENT, ROUND_HALF_UP), p90.quantize(CENT, ROUND_HALF_UP)


def landing_table(forecast: LandingForecast) -> Table:
    """The measured periods as a table, oldest first; shares shown as percent."""
    rows = [
        {
            "period_key": p.period_key,
            "start_import": p.start_import,
            "end_import": p.end_import,
            "a_start_value": p.a_start_value,
            "a_shipped_value": p.a_shipped_value,
            "share_a_pct": None if p.share_a is None else p.share_a * 100,
            "b_start_value": p.b_start_value,
            "b_shipped_value": p.b_shipped_value,
            "share_b_pct": None if p.share_b is None else p.share_b * 100,
        }
        for p in forecast.periods
    ]
    title = f"Landing evidence: what past {forecast.period_kind}s shipped of A and B"
    return Table("landing_periods", title, LANDING_COLUMNS, rows, forecast.method)
