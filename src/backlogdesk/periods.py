"""Review periods: ISO weeks, months and quarters, always keyed with their year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["week", "month", "quarter"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter")


@dataclass(frozen=True)
class Period:
    """A review period: its kind, key (``2024-W24``, ``2024-06``, ``2024-Q2``)
    and first and last day, both inclusive."""

    kind: PeriodKind
    key: str
    start: date
    end: date

    def __repr__(self) -> str:
        return f"<Period {self.key} {self.start}..{self.end}>"


def period_containing(day: date, kind: PeriodKind) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == "week":
        return iso_week(day)
    if kind == "month":
        return month(day)
    return quarter(day)


def iso_week(day: date) -> Period:
    """The ISO week (Monday start, ISO week-year) containing ``day``."""
    year, week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Period("week", f"{year}-W{week:02d}", start, start + timedelta(days=6))


def month(day: date) -> Period:
    """The calendar month containing ``day``."""
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(
        "month", f"{day.year}-{day.month:02d}", start, following - timedelta(days=1)
    )


def quarter(day: date) -> Period:
    """The calendar quarter containing ``day``."""
    index = (day.month - 1) // 3
    start = date(day.year, index * 3 + 1, 1)
    last_month = month(date(day.year, index * 3 + 3, 1))
    return Period("quarter", f"{day.year}-Q{index + 1}", start, last_month.end)


def week_key(day: date) -> str:
    """ISO week key of ``day``, such as ``2024-W01``."""
    return iso_week(day).key


def month_key(day: date) -> str:
    """Month key of ``day``, such as ``2024-06``."""
    return f"{day.year}-{day.month:02d}"
