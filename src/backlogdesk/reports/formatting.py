"""How a report cell reads as text: money, quantities, dates, flags.

Shared by the text renderers (HTML, terminal). The Excel writer keeps real
numbers and dates and formats them with cell formats instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from backlogdesk.reports.model import ColumnKind

CENT = Decimal("0.01")


def format_money(value: Decimal | int | None) -> str:
    """``1234567.8`` → ``1,234,567.80``; blank for a missing value."""
    if value is None:
        return ""
    # Values arrive exact to the cent; half-up matches the per-line rounding rule.
    cents = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{_without_negative_zero(cents):,.2f}"


def format_signed_money(value: Decimal | int | None) -> str:
    """A change in value with its sign: ``+5,000.00``, ``-400.00``, ``0.00``."""
    text = format_money(value)
    return "+" + text if value is not None and Decimal(value) > 0 else text


def format_qty(value: Decimal | int | None) -> str:
    """``3484.0000`` → ``3,484`` and ``12.5000`` → ``12.5``: no trailing zeros."""
    if value is None:
        return ""
    normalized = _without_negative_zero(Decimal(value).normalize())
    return f"{normalized:,f}"


def format_int(value: int | Decimal | None) -> str:
    """``12408`` → ``12,408``; blank for a missing value."""
    return "" if value is None else f"{int(value):,d}"


def format_pct(value: Decimal | float | None) -> str:
    """A percentage already scaled to 0-100, one decimal: ``38.0 %``."""
    if value is None:
        return ""
    return f"{Decimal(str(value)).quantize(Decimal('0.1'), ROUND_HALF_UP)} %"


def format_date(value: date | None) -> str:
    """ISO date (``2005-05-31``); blank for a missing date."""
    return "" if value is None else value.isoformat()


def format_flag(value: bool | None) -> str:
    """``yes`` for a set flag, blank otherwise, so set flags stand out."""
    return "yes" if value else ""


def plural(noun: str, count: int) -> str:
    """``noun`` as it reads after ``count``: ``line`` for one, ``lines`` otherwise."""
    return noun if count == 1 else noun + "s"


def format_cell(value: Any, kind: ColumnKind) -> str:
    """Format one table cell by its column kind."""
    if value is None:
        return ""
    formatter = _FORMATTERS.get(kind)
    return str(value) if formatter is None else formatter(value)


def is_numeric(kind: ColumnKind) -> bool:
    """True for kinds that are right-aligned in a table."""
    return kind in ("int", "qty", "money", "pct")


def _without_negative_zero(value: Decimal) -> Decimal:
    # Decimal keeps the sign of zero; "-0.00" would read as a tiny negative.
    return value.copy_abs() if value.is_zero() else value


_FORMATTERS: dict[str, Callable[[Any], str]] = {
    "money": format_money,
    "qty": format_qty,
    "int": format_int,
    "pct": format_pct,
    "date": format_date,
    "flag": format_flag,
}


def page_environment(package: str, **filters: Any) -> Environment:
    """A Jinja2 environment for a package's templates with the shared filters.

    Autoescape is on: customer names, comments and file names come from ERP
    exports and must never be read as markup.
    """
    environment = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        money=format_money,
        qty=format_qty,
        integer=format_int,
        pct=format_pct,
        iso=format_date,
        cell=format_cell,
        **filters,
    )
    environment.tests["numeric"] = is_numeric
    return environment
