"""The Spark store: same imports, same refusals and the same report as DuckDB.

Needs PySpark and Java. Locally the tests skip without them; in CI with
BACKLOGDESK_TEST_SPARK set (e.g. ``local[2]``) a missing Spark is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.errors import StoreError
from backlogdesk.ingest.mapping import load_mapping
from backlogdesk.pipeline import Inputs, ingest_exports
from backlogdesk.reports.json_report import render_json
from backlogdesk.review import build_report
from backlogdesk.settings import Settings
from backlogdesk.store.database import Store
from backlogdesk.store.schema import lines_to_arrow
from backlogdesk.store.snapshots import import_snapshot
from history_kit import line, mapping_file, write_export

MASTER = os.environ.get("BACKLOGDESK_TEST_SPARK") or "local[2]"

# PySpark 4.0 and Ibis still use pandas options that pandas 3 deprecates.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option"),
]


def _spark_missing() -> str | None:
    """Why Spark cannot run here, or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install 'backlogdesk[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java 17 is not installed (Spark needs a Java runtime)"
    return None


@pytest.fixture(scope="module", autouse=True)
def spark_available() -> None:
    """Skip the module without Spark, unless CI asked for Spark tests."""
    missing = _spark_missing()
    if missing is None:
        return
    if os.environ.get("CI") and os.environ.get("BACKLOGDESK_TEST_SPARK"):
        pytest.fail(f"BACKLOGDESK_TEST_SPARK is set in CI but {missing}")
    pytest.skip(missing)


# Three weeks of one small order book: slips, a pull-in, a partial and a full
# shipment, a cancellation, a block and an unblock, a line leaving the export,
# new lines, undated and pending lines, prices with fractions of a cent.
WEEKS: dict[str, list[dict[str, str]]] = {
    "2024-02-26": [
        line("SO-1", confirmed="2024-03-08", price="10.005", qty="7"),
        line("SO-2", confirmed="2024-02-20", customer="Customer B"),
        line("SO-3", status="pending", price="3.333", qty="3"),
        line("SO-4", confirmed="2024-03-29", status="hold", block="CR"),
        line("SO-5"),
        line("SO-6", confirmed="2024-04-20", price="0.125", qty="9"),
        line("SO-7", confirmed="2024-03-01", customer="Customer C"),
    ],
    "2024-03-04": [
        line(
            "SO-1", confirmed="2024-03-15", price="10.005", qty="7", delay_reason="MAT"
        ),
        line("SO-2", confirmed="2024-02-20", customer="Customer B", delivered="4"),
        line("SO-3", price="3.333", qty="3", confirmed="2024-03-07"),
        line("SO-4", confirmed="2024-03-29"),
        line("SO-5", status="cancelled"),
        line("SO-6", confirmed="2024-04-12", price="0.125", qty="9"),
        line("SO-8", confirmed="2024-03-06", price="19.99", qty="2"),
    ],
    "2024-03-11": [
        line(
            "SO-1", confirmed="2024-03-22", price="10.005", qty="7", delay_reason="CAP"
        ),
        line(
            "SO-2",
            confirmed="2024-02-20",
            customer="Customer B",
            delivered="10",
            status="shipped",
            delivery_date="2024-03-08",
        ),
        line("SO-3", price="3.333", qty="3", confirmed="2024-03-07", delivered="1"),
        line("SO-4", confirmed="2024-03-29", status="hold", block="CR"),
        line("SO-6", confirmed="2024-04-12", price="0.125", qty="9"),
        line("SO-8", confirmed="2024-03-06", price="19.99", qty="2"),
        line("SO-9", price="1", qty="1"),
    ],
}


def _ingested(folder: Path, day: str) -> Any:
    export = write_export(folder / "exports", day, WEEKS[day])
    mapping = load_mapping(str(mapping_file(folder)))
    as_of = date.fromisoformat(day)
    return ingest_exports([export], Inputs(mapping), as_of, Settings.defaults())


def _import_all(folder: Path, store: Any, importer: Any) -> None:
    for day in WEEKS:
        lines = lines_to_arrow(_ingested(folder, day).lines)
        importer(store, date.fromisoformat(day), lines, f"lines-{day}.csv")


def _report_text(store: Any, day: str, period: str = "month") -> str:
    report = build_report(
        store, date.fromisoformat(day), period, Settings.defaults(), source="kit"
    )
    return render_json(report)


def _duck_import(store: Store, as_of: date, lines: Any, source: str) -> Any:
    return import_snapshot(store, as_of, lines, source, [], None, "EUR")


def _spark_import(store: Any, as_of: date, lines: Any, source: str) -> Any:
    return store.import_snapshot(as_of, lines, source, [], None, "EUR")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The three weeks imported into a DuckDB store and into a Spark store."""
    from backlogdesk.store.spark_store import open_spark_store

    folder = tmp_path_factory.mktemp("weeks")
    duck = Store(folder / "store.duckdb")
    _import_all(folder, duck, _duck_import)
    spark = open_spark_store(f"spark:{folder / 'spark'}?master={MASTER}")
    _import_all(folder, spark, _spark_import)
    yield duck, spark, folder
    duck.close()
    spark.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("day", "period"), [("2024-03-11", "month"), ("2024-03-04", "week")]
)
def test_spark_report_json_equals_the_duckdb_report(stores, day, period):
    duck, spark, _ = stores

    duck_text = _report_text(duck, day, period)
    spark_text = _report_text(spark, day, period)

    assert json.loads(spark_text)["numbers"] == json.loads(duck_text)["numbers"]
    assert spark_text == duck_text


def _spec(folder: Path) -> str:
    return f"spark:{folder}?master={MASTER}"


def _week(folder: Path, day: str) -> Any:
    return lines_to_arrow(_ingested(folder, day).lines)


def _pointer(store: Any) -> str:
    return (store.spec.folder / "CURRENT.json").read_text(encoding="utf-8")


def _version_rows(store: Any) -> list[tuple[Any, ...]]:
    return sorted(
        store.sql(
            "select line_key, valid_from, valid_to, plan_hash, shipped_qty, "
            "confirmed_date, status from line_versions"
        ),
        key=lambda row: (row[0], row[1]),
    )


@pytest.mark.slow
def test_spark_history_keeps_a_version_per_planning_change(stores):
    duck, spark, _ = stores

    versions = _version_rows(spark)
    so_1 = [(row[1], row[2], row[5]) for row in versions if row[0].startswith("SO-1")]
    so_5 = [(row[1], row[2], row[6]) for row in versions if row[0].startswith("SO-5")]

    # SO-1 slipped twice: three versions, the last still open.
    assert so_1 == [
        (date(2024, 2, 26), date(2024, 3, 4), date(2024, 3, 8)),
        (date(2024, 3, 4), date(2024, 3, 11), date(2024, 3, 15)),
        (date(2024, 3, 11), None, date(2024, 3, 22)),
    ]
    # SO-5 was cancelled, then left the export: its last version ends there.
    assert so_5 == [
        (date(2024, 2, 26), date(2024, 3, 4), "released"),
        (date(2024, 3, 4), date(2024, 3, 11), "cancelled"),
    ]
    duck_versions = sorted(
        duck.sql(
            "select line_key, valid_from, valid_to, plan_hash, shipped_qty, "
            "confirmed_date, status from line_versions"
        ),
        key=lambda row: (row[0], row[1]),
    )
    assert [row[:3] for row in versions] == [row[:3] for row in duck_versions]


@pytest.mark.slow
def test_spark_report_counts_open_and_blocked_lines_of_the_last_week(stores):
    _, spark, _ = stores

    numbers = json.loads(_report_text(spark, "2024-03-11"))["numbers"]

    # Open on 2024-03-11: SO-1, SO-3 (partly shipped), SO-4 (held), SO-6, SO-8,
    # SO-9; SO-2 shipped in full, SO-5 and SO-7 are gone.
    assert numbers["open_orders"]["lines"] == 6
    assert numbers["blocked"]["lines"] == 1
    assert numbers["blocked"]["value"] == "1000.00"


@pytest.mark.slow
def test_reimporting_the_same_export_into_spark_changes_nothing(stores):
    _, spark, folder = stores
    before, rows = _pointer(spark), _version_rows(spark)
    lines = _week(folder, "2024-03-11")
    reversed_lines = lines.take(list(range(lines.num_rows - 1, -1, -1)))

    outcome = spark.import_snapshot(
        date(2024, 3, 11), reversed_lines, "again.csv", [], None, "EUR"
    )

    assert outcome.unchanged
    assert "already imported from the same export" in str(outcome)
    assert _pointer(spark) == before
    assert _version_rows(spark) == rows


@pytest.mark.slow
def test_spark_refuses_an_older_date_another_export_and_another_currency(stores):
    _, spark, folder = stores
    before = _pointer(spark)
    first = _week(folder, "2024-02-26")

    with pytest.raises(StoreError, match=r"later snapshot \(2024-03-11\)"):
        spark.import_snapshot(date(2024, 3, 1), first, "old.csv", [], None, "EUR")
    with pytest.raises(StoreError, match="different export is already imported"):
        spark.import_snapshot(date(2024, 3, 4), first, "other.csv", [], None, "EUR")
    with pytest.raises(StoreError, match="holds snapshots in EUR"):
        spark.import_snapshot(date(2024, 3, 18), first, "usd.csv", [], None, "USD")

    assert _pointer(spark) == before
    assert spark.snapshot_dates() == [date.fromisoformat(day) for day in WEEKS]


@pytest.mark.slow
def test_spark_store_reads_actions_but_refuses_to_record_or_drop(stores):
    from backlogdesk.store.actions import record_action

    _, spark, _ = stores

    assert spark.sql("select count(*) from actions") == [(0,)]
    with pytest.raises(StoreError, match="record actions on DuckDB or PostgreSQL"):
        record_action(spark, "SO-1|10", 0, {"owner": "Ann"}, "ops", None)
    with pytest.raises(StoreError, match="not supported on Spark"):
        spark.drop_snapshot(date(2024, 3, 11))
    with pytest.raises(StoreError, match="record actions on DuckDB or PostgreSQL"):
        spark.sql("delete from snapshots")


@pytest.mark.slow
def test_an_import_failing_half_way_leaves_the_previous_history(tmp_path, monkeypatch):
    from backlogdesk.store import spark_store
    from backlogdesk.store.spark_store import open_spark_store

    store = open_spark_store(_spec(tmp_path / "spark"))
    store.import_snapshot(
        date(2024, 2, 26), _week(tmp_path, "2024-02-26"), "a", [], None, "EUR"
    )
    before = _pointer(store)
    written = spark_store.write_table

    def write_then_fail(frame: Any, path: Path) -> None:
        written(frame, path)
        raise OSError("disk full")

    monkeypatch.setattr(spark_store, "write_table", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store.import_snapshot(
            date(2024, 3, 4), _week(tmp_path, "2024-03-04"), "b", [], None, "EUR"
        )
    monkeypatch.undo()

    assert _pointer(store) == before
    assert store.snapshot_dates() == [date(2024, 2, 26)]
    outcome = store.import_snapshot(
        date(2024, 3, 4), _week(tmp_path, "2024-03-04"), "b", [], None, "EUR"
    )
    assert (outcome.new, outcome.changed, outcome.closed) == (1, 6, 1)
    assert store.snapshot_dates() == [date(2024, 2, 26), date(2024, 3, 4)]
    store.close()


def test_opening_a_missing_spark_store_read_only_names_the_import(tmp_path):
    from backlogdesk.store.spark_store import open_spark_store

    with pytest.raises(StoreError, match="no Spark store here"):
        open_spark_store(_spec(tmp_path / "nothing"), read_only=True)


def test_a_folder_holding_other_files_is_not_taken_as_a_spark_store(tmp_path):
    from backlogdesk.store.spark_store import open_spark_store

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")

    with pytest.raises(StoreError, match="holds no Backlog Desk history"):
        open_spark_store(_spec(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("spark:", "name the folder"),
        ("spark:/data/b?master=yarn", "master yarn is not one of"),
        ("spark:/data/b?host=x", "unknown option"),
    ],
)
def test_a_bad_spark_spec_says_what_is_expected(spec, message):
    from backlogdesk.store.spark_session import parse_spec

    with pytest.raises(StoreError, match=message):
        parse_spec(spec)


def test_a_spark_spec_defaults_to_two_local_cores():
    from backlogdesk.store.spark_session import parse_spec

    spec = parse_spec("spark:/data/backlog")

    assert (str(spec.folder), spec.master, spec.is_local) == (
        "/data/backlog",
        "local[2]",
        True,
    )
    assert parse_spec("spark:/d?master=sc://spark.lan").is_connect
