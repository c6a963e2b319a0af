"""Measuring helpers shared by the benchmarks: child processes and the table."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ChildRun:
    """One child process: wall time, peak resident memory, its JSON output."""

    seconds: float
    peak_mb: float
    output: dict[str, Any] = field(default_factory=dict)
    failure: str = ""

    def shown(self, text: str) -> str:
        """``text``, or how the process ended when it did not finish."""
        if not self.failure:
            return text
        return f"{self.failure} after {self.seconds:.0f} s at {self.peak_mb:,.0f} MB"


def run_child(command: list[str], parse_json: bool = False) -> ChildRun:
    """Run ``command`` in a fresh process; its own peak memory comes from wait4.

    A process that fails (killed for lack of memory, say) is reported, not
    raised, so the other measurements still run.
    """
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    text = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    # ru_maxrss is in kilobytes on Linux.
    peak_mb = usage.ru_maxrss / 1024
    if code != 0:
        ending = "killed (SIGKILL)" if code == -9 else f"failed (exit {code})"
        return ChildRun(seconds, peak_mb, failure=ending)
    output = json.loads(text.strip().splitlines()[-1]) if parse_json else {}
    return ChildRun(seconds, peak_mb, output)


@dataclass(frozen=True)
class Row:
    """One figure against its baseline and its target."""

    figure: str
    measured: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None


def print_table(rows: list[Row]) -> None:
    """Print the rows as a Markdown table (pasted as-is into RESULTS.md)."""
    header = ("figure", "measured", "baseline", "ratio", "target", "met/missed")
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        met = "" if row.met is None else ("met" if row.met else "MISSED")
        cells = (row.figure, row.measured, row.baseline, ratio, row.target, met)
        print("| " + " | ".join(cells) + " |", flush=True)
