"""Agreements mappings: how a contracts or CRM file's columns become agreements.

The file is TOML in the shape of an order mapping (docs/mapping.md), with the
agreement fields of ``AGREEMENT_FIELDS``; docs/coverage.md is the reference.
Every key is checked, so a misspelt one stops the run naming the allowed keys.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogdesk.errors import MappingError
from backlogdesk.ingest.fields import Field
from backlogdesk.ingest.mapping import (
    FieldRule,
    FormatOptions,
    mapping_text,
    parse_format,
    parse_values,
    reject_unknown,
)

_DOC = "docs/coverage.md"

AGREEMENT_TYPES = ("frame", "blanket", "supply", "scheduling")
AGREEMENT_STATUSES = ("active", "draft", "closed", "cancelled")

AGREEMENT_FIELDS: tuple[Field, ...] = (
    Field("agreement_id", "text", True, "Agreement (contract) number."),
    Field("item", "text", False, "Item the row commits; empty: any item."),
    Field("customer_id", "text", False, "Customer number."),
    Field("customer_name", "text", False, "Customer name."),
    Field(
        "agreement_type",
        "choice",
        False,
        "frame, blanket, supply or scheduling.",
        AGREEMENT_TYPES,
    ),
    Field(
        "status",
        "choice",
        False,
        "active, draft, closed or cancelled (default: active).",
        AGREEMENT_STATUSES,
    ),
    Field("valid_from", "date", False, "First day the agreement is valid."),
    Field("valid_to", "date", False, "Last day the agreement is valid."),
    Field("committed_qty", "qty", False, "Quantity committed, in ``unit``."),
    Field("committed_value", "amount", False, "Value committed, ex tax."),
    Field("unit_price", "price", False, "Agreed net unit price, values a quantity."),
    Field("currency", "text", False, "ISO currency of value and price."),
    Field("unit", "text", False, "Unit of the committed quantity."),
)
AGREEMENT_FIELD_BY_NAME = {field.name: field for field in AGREEMENT_FIELDS}

_TOP_KEYS = {"name", "description", "format", "fields", "values", "rules"}
_FIELD_KEYS = {"column", "value", "format", "map", "unmapped"}
_RULE_KEYS = {"currency"}


@dataclass(frozen=True)
class AgreementMapping:
    """A parsed agreements mapping."""

    name: str
    origin: str
    format: FormatOptions
    fields: dict[str, FieldRule]
    values: dict[str, dict[str, str]]
    currency: str | None = None

    def __repr__(self) -> str:
        return f"<AgreementMapping {self.name} fields={len(self.fields)}>"


def load_agreement_mapping(spec: str | Path) -> AgreementMapping:
    """Load an agreements mapping from a path, or by the name of a shipped one."""
    text, origin = mapping_text(spec, "agreements-", "agreements")
    return parse_agreement_mapping(text, origin)


def parse_agreement_mapping(text: str, origin: str) -> AgreementMapping:
    """Parse agreements mapping TOML text; ``origin`` names it in messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{origin}: not valid TOML ({exc}).") from exc
    reject_unknown(document, _TOP_KEYS, origin, "the top level", _DOC)
    format_options = parse_format(document.get("format", {}), origin)
    values = parse_values(document.get("values", {}), origin)
    fields = {
        name: _parse_field(name, spec, format_options, values, origin)
        for name, spec in document.get("fields", {}).items()
    }
    if "agreement_id" not in fields:
        raise MappingError(f"{origin}: [fields] must map agreement_id.")
    if "committed_qty" not in fields and "committed_value" not in fields:
        raise MappingError(
            f"{origin}: [fields] must map committed_qty, committed_value or both."
        )
    rules = document.get("rules", {})
    reject_unknown(rules, _RULE_KEYS, origin, "[rules]", _DOC)
    currency = rules.get("currency")
    return AgreementMapping(
        name=str(document.get("name", origin)),
        origin=origin,
        format=format_options,
        fields=fields,
        values=values,
        currency=None if currency is None else str(currency),
    )


def _parse_field(
    name: str,
    spec: Any,
    format_options: FormatOptions,
    values: dict[str, dict[str, str]],
    origin: str,
) -> FieldRule:
    field = AGREEMENT_FIELD_BY_NAME.get(name)
    if field is None:
        known = ", ".join(AGREEMENT_FIELD_BY_NAME)
        raise MappingError(
            f"{origin}: [fields] '{name}' is not an agreement field. Fields: {known}."
        )
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or ("column" not in spec and "value" not in spec):
        raise MappingError(
            f'{origin}: [fields] {name} needs a column name or {{ value = "..." }}.'
        )
    reject_unknown(spec, _FIELD_KEYS, origin, f"[fields] {name}", _DOC)

    unmapped = str(spec.get("unmapped", "error"))
    if unmapped not in ("error", "empty", "keep"):
        raise MappingError(
            f'{origin}: [fields] {name} unmapped must be "error", "empty" or "keep".'
        )
    value_map = spec.get("map")
    if value_map is None and field.choices and name in values:
        value_map = name
    if value_map is not None:
        _check_map(field, str(value_map), values, origin)
    formats = spec.get("format", format_options.date_formats)
    return FieldRule(
        name=name,
        columns=(str(spec["column"]),) if "column" in spec else (),
        value=None if spec.get("value") is None else str(spec["value"]),
        formats=tuple([formats] if isinstance(formats, str) else formats),
        value_map=None if value_map is None else str(value_map),
        unmapped=unmapped,
    )


def _check_map(
    field: Field, map_name: str, values: dict[str, dict[str, str]], origin: str
) -> None:
    if map_name not in values:
        raise MappingError(
            f"{origin}: [fields] {field.name} uses map '{map_name}' but there is "
            f"no [values.{map_name}] table."
        )
    if not field.choices:
        return
    wrong = sorted(
        {target for target in values[map_name].values() if target} - set(field.choices)
    )
    if wrong:
        raise MappingError(
            f"{origin}: [values.{map_name}] maps to {', '.join(wrong)}; each value "
            f"must be one of {', '.join(field.choices)}."
        )
