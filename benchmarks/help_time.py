"""Benchmark: wall time of ``backlogdesk --help`` in fresh processes.

Runs the command RUNS times and takes the median, against the same count of
``python -c "import click"`` runs: the floor for any command line built on
click, measured in the same run. Also lists the modules that ``--help``
loads beyond that floor, so a heavy import creeping in shows at once.

    python benchmarks/help_time.py
    python benchmarks/help_time.py --runs 21
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from measure import Row, print_table, run_child

HEAVY = ("ibis", "duckdb", "pyarrow", "pandas", "xlsxwriter", "weasyprint", "jinja2")


def median_seconds(command: list[str], runs: int) -> float:
    """The median wall time of ``command`` over ``runs`` fresh processes."""
    return statistics.median(run_child(command).seconds for _ in range(runs))


def heavy_modules() -> list[str]:
    """Heavy libraries loaded by importing the command line module."""
    probe = (
        "import sys, backlogdesk.cli; "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    return [name for name in HEAVY if name in loaded]


def main() -> None:
    """Measure, compare, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    command = str(Path(sys.executable).with_name("backlogdesk"))

    run_child([command, "--help"])  # warm the file cache
    ours = median_seconds([command, "--help"], args.runs)
    floor = median_seconds([sys.executable, "-c", "import click"], args.runs)
    print_table(
        [
            Row(
                f"backlogdesk --help, median of {args.runs} (s)",
                f"{ours:.3f}",
                f"{floor:.3f} (python -c 'import click')",
                ours / floor,
                "< 0.3 s",
                ours < 0.3,
            )
        ]
    )
    heavy = heavy_modules()
    print(f"- heavy libraries loaded at start-up: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
