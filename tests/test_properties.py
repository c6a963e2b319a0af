"""Properties that must hold for any input, checked with Hypothesis.

- Any table of text cells written by Python's csv module reads back with the
  same cells, the same row count and spreadsheet row numbers.
- Any decimal written with a decimal comma or point and thousands separators
  parses to exactly that decimal; a separator in the wrong place is an error.
- Any small order book reported as JSON keeps the four classes apart: open
  orders = backlog + blocked + pending, every box is the sum of its lines, no
  open quantity is negative and every row read is accepted or rejected.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from backlogdesk.ingest.mapping import FormatOptions
from backlogdesk.ingest.readers import DELIMITERS, TOTAL_WORDS, read_table
from backlogdesk.ingest.values import CellError, parse_decimal
from conftest import report_json, run_cli

AS_OF = date(2024, 5, 6)

# Any character a text export can hold: no NUL, no lone surrogate halves.
CELL_CHARACTERS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\x00"
)
CELLS = st.text(CELL_CHARACTERS, max_size=12)
HEADER_NAMES = (
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00,;\t|"),
        min_size=1,
        max_size=10,
    )
    .map(str.strip)
    .filter(lambda name: bool(name) and not name.startswith("\ufeff"))
)


@st.composite
def text_tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header of distinct names and 1-8 rows that are neither blank, nor a
    copy of the header, nor a totals row (those are reported, not read)."""
    header = draw(st.lists(HEADER_NAMES, min_size=1, max_size=5, unique=True))
    row = st.lists(CELLS, min_size=len(header), max_size=len(header))
    rows = draw(st.lists(row, min_size=1, max_size=8))
    for cells in rows:
        assume(any(cell.strip() for cell in cells))
        assume([cell.strip() for cell in cells] != header)
        first = next(cell for cell in cells if cell)
        assume(first.strip().lower().rstrip(":").strip() not in TOTAL_WORDS)
    return header, rows


@settings(max_examples=50, deadline=None)
@given(table=text_tables(), delimiter=st.sampled_from(DELIMITERS))
def test_csv_written_by_python_reads_back_cell_for_cell(
    table: tuple[list[str], list[list[str]]], delimiter: str
) -> None:
    header, rows = table
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)

        read = read_table(path, FormatOptions(delimiter=delimiter))

    assert read.columns == header
    assert read.unreadable == []
    assert [raw.row for raw in read.rows] == list(range(2, len(rows) + 2))
    cells = [[raw.cells[name] for name in header] for raw in read.rows]
    assert cells == [[cell or None for cell in row] for row in rows]


@settings(max_examples=25, deadline=None)
@given(
    header=st.lists(
        st.text("abcdefgh_", min_size=1, max_size=8),
        min_size=2,
        max_size=5,
        unique=True,
    ),
    cells=st.lists(st.text("xyz 0123456789,;\t|\"'\n", max_size=8), min_size=10),
    delimiter=st.sampled_from(DELIMITERS),
)
# Line breaks inside quoted cells once made ';' look like more records agree.
@example(
    header=["_", "a", "__", "___", "____"],
    cells=["", ";\n", ";,", "\n0", ";", "", "", "", "", ""],
    delimiter=",",
)
def test_delimiter_is_found_without_being_told(
    header: list[str], cells: list[str], delimiter: str
) -> None:
    width = len(header)
    rows = [cells[start : start + width] for start in range(0, len(cells), width)]
    rows = [row for row in rows if len(row) == width and any(c.strip() for c in row)]
    rows = [row for row in rows if row[0] != header[0]]
    assume(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)

        read = read_table(path, FormatOptions())

    assert read.delimiter == delimiter
    assert read.read_count == len(rows)


NUMBER_STYLES = [
    (",", "."),  # 1.234.567,89 (German, Italian)
    (".", ","),  # 1,234,567.89 (English)
    (",", " "),  # 1 234 567,89 (French, written with spaces)
    (".", "'"),  # 1'234'567.89 (Swiss)
    (",", ""),  # 1234567,89
]
SIGN_STYLES = ["-{}", "({})", "{}-"]


def written_number(value: Decimal, decimal_mark: str, thousands: str, sign: str) -> str:
    """``value`` as an export writes it: groups of three, the given marks."""
    whole, _, fraction = format(value.copy_abs(), "f").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = thousands.join([whole, *groups])
    if fraction:
        text += decimal_mark + fraction
    return sign.format(text) if value.is_signed() else text


@settings(max_examples=50, deadline=None)
@given(
    value=st.decimals(
        min_value=Decimal("-1e15"),
        max_value=Decimal("1e15"),
        allow_nan=False,
        allow_infinity=False,
    ),
    style=st.sampled_from(NUMBER_STYLES),
    sign=st.sampled_from(SIGN_STYLES),
)
def test_decimal_with_separators_parses_to_exactly_itself(
    value: Decimal, style: tuple[str, str], sign: str
) -> None:
    decimal_mark, thousands = style
    text = written_number(value, decimal_mark, thousands, sign)

    assert parse_decimal(text, decimal_mark, thousands) == value


@settings(max_examples=50, deadline=None)
@given(
    digits=st.text("0123456789", min_size=2, max_size=12),
    cut=st.integers(1, 11),
    style=st.sampled_from(NUMBER_STYLES[:4]),
)
def test_thousands_separator_out_of_place_is_an_error_not_a_number(
    digits: str, cut: int, style: tuple[str, str]
) -> None:
    decimal_mark, thousands = style
    assume(cut < len(digits) and (len(digits) - cut) % 3 != 0)
    text = digits[:cut] + thousands + digits[cut:]

    with pytest.raises(CellError):
        parse_decimal(text, decimal_mark, thousands)


BOOK_MAPPING = """\
name = "random-books"
[fields]
order_id = "order"
line_id = "line"
ordered_qty = "qty"
shipped_qty = "delivered"
unit_price = "price"
status = { column = "status", map = "status" }
block_reason = { column = "block", map = "block", unmapped = "empty" }
confirmed_date = "confirmed"
estimated_date = "estimated"

[values.status]
open = "released"
wait = "pending"
hold = "blocked"
done = "shipped"
cancel = "cancelled"

[values.block]
"credit block" = "credit_hold"
"""
BOOK_COLUMNS = (
    "order",
    "line",
    "qty",
    "delivered",
    "price",
    "status",
    "block",
    "confirmed",
    "estimated",
)
OPEN_STATUSES = ("open", "wait", "hold")


def _day() -> st.SearchStrategy[str]:
    days = st.integers(-40, 120).map(lambda n: (AS_OF + timedelta(days=n)).isoformat())
    return st.one_of(st.just(""), days)


BOOK_ROWS = st.fixed_dictionaries(
    {
        "order": st.sampled_from(["SO-1", "SO-2", "SO-3", "SO-4", "SO-5"]),
        "line": st.sampled_from(["10", "20", "30"]),
        "qty": st.one_of(st.integers(0, 40).map(str), st.just("x")),
        "delivered": st.integers(0, 45).map(str),
        "price": st.integers(1, 99_999).map(lambda cents: f"{cents / 100:.2f}"),
        "status": st.sampled_from(["open", "wait", "hold", "done", "cancel"]),
        "block": st.sampled_from(["", "", "credit block"]),
        "confirmed": _day(),
        "estimated": _day(),
    }
)


def _expected_counts(rows: list[dict[str, str]]) -> tuple[int, int]:
    """Accepted rows and open lines, worked out without Backlog Desk: a bad
    quantity rejects its row; a key held by two good rows rejects both."""
    good = [row for row in rows if row["qty"] != "x"]
    keys = Counter((row["order"], row["line"]) for row in good)
    accepted = [row for row in good if keys[(row["order"], row["line"])] == 1]
    open_lines = [
        row
        for row in accepted
        if row["status"] in OPEN_STATUSES and int(row["qty"]) > int(row["delivered"])
    ]
    return len(accepted), len(open_lines)


def _box(box: dict[str, Any]) -> tuple[int, Decimal, Decimal]:
    return box["lines"], Decimal(box["units"]), Decimal(box["value"])


def _summed(lines: list[dict[str, Any]]) -> tuple[int, Decimal, Decimal]:
    units = sum((Decimal(line["open_units"]) for line in lines), Decimal(0))
    value = sum((Decimal(line["open_value"]) for line in lines), Decimal(0))
    return len(lines), units, value


def _report(rows: list[dict[str, str]], period: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        export = folder / "lines.csv"
        with export.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, BOOK_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        mapping = folder / "books.toml"
        mapping.write_text(BOOK_MAPPING, encoding="utf-8")
        out = folder / "report"

        result = run_cli(
            "report",
            export,
            "--mapping",
            mapping,
            "--as-of",
            AS_OF.isoformat(),
            "--period",
            period,
            "--out",
            out,
            "--format",
            "json",
        )

        assert result.exit_code == 0, result.output
        return report_json(out)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    rows=st.lists(BOOK_ROWS, min_size=1, max_size=12),
    period=st.sampled_from(["week", "month", "quarter"]),
)
def test_random_order_books_keep_every_number_apart_and_whole(
    rows: list[dict[str, str]], period: str
) -> None:
    document = _report(rows, period)

    inputs = document["inputs"]
    accepted, open_count = _expected_counts(rows)
    assert inputs["read"] == len(rows) == inputs["accepted"] + inputs["rejected"]
    assert inputs["accepted"] == accepted

    numbers, lines = document["numbers"], document["lines"]
    parts = [_box(numbers[name]) for name in ("sales_backlog", "blocked", "pending")]
    assert _box(numbers["open_orders"]) == (
        sum(part[0] for part in parts),
        sum((part[1] for part in parts), Decimal(0)),
        sum((part[2] for part in parts), Decimal(0)),
    )
    assert numbers["open_orders"]["lines"] == open_count == len(lines)
    assert all(Decimal(line["open_qty"]) > 0 for line in lines)
    assert all(Decimal(line["open_units"]) >= 0 for line in lines)

    classes = {"sales_backlog": "released", "blocked": "blocked", "pending": "pending"}
    assert _box(numbers["open_orders"]) == _summed(lines)
    for name, status_class in classes.items():
        members = [line for line in lines if line["status_class"] == status_class]
        assert _box(numbers[name]) == _summed(members), name
    for bucket, box in document["buckets"].items():
        members = [line for line in lines if line["bucket"] == bucket]
        assert _box(box) == _summed(members), bucket
    for bucket, box in document["past_due"].items():
        members = [
            line for line in lines if line["bucket"] == bucket and line["past_due"]
        ]
        assert _box(box) == _summed(members), f"past due {bucket}"
