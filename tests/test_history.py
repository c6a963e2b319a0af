"""The weekly history: imports, versions, movement, slips, changes, the bridge."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from backlogdesk.store.database import SCHEMA_VERSION, Store, migrate
from conftest import report_json, run_cli
from history_kit import import_week, line, mapping_file, write_export


def _versions(store_path: Path) -> list[tuple]:
    con = duckdb.connect(str(store_path), read_only=True)
    rows = con.execute(
        "select line_key, valid_from, valid_to, shipped_qty, confirmed_date "
        "from line_versions order by line_key, valid_from"
    ).fetchall()
    con.close()
    return rows


def _report(folder: Path, day: str, period: str = "week") -> dict:
    out = folder / f"report-{day}"
    result = run_cli(
        "report",
        "--db",
        folder / "store.duckdb",
        "--as-of",
        day,
        "--period",
        period,
        "--out",
        out,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    return report_json(out)


def _lines_by_key(report: dict) -> dict[str, dict]:
    return {row["line_key"]: row for row in report["lines"]}


def test_reimporting_the_same_export_changes_nothing_and_says_so(tmp_path):
    rows = [line("SO-1", confirmed="2024-03-20"), line("SO-2")]
    import_week(tmp_path, "2024-03-04", rows)
    before = _versions(tmp_path / "store.duckdb")

    output = import_week(tmp_path, "2024-03-04", list(reversed(rows)))

    assert "already imported from the same export: nothing changed" in output
    assert _versions(tmp_path / "store.duckdb") == before


def test_a_different_export_for_an_imported_date_is_refused(tmp_path):
    import_week(tmp_path, "2024-03-04", [line("SO-1")])
    export = write_export(tmp_path / "other", "2024-03-04", [line("SO-1", qty="11")])

    result = run_cli(
        "import",
        export,
        "--mapping",
        mapping_file(tmp_path),
        "--as-of",
        "2024-03-04",
        "--db",
        tmp_path / "store.duckdb",
    )

    assert result.exit_code == 2
    assert "already imported for 2024-03-04" in result.output
    assert "snapshots drop 2024-03-04" in result.output


def test_an_export_older_than_the_newest_snapshot_is_refused(tmp_path):
    import_week(tmp_path, "2024-03-11", [line("SO-1")])
    before = _versions(tmp_path / "store.duckdb")
    export = write_export(tmp_path / "old", "2024-03-04", [line("SO-1", qty="9")])

    result = run_cli(
        "import",
        export,
        "--mapping",
        mapping_file(tmp_path),
        "--as-of",
        "2024-03-04",
        "--db",
        tmp_path / "store.duckdb",
    )

    assert result.exit_code == 2
    assert "later snapshot (2024-03-11)" in result.output
    assert _versions(tmp_path / "store.duckdb") == before


def test_versions_are_kept_only_when_a_planning_field_changes(tmp_path):
    week = [line("SO-1", confirmed="2024-03-20"), line("SO-2", confirmed="2024-03-21")]
    import_week(tmp_path, "2024-03-04", week)
    renamed = [dict(row, customer="Customer A renamed") for row in week]
    import_week(tmp_path, "2024-03-11", renamed)
    import_week(tmp_path, "2024-03-18", [week[0], line("SO-2", confirmed="2024-03-28")])

    versions = _versions(tmp_path / "store.duckdb")

    assert [(v[0], v[1], v[2]) for v in versions] == [
        ("SO-1/10", date(2024, 3, 4), None),
        ("SO-2/10", date(2024, 3, 4), date(2024, 3, 18)),
        ("SO-2/10", date(2024, 3, 18), None),
    ]


def test_dropping_the_newest_snapshot_restores_the_store(tmp_path):
    import_week(tmp_path, "2024-03-04", [line("SO-1"), line("SO-2")])
    before = _versions(tmp_path / "store.duckdb")
    import_week(tmp_path, "2024-03-11", [line("SO-1", delivered="4"), line("SO-3")])

    result = run_cli(
        "snapshots", "drop", "2024-03-11", "--db", tmp_path / "store.duckdb"
    )

    assert result.exit_code == 0, result.output
    assert _versions(tmp_path / "store.duckdb") == before
    listed = run_cli("snapshots", "list", "--db", tmp_path / "store.duckdb").output
    assert "2024-03-04" in listed and "2024-03-11" not in listed


def test_dropping_a_middle_snapshot_reads_as_if_never_imported(tmp_path):
    first = [line("SO-1", confirmed="2024-03-20"), line("SO-2")]
    middle = [line("SO-1", confirmed="2024-03-27"), line("SO-3")]
    last = [line("SO-1", confirmed="2024-03-20"), line("SO-2"), line("SO-3")]
    for day, rows in (
        ("2024-03-04", first),
        ("2024-03-11", middle),
        ("2024-03-18", last),
    ):
        import_week(tmp_path, day, rows)
    run_cli("snapshots", "drop", "2024-03-11", "--db", tmp_path / "store.duckdb")

    direct = tmp_path / "direct"
    for day, rows in (("2024-03-04", first), ("2024-03-18", last)):
        import_week(direct, day, rows)

    assert _versions(tmp_path / "store.duckdb") == _versions(direct / "store.duckdb")


def test_a_killed_import_leaves_the_store_as_it_was(tmp_path):
    import_week(tmp_path, "2024-03-04", [line("SO-1"), line("SO-2")])
    before = _versions(tmp_path / "store.duckdb")
    export = write_export(
        tmp_path / "next", "2024-03-11", [line("SO-1", delivered="5")]
    )
    marker = tmp_path / "inside-transaction"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        import backlogdesk.store.snapshots as snapshots
        real = snapshots._append
        def slow(store, *args):
            outcome = real(store, *args)
            Path({str(marker)!r}).write_text("x")
            time.sleep(60)
            return outcome
        snapshots._append = slow
        from backlogdesk.cli import main
        main(["import", {str(export)!r}, "--mapping", {str(mapping_file(tmp_path))!r},
              "--as-of", "2024-03-11", "--db", {str(tmp_path / "store.duckdb")!r}])
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the import never reached its transaction"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert _versions(tmp_path / "store.duckdb") == before
    listed = run_cli("snapshots", "list", "--db", tmp_path / "store.duckdb").output
    assert "2024-03-11" not in listed


def test_an_old_store_file_is_migrated_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    store = Store.__new__(Store)
    store.path = str(path)
    import ibis

    store.con = ibis.duckdb.connect(str(path))
    migrate(store, up_to=1)
    store.sql("insert into snapshots values (date '2024-03-04', 1, 'old.csv', now())")
    store.close()

    with Store(path) as reopened:
        versions = [
            row[0] for row in reopened.sql("select version from schema_migrations")
        ]
        columns = [row[0] for row in reopened.sql("describe line_versions")]
        assert reopened.snapshot_dates() == [date(2024, 3, 4)]
    assert sorted(versions) == list(range(1, SCHEMA_VERSION + 1))
    assert {"plan_hash", "delay_reason"} <= set(columns)


def test_case_29_remainder_follows_the_latest_confirmed_date(tmp_path):
    import_week(tmp_path, "2024-02-26", [line("SO-1", confirmed="2024-03-01")])
    import_week(
        tmp_path, "2024-03-04", [line("SO-1", delivered="6", confirmed="2024-03-20")]
    )
    import_week(
        tmp_path, "2024-03-10", [line("SO-1", delivered="6", confirmed="2024-03-20")]
    )

    so1 = _lines_by_key(_report(tmp_path, "2024-03-10"))["SO-1/10"]

    assert so1["open_qty"] == "4"
    assert so1["ship_week"] == "2024-W12"
    assert so1["confidence"] == "confirmed"
    assert so1["past_due"] is False and so1["days_late"] == 0
    assert so1["slips"] == 1
    assert so1["repeat_slip"] is False


def test_case_29_second_reschedule_makes_a_repeat_slip(tmp_path):
    import_week(tmp_path, "2024-02-26", [line("SO-1", confirmed="2024-03-01")])
    import_week(
        tmp_path, "2024-03-04", [line("SO-1", delivered="6", confirmed="2024-03-20")]
    )
    import_week(
        tmp_path,
        "2024-03-18",
        [line("SO-1", delivered="6", confirmed="2024-03-27", delay_reason="MAT")],
    )

    report = _report(tmp_path, "2024-03-18")
    so1 = _lines_by_key(report)["SO-1/10"]

    assert so1["ship_week"] == "2024-W13"
    assert so1["slips"] == 2
    assert so1["days_slipped"] == 19 + 7
    assert so1["repeat_slip"] is True
    assert so1["third_strike"] is False
    assert (so1["latest_move_from"], so1["latest_move_to"]) == (
        "2024-03-20",
        "2024-03-27",
    )
    assert [r["line_key"] for r in report["triage"]["repeat_slips"]["rows"]] == [
        "SO-1/10"
    ]


def test_case_27_on_time_uses_the_delivery_documents_date(tmp_path):
    import_week(tmp_path, "2024-03-04", [line("SO-1", confirmed="2024-03-08")])
    shipped = line(
        "SO-1",
        confirmed="2024-03-08",
        delivered="10",
        status="shipped",
        delivery_date="2024-03-05",
    )
    import_week(tmp_path, "2024-03-13", [shipped])

    history = _report(tmp_path, "2024-03-13")["history"]
    (row,) = history["changed_lines"]["changed_shipped"]

    assert row["shipped_on"] == "2024-03-05"
    assert row["days_late_at_shipment"] == 0


def test_what_changed_lists_each_kind_of_change(tmp_path):
    import_week(
        tmp_path,
        "2024-03-04",
        [
            line("SO-1", confirmed="2024-03-20"),
            line("SO-2", confirmed="2024-03-20"),
            line("SO-3", confirmed="2024-03-20"),
            line("SO-4", confirmed="2024-03-20"),
            line("SO-5", confirmed="2024-03-20", status="hold", block="CR"),
            line("SO-6", confirmed="2024-03-20"),
        ],
    )
    import_week(
        tmp_path,
        "2024-03-11",
        [
            line("SO-1", confirmed="2024-03-27"),
            line("SO-2", confirmed="2024-03-15"),
            line("SO-3", confirmed="2024-03-20", status="hold", block="CR"),
            line("SO-4", confirmed="2024-03-20", delivered="10", status="shipped"),
            line("SO-5", confirmed="2024-03-20"),
            line("SO-7", confirmed="2024-03-22"),
        ],
    )

    history = _report(tmp_path, "2024-03-11")["history"]
    changed = {kind: row["lines"] for kind, row in history["changes"].items()}
    slipped = history["changed_lines"]["changed_slipped"]

    assert changed == {
        "new": 1,
        "shipped": 1,
        "cancelled": 0,
        "left_export": 1,
        "slipped": 1,
        "pulled_in": 1,
        "newly_blocked": 1,
        "unblocked": 1,
        "value_changed": 0,
    }
    assert slipped[0]["line_key"] == "SO-1/10" and slipped[0]["days_moved"] == 7


def test_backlog_bridge_reconciles_to_the_cent(tmp_path):
    import_week(
        tmp_path,
        "2024-03-04",
        [
            line("SO-1", confirmed="2024-03-20", price="10.01"),
            line("SO-2", confirmed="2024-03-20", price="3.33", qty="7"),
            line("SO-3", confirmed="2024-03-20"),
            line("SO-4", confirmed="2024-03-20", status="pending"),
        ],
    )
    import_week(
        tmp_path,
        "2024-03-11",
        [
            line("SO-1", confirmed="2024-03-20", price="10.01", delivered="3"),
            line("SO-2", confirmed="2024-03-20", price="3.35", qty="7"),
            line("SO-4", confirmed="2024-03-20"),
            line("SO-5", confirmed="2024-03-20", price="0.99", qty="3"),
        ],
    )

    bridge = _report(tmp_path, "2024-03-11")["history"]["bridge"]
    steps = {step["step"]: Decimal(step["value"]) for step in bridge["steps"]}

    assert (
        Decimal(bridge["opening"]["value"])
        == Decimal("100.10") + Decimal("23.31") + 1000
    )
    assert Decimal(bridge["closing"]["value"]) == Decimal("70.07") + Decimal(
        "23.45"
    ) + 1000 + Decimal("2.97")
    assert steps["shipped"] == Decimal("-30.03")
    assert steps["changes"] == Decimal("0.14")
    assert steps["left_export"] == Decimal("-1000")
    assert steps["from_pending"] == Decimal("1000")
    assert steps["new"] == Decimal("2.97")
    total = Decimal(bridge["opening"]["value"]) + sum(steps.values())
    assert total == Decimal(bridge["closing"]["value"])
