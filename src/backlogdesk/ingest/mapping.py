"""Mapping files: how an ERP export's columns become canonical order-line fields.

A mapping is a TOML file. The reference with every key is docs/mapping.md; the
shipped examples live in ``backlogdesk/mappings``. Names without a path (such
as ``classicmodels``) load a shipped mapping.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from backlogdesk.errors import MappingError
from backlogdesk.ingest.fields import FIELD_BY_NAME, STATUSES

LINES = "lines"


@dataclass(frozen=True)
class SourceFile:
    """One file role in a mapping: the lines file, a header or a lookup."""

    name: str
    match: str
    join: dict[str, str] = field(default_factory=dict)
    required: bool = True
    sheet: str | None = None

    def matches(self, path: Path) -> bool:
        """True when the file name fits this role's glob pattern."""
        return fnmatch.fnmatch(path.name.lower(), self.match.lower())


@dataclass(frozen=True)
class FieldRule:
    """How one canonical field is filled: a column, columns joined, or a constant."""

    name: str
    columns: tuple[str, ...] = ()
    separator: str = " "
    value: str | None = None
    formats: tuple[str, ...] = ()
    value_map: str | None = None
    unmapped: str = "error"
    unit: str = "line"
    timezone: str | None = None
    pick: str = "join"
    column_maps: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class MovementSource:
    """A movement file shape: deliveries, returns, invoices or credit notes."""

    name: str
    match: str
    fields: dict[str, FieldRule]

    def matches(self, path: Path) -> bool:
        """True when the file name fits this shape's glob pattern."""
        return fnmatch.fnmatch(path.name.lower(), self.match.lower())


@dataclass(frozen=True)
class FormatOptions:
    """How the files are written: delimiter, encoding, numbers, title lines."""

    delimiter: str | None = None
    encoding: str | None = None
    decimal: str = "."
    thousands: str = ""
    skip_rows: int = 0
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    sheet: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file."""

    name: str
    origin: str
    description: str
    format: FormatOptions
    files: tuple[SourceFile, ...]
    fields: dict[str, FieldRule]
    values: dict[str, dict[str, str]]
    shipped_date_means_shipped: bool = False
    charge_items: tuple[str, ...] = ()
    currency: str | None = None
    shipped_qty_level: str = "line"
    movements: tuple[MovementSource, ...] = ()
    movement_signs: str = "signed"
    returns_reshipped: bool = False
    prices_include_tax: bool = False

    def __repr__(self) -> str:
        return (
            f"<Mapping {self.name} files={len(self.files)} fields={len(self.fields)}>"
        )

    def source_for(self, path: Path) -> SourceFile:
        """The file role a given export file plays, by its name."""
        if len(self.files) == 1:
            return self.files[0]
        for source in self.files:
            if source.matches(path):
                return source
        patterns = ", ".join(f"{s.name}: '{s.match}'" for s in self.files)
        raise MappingError(
            f"{path}: the file name fits none of the mapping's files ({patterns}). "
            f"Rename the file or change 'match' under [files] in {self.origin}."
        )


def shipped_mapping_names() -> list[str]:
    """Names of the mappings shipped with Backlog Desk."""
    folder = resources.files("backlogdesk") / "mappings"
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )


def mapping_text(spec: str | Path, prefix: str, kind: str) -> tuple[str, str]:
    """The TOML text of a mapping given by path or by a shipped ``prefix`` name,
    with the origin that names it in messages; ``kind`` words the errors."""
    path = Path(spec)
    if path.suffix.lower() != ".toml" and not path.exists():
        shipped = resources.files("backlogdesk") / "mappings" / f"{spec}.toml"
        if not shipped.is_file():
            names = [n for n in shipped_mapping_names() if n.startswith(prefix)]
            raise MappingError(
                f"No {kind} mapping file '{spec}' and no shipped mapping of that "
                f"name. Shipped {kind} mappings: {', '.join(names) or 'none'}."
            )
        return shipped.read_text(encoding="utf-8"), str(spec)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise MappingError(f"{path}: {kind} mapping file not found.") from None


def load_mapping(spec: str | Path) -> Mapping:
    """Load a mapping from a path, or by the name of a shipped mapping."""
    path = Path(spec)
    if path.suffix.lower() != ".toml" and not path.exists():
        shipped = resources.files("backlogdesk") / "mappings" / f"{spec}.toml"
        if not shipped.is_file():
            names = ", ".join(shipped_mapping_names())
            raise MappingError(
                f"No mapping file '{spec}' and no shipped mapping of that name. "
                f"Shipped mappings: {names}."
            )
        return parse_mapping(shipped.read_text(encoding="utf-8"), f"mapping {spec}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise MappingError(f"{path}: mapping file not found.") from exc
    return parse_mapping(text, str(path))


def _load_document(text: str, origin: str, depth: int = 0) -> dict[str, Any]:
    """The TOML document, merged over the mapping it ``extends`` (if any)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{origin}: not valid TOML ({exc}).") from exc
    base_name = document.pop("extends", None)
    if base_name is None:
        return document
    if depth > 4:
        raise MappingError(f"{origin}: 'extends' chains more than 5 mappings deep.")
    base = load_mapping(str(base_name))
    base_text = _mapping_text(str(base_name), base.origin)
    return _merged(_load_document(base_text, base.origin, depth + 1), document)


def _mapping_text(spec: str, origin: str) -> str:
    path = Path(spec)
    if path.exists():
        return path.read_text(encoding="utf-8")
    shipped = resources.files("backlogdesk") / "mappings" / f"{spec}.toml"
    return shipped.read_text(encoding="utf-8")


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in ``override`` replaces the base."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merged(result[key], value)
        else:
            result[key] = value
    return result


def parse_mapping(text: str, origin: str) -> Mapping:
    """Parse mapping TOML text; ``origin`` names it in error messages.

    A mapping may say ``extends = "sap-va05"`` (a shipped mapping or a path):
    its tables are merged over that mapping's, key by key.
    """
    document = _load_document(text, origin)

    reject_unknown(document, _TOP_KEYS, origin, "the top level")
    format_options = parse_format(document.get("format", {}), origin)
    files = _parse_files(document.get("files", {}), origin)
    values = parse_values(document.get("values", {}), origin)
    fields = _parse_fields(document.get("fields", {}), format_options, values, origin)
    rules = document.get("rules", {})
    reject_unknown(rules, _RULE_KEYS, origin, "[rules]")

    movements = _parse_movements(
        document.get("movements", {}), format_options, values, origin
    )
    _check_maps_used(values, fields, movements, origin)
    return Mapping(
        name=str(document.get("name", Path(origin).stem)),
        origin=origin,
        description=str(document.get("description", "")),
        format=format_options,
        files=files,
        fields=fields,
        values=values,
        shipped_date_means_shipped=bool(rules.get("shipped_date_means_shipped")),
        charge_items=tuple(str(item) for item in rules.get("charge_items", [])),
        currency=rules.get("currency"),
        shipped_qty_level=_shipped_level(rules, origin),
        movements=movements,
        movement_signs=_movement_signs(rules, origin),
        returns_reshipped=bool(rules.get("returns_reshipped", False)),
        prices_include_tax=bool(rules.get("prices_include_tax", False)),
    )


def _check_maps_used(
    values: dict[str, dict[str, str]],
    fields: dict[str, FieldRule],
    movements: tuple[MovementSource, ...],
    origin: str,
) -> None:
    """A value map no field uses is almost always a misspelt map name."""
    rules = [*fields.values(), *(r for m in movements for r in m.fields.values())]
    used = {r.value_map for r in rules} | {m for r in rules for m in r.column_maps}
    unused = sorted(set(values) - used)
    if unused:
        names = ", ".join(f"[values.{name}]" for name in unused)
        known = ", ".join(sorted(m for m in used if m)) or "none"
        raise MappingError(
            f"{origin}: {names} is used by no field (maps in use: {known}). Check "
            'the spelling, or point a field at it with map = "...".'
        )


MOVEMENT_FIELDS = ("kind", "order_id", "line_id", "item", "qty", "amount", "date")


def _parse_movements(
    table: dict[str, Any],
    format_options: FormatOptions,
    values: dict[str, dict[str, str]],
    origin: str,
) -> tuple[MovementSource, ...]:
    sources = []
    for name, spec in table.items():
        where = f"[movements.{name}]"
        unknown = sorted(set(spec) - {"match", *MOVEMENT_FIELDS})
        if unknown:
            raise MappingError(
                f"{origin}: unknown key(s) {', '.join(unknown)} in {where}. "
                f"Allowed: match, {', '.join(MOVEMENT_FIELDS)}."
            )
        missing = [f for f in ("kind", "order_id", "qty") if f not in spec]
        if missing or ("line_id" not in spec and "item" not in spec):
            raise MappingError(
                f"{origin}: {where} needs kind, order_id, qty and line_id or item."
            )
        fields = {
            field: _parse_field(field, spec[field], format_options, values, origin)
            for field in MOVEMENT_FIELDS
            if field in spec
        }
        sources.append(MovementSource(name, str(spec.get("match", "*")), fields))
    return tuple(sources)


def _movement_signs(rules: dict[str, Any], origin: str) -> str:
    signs = str(rules.get("movement_signs", "signed"))
    if signs not in ("signed", "unsigned"):
        raise MappingError(
            f'{origin}: [rules] movement_signs must be "signed" (returns and '
            'credit notes stored negative) or "unsigned" (stored positive).'
        )
    return signs


def _shipped_level(rules: dict[str, Any], origin: str) -> str:
    level = str(rules.get("shipped_qty_level", "line"))
    if level not in ("line", "item"):
        raise MappingError(
            f'{origin}: [rules] shipped_qty_level must be "line" or "item" '
            "(the item's shipped total, repeated on each of its schedule lines)."
        )
    return level


_TOP_KEYS = {
    "name",
    "description",
    "format",
    "files",
    "fields",
    "values",
    "rules",
    "movements",
}
_FORMAT_KEYS = {
    "delimiter",
    "encoding",
    "decimal",
    "thousands",
    "skip_rows",
    "date",
    "sheet",
}
_FILE_KEYS = {"match", "join", "required", "sheet"}
_FIELD_KEYS = {
    "column",
    "columns",
    "separator",
    "value",
    "format",
    "map",
    "unmapped",
    "unit",
    "timezone",
    "pick",
}
_RULE_KEYS = {
    "shipped_date_means_shipped",
    "charge_items",
    "currency",
    "shipped_qty_level",
    "movement_signs",
    "returns_reshipped",
    "prices_include_tax",
}


def reject_unknown(
    table: dict[str, Any],
    known: set[str] | tuple[str, ...],
    origin: str,
    where: str,
    doc: str = "docs/mapping.md",
) -> None:
    """Stop at a key the section does not know, listing the ones it does."""
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise MappingError(
            f"{origin}: unknown key(s) {', '.join(unknown)} in {where}. "
            f"Allowed: {', '.join(sorted(known))}. See {doc}."
        )


def parse_format(table: dict[str, Any], origin: str) -> FormatOptions:
    """The [format] section: delimiter, encoding, number marks, dates, sheet."""
    reject_unknown(table, _FORMAT_KEYS, origin, "[format]")
    dates = table.get("date", ["%Y-%m-%d"])
    decimal = table.get("decimal", ".")
    if decimal not in (".", ","):
        raise MappingError(f"{origin}: [format] decimal must be '.' or ','.")
    thousands = table.get("thousands", "")
    if thousands == decimal:
        raise MappingError(
            f"{origin}: [format] thousands and decimal separators are both "
            f"'{decimal}'; they must differ."
        )
    return FormatOptions(
        delimiter=table.get("delimiter"),
        encoding=table.get("encoding"),
        decimal=decimal,
        thousands=thousands,
        skip_rows=int(table.get("skip_rows", 0)),
        date_formats=tuple([dates] if isinstance(dates, str) else dates),
        sheet=table.get("sheet"),
    )


def _parse_files(table: dict[str, Any], origin: str) -> tuple[SourceFile, ...]:
    if not table:
        return (SourceFile(LINES, "*"),)
    if LINES not in table:
        raise MappingError(
            f"{origin}: [files] must name the order-lines file as [files.lines]."
        )
    sources = []
    for name, spec in table.items():
        reject_unknown(spec, _FILE_KEYS, origin, f"[files.{name}]")
        join = {str(k): str(v) for k, v in spec.get("join", {}).items()}
        if name != LINES and not join:
            raise MappingError(
                f"{origin}: [files.{name}] needs a join, e.g. "
                f'join = {{ orderNumber = "orderNumber" }}.'
            )
        sources.append(
            SourceFile(
                name=name,
                match=str(spec.get("match", "*")),
                join=join,
                required=bool(spec.get("required", True)),
                sheet=spec.get("sheet"),
            )
        )
    lines = next(s for s in sources if s.name == LINES)
    return (lines, *[s for s in sources if s.name != LINES])


def parse_values(table: dict[str, Any], origin: str) -> dict[str, dict[str, str]]:
    """The [values.*] maps from an ERP's words to Backlog Desk's."""
    values: dict[str, dict[str, str]] = {}
    for map_name, entries in table.items():
        if not isinstance(entries, dict):
            raise MappingError(f"{origin}: [values.{map_name}] must be a table.")
        values[map_name] = {str(k): str(v) for k, v in entries.items()}
    return values


def _parse_fields(
    table: dict[str, Any],
    format_options: FormatOptions,
    values: dict[str, dict[str, str]],
    origin: str,
) -> dict[str, FieldRule]:
    rules: dict[str, FieldRule] = {}
    for name, spec in table.items():
        if name not in FIELD_BY_NAME:
            known = ", ".join(FIELD_BY_NAME)
            raise MappingError(
                f"{origin}: [fields] '{name}' is not a Backlog Desk field. "
                f"Fields: {known}."
            )
        rules[name] = _parse_field(name, spec, format_options, values, origin)

    missing = [
        field.name
        for field in FIELD_BY_NAME.values()
        if field.required and field.name not in rules
    ]
    if missing:
        raise MappingError(
            f"{origin}: [fields] must map {', '.join(missing)} "
            '(a column, or value = "..." for a constant).'
        )
    return rules


def _parse_field(
    name: str,
    spec: Any,
    format_options: FormatOptions,
    values: dict[str, dict[str, str]],
    origin: str,
) -> FieldRule:
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise MappingError(f"{origin}: [fields] {name} must be a column name or table.")
    reject_unknown(spec, _FIELD_KEYS, origin, f"[fields] {name}")

    columns: tuple[str, ...]
    if "column" in spec:
        columns = (str(spec["column"]),)
    else:
        columns = tuple(str(c) for c in spec.get("columns", []))
    value = spec.get("value")
    if not columns and value is None:
        raise MappingError(
            f"{origin}: [fields] {name} needs 'column', 'columns' or 'value'."
        )

    value_map = spec.get("map")
    column_maps: tuple[str | None, ...] = ()
    if isinstance(value_map, list):
        if spec.get("pick") != "first" or len(value_map) != len(columns):
            raise MappingError(
                f'{origin}: [fields] {name}: a list of maps needs pick = "first" '
                'and one map per column (use "" for a column without a map).'
            )
        column_maps = tuple(m or None for m in value_map)
        for each in column_maps:
            if each is not None and each not in values:
                raise MappingError(
                    f"{origin}: [fields] {name} uses map '{each}' but there is no "
                    f"[values.{each}] table."
                )
        value_map = None
    if value_map is not None and value_map not in values:
        raise MappingError(
            f"{origin}: [fields] {name} uses map '{value_map}' but there is no "
            f"[values.{value_map}] table."
        )
    kind = FIELD_BY_NAME[name].kind if name in FIELD_BY_NAME else "text"
    if kind == "status" and value_map is None and value is None:
        value_map = name if name in values else None
    if kind == "status" and value_map is not None:
        _check_targets(values[value_map], STATUSES, value_map, origin)
    if value is not None and kind == "status" and value not in STATUSES:
        raise MappingError(
            f"{origin}: [fields] {name} value must be one of {', '.join(STATUSES)}."
        )

    formats = spec.get("format", format_options.date_formats)
    return FieldRule(
        name=name,
        columns=columns,
        separator=str(spec.get("separator", " ")),
        value=None if value is None else str(value),
        formats=tuple([formats] if isinstance(formats, str) else formats),
        value_map=value_map,
        unmapped=str(spec.get("unmapped", "error")),
        unit=str(spec.get("unit", "line")),
        timezone=spec.get("timezone"),
        pick=_pick(spec, name, origin),
        column_maps=column_maps,
    )


def _pick(spec: dict[str, Any], name: str, origin: str) -> str:
    pick = str(spec.get("pick", "join"))
    if pick not in ("join", "first"):
        raise MappingError(
            f'{origin}: [fields] {name} pick must be "join" (columns joined with '
            'the separator) or "first" (the first column with a value).'
        )
    return pick


def _check_targets(
    entries: dict[str, str], allowed: tuple[str, ...], map_name: str, origin: str
) -> None:
    wrong = sorted({target for target in entries.values() if target not in allowed})
    if wrong:
        raise MappingError(
            f"{origin}: [values.{map_name}] maps to {', '.join(wrong)}; each value "
            f"must be one of {', '.join(allowed)}."
        )
