"""Read budget files (CSV or XLSX) with a budget mapping into ``BudgetTarget`` rows.

Every data row ends as a target or as a ``Reject`` naming file, row, column and
fix; ``BudgetReadResult.counts`` proves it (read = accepted + rejected, per
file). Two rows that budget the same day for the same member are refused, as
their totals would count twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypeVar

from backlogdesk.budget.mapping import (
    PERIOD_PARTS,
    BudgetField,
    BudgetMapping,
    load_budget_mapping,
)
from backlogdesk.budget.targets import MEASURES, BudgetPeriod, BudgetTarget, year_period
from backlogdesk.budget.values import (
    margin_pct,
    money_amount,
    period_from_cell,
    period_from_parts,
    period_part,
    unit_amount,
)
from backlogdesk.errors import InputError, MappingError
from backlogdesk.ingest.lines import FileCount
from backlogdesk.ingest.readers import RawRow, RawTable, RawValue, read_table
from backlogdesk.ingest.rejects import Reject
from backlogdesk.ingest.values import CellError, parse_text

log = logging.getLogger(__name__)

T = TypeVar("T")
Accepted = tuple[str, int, BudgetTarget]


@dataclass
class BudgetReadResult:
    """Targets read, rejected rows with reasons, and per-file counts."""

    targets: list[BudgetTarget]
    rejects: list[Reject]
    counts: list[FileCount]

    def __repr__(self) -> str:
        return (
            f"<BudgetReadResult read={self.read} accepted={len(self.targets)} "
            f"rejected={len(self.rejects)}>"
        )

    @property
    def read(self) -> int:
        """Data rows read from all budget files: accepted plus rejected."""
        return sum(count.read for count in self.counts)


class _RowProblem(Exception):
    """A cell of one row does not fit its budget field."""

    def __init__(self, column: str, value: str, problem: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.problem = column, value, problem


def read_budget(
    paths: Path | Sequence[Path],
    mapping: BudgetMapping | str | Path,
    business_timezone: str = "UTC",
) -> BudgetReadResult:
    """Read budget files with ``mapping`` (a mapping, a path or a shipped name)."""
    if not isinstance(mapping, BudgetMapping):
        mapping = load_budget_mapping(mapping)
    files = [paths] if isinstance(paths, Path) else list(paths)
    if not files:
        raise InputError("No budget file given.")

    accepted: list[Accepted] = []
    rejects: list[Reject] = []
    tables: list[RawTable] = []
    for path in files:
        table = read_table(path, mapping.format)
        _check_columns(table, mapping)
        _read_rows(table, mapping, business_timezone, accepted, rejects)
        tables.append(table)

    accepted = _refuse_overlaps(accepted, rejects)
    counts = [_count(table, accepted, rejects) for table in tables]
    log.info("read budget: %d targets, %d rejected", len(accepted), len(rejects))
    return BudgetReadResult([target for *_, target in accepted], rejects, counts)


def _check_columns(table: RawTable, mapping: BudgetMapping) -> None:
    wanted = [f.column for f in mapping.fields.values() if f.column is not None]
    missing = [column for column in wanted if column not in table.columns]
    if missing:
        raise MappingError(
            f"{table.path}: no column {', '.join(repr(c) for c in missing)}, which "
            f"{mapping.origin} maps. Columns in the file: {', '.join(table.columns)}."
        )


def _read_rows(
    table: RawTable,
    mapping: BudgetMapping,
    zone: str,
    accepted: list[Accepted],
    rejects: list[Reject],
) -> None:
    file = table.path.name
    for row, reason in table.unreadable:
        rejects.append(Reject(file, row, "", "", "unreadable row", reason))
    for raw in table.rows:
        try:
            target = _target(raw, mapping, zone, f"{file}, row {raw.row}")
        except _RowProblem as bad:
            rejects.append(
                Reject(file, raw.row, bad.column, bad.value, bad.problem, str(bad))
            )
        else:
            accepted.append((file, raw.row, target))


def _target(
    raw: RawRow, mapping: BudgetMapping, zone: str, origin: str
) -> BudgetTarget:
    period = _row_period(raw, mapping, zone)
    member = _row_member(raw, mapping)
    revenue, units, margin, pct = _row_measures(raw, mapping)

    if revenue is None and units is None and margin is None and pct is None:
        raise _RowProblem(
            "",
            "",
            "no target",
            "the row sets none of revenue, units, margin and margin_pct; fill in "
            "its target or delete the row",
        )
    return BudgetTarget(
        period.kind,
        period.key,
        period.start,
        period.end,
        mapping.dimension,
        member,
        revenue,
        units,
        margin,
        pct,
        origin,
    )


def _row_measures(raw: RawRow, mapping: BudgetMapping) -> list[Decimal | None]:
    """Revenue, units, margin and margin % of one row (None where not set)."""
    decimal, thousands = mapping.format.decimal, mapping.format.thousands
    money = partial(money_amount, decimal_mark=decimal, thousands=thousands)
    units = partial(unit_amount, decimal_mark=decimal, thousands=thousands)
    pct = partial(
        margin_pct,
        decimal_mark=decimal,
        thousands=thousands,
        scale=mapping.margin_pct_scale,
    )
    parsers = {"revenue": money, "units": units, "margin": money, "margin_pct": pct}
    return [_measure(raw, mapping, name, parse) for name, parse in parsers.items()]


def _row_period(raw: RawRow, mapping: BudgetMapping, zone: str) -> BudgetPeriod:
    fields = mapping.fields
    if "period" in fields:
        parse = partial(
            period_from_cell,
            formats=fields["period"].formats,
            period_kind=mapping.period_kind,
            business_zone=zone,
        )
        return _cell(raw, fields["period"], parse, "bad period")

    year = _cell(raw, fields["year"], partial(period_part, part="year"), "bad period")
    part = next((name for name in PERIOD_PARTS[1:] if name in fields), None)
    if part is None:
        return year_period(year)

    def in_year(value: RawValue) -> BudgetPeriod:
        return period_from_parts(year, part, period_part(value, part))

    return _cell(raw, fields[part], in_year, "bad period")


def _row_member(raw: RawRow, mapping: BudgetMapping) -> str | None:
    dimension = mapping.dimension
    if dimension is None:
        return None
    member = _cell(raw, mapping.fields[dimension], parse_text, "missing member")
    if member is None:
        shown = dimension.replace("_", " ")
        raise _RowProblem(
            mapping.fields[dimension].column or dimension,
            "",
            "missing member",
            f"no {shown} in this row; name the {shown} the target is for, or put "
            f"company-wide targets in a budget file without the {shown} column",
        )
    return member


def _measure(
    raw: RawRow,
    mapping: BudgetMapping,
    name: str,
    parse: Callable[[RawValue], Decimal | None],
) -> Decimal | None:
    spec = mapping.fields.get(name)
    return None if spec is None else _cell(raw, spec, parse, "bad number")


def _cell(
    raw: RawRow, spec: BudgetField, parse: Callable[[RawValue], T], problem: str
) -> T:
    value: RawValue = spec.value if spec.column is None else raw.cells.get(spec.column)
    try:
        return parse(value)
    except CellError as exc:
        shown = "" if value is None else str(value)
        raise _RowProblem(spec.column or spec.name, shown, problem, str(exc)) from None


def _refuse_overlaps(accepted: list[Accepted], rejects: list[Reject]) -> list[Accepted]:
    kept: list[Accepted] = []
    by_member: dict[tuple[str | None, str | None], list[Accepted]] = defaultdict(list)
    for entry in accepted:
        file, row, target = entry
        group = by_member[(target.dimension, target.member)]
        clash = next((other for other in group if _overlap(other[2], target)), None)
        if clash is None:
            group.append(entry)
            kept.append(entry)
            continue

        other = clash[2]
        who = f" for {target.member}" if target.member else ""
        rejects.append(
            Reject(
                file,
                row,
                "",
                target.period_key,
                "overlapping target",
                f"the {target.period_key} target{who} covers days that the "
                f"{other.period_key} target in {other.origin} already budgets; "
                "keep one of the two rows, or the totals would count twice",
            )
        )
    return kept


def _overlap(first: BudgetTarget, second: BudgetTarget) -> bool:
    """True when both budget the same measure on at least one common day."""
    if first.start > second.end or second.start > first.end:
        return False
    return any(
        first.amount(m) is not None and second.amount(m) is not None for m in MEASURES
    ) or (first.margin_pct is not None and second.margin_pct is not None)


def _count(
    table: RawTable, accepted: list[Accepted], rejects: list[Reject]
) -> FileCount:
    file = table.path.name
    taken = sum(1 for name, *_ in accepted if name == file)
    refused = sum(1 for reject in rejects if reject.file == file)
    return FileCount(file, table.read_count, taken, refused)
