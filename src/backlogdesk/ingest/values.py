"""Cell parsers: text, exact decimals and business dates, with precise complaints.

Each parser returns the value or raises ``CellError`` with what was expected and
how to fix it; the caller adds the file, row and column. Nothing is guessed: a
number written with the other decimal mark, or a thousands separator that does
not group by three digits, is an error rather than a different number.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from backlogdesk.ingest.readers import RawValue

EXCEL_DATE = "excel"
# Day 0 of Excel's 1900 date system. Excel counts 29 Feb 1900, which never
# existed, so from day 61 (1 Mar 1900) on this base gives the right calendar day.
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_FIRST_DAY = 61
EXCEL_LAST_DAY = 2958465  # 9999-12-31

# Spaces that spreadsheets and locales use to group thousands (French, Swiss).
_GROUP_SPACES = (" ", "\u00a0", "\u202f")
_PLAIN_NUMBER = re.compile(r"(?=[0-9]|\.[0-9])[0-9]*(\.[0-9]*)?([eE][+-]?[0-9]+)?")
_SERIAL_DAY = re.compile(r"[0-9]{1,7}(\.[0-9]+)?")


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
    """An exact decimal from text written with the export's separators.

    Accepts a leading sign, accounting brackets ``(12.50)`` and a trailing minus
    (``12.50-``, as SAP writes negatives). Thousands separators must group the
    whole part by three digits; spaces may always group thousands.
    """
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, datetime | date):
        raise CellError(f"expected a number, found the date {raw.isoformat()}")
    text = raw.strip()
    if not text:
        return None

    negative, unsigned = _split_sign(text)
    for space in _GROUP_SPACES:
        unsigned = unsigned.replace(space, " ")
    value = _unsigned_decimal(unsigned, raw, decimal_mark, thousands)
    # copy_negate is exact; unary minus rounds to the context's 28 digits.
    return value.copy_negate() if negative else value


def _split_sign(text: str) -> tuple[bool, str]:
    if text.startswith("(") and text.endswith(")"):
        return True, text[1:-1].strip()
    if text[:1] in ("-", "+"):
        return text[0] == "-", text[1:].strip()
    if text.endswith("-"):
        return True, text[:-1].strip()
    return False, text


def _unsigned_decimal(
    text: str, raw: str, decimal_mark: str, thousands: str
) -> Decimal:
    other_mark = "," if decimal_mark == "." else "."
    if other_mark in text and other_mark != thousands:
        raise CellError(
            f"expected a number with '{decimal_mark}' as decimal mark, found "
            f"'{raw}'; set [format] decimal / thousands in the mapping"
        )
    whole, _, fraction = text.partition(decimal_mark)
    marks = {thousands, " "} - {""}
    if any(mark in fraction for mark in marks):
        raise CellError(
            f"expected a number with '{decimal_mark}' as decimal mark, found "
            f"'{raw}' (a thousands separator after the decimal mark); set "
            "[format] decimal / thousands in the mapping"
        )

    if any(mark in whole for mark in marks):
        separators = "".join(re.escape(mark) for mark in sorted(marks))
        if not re.fullmatch(f"[0-9]{{1,3}}([{separators}][0-9]{{3}})+", whole):
            raise CellError(
                f"expected a number, found '{raw}': its thousands separator "
                "does not group by three digits; check [format] decimal / "
                "thousands in the mapping"
            )
        whole = re.sub(f"[{separators}]", "", whole)
    plain = f"{whole}.{fraction}" if fraction else whole
    if not _PLAIN_NUMBER.fullmatch(plain):
        raise CellError(f"expected a number, found '{raw}'")
    try:
        return Decimal(plain)
    except InvalidOperation:
        raise CellError(f"expected a number, found '{raw}'") from None


def parse_date(
    raw: RawValue,
    formats: tuple[str, ...],
    source_zone: str | None,
    business_zone: str,
) -> date | None:
    """A business date from text in one of ``formats`` (or a workbook date).

    Timestamps are moved from ``source_zone`` (default: the business zone) into
    the business time zone before the date is taken, so a 23:30 UTC order on 30
    June is a July order in London summer time. The format ``"excel"`` reads
    Excel day numbers (45432 is 2024-05-20), a fraction being the time of day.
    """
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return _business_date(raw, source_zone, business_zone)
    if isinstance(raw, date):
        return raw
    if isinstance(raw, Decimal):
        if EXCEL_DATE in formats:
            return _excel_date(str(raw), source_zone, business_zone)
        raise CellError(
            f"expected a date ({_shown(formats)}), found the number {raw}; format "
            'the column as a date in the export, or add "excel" to the date '
            "formats of this field when it holds Excel day numbers"
        )

    text = raw.strip()
    return _text_date(text, formats, source_zone, business_zone) if text else None


def _text_date(
    text: str, formats: tuple[str, ...], source_zone: str | None, business_zone: str
) -> date:
    for fmt in formats:
        if fmt == EXCEL_DATE:
            if _SERIAL_DAY.fullmatch(text):
                return _excel_date(text, source_zone, business_zone)
            continue
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if _has_time(fmt):
            return _business_date(parsed, source_zone, business_zone)
        return parsed.date()
    raise CellError(_date_complaint(text, formats))


def _date_complaint(text: str, formats: tuple[str, ...]) -> str:
    complaint = f"expected a date like {_shown(formats)}, found '{text}'"
    # Five-digit day numbers are 1927 to 2173: dates an order book can hold.
    if _SERIAL_DAY.fullmatch(text) and 10_000 <= float(text) < 100_000:
        day = (EXCEL_EPOCH + timedelta(days=int(float(text)))).date()
        return (
            f"{complaint}, which looks like an Excel day number ({day}); format "
            'the column as a date in the export, or add "excel" to the date '
            "formats of this field in the mapping"
        )
    for fmt in formats:
        if "%Y" in fmt and _parses(text, fmt.replace("%Y", "%y")):
            return (
                f"{complaint}: the year has two digits; write four, or use %y "
                f'instead of %Y in the format ("{fmt.replace("%Y", "%y")}")'
            )
    return (
        f"{complaint}; fix the cell or add its format to 'format' for this field "
        "in the mapping"
    )


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _excel_date(text: str, source_zone: str | None, business_zone: str) -> date:
    serial = Decimal(text)
    if not EXCEL_FIRST_DAY <= serial <= EXCEL_LAST_DAY:
        raise CellError(
            f"expected an Excel day number from {EXCEL_FIRST_DAY} (1900-03-01) "
            f"to {EXCEL_LAST_DAY} (9999-12-31), found '{text}'"
        )
    days = int(serial)
    if serial == days:
        return (EXCEL_EPOCH + timedelta(days=days)).date()
    seconds = round((serial - days) * 86400)
    moment = EXCEL_EPOCH + timedelta(days=days, seconds=seconds)
    return _business_date(moment, source_zone, business_zone)


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
    examples = [
        "45382 (an Excel day number)"
        if fmt == EXCEL_DATE
        else f"'{date(2024, 3, 31).strftime(fmt)}'"
        for fmt in formats[:3]
    ]
    return " or ".join(examples)
