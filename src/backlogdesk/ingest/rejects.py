"""Rejected rows: every input row that is not accepted lands here with its reason."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REJECT_COLUMNS = ("file", "row", "column", "value", "problem", "reason")


@dataclass(frozen=True)
class Reject:
    """One rejected input row: where it is, what is wrong, how to fix it."""

    file: str
    row: int
    column: str
    value: str
    problem: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.reason}"


def write_rejects(rejects: list[Reject], path: Path) -> Path:
    """Write the rejected rows as CSV (always, header only when none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECT_COLUMNS)
        for reject in sorted(rejects, key=lambda r: (r.file, r.row, r.column)):
            writer.writerow(
                [
                    reject.file,
                    reject.row,
                    reject.column,
                    _plain(reject.value),
                    reject.problem,
                    reject.reason,
                ]
            )
    return path


def problem_counts(rejects: list[Reject]) -> list[tuple[str, int]]:
    """How many rows were rejected for each kind of problem, most first."""
    return Counter(reject.problem for reject in rejects).most_common()


def _plain(value: str) -> str:
    """Keep a spreadsheet from reading a rejected value as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
