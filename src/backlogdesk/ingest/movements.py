"""Movement files: deliveries, returns, invoices and credit notes per order line.

Each kind is summed per order line on its own and only then combined with the
line, so a line with two deliveries and two invoices never multiplies them
(field cases 01, 07, 08). Movements keyed by order and item instead of line
are allocated to the order's lines of that item in ship-date order (case 10).
Returns and credit notes stored without a sign are negated (case 13).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from backlogdesk.errors import MappingError
from backlogdesk.ingest.mapping import Mapping, MovementSource
from backlogdesk.ingest.readers import RawRow, read_table
from backlogdesk.ingest.rejects import Reject
from backlogdesk.ingest.values import CellError, parse_date, parse_decimal, parse_text

KINDS = ("delivery", "return", "invoice", "credit_note")
COMES_BACK = ("return", "credit_note")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Movement:
    """One movement row, signed: negative quantities come back."""

    file: str
    row: int
    kind: str
    order_id: str
    line_id: str | None
    item: str | None
    qty: Decimal
    day: date | None


@dataclass
class MovementResult:
    """Movements accepted and rejected, with per-file counts."""

    movements: list[Movement]
    rejects: list[Reject]
    counts: list[tuple[str, int, int, int]]


def read_movements(paths: list[Path], mapping: Mapping, zone: str) -> MovementResult:
    """Read movement files with the mapping's [movements] shapes."""
    result = MovementResult([], [], [])
    for path in paths:
        source = _source_for(path, mapping)
        table = read_table(path, mapping.format)
        before = (len(result.movements), len(result.rejects))
        for row, reason in table.unreadable:
            result.rejects.append(
                Reject(path.name, row, "", "", "unreadable row", reason)
            )
        for raw in table.rows:
            outcome = _movement(path.name, raw, source, mapping, zone)
            if isinstance(outcome, Movement):
                result.movements.append(outcome)
            else:
                result.rejects.append(outcome)
        accepted = len(result.movements) - before[0]
        result.counts.append(
            (path.name, table.read_count, accepted, len(result.rejects) - before[1])
        )
    return result


def _source_for(path: Path, mapping: Mapping) -> MovementSource:
    if not mapping.movements:
        raise MappingError(
            f"{path}: movement files need a [movements.<name>] section in "
            f"{mapping.origin} (see docs/mapping.md)."
        )
    for source in mapping.movements:
        if source.matches(path):
            return source
    patterns = ", ".join(f"'{s.match}'" for s in mapping.movements)
    raise MappingError(f"{path}: the name fits no [movements] match ({patterns}).")


def _movement(
    file: str, raw: RawRow, source: MovementSource, mapping: Mapping, zone: str
) -> Movement | Reject:
    values: dict[str, Any] = {}
    for name, rule in source.fields.items():
        cell = rule.value if rule.value is not None else raw.cells.get(rule.columns[0])
        try:
            values[name] = _parse(
                name, cell, rule.formats, rule.value_map, mapping, zone
            )
        except CellError as exc:
            column = rule.columns[0] if rule.columns else name
            return Reject(
                file, raw.row, column, str(cell or ""), f"bad {name}", str(exc)
            )
    if values.get("order_id") is None or values.get("qty") is None:
        return Reject(
            file, raw.row, "", "", "missing value", "order and quantity must be filled"
        )
    qty: Decimal = values["qty"]
    if mapping.movement_signs == "unsigned" and values["kind"] in COMES_BACK:
        qty = -abs(qty)
    return Movement(
        file,
        raw.row,
        values["kind"],
        values["order_id"],
        values.get("line_id"),
        values.get("item"),
        qty,
        values.get("date"),
    )


def _parse(
    name: str,
    cell: Any,
    formats: tuple[str, ...],
    value_map: str | None,
    mapping: Mapping,
    zone: str,
) -> Any:
    if name == "qty" or name == "amount":
        return parse_decimal(cell, mapping.format.decimal, mapping.format.thousands)
    if name == "date":
        return parse_date(cell, formats, None, zone)
    text = parse_text(cell)
    if name != "kind" or text is None:
        return text
    kind = mapping.values[value_map].get(text, text) if value_map else text
    if kind not in KINDS:
        raise CellError(
            f"unknown movement kind '{text}': expected {', '.join(KINDS)}; map it "
            f"in [values.{value_map or '<map>'}] of {mapping.origin}"
        )
    return kind


def apply_movements(
    lines: list[dict[str, Any]], movements: list[Movement], reshipped: bool
) -> tuple[list[Reject], int]:
    """Set each line's delivered, returned, invoiced and shipped quantities.

    Lines without any delivery or return keep the export's shipped quantity.
    Returns the movements that match no order line, as rejects, and how many
    lines had an export quantity that the movement files replaced by another.
    """
    by_line: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    by_item: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_line[(line["order_id"], line["line_id"])].append(line)
        by_item[(line["order_id"], line["item"] or "")].append(line)
        for kind in KINDS:
            line[f"_{kind}"] = ZERO

    totals: dict[tuple[str, tuple[str, str], str], Decimal] = defaultdict(Decimal)
    rejects = []
    for movement in movements:
        target = _target(movement, by_line, by_item)
        if target is None:
            rejects.append(_unmatched(movement))
        else:
            totals[(target[0], target[1], movement.kind)] += movement.qty

    moved: set[int] = set()
    for (level, key, kind), qty in totals.items():
        group = (by_line if level == "line" else by_item)[key]
        _spread(group, f"_{kind}", qty)
        if kind in ("delivery", "return"):
            moved.update(id(line) for line in group)
    differing = sum(_settle(line, reshipped, id(line) in moved) for line in lines)
    return rejects, differing


def _target(
    movement: Movement,
    by_line: dict[tuple[str, str], list[dict[str, Any]]],
    by_item: dict[tuple[str, str], list[dict[str, Any]]],
) -> tuple[str, tuple[str, str]] | None:
    if movement.line_id is not None:
        key = (movement.order_id, movement.line_id)
        return ("line", key) if key in by_line else None
    key = (movement.order_id, movement.item or "")
    return ("item", key) if key in by_item else None


def _spread(group: list[dict[str, Any]], field: str, qty: Decimal) -> None:
    """Allocate ``qty`` over the lines in ship-date order, each up to its size."""

    def by_date(line: dict[str, Any]) -> tuple[date, str, str]:
        day = line["confirmed_date"] or line["estimated_date"] or date.max
        return day, line["line_id"], line["schedule_id"] or ""

    ordered = sorted(group, key=by_date)
    for position, line in enumerate(ordered):
        last = position == len(ordered) - 1
        share = qty if last or qty < 0 else min(qty, line["ordered_qty"])
        line[field] += share
        qty -= share


def _settle(line: dict[str, Any], reshipped: bool, moved: bool) -> bool:
    """Set the line's movement totals; True when the export's shipped quantity
    and the movement files disagree."""
    delivered = line.pop("_delivery")
    returned = -line.pop("_return")
    invoiced = line.pop("_invoice") + line.pop("_credit_note")
    line["invoiced_qty"] = invoiced
    if not moved:
        # No delivery or return for this line in the files: the export's own
        # shipped quantity stands (the files may cover only recent weeks).
        return False
    line["delivered_qty"] = delivered
    line["returned_qty"] = returned
    shipped = delivered - returned if reshipped else delivered
    differs = bool(line["shipped_qty"]) and line["shipped_qty"] != shipped
    line["shipped_qty"] = shipped
    return differs


def _unmatched(movement: Movement) -> Reject:
    key = (
        f"{movement.order_id}/{movement.line_id}"
        if movement.line_id is not None
        else f"order {movement.order_id}, item {movement.item}"
    )
    return Reject(
        movement.file,
        movement.row,
        "order_id",
        key,
        "no order line",
        f"this {movement.kind.replace('_', ' ')} points to {key}, which is not in "
        "the order export; check the order number, or export the missing order",
    )
