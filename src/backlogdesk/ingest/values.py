"""Cell parsers: text, exact decimals and business dates, with precise complaints.

Each parser returns the value or raises ``CellError`` with what was expected and
how to fix it; the caller adds the file, row and column.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from backlogdesk.ingest.readers import RawValue


class CellError(ValueError):
    """A cell's value does not fit its field; the message names the fix."""


def parse_text(raw: RawValue) -> str | None:
    """Text as given, trimmed; whole numbers read from workbooks lose '.0'."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return str(int(raw)) if raw == raw.to_integral_value() else str(raw)
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    text = raw.strip()
    return text or None


def parse_decimal(raw: RawValue, decimal_mark: str, thousands: str) -> Decimal | None:
    """An exact decimal from text written with the export's separators."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, datetime | date):
        raise CellError(f"expected a number, found the date {raw.isoformat()}")
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if thousands:
        text = text.replace(thousands, "")
    other_mark = "," if decimal_mark == "." else "."
    if other_mark in text:
        raise CellError(
            f"expected a number with '{decimal_mark}' as decimal mark, found "
            f"'{raw}'; set [format] decimal / thousands in the mapping"
        )
    text = text.replace(decimal_mark, ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"expected a number, found '{raw}'") from None
    if not value.is_finite():
        raise CellError(f"expected a number, found '{raw}'")
    return -value if negative else value


def parse_date(
    raw: RawValue,
    formats: tuple[str, ...],
    source_zone: str | None,
    business_zone: str,
) -> date | None:
    """A business date from text in one of ``formats`` (or a workbook date).

    Timestamps are moved from ``source_zone`` (default: the business zone) into
    the business time zone before the date is taken, so a 23:30 UTC order on 30
    June is a July order in London summer time.
    """
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return _business_date(raw, source_zone, business_zone)
    if isinstance(raw, date):
        return raw
    if isinstance(raw, Decimal):
        raise CellError(
            f"expected a date ({_shown(formats)}), found the number {raw}; format "
            "the column as a date in the export"
        )
    text = raw.strip()
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if _has_time(fmt):
            return _business_date(parsed, source_zone, business_zone)
        return parsed.date()
    raise CellError(
        f"expected a date like {_shown(formats)}, found '{raw}'; fix the cell or "
        "add its format to 'format' for this field in the mapping"
    )


def _has_time(fmt: str) -> bool:
    return any(code in fmt for code in ("%H", "%I", "%M", "%S", "%z"))


def _business_date(
    moment: datetime, source_zone: str | None, business_zone: str
) -> date:
    if moment.tzinfo is None:
        zone = ZoneInfo(source_zone) if source_zone else ZoneInfo(business_zone)
        moment = moment.replace(tzinfo=zone)
    if business_zone == "UTC":
        return moment.astimezone(UTC).date()
    return moment.astimezone(ZoneInfo(business_zone)).date()


def _shown(formats: tuple[str, ...]) -> str:
    examples = [date(2024, 3, 31).strftime(fmt) for fmt in formats[:3]]
    return " or ".join(f"'{example}'" for example in examples)
