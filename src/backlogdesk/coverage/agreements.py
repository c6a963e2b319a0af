"""Agreements files: frame, blanket, supply and scheduling agreements as rows.

An agreements mapping is a TOML file written like an order mapping: ``[format]``,
``[fields]``, ``[values]`` and ``[rules] currency``; docs/coverage.md lists every
key. Every data row ends as an ``Agreement`` or as a ``Reject`` naming file,
row, column and fix, and ``AgreementsRead.counts`` proves it per file.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from backlogdesk.coverage.agreement_mapping import AGREEMENT_FIELDS, AgreementMapping
from backlogdesk.errors import InputError
from backlogdesk.ingest.fields import Field
from backlogdesk.ingest.lines import FileCount
from backlogdesk.ingest.mapping import FieldRule
from backlogdesk.ingest.readers import RawRow, RawTable, read_table
from backlogdesk.ingest.rejects import Reject
from backlogdesk.ingest.values import CellError, parse_date, parse_decimal, parse_text

log = logging.getLogger(__name__)

PLACES = {
    "committed_qty": Decimal("0.0001"),
    "committed_value": Decimal("0.01"),
    "unit_price": Decimal("0.000001"),
}


@dataclass(frozen=True)
class Agreement:
    """One agreement (or one item of it): what it commits, when, to whom."""

    agreement_id: str
    item: str | None
    customer_id: str | None
    customer_name: str | None
    agreement_type: str | None
    status: str
    valid_from: date | None
    valid_to: date | None
    committed_qty: Decimal | None
    committed_value: Decimal | None
    unit_price: Decimal | None
    currency: str | None
    unit: str | None
    source_file: str = ""
    source_row: int = 0

    def __repr__(self) -> str:
        item = f"/{self.item}" if self.item else ""
        return f"<Agreement {self.agreement_id}{item} {self.status}>"


@dataclass
class AgreementsRead:
    """Accepted agreements, rejected rows and per-file counts."""

    agreements: list[Agreement]
    rejects: list[Reject]
    counts: list[FileCount]

    def __repr__(self) -> str:
        read = sum(count.read for count in self.counts)
        return (
            f"<AgreementsRead read={read} accepted={len(self.agreements)} "
            f"rejected={len(self.rejects)}>"
        )


def read_agreements(paths: list[Path], mapping: AgreementMapping) -> AgreementsRead:
    """Read agreements files (CSV, XLSX, Parquet) with ``mapping``."""
    if not paths:
        raise InputError("No agreements file given.")
    agreements: list[Agreement] = []
    rejects: list[Reject] = []
    counts: list[FileCount] = []
    for path in paths:
        table = read_table(path, mapping.format)
        _check_columns(table, mapping)
        accepted, rejected = _convert_table(table, mapping)
        agreements += accepted
        rejects += rejected
        counts.append(
            FileCount(path.name, table.read_count, len(accepted), len(rejected))
        )

    agreements, clashes = _split_clashes(agreements)
    rejects += clashes
    counts = _recount(counts, clashes)
    log.info("read %d agreements, %d rejected", len(agreements), len(rejects))
    return AgreementsRead(agreements, rejects, counts)


def _check_columns(table: RawTable, mapping: AgreementMapping) -> None:
    for rule in mapping.fields.values():
        for column in rule.columns:
            if column not in table.columns:
                raise InputError(
                    f"{table.path}: required column '{column}' not found (used by "
                    f"field {rule.name} in {mapping.origin}). Columns in the file: "
                    f"{', '.join(table.columns)}. Fix the file or the mapping."
                )


def _convert_table(
    table: RawTable, mapping: AgreementMapping
) -> tuple[list[Agreement], list[Reject]]:
    file = table.path.name
    rejects = [
        Reject(file, row, "", "", "unreadable row", reason)
        for row, reason in table.unreadable
    ]
    accepted: list[Agreement] = []
    for raw in table.rows:
        outcome = _convert_row(file, raw, mapping)
        if isinstance(outcome, Reject):
            rejects.append(outcome)
        else:
            accepted.append(outcome)
    return accepted, rejects


def _convert_row(
    file: str, raw: RawRow, mapping: AgreementMapping
) -> Agreement | Reject:
    values: dict[str, Any] = {}
    for spec in AGREEMENT_FIELDS:
        rule = mapping.fields.get(spec.name)
        try:
            values[spec.name] = _field_value(spec, rule, raw, mapping)
        except CellError as exc:
            column = rule.columns[0] if rule and rule.columns else spec.name
            shown = str(raw.cells.get(column) or "")
            problem = "bad value" if spec.kind != "choice" else f"unknown {spec.name}"
            return Reject(file, raw.row, column, shown, problem, str(exc))

    if "status" not in mapping.fields:
        values["status"] = "active"
    values["currency"] = values["currency"] or mapping.currency
    inconsistency = _inconsistency(values)
    if inconsistency is not None:
        column, problem, reason = inconsistency
        return Reject(file, raw.row, column, "", problem, reason)
    return Agreement(**values, source_file=file, source_row=raw.row)


def _field_value(
    spec: Field, rule: FieldRule | None, raw: RawRow, mapping: AgreementMapping
) -> Any:
    if rule is None:
        return None
    cell = rule.value if rule.value is not None else raw.cells.get(rule.columns[0])
    fmt = mapping.format
    if spec.kind == "date":
        return parse_date(cell, rule.formats, None, "UTC")
    if spec.kind in ("qty", "amount", "price"):
        number = parse_decimal(cell, fmt.decimal, fmt.thousands)
        places = PLACES[spec.name]
        return None if number is None else number.quantize(places, ROUND_HALF_UP)

    text = parse_text(cell)
    if text is not None and rule.value_map is not None:
        text = _mapped(text, rule, mapping)
    if text is None and spec.required:
        raise CellError(f"{spec.name} is empty; every agreement needs one")
    if text is None or not spec.choices:
        return text
    if text.lower() not in spec.choices:
        raise CellError(
            f"unknown {spec.name} '{text}': expected one of "
            f"{', '.join(spec.choices)}; map it in [values] of {mapping.origin}"
        )
    return text.lower()


def _mapped(text: str, rule: FieldRule, mapping: AgreementMapping) -> str | None:
    assert rule.value_map is not None
    table = mapping.values[rule.value_map]
    found = table.get(text, table.get("*"))
    if found is not None:
        return found or None
    if rule.unmapped == "empty":
        return None
    if rule.unmapped == "keep":
        return text
    known = ", ".join(f"'{key}'" for key in table)
    raise CellError(
        f"unknown {rule.name} value '{text}'; add it to [values.{rule.value_map}] "
        f"in {mapping.origin} (known: {known})"
    )


def _inconsistency(values: dict[str, Any]) -> tuple[str, str, str] | None:
    """Column, problem and fix when the row's fields contradict each other."""
    qty, value = values["committed_qty"], values["committed_value"]
    if values["status"] is None:
        return "status", "missing value", "status is empty; fill it in the file"
    if qty is None and value is None:
        return (
            "committed_qty, committed_value",
            "no commitment",
            "the agreement commits neither a quantity nor a value; fill one",
        )
    if (qty is not None and qty < 0) or (value is not None and value < 0):
        return (
            "committed_qty, committed_value",
            "negative commitment",
            "a committed quantity or value cannot be below 0",
        )
    start, end = values["valid_from"], values["valid_to"]
    if start is not None and end is not None and end < start:
        return "valid_to", "inconsistent dates", "valid_to is before valid_from"
    return None


def _split_clashes(
    agreements: list[Agreement],
) -> tuple[list[Agreement], list[Reject]]:
    """Reject rows that repeat an agreement item, or mix item and whole rows.

    A call-off finds its agreement by id (and item, where the agreement is
    split by item); two rows it could both match would count it twice.
    """
    by_id: dict[str, list[Agreement]] = defaultdict(list)
    for agreement in agreements:
        by_id[agreement.agreement_id].append(agreement)
    kept: list[Agreement] = []
    rejects: list[Reject] = []
    for agreement_id, group in by_id.items():
        items = [a.item for a in group]
        if len(set(items)) == len(items) and (None not in items or len(items) == 1):
            kept += group
            continue
        rows = ", ".join(f"{a.source_file} row {a.source_row}" for a in group)
        reason = (
            f"agreement {agreement_id} has rows a call-off could match twice "
            f"({rows}); give one row per item, or one row without an item"
        )
        rejects += [
            Reject(
                a.source_file,
                a.source_row,
                "agreement_id, item",
                agreement_id,
                "duplicate agreement",
                reason,
            )
            for a in group
        ]
    return kept, rejects


def _recount(counts: list[FileCount], moved: list[Reject]) -> list[FileCount]:
    by_file: dict[str, int] = defaultdict(int)
    for reject in moved:
        by_file[reject.file] += 1
    return [
        FileCount(
            c.file, c.read, c.accepted - by_file[c.file], c.rejected + by_file[c.file]
        )
        for c in counts
    ]
