"""Every corpus export gives its stated outcome and loses no row.

``backlogdesk check`` must count read = accepted + rejected and name every
rejected row (file, row, column, reason); the JSON report must hold the open
lines with exactly the values worked out by hand in tests/corpus.py. A file
that cannot be read stops with a message naming the file and the fix.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import report_json, run_cli
from corpus import CASES, HEADER, Case, Outcome

AS_OF = "2024-05-06"
TOTAL_LINE = re.compile(
    r"Total: ([\d,]+) read = ([\d,]+) accepted \+ ([\d,]+) rejected"
)
FORMULA_SIGNS = ("=", "+", "-", "@")


def _write_case(case: Case, folder: Path) -> tuple[Path, Path]:
    export = case.build(folder)
    mapping = folder / "corpus.toml"
    mapping.write_text(case.mapping_text(), encoding="utf-8")
    return export, mapping


def _totals(output: str) -> tuple[int, int, int]:
    match = TOTAL_LINE.search(output)
    assert match, output
    read, accepted, rejected = (int(group.replace(",", "")) for group in match.groups())
    return read, accepted, rejected


def _rejected_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_rejects(path: Path, file_name: str, expected: Outcome) -> None:
    rows = {int(row["row"]): row for row in _rejected_rows(path)}
    assert set(rows) == set(expected.rejects), rows
    for number, spec in expected.rejects.items():
        written = rows[number]
        assert written["file"] == file_name
        assert written["column"] == spec.column, written
        assert spec.reason in written["reason"], written
        if spec.value is not None:
            assert written["value"] == spec.value, written


def test_corpus_holds_at_least_thirty_distinct_cases() -> None:
    names = [case.name for case in CASES]

    assert len(names) >= 30
    assert len(set(names)) == len(names)


def test_every_corpus_case_adds_up_by_itself() -> None:
    for case in CASES:
        outcome = case.outcome
        if not outcome.error:
            assert outcome.read == outcome.accepted + len(outcome.rejects), case.name


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_check_gives_the_expected_counts_rejects_or_error(
    case: Case, tmp_path: Path
) -> None:
    export, mapping = _write_case(case, tmp_path)
    rejected = tmp_path / "rejected.csv"

    result = run_cli(
        "check", export, "--mapping", mapping, "--as-of", AS_OF, "--rejected", rejected
    )

    expected = case.outcome
    assert result.exit_code == expected.exit_code, result.output
    if expected.error:
        for fragment in expected.error:
            assert fragment in result.output
        return
    read, accepted, rejected_count = _totals(result.output)
    assert read == accepted + rejected_count
    assert (read, accepted, rejected_count) == (
        expected.read,
        expected.accepted,
        len(expected.rejects),
    )
    _assert_rejects(rejected, export.name, expected)


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.outcome.lines], ids=lambda case: case.name
)
def test_report_holds_every_open_line_with_exact_values(
    case: Case, tmp_path: Path
) -> None:
    export, mapping = _write_case(case, tmp_path)
    out = tmp_path / "report"

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        AS_OF,
        "--out",
        out,
        "--format",
        "json",
    )

    assert result.exit_code == 0, result.output
    document = report_json(out)
    inputs = document["inputs"]
    assert inputs["read"] == inputs["accepted"] + inputs["rejected"]
    expected = case.outcome
    assert (inputs["read"], inputs["accepted"], inputs["rejected"]) == (
        expected.read,
        expected.accepted,
        len(expected.rejects),
    )
    lines = {line["line_key"]: line for line in document["lines"]}
    assert set(lines) == set(expected.lines)
    for key, fields in expected.lines.items():
        assert {name: lines[key][name] for name in fields} == dict(fields), key


def test_rejected_rows_file_starts_no_cell_with_a_formula_sign(tmp_path: Path) -> None:
    (case,) = [case for case in CASES if case.name == "formula_like_text"]
    export, mapping = _write_case(case, tmp_path)
    out = tmp_path / "report"

    run_cli("report", export, "--mapping", mapping, "--as-of", AS_OF, "--out", out)

    with (out / "rejected-rows.csv").open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'=1+2" in cells and "'+1" in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_SIGNS)]


@dataclass(frozen=True)
class GeneratedBook:
    """What the large-export generator wrote, counted as it wrote it."""

    rows: int
    rejected: int
    open_lines: int
    open_value: Decimal


def _write_large_export(path: Path, rows: int) -> GeneratedBook:
    """Write ``rows`` order lines; every 100,000th has a bad quantity, every
    tenth is shipped, every tenth blocked. The open value is summed in cents."""
    open_cents = open_lines = rejected = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER + "\n")
        chunk: list[str] = []
        for index in range(rows):
            qty, delivered = 4 + index % 9, index % 4
            cents = 100 + index * 37 % 10_000
            status = {9: "done", 8: "hold"}.get(index % 10, "open")
            bad = index % 100_000 == 50_000
            chunk.append(
                f"SO-{index},10,Customer {index % 500},{'x' if bad else qty},"
                f"{delivered},{cents // 100}.{cents % 100:02d},"
                f"2024-06-{1 + index % 28:02d},{status},\n"
            )
            if bad:
                rejected += 1
            elif status != "done":
                open_lines += 1
                open_cents += (qty - delivered) * cents
            if len(chunk) == 10_000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))
    return GeneratedBook(rows, rejected, open_lines, Decimal(open_cents) / 100)


@pytest.mark.slow
def test_million_row_export_loses_no_row_and_keeps_the_open_value(
    tmp_path: Path,
) -> None:
    export = tmp_path / "lines.csv"
    book = _write_large_export(export, 1_000_000)
    mapping = tmp_path / "corpus.toml"
    mapping.write_text(CASES[0].mapping_text(), encoding="utf-8")
    out = tmp_path / "report"

    result = run_cli(
        "report",
        export,
        "--mapping",
        mapping,
        "--as-of",
        AS_OF,
        "--out",
        out,
        "--format",
        "json",
    )

    assert result.exit_code == 0, result.output
    document = report_json(out)
    inputs = document["inputs"]
    assert inputs["read"] == book.rows == inputs["accepted"] + inputs["rejected"]
    assert inputs["rejected"] == book.rejected == 10
    open_orders = document["numbers"]["open_orders"]
    assert open_orders["lines"] == book.open_lines
    assert Decimal(open_orders["value"]) == book.open_value
