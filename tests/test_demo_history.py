"""Half a year of the demo company's weekly exports, imported and reported.

The 26 exports go through the real command line (``import`` each week, then
``report --db``). Cross-checks read the written CSV files with plain Python:
date moves, untouched lines and open lines are counted here, independently of
the product's history code, and compared with what the report says.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.demo import DemoExport, DemoHistory, write_demo_history
from conftest import report_json, run_cli
from test_demo_company import OPEN_CODES, damage_of, is_open, read_headers, read_lines

LAST_AS_OF = date(2024, 12, 4)
WEEKS = 26
REASON_CODES = {"CAP", "MAT", "SUP", "QUA", "CUS"}
CLOSED_CODES = {"SHIP", "CLSD", "SCLS", "CANC"}
# What decides a line's plan in the lines file and its order's header.
PLAN_COLUMNS = (
    "ORD_QTY", "DLV_QTY", "UNIT_PRICE", "DISC_PCT", "REQ_DATE", "CONF_DATE",
    "EST_DATE", "EST_CONF", "LINE_STATUS", "DLV_BLOCK",
)  # fmt: skip
HEADER_PLAN_COLUMNS = ("HDR_STATUS", "CREDIT_BLOCK", "CURR")
WEEKLY_CHANGES = (
    "new",
    "shipped",
    "slipped",
    "pulled_in",
    "newly_blocked",
    "unblocked",
)

Week = dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def demo_history(tmp_path_factory: pytest.TempPathFactory) -> DemoHistory:
    return write_demo_history(tmp_path_factory.mktemp("history"), LAST_AS_OF)


@pytest.fixture(scope="module")
def history(demo_history: DemoHistory) -> list[DemoExport]:
    return demo_history.exports


@pytest.fixture(scope="module")
def weeks(history: list[DemoExport]) -> list[Week]:
    """Each week's readable lines rows by line key, each with its order header."""
    result = []
    for export in history:
        headers = read_headers(export.orders_path)
        result.append(
            {
                f"{row['SO_NUMBER']}/{row['LINE_NO']}": row
                | {f"header.{k}": v for k, v in headers[row["SO_NUMBER"]].items()}
                for row in read_lines(export.lines_path)
                if damage_of(row) is None
            }
        )
    return result


@pytest.fixture(scope="module")
def store(
    history: list[DemoExport], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[str]]:
    """A store with every week imported through the CLI, and each import's output."""
    db = tmp_path_factory.mktemp("store") / "demo.duckdb"
    outputs = []
    for export in history:
        result = run_cli(
            "import",
            *export.export_paths,
            "--mapping", "demo",
            "--rates", export.rates_path,
            "--as-of", export.as_of.isoformat(),
            "--db", db,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    return db, outputs


@pytest.fixture(scope="module")
def report(
    store: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report")
    result = run_cli(
        "report", "--db", store[0], "--as-of", LAST_AS_OF.isoformat(),
        "--out", out, "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return report_json(out)


def ship_date(row: dict[str, str]) -> date | None:
    """Confirmed date, else estimated date, else None."""
    text = row["CONF_DATE"] or row["EST_DATE"]
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def header_of(row: dict[str, str]) -> dict[str, str]:
    """The order header joined onto a lines row."""
    return {k[7:]: v for k, v in row.items() if k.startswith("header.")}


def rejected_count(output: str) -> int:
    """The rejected rows an import reports: '4,344 rows read = ... + 3 rejected'."""
    found = re.search(r"([\d,]+) rejected", output)
    assert found is not None, output
    return int(found[1].replace(",", ""))


def plan_of(row: dict[str, str]) -> tuple[str, ...]:
    """The planning-relevant cells of a line and of its order."""
    own = tuple(row[column] for column in PLAN_COLUMNS)
    return own + tuple(row[f"header.{column}"] for column in HEADER_PLAN_COLUMNS)


def test_demo_history_is_weekly_oldest_first_and_byte_identical_again(
    tmp_path: Path, demo_history: DemoHistory, history: list[DemoExport]
) -> None:
    rewritten = write_demo_history(tmp_path / "again", LAST_AS_OF)
    again = rewritten.exports
    other_seed = write_demo_history(
        tmp_path / "other", LAST_AS_OF, weeks=2, seed=8
    ).exports

    days = [export.as_of for export in history]
    assert len(days) == WEEKS and days[-1] == LAST_AS_OF
    assert all(
        later - earlier == timedelta(weeks=1) for earlier, later in pairwise(days)
    )
    assert len({export.lines_path.parent for export in history}) == WEEKS
    for first, second in zip(history, again, strict=True):
        for path, twin in zip(
            (first.orders_path, first.lines_path, first.rates_path),
            (second.orders_path, second.lines_path, second.rates_path),
            strict=True,
        ):
            assert path.read_bytes() == twin.read_bytes()
    assert other_seed[-1].lines_path.read_bytes() != history[-1].lines_path.read_bytes()
    for name in ("actuals_path", "budget_path", "agreements_path", "rates_path"):
        path, copy = getattr(demo_history, name), getattr(rewritten, name)
        assert path.read_bytes() == copy.read_bytes(), name


def test_only_the_last_week_has_rejected_rows_and_exactly_three(
    history: list[DemoExport], store: tuple[Path, list[str]]
) -> None:
    damaged = [
        sum(1 for row in read_lines(export.lines_path) if damage_of(row))
        for export in history
    ]
    rejected = [rejected_count(output) for output in store[1]]

    assert damaged == [0] * (WEEKS - 1) + [3]
    assert rejected == damaged


def test_exports_list_open_lines_and_lines_closed_in_the_last_eight_weeks(
    history: list[DemoExport], weeks: list[Week]
) -> None:
    last = history[-1]
    closed = [row for row in weeks[-1].values() if row["LINE_STATUS"] in CLOSED_CODES]
    changed = [datetime.strptime(r["LAST_CHG"], "%d/%m/%Y %H:%M") for r in closed]
    closed_early = {
        key for key, row in weeks[5].items() if row["LINE_STATUS"] in CLOSED_CODES
    }

    assert closed and min(changed).date() >= last.as_of - timedelta(weeks=8)
    assert closed_early and not closed_early & set(weeks[-1])
    assert all(len(week) < 6000 for week in weeks)


def test_final_report_counts_every_kind_of_weekly_change(
    report: dict[str, Any],
) -> None:
    changes = report["history"]["changes"]

    for kind in WEEKLY_CHANGES:
        assert changes[kind]["lines"] > 0, kind
    assert report["history"]["previous"] == str(LAST_AS_OF - timedelta(weeks=1))
    assert len(report["history"]["snapshots"]) == WEEKS


def test_slips_per_line_equal_the_date_moves_counted_over_the_csv_files(
    weeks: list[Week], report: dict[str, Any]
) -> None:
    moves: Counter[str] = Counter()
    for before, after in pairwise(weeks):
        for key, row in after.items():
            now, earlier = ship_date(row), before.get(key) and ship_date(before[key])
            if now and earlier and now > earlier:
                moves[key] += 1
    open_keys = {key for key, row in weeks[-1].items() if is_open(row, header_of(row))}
    product = {row["line_key"]: row["slips"] for row in report["lines"]}

    assert set(product) == open_keys
    assert product == {key: moves[key] for key in open_keys}
    assert sum(1 for key in open_keys if moves[key] >= 2) >= 5
    assert sum(1 for key in open_keys if moves[key] >= 3) >= 2


def test_repeat_slips_and_third_strikes_are_flagged(report: dict[str, Any]) -> None:
    repeat = [row for row in report["lines"] if row["repeat_slip"]]
    third = [row for row in report["lines"] if row["third_strike"]]
    triage = report["triage"]["repeat_slips"]["rows"]

    assert len(repeat) >= 5 and len(third) >= 2
    assert {row["line_key"] for row in triage} == {row["line_key"] for row in repeat}
    assert all(row["slips"] >= 3 for row in third)


def test_a_later_date_always_carries_a_delay_reason(weeks: list[Week]) -> None:
    reasons: Counter[str] = Counter()
    for before, after in pairwise(weeks):
        for key, row in after.items():
            now, earlier = ship_date(row), before.get(key) and ship_date(before[key])
            if now and earlier and now > earlier:
                reasons[row["DLY_RSN"]] += 1

    assert set(reasons) == REASON_CODES


def test_lines_untouched_for_the_whole_half_year_are_aging(
    weeks: list[Week], report: dict[str, Any]
) -> None:
    untouched = {
        key
        for key, row in weeks[-1].items()
        if row["LINE_STATUS"] in OPEN_CODES
        and row["ITEM_NO"] != "FREIGHT"
        and all(key in week and plan_of(week[key]) == plan_of(row) for week in weeks)
    }
    aging = {row["line_key"] for row in report["triage"]["aging"]["rows"]}
    classes = Counter(
        row["status_class"] for row in report["lines"] if row["line_key"] in untouched
    )

    assert len(untouched) >= 8 and untouched <= aging
    assert classes["released"] > 0 and classes["blocked"] > 0


def test_backlog_bridge_reconciles_to_the_cent(report: dict[str, Any]) -> None:
    bridge = report["history"]["bridge"]
    steps = sum((Decimal(step["value"]) for step in bridge["steps"]), Decimal(0))
    by_step = {step["step"]: step["lines"] for step in bridge["steps"]}

    assert Decimal(bridge["opening"]["value"]) + steps == Decimal(
        bridge["closing"]["value"]
    )
    assert bridge["closing"]["value"] == report["numbers"]["sales_backlog"]["value"]
    assert by_step["new"] > 0 and by_step["shipped"] > 0


def test_conversion_of_last_week_names_the_slip_reasons(
    report: dict[str, Any],
) -> None:
    conversion = report["history"]["conversion"]
    outcomes = conversion["outcomes"]
    reasons = {row["reason"] for row in conversion["slip_reasons"]}

    assert conversion["period"] == "2024-W48"
    assert outcomes["shipped"]["lines"] > 0 and outcomes["slipped_out"]["lines"] > 0
    assert {"capacity", "material"} <= reasons


def test_last_week_fills_every_bucket_and_flag(report: dict[str, Any]) -> None:
    lines = report["lines"]
    flags = Counter(
        flag
        for row in lines
        for flag in ("partial", "past_due", "future_dated")
        if row[flag]
    )
    undated_released = [
        row for row in lines if row["undated"] and row["status_class"] == "released"
    ]
    open_orders = report["numbers"]["open_orders"]

    assert all(report["buckets"][name]["lines"] > 0 for name in "ABCD")
    assert report["numbers"]["pending"]["lines"] > 0
    assert report["past_due"]["A"]["lines"] + report["past_due"]["B"]["lines"] > 0
    assert all(flags[flag] > 0 for flag in ("partial", "past_due", "future_dated"))
    assert 0 < len(undated_released) < 20
    assert 0 < open_orders["margin_lines"] < open_orders["lines"]
