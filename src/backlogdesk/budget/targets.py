"""Budget targets and their periods: every period key carries its year.

A target is one row of a budget: a period (ISO week, month, quarter or year),
optionally one member of one dimension (a product group, region, customer or
sales person), and the measures revenue, units and margin (gross value and %).
Period texts are read here too, so a period without its year is refused in
one place: a bare "06" or "Jun" would merge the same month of different years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from backlogdesk import periods
from backlogdesk.ingest.values import CellError

BudgetPeriodKind = Literal["week", "month", "quarter", "year"]
BUDGET_PERIOD_KINDS: tuple[BudgetPeriodKind, ...] = ("week", "month", "quarter", "year")
Dimension = Literal["product_group", "region", "customer", "sales_person"]
DIMENSIONS: tuple[Dimension, ...] = (
    "product_group",
    "region",
    "customer",
    "sales_person",
)
Measure = Literal["revenue", "units", "margin"]
MEASURES: tuple[Measure, ...] = ("revenue", "units", "margin")

MONEY_STEP = Decimal("0.01")
UNIT_STEP = Decimal(1)
MONTH_NAMES = (
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
)
PERIOD_EXAMPLES = "'2025-06', '2025-Q2', '2025-W07', '2025' or a date"


@dataclass(frozen=True)
class BudgetPeriod:
    """A budget period: kind, key with its year, first and last day (inclusive)."""

    kind: BudgetPeriodKind
    key: str
    start: date
    end: date

    def __repr__(self) -> str:
        return f"<BudgetPeriod {self.key} {self.start}..{self.end}>"


@dataclass(frozen=True)
class BudgetTarget:
    """One budget row: a period, an optional dimension member and its measures.

    ``margin`` is the gross margin value, ``margin_pct`` the margin as a share
    of revenue scaled 0-100. ``origin`` names the file and row it came from.
    """

    period_kind: BudgetPeriodKind
    period_key: str
    start: date
    end: date
    dimension: Dimension | None = None
    member: str | None = None
    revenue: Decimal | None = None
    units: Decimal | None = None
    margin: Decimal | None = None
    margin_pct: Decimal | None = None
    origin: str = ""

    def __repr__(self) -> str:
        who = f" {self.dimension}={self.member}" if self.dimension else ""
        shown = [f"{name}={self.amount(name)}" for name in MEASURES]
        return f"<BudgetTarget {self.period_key}{who} {' '.join(shown)}>"

    @property
    def period(self) -> BudgetPeriod:
        """The target's period as one value."""
        return BudgetPeriod(self.period_kind, self.period_key, self.start, self.end)

    def amount(self, measure: Measure) -> Decimal | None:
        """The target for one measure (None when the budget does not set it)."""
        value: Decimal | None = getattr(self, measure)
        return value

    def covers(self, day: date) -> bool:
        """True when ``day`` falls inside the target's period."""
        return self.start <= day <= self.end


def period_containing(day: date, kind: BudgetPeriodKind) -> BudgetPeriod:
    """The budget period of ``kind`` that contains ``day``."""
    if kind == "year":
        return year_period(day.year)
    found = periods.period_containing(day, kind)
    return BudgetPeriod(found.kind, found.key, found.start, found.end)


def year_period(year: int) -> BudgetPeriod:
    """The calendar year as a budget period."""
    return BudgetPeriod("year", f"{year}", date(year, 1, 1), date(year, 12, 31))


def month_period(year: int, month: int) -> BudgetPeriod:
    """Month ``month`` (1-12) of ``year``."""
    if not 1 <= month <= 12:
        raise CellError(f"month {month} does not exist; months run 1-12")
    return period_containing(date(year, month, 1), "month")


def quarter_period(year: int, quarter: int) -> BudgetPeriod:
    """Quarter ``quarter`` (1-4) of ``year``."""
    if not 1 <= quarter <= 4:
        raise CellError(f"quarter {quarter} does not exist; quarters run 1-4")
    return period_containing(date(year, quarter * 3 - 2, 1), "quarter")


def week_period(year: int, week: int) -> BudgetPeriod:
    """ISO week ``week`` of ISO week-year ``year``."""
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise CellError(f"ISO week {week} does not exist in {year}") from None
    key = f"{year}-W{week:02d}"
    return BudgetPeriod("week", key, monday, monday + timedelta(days=6))


def month_number(text: str) -> int | None:
    """1-12 from an English month name or its first three letters, else None."""
    word = text.strip().upper()
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


_WITH_YEAR: tuple[tuple[str, str], ...] = (
    (r"(?P<year>\d{4})", "year"),
    (r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})", "month"),
    (r"(?P<month>\d{1,2})[-/.](?P<year>\d{4})", "month"),
    (r"(?P<year>\d{4})[-/ ]?Q(?P<quarter>\d)", "quarter"),
    (r"Q(?P<quarter>\d)[-/ ]?(?P<year>\d{4})", "quarter"),
    (r"(?P<year>\d{4})[-/ ]?W(?P<week>\d{1,2})", "week"),
    (r"(?P<name>[A-Z]{3,9})[-/ .]?(?P<year>\d{4})", "month"),
    (r"(?P<year>\d{4})[-/ .]?(?P<name>[A-Z]{3,9})", "month"),
)
_WITHOUT_YEAR = r"\d{1,2}|Q\d|W\d{1,2}"


def parse_period_text(text: str) -> BudgetPeriod | None:
    """A period from text such as ``2025-06``, ``2025-Q2``, ``2025-W07``, ``2025``.

    Returns None when the text is no period form (it may still be a date).
    Raises ``CellError`` for a period written without its year.
    """
    shown = text.strip()
    upper = shown.upper()
    for pattern, kind in _WITH_YEAR:
        found = re.fullmatch(pattern, upper)
        if found is not None:
            return _period_from_match(found.groupdict(), kind, shown)

    if re.fullmatch(_WITHOUT_YEAR, upper) or month_number(upper) is not None:
        raise CellError(
            f"the period '{shown}' has no year, so the same month of different "
            f"years would be merged; write it with its year ({PERIOD_EXAMPLES}) "
            "or map a year column"
        )
    return None


def _period_from_match(
    groups: dict[str, str | None], kind: str, shown: str
) -> BudgetPeriod:
    year = int(groups["year"] or 0)
    if kind == "year":
        return year_period(year)
    if kind == "quarter":
        return quarter_period(year, int(groups["quarter"] or 0))
    if kind == "week":
        return week_period(year, int(groups["week"] or 0))

    name = groups.get("name")
    month = month_number(name) if name else int(groups["month"] or 0)
    if month is None:
        raise CellError(f"'{shown}' is not a period like {PERIOD_EXAMPLES}")
    return month_period(year, month)
