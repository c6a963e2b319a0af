"""Budget cells: periods, period parts and measures, with precise complaints.

Each parser returns the value or raises ``CellError`` saying what was expected
and how to fix it; the reader adds the file, row and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from backlogdesk.budget.targets import (
    MONEY_STEP,
    PERIOD_EXAMPLES,
    UNIT_STEP,
    BudgetPeriod,
    BudgetPeriodKind,
    month_number,
    month_period,
    parse_period_text,
    period_containing,
    quarter_period,
    week_period,
    year_period,
)
from backlogdesk.errors import MappingError
from backlogdesk.ingest.readers import RawValue
from backlogdesk.ingest.values import CellError, parse_date, parse_decimal


def period_from_cell(
    raw: RawValue,
    formats: tuple[str, ...],
    period_kind: BudgetPeriodKind | None,
    business_zone: str,
) -> BudgetPeriod:
    """The period a cell names: a period text, a year number, or a date.

    A date marks the period of ``period_kind`` that contains it; without a
    ``period_kind`` a date is a mapping error, not a guess.
    """
    if raw is None:
        raise CellError("no period given; every budget row needs its period")
    if isinstance(raw, datetime | date):
        return _period_of_date(raw, formats, period_kind, business_zone)
    if isinstance(raw, Decimal):
        text = str(int(raw)) if raw == raw.to_integral_value() else str(raw)
    else:
        text = raw

    named = parse_period_text(text)
    if named is not None:
        return named
    try:
        return _period_of_date(text, formats, period_kind, business_zone)
    except CellError:
        raise CellError(
            f"expected a period like {PERIOD_EXAMPLES}, found '{text.strip()}'"
        ) from None


def _period_of_date(
    raw: RawValue,
    formats: tuple[str, ...],
    period_kind: BudgetPeriodKind | None,
    business_zone: str,
) -> BudgetPeriod:
    day = parse_date(raw, formats, None, business_zone)
    if day is None:
        raise CellError("no period given; every budget row needs its period")
    if period_kind is None:
        raise MappingError(
            f"The budget's period column holds dates (such as {day.isoformat()}). "
            'Say which period a date marks: set period_kind = "month" (or "week", '
            '"quarter", "year") under [rules] in the budget mapping.'
        )
    return period_containing(day, period_kind)


def period_part(raw: RawValue, part: str) -> int:
    """A year, quarter, month or week number from its own column."""
    if raw is None:
        raise CellError(f"no {part} given; every budget row needs its period")
    text = raw.isoformat() if isinstance(raw, date) else str(raw).strip().upper()
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        text = str(int(raw))

    if part == "year" and re.fullmatch(r"\d{4}", text):
        return int(text)
    if part == "month" and month_number(text) is not None:
        return month_number(text) or 0
    prefix = {"quarter": "Q", "week": "W"}.get(part, "")
    found = re.fullmatch(rf"(?:{prefix})?(\d{{1,2}})", text)
    if part != "year" and found is not None:
        return int(found.group(1))

    examples = {"year": "2025", "quarter": "2 or Q2", "month": "6 or Jun"}
    raise CellError(
        f"expected a {part} like {examples.get(part, '7 or W07')}, found '{raw}'"
    )


def period_from_parts(year: int, part: str | None, number: int) -> BudgetPeriod:
    """The period from a year and, optionally, its quarter, month or week."""
    if part == "quarter":
        return quarter_period(year, number)
    if part == "month":
        return month_period(year, number)
    if part == "week":
        return week_period(year, number)
    return year_period(year)


def money_amount(raw: RawValue, decimal_mark: str, thousands: str) -> Decimal | None:
    """A money target in whole cents (phasing splits it cent by cent)."""
    value = parse_decimal(raw, decimal_mark, thousands)
    if value is not None and value % MONEY_STEP:
        raise CellError(
            f"{value} has more than two decimals; budgets are split to the cent, "
            "so round the target to cents"
        )
    return None if value is None else value.quantize(MONEY_STEP)


def unit_amount(raw: RawValue, decimal_mark: str, thousands: str) -> Decimal | None:
    """A unit target as a whole number (phasing splits it unit by unit)."""
    value = parse_decimal(raw, decimal_mark, thousands)
    if value is not None and value % UNIT_STEP:
        raise CellError(
            f"{value} is not a whole number; unit targets are split into whole "
            "units, so round it"
        )
    return None if value is None else value.quantize(UNIT_STEP)


def margin_pct(
    raw: RawValue, decimal_mark: str, thousands: str, scale: str
) -> Decimal | None:
    """Margin % scaled 0-100; ``scale`` "fraction" reads 0.38 as 38 %."""
    written_as_percent = isinstance(raw, str) and raw.strip().endswith("%")
    if isinstance(raw, str):
        raw = raw.strip().removesuffix("%")
    value = parse_decimal(raw, decimal_mark, thousands)
    if value is None:
        return None

    if scale == "fraction" and not written_as_percent:
        value *= 100
    if value > 100:
        raise CellError(
            f"a margin of {value} % is impossible; if the column holds fractions "
            '(0.38 for 38 %), set margin_pct_scale = "fraction" under [rules]'
        )
    return value
