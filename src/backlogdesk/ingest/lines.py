"""Order lines: apply a mapping to raw exports and produce canonical lines.

Every data row of a lines file ends either as an accepted canonical line or as
a ``Reject`` naming file, row, column and fix; ``IngestResult.counts`` proves
it (read = accepted + rejected, per file).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from backlogdesk.errors import InputError, MappingError
from backlogdesk.ingest.conversions import Rates, Units
from backlogdesk.ingest.fields import FIELD_BY_NAME, FIELDS, Field
from backlogdesk.ingest.mapping import LINES, FieldRule, Mapping
from backlogdesk.ingest.readers import RawRow, RawTable, read_table
from backlogdesk.ingest.rejects import Reject
from backlogdesk.ingest.values import CellError, parse_date, parse_decimal, parse_text

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
PRICE_PLACES = Decimal("0.000001")
QTY_PLACES = Decimal("0.0001")
CRM_COLUMNS = {"opportunity", "stage", "sales stage", "probability", "win probability"}


@dataclass(frozen=True)
class FileCount:
    """Rows read from one lines file, and where each one went."""

    file: str
    read: int
    accepted: int
    rejected: int


@dataclass
class IngestResult:
    """Canonical lines (one dict per line), rejects and per-file counts."""

    lines: list[dict[str, Any]]
    rejects: list[Reject]
    counts: list[FileCount]
    notes: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Data rows read from all lines files."""
        return sum(count.read for count in self.counts)

    def __repr__(self) -> str:
        return (
            f"<IngestResult read={self.read} accepted={len(self.lines)} "
            f"rejected={len(self.rejects)}>"
        )


@dataclass(frozen=True)
class IngestContext:
    """What ingest needs beyond the mapping: zone, rates, units, report date."""

    business_timezone: str
    rates: Rates
    units: Units
    rate_policy: str
    as_of: date


def ingest_files(
    paths: list[Path], mapping: Mapping, context: IngestContext
) -> IngestResult:
    """Read the given exports with ``mapping`` and return canonical lines."""
    if not paths:
        raise InputError("No export files given.")
    seen = [path.resolve() for path in paths]
    twice = sorted({str(path) for path in seen if seen.count(path) > 1})
    if twice:
        raise InputError(
            f"{', '.join(twice)}: given more than once. Give each file once."
        )
    tables = _read_by_role(paths, mapping)
    _check_columns(tables, mapping)
    names = {role: found[0].path.name for role, found in tables.items()}
    lookups = {
        source.name: _index_lookup(tables[source.name], source.join, mapping)
        for source in mapping.files
        if source.name != LINES
    }

    lines: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    counts: list[FileCount] = []
    notes: list[str] = []
    for table in tables[LINES]:
        accepted_before, rejected_before = len(lines), len(rejects)
        for row, reason in table.unreadable:
            rejects.append(
                Reject(table.path.name, row, "", "", "unreadable row", reason)
            )
        for raw in table.rows:
            outcome = _convert_row(table, raw, mapping, (lookups, names), context)
            if isinstance(outcome, Reject):
                rejects.append(outcome)
            else:
                lines.append(outcome)
        counts.append(
            FileCount(
                table.path.name,
                table.read_count,
                len(lines) - accepted_before,
                len(rejects) - rejected_before,
            )
        )
        if table.encoding and table.delimiter:
            notes.append(
                f"{table.path.name}: read as {table.encoding}, delimiter "
                f"{table.delimiter!r}"
            )
        notes += [f"{table.path.name}: {note}" for note in table.notes]

    if mapping.shipped_qty_level == "item":
        lines, unequal = allocate_item_shipments(lines)
        rejects.extend(unequal)
        counts = _recount(counts, unequal)
    lines, duplicates = _split_duplicates(lines)
    rejects.extend(duplicates)
    counts = _recount(counts, duplicates)
    log.info("ingested %d lines, %d rejected", len(lines), len(rejects))
    return IngestResult(lines, rejects, counts, notes)


def _read_by_role(paths: list[Path], mapping: Mapping) -> dict[str, list[RawTable]]:
    tables: dict[str, list[RawTable]] = defaultdict(list)
    for path in paths:
        source = mapping.source_for(path)
        tables[source.name].append(read_table(path, mapping.format, source.sheet))
    for source in mapping.files:
        if not tables.get(source.name):
            raise MappingError(
                f"The mapping {mapping.origin} needs a '{source.name}' file matching "
                f"'{source.match}', but none of the given files fits. Give it on "
                "the command line."
            )
        if source.name != LINES and len(tables[source.name]) > 1:
            names = ", ".join(t.path.name for t in tables[source.name])
            raise MappingError(f"Several files fit '{source.name}': {names}. Give one.")
    return tables


def _check_columns(tables: dict[str, list[RawTable]], mapping: Mapping) -> None:
    for table in tables[LINES]:
        crm = sorted(c for c in table.columns if c.strip().lower() in CRM_COLUMNS)
        if crm:
            raise InputError(
                f"{table.path}: has CRM pipeline columns ({', '.join(crm)}). "
                "Opportunities and forecasts are not orders and are refused for the "
                "backlog; export confirmed sales order lines instead."
            )
    roles = {source.name for source in mapping.files}
    needed: list[tuple[str, str, str]] = []
    for rule in mapping.fields.values():
        needed += [(*_split_ref(c, roles), f"field {rule.name}") for c in rule.columns]
    for source in mapping.files:
        for own, ref in source.join.items():
            needed.append((source.name, own, f"join of [files.{source.name}]"))
            needed.append((*_split_ref(ref, roles), f"join of [files.{source.name}]"))
    for role, column, purpose in needed:
        for table in tables.get(role, []):
            if column not in table.columns:
                raise InputError(
                    f"{table.path}: required column '{column}' not found (used by "
                    f"{purpose} in {mapping.origin}). Columns in the file: "
                    f"{', '.join(table.columns)}. Fix the export or the mapping."
                )


def _split_ref(reference: str, roles: Any) -> tuple[str, str]:
    """'orders.status' names a column of the joined file 'orders'; any other
    name (including one with a dot, such as 'No.') is a lines-file column."""
    role, dot, column = reference.partition(".")
    if dot and role in roles and role != LINES:
        return role, column
    return LINES, reference


def _index_lookup(
    tables: list[RawTable], join: dict[str, str], mapping: Mapping
) -> dict[tuple[str | None, ...], RawRow]:
    table = tables[0]
    index: dict[tuple[str | None, ...], RawRow] = {}
    for raw in table.rows:
        key = tuple(parse_text(raw.cells[own]) for own in join)
        if key in index:
            raise InputError(
                f"{table.path}: rows {index[key].row} and {raw.row} share the key "
                f"{_show_key(join, key)}; a joined file must have one row per key. "
                "Remove the duplicate."
            )
        index[key] = raw
    return index


def _show_key(join: dict[str, str], key: tuple[str | None, ...]) -> str:
    return ", ".join(f"{own}={value}" for own, value in zip(join, key, strict=True))


def _convert_row(
    table: RawTable,
    raw: RawRow,
    mapping: Mapping,
    joined: tuple[dict[str, dict[tuple[str | None, ...], RawRow]], dict[str, str]],
    context: IngestContext,
) -> dict[str, Any] | Reject:
    lookups, lookups_files = joined
    file = table.path.name
    cells: dict[str, dict[str, Any]] = {LINES: raw.cells}
    origins: dict[str, str] = {}

    for source in mapping.files[1:]:
        key = tuple(_cell(cells, ref) for ref in source.join.values())
        key = tuple(parse_text(part) for part in key)
        found = lookups[source.name].get(key)
        if found is None and source.required:
            return Reject(
                file,
                raw.row,
                ", ".join(source.join.values()),
                " / ".join(str(part) for part in key),
                f"no {source.name} row",
                f"no row in the {source.name} file with {_show_key(source.join, key)}; "
                f"add it there, or set required = false under [files.{source.name}]",
            )
        cells[source.name] = found.cells if found else {}
        if found is not None:
            origins[source.name] = f"{lookups_files[source.name]} row {found.row}"

    values: dict[str, Any] = {"source_file": file, "source_row": raw.row}
    for spec in FIELDS:
        rule = mapping.fields.get(spec.name)
        try:
            values[spec.name] = _field_value(spec, rule, cells, mapping, context)
        except CellError as exc:
            column = ", ".join(rule.columns) if rule else spec.name
            shown = _shown_raw(cells, rule)
            reason = str(exc) + _joined_origin(rule, origins)
            return Reject(file, raw.row, column, shown, _problem(spec), reason)

    try:
        return _derive(values, mapping, context)
    except CellError as exc:
        return Reject(file, raw.row, "", "", "inconsistent line", str(exc))
    except (InvalidOperation, OverflowError):
        return Reject(
            file,
            raw.row,
            "",
            "",
            "number too large",
            "a quantity, price or amount is too large to be real (more than 30 "
            "digits); check the cell for a typing or export error",
        )


def _joined_origin(rule: FieldRule | None, origins: dict[str, str]) -> str:
    """Where a bad cell of a joined file really is, for the rejected row."""
    if rule is None or not rule.columns:
        return ""
    role, _ = _split_ref(rule.columns[0], origins)
    return f" (the cell is in {origins[role]})" if role in origins else ""


def _cell(cells: dict[str, dict[str, Any]], reference: str) -> Any:
    role, column = _split_ref(reference, cells)
    return cells.get(role, {}).get(column)


def _shown_raw(cells: dict[str, dict[str, Any]], rule: FieldRule | None) -> str:
    if rule is None or not rule.columns:
        return ""
    return " | ".join(str(_cell(cells, c) or "") for c in rule.columns)


def _problem(spec: Field) -> str:
    kinds = {
        "date": "bad date",
        "qty": "bad number",
        "price": "bad number",
        "amount": "bad number",
        "status": "unknown status",
        "choice": f"unknown {spec.name.replace('_', ' ')}",
        "text": "missing value",
    }
    return kinds[spec.kind]


def _field_value(
    spec: Field,
    rule: FieldRule | None,
    cells: dict[str, dict[str, Any]],
    mapping: Mapping,
    context: IngestContext,
) -> Any:
    if rule is None:
        return None
    if rule.value is not None:
        raw: Any = rule.value
    elif len(rule.columns) == 1:
        raw = _cell(cells, rule.columns[0])
    elif rule.pick == "first":
        return _first_value(spec, rule, cells, mapping, context)
    else:
        parts = [parse_text(_cell(cells, c)) for c in rule.columns]
        raw = rule.separator.join(p for p in parts if p) or None

    value = _parse_kind(spec, rule, raw, mapping, context)
    if value is None and spec.required:
        raise CellError(f"{spec.name} is empty; every order line needs one")
    return value


def _first_value(
    spec: Field,
    rule: FieldRule,
    cells: dict[str, dict[str, Any]],
    mapping: Mapping,
    context: IngestContext,
) -> Any:
    """The first of the rule's columns that gives a value (after its map)."""
    maps = rule.column_maps or (rule.value_map,) * len(rule.columns)
    for column, value_map in zip(rule.columns, maps, strict=True):
        each = replace(rule, value_map=value_map)
        value = _parse_kind(spec, each, _cell(cells, column), mapping, context)
        if value is not None:
            return value
    if spec.required:
        shown = ", ".join(rule.columns)
        raise CellError(f"{spec.name} is empty in all of {shown}; one must be filled")
    return None


def _parse_kind(
    spec: Field, rule: FieldRule, raw: Any, mapping: Mapping, context: IngestContext
) -> Any:
    fmt = mapping.format
    if spec.kind == "date":
        return parse_date(raw, rule.formats, rule.timezone, context.business_timezone)
    if spec.kind in ("qty", "price", "amount"):
        number = parse_decimal(raw, fmt.decimal, fmt.thousands)
        if number is not None and spec.name == "discount" and rule.unit == "percent":
            number = number / 100
        return number
    text = parse_text(raw)
    if text is None:
        return None
    if rule.value_map is not None:
        text = _mapped(text, rule, mapping)
        if text is None:
            return None
    if spec.choices:
        lowered = text.lower()
        if lowered not in spec.choices:
            where = f"[values.{rule.value_map}]" if rule.value_map else "a value map"
            raise CellError(
                f"unknown {spec.name} '{text}': expected one of "
                f"{', '.join(spec.choices)}; map it in {where} of {mapping.origin}"
            )
        return lowered
    return text


def _mapped(text: str, rule: FieldRule, mapping: Mapping) -> str | None:
    assert rule.value_map is not None
    table = mapping.values[rule.value_map]
    if text in table:
        return table[text] or None
    if "*" in table:
        return table["*"] or None
    if rule.unmapped == "empty":
        return None
    if rule.unmapped == "keep":
        return text
    known = ", ".join(f"'{k}'" for k in table)
    raise CellError(
        f"unknown {rule.name} value '{text}'; add it to [values.{rule.value_map}] "
        f"in {mapping.origin} (known: {known})"
    )


def _derive(
    values: dict[str, Any], mapping: Mapping, context: IngestContext
) -> dict[str, Any]:
    """Fill what follows from the mapped fields: keys, quantities, money."""
    parts = [values["order_id"], values["line_id"]]
    if values["schedule_id"]:
        parts.append(values["schedule_id"])
    values["line_key"] = "/".join(parts)

    if values["line_type"] is None:
        is_charge = values["item"] in mapping.charge_items
        values["line_type"] = "charge" if is_charge else "goods"
    if values["currency"] is None:
        values["currency"] = mapping.currency or context.rates.reporting_currency

    _derive_quantities(values, mapping, context)
    _derive_money(values, mapping, context)
    return values


def _derive_quantities(
    values: dict[str, Any], mapping: Mapping, context: IngestContext
) -> None:
    factor, stock_unit = context.units.factor(values["item"], values["unit"])
    values["unit_factor"] = factor
    values["stock_unit"] = stock_unit

    shipped = values["shipped_qty"]
    if shipped is None:
        fully = mapping.shipped_date_means_shipped and values["shipped_date"]
        shipped = values["ordered_qty"] if fully else Decimal(0)
    elif mapping.fields["shipped_qty"].unit == "stock":
        shipped = shipped / factor
    values["shipped_qty"] = shipped.quantize(QTY_PLACES, ROUND_HALF_UP)
    values["ordered_qty"] = values["ordered_qty"].quantize(QTY_PLACES, ROUND_HALF_UP)


def _tax_divisor(values: dict[str, Any], mapping: Mapping) -> Decimal:
    """1 + tax rate when the export's prices include tax, else 1."""
    if not mapping.prices_include_tax:
        return Decimal(1)
    if values["tax_rate"] is None:
        raise CellError(
            "prices include tax ([rules] prices_include_tax) but the line has no "
            "tax rate; map tax_rate (0.19 for 19 %)"
        )
    rate: Decimal = values["tax_rate"]
    return 1 + rate


def _derive_money(
    values: dict[str, Any], mapping: Mapping, context: IngestContext
) -> None:
    ordered: Decimal = values["ordered_qty"]
    discount = values["discount"] or Decimal(0)
    if not Decimal(0) <= discount <= Decimal(1):
        raise CellError(
            f"discount {discount} is not a fraction between 0 and 1; for percent "
            'values set unit = "percent" on the discount field'
        )
    divisor = _tax_divisor(values, mapping)
    if values["line_amount"] is not None:
        amount: Decimal = values["line_amount"] / divisor
        net_price = amount / ordered if ordered else Decimal(0)
    elif values["unit_price"] is not None:
        net_price = values["unit_price"] * (1 - discount) / divisor
        amount = ordered * net_price
    else:
        amount = net_price = None  # type: ignore[assignment]
    values["line_amount"] = (
        None if amount is None else amount.quantize(CENT, ROUND_HALF_UP)
    )
    values["net_price"] = (
        None if net_price is None else net_price.quantize(PRICE_PLACES, ROUND_HALF_UP)
    )

    values["fx_rate"] = _fx_rate(values, context)


def _fx_rate(values: dict[str, Any], context: IngestContext) -> Decimal:
    """The line's rate into the reporting currency, by the rate-date policy."""
    currency = values["currency"]
    if context.rate_policy == "budget_rate":
        return context.rates.budget_rate(currency, context.as_of.year)
    if context.rate_policy == "report_date":
        return context.rates.rate(currency, context.as_of)
    if values["order_date"] is None and currency != context.rates.reporting_currency:
        raise CellError(
            "the rate policy is order_date but this line has no order date; map "
            'order_date in the mapping or set rate_date_policy = "report_date"'
        )
    return context.rates.rate(currency, values["order_date"] or context.as_of)


def allocate_item_shipments(
    lines: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[Reject]]:
    """Spread an item's shipped total over its schedule lines, earliest date first.

    Some ERPs (SAP among them) report delivered quantity per item while the
    planning unit is the schedule line. Each schedule line row then repeats
    the item's total; it is allocated to the lines in ship-date order (field
    case 10), each taking at most its own quantity; any excess stays on the
    last line as over-delivery.
    """
    items: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        items[(line["order_id"], line["line_id"])].append(line)
    kept: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for (order, item), group in items.items():
        totals = {line["shipped_qty"] for line in group}
        if len(totals) > 1:
            rejects += [_unequal_total(line, order, item, group) for line in group]
            continue
        _allocate(group, totals.pop())
        kept += group
    return kept, rejects


def _allocate(group: list[dict[str, Any]], shipped: Decimal) -> None:
    def by_date(line: dict[str, Any]) -> tuple[date, str]:
        day = line["confirmed_date"] or line["estimated_date"] or date.max
        return day, line["schedule_id"] or ""

    ordered = sorted(group, key=by_date)
    for position, line in enumerate(ordered):
        last = position == len(ordered) - 1
        share = shipped if last else min(shipped, line["ordered_qty"])
        line["shipped_qty"] = share
        shipped -= share


def _unequal_total(
    line: dict[str, Any], order: str, item: str, group: list[dict[str, Any]]
) -> Reject:
    rows = ", ".join(str(g["source_row"]) for g in group)
    return Reject(
        line["source_file"],
        line["source_row"],
        "shipped_qty",
        str(line["shipped_qty"]),
        "inconsistent item shipment",
        f"the schedule lines of item {order}/{item} (rows {rows}) give different "
        'shipped totals; with shipped_qty_level = "item" every schedule line '
        "must repeat the item's total",
    )


def _split_duplicates(
    lines: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[Reject]]:
    rows_by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        rows_by_key[line["line_key"]].append(line)
    kept: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for key, group in rows_by_key.items():
        if len(group) == 1:
            kept.append(group[0])
            continue
        where = ", ".join(f"{g['source_file']} row {g['source_row']}" for g in group)
        for line in group:
            rejects.append(
                Reject(
                    line["source_file"],
                    line["source_row"],
                    "order_id, line_id",
                    key,
                    "duplicate line key",
                    f"line key {key} appears {len(group)} times ({where}); each "
                    "line must appear once. If the ERP splits lines into schedule "
                    "lines, map schedule_id in the mapping",
                )
            )
    return kept, rejects


def _recount(counts: list[FileCount], duplicates: list[Reject]) -> list[FileCount]:
    moved: dict[str, int] = defaultdict(int)
    for reject in duplicates:
        moved[reject.file] += 1
    return [
        FileCount(
            c.file, c.read, c.accepted - moved[c.file], c.rejected + moved[c.file]
        )
        for c in counts
    ]


def canonical_field_names() -> list[str]:
    """Field names of a canonical line, in table order."""
    derived = ["line_key", "unit_factor", "stock_unit", "net_price", "fx_rate"]
    return ["source_file", "source_row", *FIELD_BY_NAME, *derived]
