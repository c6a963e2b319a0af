"""Currency rates and unit conversions: tables applied once, at ingest.

Rates convert a line's money into the reporting currency by a stated rate-date
policy; a missing rate stops the run with the currency and date named, never a
silent 1.0. Unit conversions turn a line's quantity into the item's stock unit.
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from backlogdesk.errors import InputError, RateError


@dataclass
class Rates:
    """Rates into the reporting currency, by currency and date."""

    reporting_currency: str
    by_currency: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    origin: str = "no rates file"

    def budget_rate(self, currency: str | None, year: int) -> Decimal:
        """The budget rate of ``year``: the rate dated exactly 1 January."""
        if currency is None or currency == self.reporting_currency:
            return Decimal(1)
        new_year = date(year, 1, 1)
        for day, value in self.by_currency.get(currency, []):
            if day == new_year:
                return value
        raise RateError(
            f"No budget rate for {currency} in {year} ({self.origin}). Add a row "
            f"'{currency},{new_year.isoformat()},<rate>' to the rates file, or choose "
            "another rate_date_policy."
        )

    def rate(self, currency: str | None, on: date) -> Decimal:
        """The rate valid on ``on``: the latest one dated on or before it."""
        if currency is None or currency == self.reporting_currency:
            return Decimal(1)
        history = self.by_currency.get(currency)
        if not history:
            raise RateError(
                f"No rate for {currency} into {self.reporting_currency} "
                f"({self.origin}). Add a row '{currency},{on.isoformat()},<rate>' "
                "to the rates file (--rates), or, if your values should stay in "
                f'{currency}, set reporting_currency = "{currency}" under [settings] '
                "in a settings file (--settings)."
            )
        position = bisect.bisect_right(history, on, key=lambda entry: entry[0])
        if position == 0:
            raise RateError(
                f"No rate for {currency} on or before {on.isoformat()} "
                f"({self.origin}); the first is dated {history[0][0].isoformat()}. "
                "Add an earlier rate to the rates file."
            )
        return history[position - 1][1]


def load_rates(path: Path | None, reporting_currency: str) -> Rates:
    """Read a rates CSV: currency, date (YYYY-MM-DD), rate into the reporting
    currency (1 unit of currency = rate units of the reporting currency)."""
    rates = Rates(reporting_currency)
    if path is None:
        return rates
    rates.origin = str(path)
    for row, record in _records(path, ("currency", "date", "rate")):
        currency = record["currency"].strip().upper()
        try:
            day = date.fromisoformat(record["date"].strip())
            value = Decimal(record["rate"].strip())
        except (ValueError, InvalidOperation) as exc:
            raise InputError(
                f"{path}, row {row}: expected currency, date as YYYY-MM-DD and a "
                f"rate such as 1.0850 ({exc})."
            ) from None
        if value <= 0:
            raise InputError(f"{path}, row {row}: a rate must be above 0.")
        rates.by_currency.setdefault(currency, []).append((day, value))
    for history in rates.by_currency.values():
        history.sort()
    return rates


@dataclass
class Units:
    """Factors from a line unit into the item's stock unit."""

    by_item: dict[tuple[str, str], tuple[Decimal, str]] = field(default_factory=dict)
    origin: str = "no units file"

    def factor(self, item: str | None, unit: str | None) -> tuple[Decimal, str | None]:
        """Factor and stock unit for an item's line unit (1 when not listed)."""
        if unit is None:
            return Decimal(1), None
        for key in ((item or "", unit), ("*", unit)):
            if key in self.by_item:
                return self.by_item[key]
        return Decimal(1), unit


def load_units(path: Path | None) -> Units:
    """Read a units CSV: item (or * for all), unit, stock_unit, factor."""
    units = Units()
    if path is None:
        return units
    units.origin = str(path)
    for row, record in _records(path, ("item", "unit", "stock_unit", "factor")):
        try:
            factor = Decimal(record["factor"].strip())
        except InvalidOperation:
            raise InputError(
                f"{path}, row {row}: factor '{record['factor']}' is not a number."
            ) from None
        if factor <= 0:
            raise InputError(f"{path}, row {row}: a factor must be above 0.")
        key = (record["item"].strip(), record["unit"].strip())
        units.by_item[key] = (factor, record["stock_unit"].strip())
    return units


def _records(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(missing)}; expected "
                    f"a header {','.join(columns)}."
                )
            return [(index, record) for index, record in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise InputError(f"{path}: file not found.") from None
