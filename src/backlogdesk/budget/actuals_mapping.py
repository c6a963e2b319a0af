"""Actuals mappings: how a shipment list or invoice register becomes actuals.

An actuals mapping is a TOML file like an order mapping: ``[format]`` as there,
``[fields]`` naming the document columns, ``[values.kind]`` translating the
ERP's document types and ``[rules]`` saying the currency and how returns and
credit notes are signed. docs/budget.md (section Actuals) lists every key;
shipped actuals mappings are named ``actuals-*``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backlogdesk.errors import MappingError
from backlogdesk.ingest.mapping import (
    FieldRule,
    FormatOptions,
    mapping_text,
    parse_format,
    parse_values,
    reject_unknown,
)

_DOC = "docs/budget.md"

ACTUAL_KINDS = ("dispatch", "invoice", "return", "credit_note")
COMES_BACK_KINDS = ("return", "credit_note")
SIGN_RULES = ("unsigned", "signed")
TEXT_FIELDS = (
    "document",
    "order_id",
    "line_id",
    "item",
    "currency",
    "product_group",
    "region",
    "customer",
    "sales_person",
)
NUMBER_FIELDS = ("revenue", "units", "cost", "margin")
ACTUALS_FIELDS = ("date", "kind", *NUMBER_FIELDS, *TEXT_FIELDS)
REQUIRED_FIELDS = ("date", "kind", "revenue")

_TOP_KEYS = {"name", "description", "format", "fields", "values", "rules"}
_FIELD_KEYS = {"column", "value", "format", "map", "unmapped"}
UNMAPPED_RULES = ("error", "keep")
_RULE_KEYS = {"currency", "comes_back"}


@dataclass(frozen=True)
class ActualsMapping:
    """A parsed actuals mapping file."""

    name: str
    origin: str
    description: str
    format: FormatOptions
    fields: dict[str, FieldRule]
    values: dict[str, dict[str, str]]
    currency: str | None = None
    comes_back: str = "unsigned"

    def __repr__(self) -> str:
        return f"<ActualsMapping {self.name} fields={len(self.fields)}>"

    def columns(self) -> list[str]:
        """The file columns the mapping reads, in field order."""
        return [column for rule in self.fields.values() for column in rule.columns]


def load_actuals_mapping(spec: str | Path) -> ActualsMapping:
    """Load an actuals mapping from a path, or by the name of a shipped one."""
    text, origin = mapping_text(spec, "actuals-", "actuals")
    return parse_actuals_mapping(text, origin)


def parse_actuals_mapping(text: str, origin: str) -> ActualsMapping:
    """Parse actuals mapping TOML; ``origin`` names it in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{origin}: not valid TOML ({exc}).") from exc
    reject_unknown(document, _TOP_KEYS, origin, "the top level", _DOC)
    rules = document.get("rules", {})
    reject_unknown(rules, _RULE_KEYS, origin, "[rules]", _DOC)

    format_options = parse_format(document.get("format", {}), origin)
    values = parse_values(document.get("values", {}), origin)
    fields = {
        name: _parse_field(name, spec, format_options, values, origin)
        for name, spec in document.get("fields", {}).items()
    }
    _check_fields(fields, values, origin)

    currency = rules.get("currency")
    _check_currency(fields, currency, origin)
    return ActualsMapping(
        name=str(document.get("name", Path(origin).stem)),
        origin=origin,
        description=str(document.get("description", "")),
        format=format_options,
        fields=fields,
        values=values,
        currency=None if currency is None else str(currency).strip().upper(),
        comes_back=_comes_back(rules, origin),
    )


def _parse_field(
    name: str,
    spec: Any,
    format_options: FormatOptions,
    values: dict[str, dict[str, str]],
    origin: str,
) -> FieldRule:
    if name not in ACTUALS_FIELDS:
        raise MappingError(
            f"{origin}: [fields] '{name}' is not an actuals field. "
            f"Actuals fields: {', '.join(ACTUALS_FIELDS)}."
        )
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict) or ("column" in spec) == ("value" in spec):
        raise MappingError(
            f"{origin}: [fields] {name} must be a column name, or a table with "
            "either 'column' or 'value'."
        )
    reject_unknown(spec, _FIELD_KEYS, origin, f"[fields] {name}", _DOC)

    value_map = _value_map(name, spec, values, origin)
    if name == "kind" and "value" in spec:
        _check_kinds([str(spec["value"])], "[fields] kind value", origin)
    formats = spec.get("format", format_options.date_formats)
    return FieldRule(
        name=name,
        columns=(str(spec["column"]),) if "column" in spec else (),
        value=None if spec.get("value") is None else str(spec["value"]),
        formats=tuple([formats] if isinstance(formats, str) else formats),
        value_map=value_map,
        unmapped=_unmapped(name, spec, origin),
    )


def _value_map(
    name: str, spec: dict[str, Any], values: dict[str, dict[str, str]], origin: str
) -> str | None:
    """The [values.*] table a field translates its codes through, if any."""
    wanted = spec.get("map")
    if wanted is None and name == "kind" and "column" in spec and "kind" in values:
        wanted = "kind"
    if wanted is None:
        return None
    if name not in ("kind", *TEXT_FIELDS):
        raise MappingError(
            f"{origin}: [fields] {name} has a map; only kind and text fields "
            "translate codes through [values]. Remove 'map' from this field."
        )
    if str(wanted) not in values:
        raise MappingError(
            f"{origin}: [fields] {name} uses map '{wanted}' but there is no "
            f"[values.{wanted}] table."
        )
    if name == "kind":
        _check_kinds(list(values[str(wanted)].values()), f"[values.{wanted}]", origin)
    return str(wanted)


def _unmapped(name: str, spec: dict[str, Any], origin: str) -> str:
    """What a code missing from the field's map does: reject the row, or keep it."""
    unmapped = str(spec.get("unmapped", "error"))
    if unmapped not in UNMAPPED_RULES or (name == "kind" and unmapped != "error"):
        allowed = '"error"' if name == "kind" else '"error" or "keep"'
        raise MappingError(
            f"{origin}: [fields] {name} unmapped must be {allowed} (a code "
            "missing from the map rejects the row, or is kept as written)."
        )
    return unmapped


def _check_kinds(kinds: list[str], where: str, origin: str) -> None:
    wrong = sorted(set(kinds) - set(ACTUAL_KINDS))
    if wrong:
        raise MappingError(
            f"{origin}: {where} names {', '.join(wrong)}; each kind must be one "
            f"of {', '.join(ACTUAL_KINDS)}."
        )


def _check_fields(
    fields: dict[str, FieldRule], values: dict[str, dict[str, str]], origin: str
) -> None:
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise MappingError(
            f"{origin}: [fields] must map {', '.join(missing)} (date, kind and "
            'revenue are required; kind may be a constant: { value = "invoice" }).'
        )
    if "cost" in fields and "margin" in fields:
        raise MappingError(
            f"{origin}: [fields] maps both cost and margin; map one of them "
            "(margin = revenue - cost, or the margin column as it is)."
        )
    used = {rule.value_map for rule in fields.values()}
    unused = sorted(name for name in values if name not in used)
    if unused:
        names = ", ".join(f"[values.{name}]" for name in unused)
        raise MappingError(
            f"{origin}: {names} is used by no field; check the spelling, or "
            'point a field at it with map = "...".'
        )


def _check_currency(fields: dict[str, FieldRule], currency: Any, origin: str) -> None:
    if "currency" not in fields and currency is None:
        raise MappingError(
            f"{origin}: the mapping names no currency. Map the currency column "
            '([fields] currency = "...") or set currency = "USD" (the file\'s '
            "currency) under [rules]."
        )


def _comes_back(rules: dict[str, Any], origin: str) -> str:
    sign_rule = str(rules.get("comes_back", "unsigned"))
    if sign_rule not in SIGN_RULES:
        raise MappingError(
            f'{origin}: [rules] comes_back must be "unsigned" (returns and credit '
            'notes stored positive) or "signed" (stored negative).'
        )
    return sign_rule
