"""Readers: turn a CSV, XLSX or Parquet export into rows of raw cell values.

Readers decide nothing about meaning. They keep each row's number as the user
sees it in a spreadsheet (the header is row 1 unless title lines come first; a
quoted field holding line breaks stays one row), so every later message can
point at the exact row. Every data row is returned or listed as unreadable with
its reason; only blank rows after the last data row are not counted as rows.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from backlogdesk.errors import InputError
from backlogdesk.ingest.mapping import FormatOptions

log = logging.getLogger(__name__)

RawValue = str | Decimal | date | datetime | None
MergedRange = tuple[tuple[int, int], tuple[int, int]]
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_CHARS = 65_536
SAMPLE_RECORDS = 50
FIELD_CHARS_LIMIT = 10_000_000
REPEATED_HEADER = (
    "repeated header row: the export repeats its header here (a page break, or "
    "two exports joined); delete it"
)
TOTALS_ROW = "a sum of the rows above, not an order line; export without totals"
TOTAL_WORDS = frozenset(
    {"total", "totals", "grand total", "subtotal", "sum", "summe", "gesamt"}
    | {"gesamtsumme", "totaal", "totale", "somme", "suma"}
)


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
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<RawTable {self.path.name} rows={len(self.rows)}>"

    @property
    def read_count(self) -> int:
        """Data rows found in the file, readable or not."""
        return len(self.rows) + len(self.unreadable)


class _RowSink:
    """Sorts records into rows and unreadable rows. Blank rows wait until a
    later record shows they are not the blank lines that end the file."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.rows: list[RawRow] = []
        self.unreadable: list[tuple[int, str]] = []
        self.blank_rows: list[int] = []

    def add(self, row: int, cells: list[RawValue]) -> None:
        """Take one record that has exactly one cell per column."""
        first = cells[0]
        if first is None:
            first = next((cell for cell in cells if cell is not None), None)
        label = _cell_text(first)
        if first is None:
            self.blank_rows.append(row)
        elif label == self.columns[0] and self._is_header(cells):
            self.reject(row, REPEATED_HEADER)
        elif len(label) < 14 and label.lower().rstrip(":").strip() in TOTAL_WORDS:
            self.reject(row, f"totals row ('{label}'): {TOTALS_ROW}")
        else:
            if self.blank_rows:
                self._flush_blanks()
            self.rows.append(RawRow(row, dict(zip(self.columns, cells, strict=True))))

    def reject(self, row: int, reason: str) -> None:
        """A record that is not an order line, with the reason."""
        self._flush_blanks()
        self.unreadable.append((row, reason))

    def _flush_blanks(self) -> None:
        self.unreadable += [(blank, "blank row") for blank in self.blank_rows]
        self.blank_rows.clear()

    def _is_header(self, cells: list[RawValue]) -> bool:
        return [_cell_text(cell) for cell in cells] == self.columns

    def table(self, path: Path, encoding: str, delimiter: str) -> RawTable:
        """The finished table; a file without data rows is an error."""
        if not self.rows and not self.unreadable:
            raise InputError(
                f"{path}: has a header but no data rows. Export the file again; "
                "an empty export cannot be told apart from a failed one."
            )
        table = RawTable(path, self.columns, self.rows, self.unreadable)
        table.encoding, table.delimiter = encoding, delimiter
        if self.blank_rows:
            table.notes.append(
                f"{path.name}: {len(self.blank_rows)} blank row(s) after the "
                "last data row ignored"
            )
        return table


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
    text = _decoded(path, data, encoding)

    lines = io.StringIO(text, newline="")
    for _ in range(options.skip_rows):
        lines.readline()
    body = lines.read()
    delimiter = options.delimiter or detect_delimiter(body)
    _check_layout(path, body, delimiter, options)
    return _parse_delimited(path, body, delimiter, options.skip_rows, encoding)


def detect_encoding(data: bytes) -> str:
    """UTF-16 with a BOM; UTF-8 (with or without BOM) when the bytes decode as
    such; else cp1252, or latin-1 where cp1252 has undefined bytes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        undefined_in_cp1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
        return "latin-1" if any(b in data for b in undefined_in_cp1252) else "cp1252"
    return "utf-8"


def _decoded(path: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(
            f"{path}: cannot be read as {encoding} ({exc}). Set [format] encoding "
            "in the mapping (utf-8, utf-16, cp1252 or latin-1)."
        ) from exc
    if "\x00" not in text:
        return text

    # A NUL byte is never text. Every other byte NUL is UTF-16 without a BOM.
    if text.count("\x00") * 3 > len(text):
        fix = 'it looks like UTF-16: set [format] encoding = "utf-16" in the mapping'
    else:
        fix = "the file is damaged or not a CSV; export it again as CSV text"
    line = text[: text.index("\x00")].count("\n") + 1
    raise InputError(f"{path}: line {line} holds a NUL byte; {fix}.")


def detect_delimiter(body: str) -> str:
    """The delimiter under which records of one width (above one column) cover
    the most lines; the header line counts only under the true delimiter."""
    scores = {d: _typical_width(*_sample(body, d)) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best][1] > 1 else ","


def _sample(body: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records, and how many lines each one spans."""
    handle = io.StringIO(body[:SAMPLE_CHARS], newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    records: list[list[str]] = []
    spans: list[int] = []
    try:
        while len(records) < SAMPLE_RECORDS:
            before = reader.line_num
            records.append(next(reader))
            spans.append(reader.line_num - before)
    except (StopIteration, csv.Error):
        pass  # a sample cut inside a quoted field: the records before it do
    return records, spans


def _typical_width(records: list[list[str]], spans: list[int]) -> tuple[int, int]:
    """Lines covered by the records of the best-covering width, and the width."""
    covered: Counter[int] = Counter()
    for record, span in zip(records, spans, strict=False):
        if len(record) > 1:
            covered[len(record)] += span
    return max(((lines, width) for width, lines in covered.items()), default=(0, 0))


def _check_layout(
    path: Path, body: str, delimiter: str, options: FormatOptions
) -> None:
    """Stop with the fix when the delimiter is wrong or titles sit above the header."""
    records = _sample(body, delimiter)[0]
    if not records:
        raise InputError(
            f"{path}: no header row after the {options.skip_rows} skipped lines; "
            "lower [format] skip_rows in the mapping."
        )
    found = detect_delimiter(body)
    split = _sample(body, found)[0]
    if options.delimiter and len(records[0]) == 1 and split and len(split[0]) > 1:
        agreeing = sum(len(record) == len(split[0]) for record in split)
        if 2 * agreeing > len(split):
            raise InputError(
                f"{path}: with delimiter {delimiter!r} (set in the mapping) the "
                f"header is the single column {records[0][0][:60]!r}, but {found!r} "
                f"splits it into {len(split[0])} columns. Set [format] delimiter "
                f"= {found!r} in the mapping."
            )
    filled = [[cell for cell in record if cell.strip()] for record in records]
    _check_header_position(path, "line", options.skip_rows, filled)


def _check_header_position(
    path: Path, word: str, skip_rows: int, filled: list[list[str]]
) -> None:
    """Stop when report titles sit above the header: the header is the first
    record filled more than half as much as the fullest one."""
    most = max((len(cells) for cells in filled), default=0)
    header_at = next(
        (at for at, cells in enumerate(filled) if len(cells) > max(1, most / 2)), 0
    )
    if header_at:
        title = ", ".join(filled[0]).strip() or "blank"
        raise InputError(
            f"{path}: {word} {skip_rows + 1} ({title[:60]!r}) is not the header "
            f"row; the header seems to be {word} {skip_rows + header_at + 1} "
            f"({', '.join(filled[header_at])[:60]!r}). Set [format] skip_rows = "
            f"{skip_rows + header_at} in the mapping to skip the titles above it."
        )


def _parse_delimited(
    path: Path, body: str, delimiter: str, skip_rows: int, encoding: str
) -> RawTable:
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_CHARS_LIMIT))
    record_lines: list[str] = []
    handle = io.StringIO(body, newline="")
    reader = csv.reader(_tapped(handle, record_lines), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InputError(f"{path}: no readable header row found.") from None
    columns = _clean_header(list(header), path)

    sink = _RowSink(columns)
    row = skip_rows + 1
    while True:
        record_lines.clear()
        row += 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            sink.reject(
                row, _quote_problem(path, row, record_lines, columns, delimiter)
            )
            continue
        if len(record_lines) > 1 and len(record) not in (len(columns), len(header)):
            _quote_problem(path, row, record_lines, columns, delimiter)
        _add_record(sink, row, record, len(header))
    return sink.table(path, encoding, delimiter)


def _tapped(handle: io.StringIO, record_lines: list[str]) -> Iterator[str]:
    """Feed lines to the csv reader, keeping those of the current record."""
    for line in handle:
        record_lines.append(line)
        yield line


def _add_record(sink: _RowSink, row: int, record: list[str], header: int) -> None:
    width = len(sink.columns)
    if not "".join(record).strip():
        sink.add(row, [None] * width)
        return
    if len(record) == header > width and not any(c.strip() for c in record[width:]):
        record = record[:width]  # each line ends in a delimiter, the header too
    if len(record) != width:
        sink.reject(
            row,
            f"has {len(record)} fields but the header has {width}: check the "
            "delimiter and quoting in this row",
        )
        return
    sink.add(row, [cell or None for cell in record])


def _quote_problem(
    path: Path, row: int, lines: list[str], columns: list[str], delimiter: str
) -> str:
    """Why a record's quoting is broken; a quote that runs over several lines
    stops the file, as the rows it swallowed cannot be counted."""
    position, unclosed = _field_at_fault(lines[0] if lines else "", delimiter)
    column = columns[position] if position < len(columns) else f"field {position + 1}"
    if len(lines) > 1:
        raise InputError(
            f"{path}: row {row}, column '{column}': a quote opens a field that "
            f"runs on over {len(lines)} lines, so the rows below it cannot be told "
            "apart. Close the quote (or double a quote inside the text) and "
            "export again."
        )
    if unclosed:
        return f"a quote opens column '{column}' and is never closed; close it"
    return (
        f"the quotes in column '{column}' are broken: a quote inside a quoted "
        'field must be doubled (""); fix this row in the export'
    )


def _field_at_fault(line: str, delimiter: str) -> tuple[int, bool]:
    """Position of the field where quoting breaks (text after a closing quote,
    or a quote still open at the end of the line), and whether it is open."""
    position, quoted, closed, fresh = 0, False, False, True
    for char in line.rstrip("\r\n"):
        if quoted:
            quoted, closed = char != '"', char == '"'
        elif char == '"' and (fresh or closed):
            quoted, closed, fresh = True, False, False
        elif char == delimiter:
            position, closed, fresh = position + 1, False, True
        elif closed:
            return position, False
        else:
            fresh = False
    return position, quoted


def _clean_header(header: list[RawValue], path: Path) -> list[str]:
    columns = [_cell_text(name) for name in header]
    while columns and not columns[-1]:
        columns.pop()  # trailing delimiters or formatted empty cells
    if not columns:
        raise InputError(f"{path}: the header row is empty.")
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
    """Read one sheet of a workbook; cells keep their type (number, date, text).

    Formulas give the value the file stores; hidden rows are read like any
    other; a cell merged over several rows holds its value in each of them.
    """
    grid, merged_fills = _sheet_grid(path, sheet or options.sheet)
    records = [[_typed_cell(cell) for cell in row] for row in grid[options.skip_rows :]]
    filled = [[_cell_text(c) for c in r if c is not None] for r in records[:50]]
    if not any(filled):
        raise InputError(f"{path}: the sheet is empty or has no header row.")
    _check_header_position(path, "row", options.skip_rows, filled)

    columns = _clean_header(records[0], path)
    width, sink = len(columns), _RowSink(columns)
    for row, record in enumerate(records[1:], start=options.skip_rows + 2):
        beyond = [cell for cell in record[width:] if cell is not None]
        if beyond:
            sink.reject(
                row,
                f"holds {_cell_text(beyond[0])!r} beyond the last named column; "
                "name its column in the header or clear the cell",
            )
        else:
            sink.add(row, (record + [None] * width)[:width])
    table = sink.table(path, "xlsx", "")
    if merged_fills:
        table.notes.append(f"{path.name}: {merged_fills} merged cell(s) filled down")
    return table


def _sheet_grid(path: Path, wanted: str | None) -> tuple[list[list[Any]], int]:
    """The sheet's cells from A1, and how many merged cells were filled down."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged files
        raise InputError(
            f"{path}: cannot be opened as a workbook ({exc}). Save it again from "
            "the spreadsheet program as .xlsx, or export CSV."
        ) from exc
    names = workbook.sheet_names
    if wanted is not None and wanted not in names:
        raise InputError(
            f"{path}: no sheet named '{wanted}'. Sheets: {', '.join(names)}. Set "
            "[format] sheet (or sheet under [files.<role>]) to one of them."
        )
    sheet = workbook.get_sheet_by_name(wanted or names[0])
    grid: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    return grid, _fill_merged(grid, sheet.merged_cell_ranges or [])


def _fill_merged(grid: list[list[Any]], ranges: list[MergedRange]) -> int:
    """Copy each merged range's value down its first column: the sheet shows
    one order number beside all the lines it spans."""
    filled = 0
    for (top, left), (bottom, _) in ranges:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        for row in grid[top + 1 : bottom + 1]:
            if left < len(row) and row[left] in ("", None):
                row[left] = grid[top][left]
                filled += 1
    return filled


def _cell_text(cell: object) -> str:
    if isinstance(cell, Decimal) and cell == cell.to_integral_value():
        return str(int(cell))
    return "" if cell is None else str(cell).strip()


def _typed_cell(value: object) -> RawValue:
    """A workbook or Parquet cell as a raw value; numbers become exact decimals
    of the binary value the file stores."""
    if value is None or value == "":
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


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file; row numbers count data rows from 1."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = _clean_header(list(table.column_names), path)
    rows = []
    for index, record in enumerate(table.to_pylist(), start=1):
        cells = {name: _typed_cell(record[name]) for name in columns}
        rows.append(RawRow(index, cells))
    if not rows:
        raise InputError(f"{path}: the Parquet file has no rows.")
    return RawTable(path, columns, rows, [], "parquet", "")
