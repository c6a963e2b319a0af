"""Readers: turn a CSV, XLSX or Parquet export into rows of raw cell values.

Readers decide nothing about meaning. They keep each row's number as the user
sees it in a spreadsheet (the header is row 1 unless title lines come first),
so every later message can point at the exact row.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from backlogdesk.errors import InputError
from backlogdesk.ingest.mapping import FormatOptions

log = logging.getLogger(__name__)

RawValue = str | Decimal | date | datetime | None
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawRow:
    """One data row: its spreadsheet row number and the cells by column name."""

    row: int
    cells: dict[str, RawValue]


@dataclass
class RawTable:
    """All rows of one file, with the header and the rows that could not be read."""

    path: Path
    columns: list[str]
    rows: list[RawRow]
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    def __repr__(self) -> str:
        return f"<RawTable {self.path.name} rows={len(self.rows)}>"

    @property
    def read_count(self) -> int:
        """Data rows found in the file, readable or not."""
        return len(self.rows) + len(self.unreadable)


def read_table(
    path: Path, options: FormatOptions, sheet: str | None = None
) -> RawTable:
    """Read any supported export into a ``RawTable``."""
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        table = read_workbook(path, options, sheet)
    elif suffix == ".parquet":
        table = read_parquet(path)
    else:
        table = read_csv(path, options)
    log.info("read %s: %d rows", path.name, table.read_count)
    return table


def read_csv(path: Path, options: FormatOptions) -> RawTable:
    """Read a delimited text file; detect encoding and delimiter unless given."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(
            f"{path}: the file is empty. Export the order lines again; "
            "an empty export cannot be told apart from a failed one."
        )
    encoding = options.encoding or detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(
            f"{path}: cannot be read as {encoding} ({exc}). Set [format] encoding "
            "in the mapping (utf-8, cp1252 or latin-1)."
        ) from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(
            f"{path}: line {line} holds a NUL byte, which no text export "
            "should contain. The file is probably damaged or not a CSV; export "
            "it again as CSV text."
        )

    lines = io.StringIO(text, newline="")
    for _ in range(options.skip_rows):
        lines.readline()
    body = lines.read()
    delimiter = options.delimiter or detect_delimiter(body, path)
    return _parse_delimited(path, body, delimiter, options.skip_rows, encoding)


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else cp1252."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        undefined_in_cp1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
        return "latin-1" if undefined_in_cp1252 & set(data) else "cp1252"
    return "utf-8"


def detect_delimiter(body: str, path: Path) -> str:
    """The delimiter that splits the header line into the most columns."""
    header = next(csv.reader(io.StringIO(body)), None)
    first_line = body.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        if header is not None and len(header) == 1:
            return ","
        raise InputError(
            f"{path}: cannot tell the delimiter. Set [format] delimiter in the mapping."
        )
    return best


def _parse_delimited(
    path: Path, body: str, delimiter: str, skip_rows: int, encoding: str
) -> RawTable:
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path}: no header row found.") from None
    columns = _clean_header(header, path)
    header_row = skip_rows + 1

    rows: list[RawRow] = []
    unreadable: list[tuple[int, str]] = []
    try:
        for index, record in enumerate(reader, start=1):
            row = header_row + index
            if not any(cell.strip() for cell in record):
                unreadable.append((row, "blank row"))
            elif len(record) != len(columns):
                unreadable.append(
                    (
                        row,
                        f"has {len(record)} fields but the header has "
                        f"{len(columns)}: check the delimiter and quoting in this row",
                    )
                )
            else:
                cells: dict[str, RawValue] = {
                    name: (value if value != "" else None)
                    for name, value in zip(columns, record, strict=True)
                }
                rows.append(RawRow(row, cells))
    except csv.Error as exc:
        raise InputError(
            f"{path}: row {header_row + len(rows) + len(unreadable) + 1} cannot "
            f"be read ({exc}). Check for an unclosed quote."
        ) from exc

    if not rows and not unreadable:
        raise InputError(
            f"{path}: has a header but no data rows. Export the file again; an "
            "empty export cannot be told apart from a failed one."
        )
    return RawTable(path, columns, rows, unreadable, encoding, delimiter)


def _clean_header(header: list[str], path: Path) -> list[str]:
    columns = [name.strip() for name in header]
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if not name:
            raise InputError(
                f"{path}: header column {position} has no name. Name it or "
                "remove the empty column."
            )
        if name in seen:
            raise InputError(
                f"{path}: header names column '{name}' twice. Rename one of them."
            )
        seen.add(name)
    return columns


def read_workbook(path: Path, options: FormatOptions, sheet: str | None) -> RawTable:
    """Read one sheet of a workbook; cells keep their type (number, date, text)."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    wanted = sheet or options.sheet
    names = workbook.sheet_names
    if wanted is not None and wanted not in names:
        raise InputError(
            f"{path}: no sheet named '{wanted}'. Sheets: {', '.join(names)}."
        )
    values = workbook.get_sheet_by_name(wanted or names[0]).to_python(
        skip_empty_area=False
    )
    values = values[options.skip_rows :]
    if not values or not any(_cell_text(cell) for cell in values[0]):
        raise InputError(f"{path}: the sheet is empty or has no header row.")
    columns = _clean_header([_cell_text(cell) for cell in values[0]], path)

    rows: list[RawRow] = []
    unreadable: list[tuple[int, str]] = []
    for index, record in enumerate(values[1:], start=options.skip_rows + 2):
        cells = [_workbook_cell(cell) for cell in record]
        if all(cell is None for cell in cells):
            unreadable.append((index, "blank row"))
            continue
        cells += [None] * (len(columns) - len(cells))
        rows.append(RawRow(index, dict(zip(columns, cells, strict=False))))
    if not rows and not unreadable:
        raise InputError(f"{path}: has a header but no data rows.")
    return RawTable(path, columns, rows, unreadable, "xlsx", "")


def _cell_text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _workbook_cell(cell: object) -> RawValue:
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        return Decimal(repr(cell))
    if isinstance(cell, datetime | date):
        return cell
    return str(cell)


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file; row numbers count data rows from 1."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = _clean_header(list(table.column_names), path)
    rows = []
    for index, record in enumerate(table.to_pylist(), start=1):
        cells = {name: _parquet_cell(record[name]) for name in columns}
        rows.append(RawRow(index, cells))
    if not rows:
        raise InputError(f"{path}: the Parquet file has no rows.")
    return RawTable(path, columns, rows, [], "parquet", "")


def _parquet_cell(value: object) -> RawValue:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal | date | datetime):
        return value
    return str(value)
