"""Actuals: what was shipped or invoiced, from a shipment list or invoice register.

The budget scoreboard's "actual to date" comes from a file the ERP exports,
read with an actuals mapping (``budget.actuals_mapping``). Every data row ends
as an ``ActualRow`` or as a ``Reject`` naming file, row, column and fix, and
``ActualsRead.counts`` proves it per file (read = accepted + rejected).

Rows carry their sign: dispatches and invoices count up, returns and credit
notes count down (case 13). Money is exact and in the reporting currency:
each amount is multiplied by its rate and only that product is rounded, half
up, to the cent; nothing is rounded before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TypeVar

from backlogdesk.budget.actuals_mapping import (
    ACTUAL_KINDS,
    COMES_BACK_KINDS,
    TEXT_FIELDS,
    ActualsMapping,
    load_actuals_mapping,
)
from backlogdesk.budget.scoring import Actual
from backlogdesk.errors import InputError, RateError
from backlogdesk.ingest.conversions import Rates
from backlogdesk.ingest.lines import FileCount
from backlogdesk.ingest.mapping import FieldRule
from backlogdesk.ingest.readers import RawRow, RawTable, RawValue, read_table
from backlogdesk.ingest.rejects import Reject
from backlogdesk.ingest.values import CellError, parse_date, parse_decimal, parse_text

log = logging.getLogger(__name__)

T = TypeVar("T")
CENT = Decimal("0.01")
ZERO = Decimal(0)
BASIS_KINDS = {
    "dispatch": ("dispatch", "return"),
    "invoice": ("invoice", "credit_note"),
}


@dataclass(frozen=True)
class ActualRow:
    """One shipped or invoiced document line, signed, in the reporting currency.

    Returns and credit notes are negative. ``margin`` is None when the file
    gives neither a cost nor a margin for the row: unknown, not zero.
    """

    file: str
    row: int
    day: date
    kind: str
    document: str | None
    order_id: str | None
    line_id: str | None
    item: str | None
    revenue: Decimal
    units: Decimal | None
    margin: Decimal | None
    product_group: str | None
    region: str | None
    customer: str | None
    sales_person: str | None

    def __repr__(self) -> str:
        document = f" {self.document}" if self.document else ""
        return (
            f"<ActualRow {self.kind}{document} {self.day.isoformat()} "
            f"revenue={self.revenue}>"
        )


@dataclass
class ActualsRead:
    """Actual rows read, rejected rows with reasons, and per-file counts."""

    rows: list[ActualRow]
    rejects: list[Reject]
    counts: list[FileCount]

    def __repr__(self) -> str:
        return (
            f"<ActualsRead read={self.read} accepted={len(self.rows)} "
            f"rejected={len(self.rejects)}>"
        )

    @property
    def read(self) -> int:
        """Data rows read from all actuals files: accepted plus rejected."""
        return sum(count.read for count in self.counts)


class _RowProblem(Exception):
    """A cell of one row does not fit its actuals field."""

    def __init__(self, column: str, value: str, problem: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.problem = column, value, problem


def read_actuals(
    paths: Path | Sequence[Path],
    mapping: ActualsMapping | str | Path,
    rates: Rates,
    business_timezone: str = "UTC",
) -> ActualsRead:
    """Read actuals files (CSV, XLSX, Parquet) with ``mapping`` into signed rows.

    ``mapping`` is a parsed mapping, a path or a shipped name; ``rates`` turns
    every amount into ``rates.reporting_currency`` at the row's date.
    """
    if not isinstance(mapping, ActualsMapping):
        mapping = load_actuals_mapping(mapping)
    files = [paths] if isinstance(paths, Path) else list(paths)
    if not files:
        raise InputError("No actuals file given.")

    result = ActualsRead([], [], [])
    for path in files:
        table = read_table(path, mapping.format)
        _check_columns(table, mapping)
        rows, rejects = _read_table(table, mapping, rates, business_timezone)
        result.rows += rows
        result.rejects += rejects
        result.counts.append(
            FileCount(path.name, table.read_count, len(rows), len(rejects))
        )

    log.info(
        "read actuals: %d rows from %d file(s), %d rejected",
        len(result.rows),
        len(files),
        len(result.rejects),
    )
    return result


def _check_columns(table: RawTable, mapping: ActualsMapping) -> None:
    missing = [column for column in mapping.columns() if column not in table.columns]
    if missing:
        raise InputError(
            f"{table.path}: no column {', '.join(repr(c) for c in missing)}, which "
            f"{mapping.origin} maps. Columns in the file: "
            f"{', '.join(table.columns)}. Fix the file or the mapping."
        )


def _read_table(
    table: RawTable, mapping: ActualsMapping, rates: Rates, zone: str
) -> tuple[list[ActualRow], list[Reject]]:
    file = table.path.name
    rejects = [
        Reject(file, row, "", "", "unreadable row", reason)
        for row, reason in table.unreadable
    ]
    rows: list[ActualRow] = []
    for raw in table.rows:
        try:
            rows.append(_actual_row(file, raw, mapping, rates, zone))
        except _RowProblem as bad:
            rejects.append(
                Reject(file, raw.row, bad.column, bad.value, bad.problem, str(bad))
            )
    return rows, rejects


def _actual_row(
    file: str, raw: RawRow, mapping: ActualsMapping, rates: Rates, zone: str
) -> ActualRow:
    day = _row_day(raw, mapping, zone)
    kind = _row_kind(raw, mapping)
    texts = {name: _text(raw, mapping, name) for name in TEXT_FIELDS}
    revenue, units, cost, margin = _row_amounts(raw, mapping, kind)
    rate = _row_rate(mapping, rates, texts["currency"], day)

    revenue_converted = _converted(revenue, rate)
    if cost is not None:
        # Margin from the two converted amounts, so it is exactly revenue - cost
        # as the report shows them.
        margin = revenue_converted - _converted(cost, rate)
    elif margin is not None:
        margin = _converted(margin, rate)
    return ActualRow(
        file=file,
        row=raw.row,
        day=day,
        kind=kind,
        document=texts["document"],
        order_id=texts["order_id"],
        line_id=texts["line_id"],
        item=texts["item"],
        revenue=revenue_converted,
        units=units,
        margin=margin,
        product_group=texts["product_group"],
        region=texts["region"],
        customer=texts["customer"],
        sales_person=texts["sales_person"],
    )


def _cell(raw: RawRow, rule: FieldRule) -> RawValue:
    return raw.cells.get(rule.columns[0]) if rule.columns else rule.value


def _column(rule: FieldRule) -> str:
    return rule.columns[0] if rule.columns else rule.name


def _parsed(
    raw: RawRow, rule: FieldRule, parse: Callable[[RawValue], T], problem: str
) -> T:
    value = _cell(raw, rule)
    try:
        return parse(value)
    except CellError as exc:
        shown = "" if value is None else str(value)
        raise _RowProblem(_column(rule), shown, problem, str(exc)) from None


def _missing(rule: FieldRule, what: str) -> _RowProblem:
    return _RowProblem(
        _column(rule),
        "",
        "missing value",
        f"no {what} in this row; every actuals row needs one, so fill it in",
    )


def _row_day(raw: RawRow, mapping: ActualsMapping, zone: str) -> date:
    rule = mapping.fields["date"]

    def parse(value: RawValue) -> date | None:
        return parse_date(value, rule.formats, None, zone)

    day = _parsed(raw, rule, parse, "bad date")
    if day is None:
        raise _missing(rule, "date")
    return day


def _row_kind(raw: RawRow, mapping: ActualsMapping) -> str:
    rule = mapping.fields["kind"]
    code = _parsed(raw, rule, parse_text, "unknown kind")
    if code is None:
        raise _missing(rule, "document type")
    if rule.value_map is None and code in ACTUAL_KINDS:
        return code

    known = mapping.values.get(rule.value_map or "", {})
    kind = known.get(code)
    if kind is None:
        listed = ", ".join(known) or "none"
        raise _RowProblem(
            _column(rule),
            code,
            "unknown kind",
            f"document type '{code}' is not mapped; add it to [values."
            f"{rule.value_map or 'kind'}] in "
            f'{mapping.origin} (e.g. {code} = "invoice"; known: {listed}) as one '
            f"of {', '.join(ACTUAL_KINDS)}",
        )
    return kind


def _text(raw: RawRow, mapping: ActualsMapping, name: str) -> str | None:
    rule = mapping.fields.get(name)
    if rule is None:
        return None
    text = _parsed(raw, rule, parse_text, "bad value")
    if text is not None and rule.value_map is not None:
        text = _translated(text, rule, mapping)
    return text.upper() if text is not None and name == "currency" else text


def _translated(code: str, rule: FieldRule, mapping: ActualsMapping) -> str | None:
    """The code through the field's [values] map; "" there means empty."""
    assert rule.value_map is not None
    found = mapping.values[rule.value_map].get(code)
    if found is not None:
        return found or None
    if rule.unmapped == "keep":
        return code
    raise _RowProblem(
        _column(rule),
        code,
        "unknown value",
        f"{rule.name.replace('_', ' ')} '{code}' is not in [values."
        f"{rule.value_map}] of {mapping.origin}; add it there, or set unmapped = "
        f'"keep" on [fields] {rule.name} to keep codes as written',
    )


def _row_amounts(
    raw: RawRow, mapping: ActualsMapping, kind: str
) -> tuple[Decimal, Decimal | None, Decimal | None, Decimal | None]:
    """Revenue, units, cost and margin of the row, signed, in its currency."""
    revenue = _number(raw, mapping, "revenue")
    if revenue is None:
        raise _missing(mapping.fields["revenue"], "revenue")
    units = _number(raw, mapping, "units")
    cost = _number(raw, mapping, "cost")
    margin = _number(raw, mapping, "margin")

    units, cost = (
        None if value is None else _signed(kind, mapping, name, value)
        for name, value in (("units", units), ("cost", cost))
    )
    # A margin may be below 0 on any document (a sale at a loss), so its sign
    # proves nothing; it only turns with the document.
    if margin is not None and _turns(kind, mapping):
        margin = margin.copy_negate()
    return _signed(kind, mapping, "revenue", revenue), units, cost, margin


def _number(raw: RawRow, mapping: ActualsMapping, name: str) -> Decimal | None:
    rule = mapping.fields.get(name)
    if rule is None:
        return None
    marks = mapping.format

    def parse(value: RawValue) -> Decimal | None:
        return parse_decimal(value, marks.decimal, marks.thousands)

    return _parsed(raw, rule, parse, "bad number")


def _turns(kind: str, mapping: ActualsMapping) -> bool:
    """True when the row's amounts are stored positive but count down."""
    return kind in COMES_BACK_KINDS and mapping.comes_back == "unsigned"


def _signed(kind: str, mapping: ActualsMapping, name: str, value: Decimal) -> Decimal:
    """The amount with the document's sign; a sign that contradicts it is refused."""
    if value == 0:
        return value
    column = _column(mapping.fields[name])
    if kind not in COMES_BACK_KINDS:
        if value < 0:
            raise _RowProblem(
                column,
                str(value),
                "negative amount",
                f"a {kind} with a negative {name} ({value}); map such documents "
                f"as return or credit_note in [values.kind] of {mapping.origin}",
            )
        return value

    if _turns(kind, mapping) and value < 0:
        fix = 'if the file stores them negative, set comes_back = "signed"'
    elif not _turns(kind, mapping) and value > 0:
        fix = 'if the file stores them positive, set comes_back = "unsigned"'
    else:
        return value.copy_negate() if _turns(kind, mapping) else value
    raise _RowProblem(
        column,
        str(value),
        "ambiguous sign",
        f"a {kind.replace('_', ' ')} with {name} {value} does not fit the mapping's "
        f'comes_back = "{mapping.comes_back}"; {fix} under [rules] of '
        f"{mapping.origin}",
    )


def _row_rate(
    mapping: ActualsMapping, rates: Rates, currency: str | None, day: date
) -> Decimal:
    rule = mapping.fields.get("currency")
    column = "currency" if rule is None else _column(rule)
    currency = currency or mapping.currency
    if currency is None:
        raise _RowProblem(
            column,
            "",
            "missing currency",
            "no currency in this row; fill it in, or set currency under [rules] "
            f"of {mapping.origin} for rows without one",
        )
    try:
        return rates.rate(currency, day)
    except RateError:
        raise _RowProblem(
            column,
            currency,
            "missing rate",
            f"no {currency} rate into {rates.reporting_currency} for this row; add "
            f"a rate for {currency} on {day.isoformat()} to the rates file "
            f"({rates.origin})",
        ) from None


def _converted(amount: Decimal, rate: Decimal) -> Decimal:
    """Amount times rate, rounded half up to the cent: the only rounding."""
    return (amount * rate).quantize(CENT, ROUND_HALF_UP)


def actuals_for(rows: Iterable[ActualRow], basis: str) -> list[Actual]:
    """The rows of one basis as scoring actuals.

    Basis "dispatch" counts dispatches and returns, "invoice" invoices and
    credit notes; the other kinds are left out, so nothing counts twice.
    """
    kinds = BASIS_KINDS.get(basis)
    if kinds is None:
        raise InputError(
            f"Unknown actuals basis '{basis}'; use \"dispatch\" (shipped) or "
            '"invoice" (invoiced).'
        )
    return [
        Actual(
            day=row.day,
            revenue=row.revenue,
            units=row.units,
            margin=row.margin,
            order_id=row.order_id,
            product_group=row.product_group,
            region=row.region,
            customer=row.customer,
            sales_person=row.sales_person,
        )
        for row in rows
        if row.kind in kinds
    ]


def shipped_not_invoiced(
    rows: Iterable[ActualRow], start: date, end: date
) -> tuple[Decimal, Decimal]:
    """Value and units shipped but not invoiced in [start, end], both days in.

    Net dispatched (dispatches less returns) minus net invoiced (invoices less
    credit notes) of the rows dated in the range. The result is negative when
    invoices run ahead of shipments (invoiced before dispatch, or shipped
    before ``start`` and invoiced inside it); it is shown as it is, never
    floored to 0. Rows without units count 0 units.
    """
    value, units = ZERO, ZERO
    for row in rows:
        if not start <= row.day <= end:
            continue
        sign = 1 if row.kind in BASIS_KINDS["dispatch"] else -1
        value += sign * row.revenue
        units += sign * (row.units or ZERO)
    return value, units
