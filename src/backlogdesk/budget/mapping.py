"""Budget mappings: how a budget file's columns become budget targets.

A budget mapping is a TOML file like an order mapping: ``[format]`` as there,
``[fields]`` naming the budget columns and ``[rules]`` saying how periods and
margin percentages are written. docs/budget.md lists every key; shipped budget
mappings are named ``budget-*``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from backlogdesk.budget.targets import (
    BUDGET_PERIOD_KINDS,
    DIMENSIONS,
    BudgetPeriodKind,
    Dimension,
)
from backlogdesk.errors import MappingError
from backlogdesk.ingest.mapping import (
    FormatOptions,
    mapping_text,
    parse_format,
    reject_unknown,
)

_DOC = "docs/budget.md"

PERIOD_PARTS = ("year", "quarter", "month", "week")
MEASURE_FIELDS = ("revenue", "units", "margin", "margin_pct")
BUDGET_FIELDS = ("period", *PERIOD_PARTS, *MEASURE_FIELDS, *DIMENSIONS)
_TOP_KEYS = {"name", "description", "format", "fields", "rules"}
_RULE_KEYS = {"period_kind", "margin_pct_scale", "currency"}
_FIELD_KEYS = {"column", "value", "format"}


@dataclass(frozen=True)
class BudgetField:
    """How one budget field is filled: a column, or a constant ``value``."""

    name: str
    column: str | None = None
    value: str | None = None
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class BudgetMapping:
    """A parsed budget mapping file."""

    name: str
    origin: str
    description: str
    format: FormatOptions
    fields: dict[str, BudgetField]
    period_kind: BudgetPeriodKind | None = None
    margin_pct_scale: str = "percent"
    currency: str | None = None

    def __repr__(self) -> str:
        return f"<BudgetMapping {self.name} fields={len(self.fields)}>"

    @property
    def dimension(self) -> Dimension | None:
        """The one dimension the budget is split by, if any."""
        mapped = [name for name in DIMENSIONS if name in self.fields]
        return mapped[0] if mapped else None


def load_budget_mapping(spec: str | Path) -> BudgetMapping:
    """Load a budget mapping from a path, or by the name of a shipped one."""
    text, origin = mapping_text(spec, "budget-", "budget")
    return parse_budget_mapping(text, origin)


def parse_budget_mapping(text: str, origin: str) -> BudgetMapping:
    """Parse budget mapping TOML; ``origin`` names it in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{origin}: not valid TOML ({exc}).") from exc
    reject_unknown(document, _TOP_KEYS, origin, "the top level", _DOC)
    rules = document.get("rules", {})
    reject_unknown(rules, _RULE_KEYS, origin, "[rules]", _DOC)

    format_options = parse_format(document.get("format", {}), origin)
    fields = {
        name: _parse_field(name, spec, format_options, origin)
        for name, spec in document.get("fields", {}).items()
    }
    _check_fields(fields, origin)

    return BudgetMapping(
        name=str(document.get("name", Path(origin).stem)),
        origin=origin,
        description=str(document.get("description", "")),
        format=format_options,
        fields=fields,
        period_kind=_period_kind(rules, origin),
        margin_pct_scale=_margin_pct_scale(rules, origin),
        currency=rules.get("currency"),
    )


def _parse_field(
    name: str, spec: Any, format_options: FormatOptions, origin: str
) -> BudgetField:
    if name not in BUDGET_FIELDS:
        raise MappingError(
            f"{origin}: [fields] '{name}' is not a budget field. "
            f"Budget fields: {', '.join(BUDGET_FIELDS)}."
        )
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or ("column" in spec) == ("value" in spec):
        raise MappingError(
            f"{origin}: [fields] {name} must be a column name, or a table with "
            "either 'column' or 'value'."
        )
    reject_unknown(spec, _FIELD_KEYS, origin, f"[fields] {name}", _DOC)
    formats = spec.get("format", format_options.date_formats)
    return BudgetField(
        name=name,
        column=None if spec.get("column") is None else str(spec["column"]),
        value=None if spec.get("value") is None else str(spec["value"]),
        formats=tuple([formats] if isinstance(formats, str) else formats),
    )


def _check_fields(fields: dict[str, BudgetField], origin: str) -> None:
    if "period" in fields and "year" in fields:
        raise MappingError(
            f"{origin}: [fields] maps both period and year; map period (values "
            "like 2025-06) or year with quarter, month or week, not both."
        )
    sub_periods = [name for name in PERIOD_PARTS[1:] if name in fields]
    if sub_periods and "year" not in fields:
        # A month without its year merges June 2024 with June 2025 (case 24).
        raise MappingError(
            f"{origin}: [fields] maps {sub_periods[0]} but no year, so the same "
            f"{sub_periods[0]} of different years would be merged. Map year too "
            '(a column, or year = { value = "2025" }), or map period instead.'
        )
    if len(sub_periods) > 1:
        raise MappingError(
            f"{origin}: [fields] maps {' and '.join(sub_periods)}; map only one "
            "of quarter, month and week."
        )
    if "period" not in fields and "year" not in fields:
        raise MappingError(
            f"{origin}: [fields] must map period (or year, with quarter, month "
            "or week)."
        )

    if not any(name in fields for name in MEASURE_FIELDS):
        raise MappingError(
            f"{origin}: [fields] must map at least one of {', '.join(MEASURE_FIELDS)}."
        )
    dimensions = [name for name in DIMENSIONS if name in fields]
    if len(dimensions) > 1:
        raise MappingError(
            f"{origin}: [fields] maps {', '.join(dimensions)}; a budget file is "
            "split by one dimension at most. Give one budget file per dimension."
        )


def _period_kind(rules: dict[str, Any], origin: str) -> BudgetPeriodKind | None:
    kind = rules.get("period_kind")
    if kind is not None and kind not in BUDGET_PERIOD_KINDS:
        raise MappingError(
            f"{origin}: [rules] period_kind must be one of "
            f"{', '.join(BUDGET_PERIOD_KINDS)} (the period a date marks)."
        )
    return cast(BudgetPeriodKind | None, kind)


def _margin_pct_scale(rules: dict[str, Any], origin: str) -> str:
    scale = str(rules.get("margin_pct_scale", "percent"))
    if scale not in ("percent", "fraction"):
        raise MappingError(
            f'{origin}: [rules] margin_pct_scale must be "percent" (38 means '
            '38 %) or "fraction" (0.38 means 38 %).'
        )
    return scale
