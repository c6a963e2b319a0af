"""Every engine gives the same report: the JSON text is compared byte for byte.

DuckDB's report is the reference; each engine in ``ENGINES`` imports the same
exports through the command line and must write the identical document (the
DuckDB run repeats itself, which checks the reference is deterministic).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from backlogdesk.errors import StoreError
from backlogdesk.store.actions import VersionConflict, action_history, record_action
from backlogdesk.store.engines import open_store, parse_postgres_url
from conftest import run_cli
from engine_kit import (
    ENGINES,
    FIELD_CASES,
    FieldCase,
    cli_ok,
    engine_setting,
    fresh_store,
    import_case,
    import_history,
    postgres_connection,
    report_text,
)

CLASSICMODELS_FILES = ("orderdetails", "orders", "customers", "products", "employees")
MEETING = datetime(2026, 3, 10, 10, 0)
_reference: dict[str, Any] = {}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the exports and rejected-rows files every engine shares,
    so the paths the reports mention are the same."""
    return tmp_path_factory.mktemp("parity-inputs")


def reference(name: str, build: Any) -> Any:
    """DuckDB's output for ``name``, built once per session."""
    if name not in _reference:
        _reference[name] = build()
    return _reference[name]


def assert_same_document(engine: str, expected: str, found: str) -> None:
    """The texts are identical; on a difference, name the first differing key."""
    if found == expected:
        return
    wanted, got = json.loads(expected), json.loads(found)
    keys = [key for key in wanted if wanted.get(key) != got.get(key)]
    first = next(
        (
            n
            for n, pair in enumerate(zip(expected, found, strict=False))
            if pair[0] != pair[1]
        ),
        min(len(expected), len(found)),
    )
    raise AssertionError(
        f"{engine} differs from DuckDB in sections {keys}; from character {first}: "
        f"{expected[first - 80 : first + 80]!r} != {found[first - 80 : first + 80]!r}"
    )


def _classicmodels(db: str, data: Path, out_dir: Path, rejected: Path) -> str:
    folder = data / "classicmodels" / "csv"
    files = [folder / f"{name}.csv" for name in CLASSICMODELS_FILES]
    cli_ok(
        "import", *files, "--mapping", "classicmodels", "--as-of", "2005-05-31",
        "--db", db, "--rejected", rejected,
    )  # fmt: skip
    return report_text(db, "2005-05-31", out_dir, "--period", "month")


@pytest.mark.parametrize("engine", ENGINES)
def test_classicmodels_report_is_identical_on_every_engine(
    engine: str, shared_data: Path, inputs: Path, tmp_path: Path
) -> None:
    rejected = inputs / "classicmodels-rejected.csv"

    engine_setting(engine)

    def build() -> str:
        with fresh_store("duckdb", tmp_path / "reference") as db:
            return _classicmodels(db, shared_data, tmp_path / "reference", rejected)

    expected = reference("classicmodels", build)
    with fresh_store(engine, tmp_path) as db:
        found = _classicmodels(db, shared_data, tmp_path / "report", rejected)

    assert json.loads(found)["lines"]
    assert_same_document(engine, expected, found)


def _history_reports(db: str, inputs: Path, out_dir: Path) -> list[str]:
    days = import_history(db, inputs / "history")
    listed = cli_ok("snapshots", "list", "--db", db)
    middle = report_text(db, days[5], out_dir / "middle", "--period", "month")
    latest = report_text(db, days[-1], out_dir / "latest")
    return [listed, middle, latest]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_ten_week_history_reports_are_identical_on_every_engine(
    engine: str, inputs: Path, tmp_path: Path
) -> None:
    engine_setting(engine)

    def build() -> list[str]:
        with fresh_store("duckdb", tmp_path / "reference") as db:
            return _history_reports(db, inputs, tmp_path / "reference")

    expected = reference("history", build)
    with fresh_store(engine, tmp_path) as db:
        found = _history_reports(db, inputs, tmp_path / "found")

    assert found[0].splitlines()[9].startswith("2026-03-09")
    assert found[0] == expected[0]
    assert_same_document(engine, expected[1], found[1])
    assert_same_document(engine, expected[2], found[2])


def _actions_then_report(db: str, inputs: Path, out_dir: Path) -> str:
    days = import_history(db, inputs / "history", weeks=4)
    with open_store(db) as store:
        keys = [row[0] for row in store.sql(_BLOCKED_LINES, [date(2026, 1, 26)])]
        for position, line_key in enumerate(keys):
            entry = {
                "owner": f"planner {position % 3}",
                "next_update": date(2026, 2, 2 + position % 5),
                "decision": "unblock",
                "note": f"Agreed: clear the block ({position})",
            }
            record_action(store, line_key, 0, entry, "sales-ops", MEETING)
        second = {"owner": "credit control", "decision": "expedite", "note": None}
        record_action(store, keys[0], 1, second, "sales-ops", MEETING)
        with pytest.raises(VersionConflict):
            record_action(store, keys[0], 1, second, "someone", MEETING)
        history = repr(action_history(store, keys[0]))
    return history + "\n" + report_text(db, days[-1], out_dir)


_BLOCKED_LINES = (
    "select line_key from line_versions where valid_from <= ? and valid_to is null "
    "and status = 'blocked' order by line_key limit 25"
)


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "spark"])
def test_actions_recorded_on_the_store_show_identically(
    engine: str, inputs: Path, tmp_path: Path
) -> None:
    engine_setting(engine)

    def build() -> str:
        with fresh_store("duckdb", tmp_path / "reference") as db:
            return _actions_then_report(db, inputs, tmp_path / "reference")

    expected = reference("actions", build)
    with fresh_store(engine, tmp_path) as db:
        found = _actions_then_report(db, inputs, tmp_path / "found")

    history, document = found.split("\n", 1)
    assert "v2 owner=credit control" in history
    assert '"unblock"' in document
    assert history == expected.split("\n", 1)[0]
    assert_same_document(engine, expected.split("\n", 1)[1], document)


def _case_report(case: FieldCase, db: str, inputs: Path, out_dir: Path) -> str:
    options = import_case(case, db, inputs / case.name)
    return report_text(db, case.as_of.isoformat(), out_dir, *options)


@pytest.mark.parametrize("case", FIELD_CASES, ids=[case.name for case in FIELD_CASES])
@pytest.mark.parametrize("engine", ENGINES)
def test_field_case_reports_are_identical_on_every_engine(
    engine: str, case: FieldCase, inputs: Path, tmp_path: Path
) -> None:
    engine_setting(engine)

    def build() -> str:
        with fresh_store("duckdb", tmp_path / "reference") as db:
            return _case_report(case, db, inputs, tmp_path / "reference")

    expected = reference(f"case {case.name}", build)
    with fresh_store(engine, tmp_path) as db:
        found = _case_report(case, db, inputs, tmp_path / "found")

    assert_same_document(engine, expected, found)


def _drop_and_report(db: str, inputs: Path, out_dir: Path) -> str:
    days = import_history(db, inputs / "history", weeks=5)
    dropped = cli_ok("snapshots", "drop", days[2], "--db", db)
    return dropped + report_text(db, days[-1], out_dir)


@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "spark"])
def test_dropping_a_snapshot_leaves_the_same_history_on_every_engine(
    engine: str, inputs: Path, tmp_path: Path
) -> None:
    engine_setting(engine)

    def build() -> str:
        with fresh_store("duckdb", tmp_path / "reference") as db:
            return _drop_and_report(db, inputs, tmp_path / "reference")

    expected = reference("drop", build)
    with fresh_store(engine, tmp_path) as db:
        found = _drop_and_report(db, inputs, tmp_path / "found")

    dropped, document = found.split("\n", 1)
    assert dropped.startswith("dropped snapshot 2026-01-19")
    assert dropped == expected.split("\n", 1)[0]
    assert_same_document(engine, expected.split("\n", 1)[1], document)


# --------------------------------------------- PostgreSQL: the store's manners


def test_a_postgres_url_with_a_password_is_refused_without_echoing_it() -> None:
    with pytest.raises(StoreError, match="PGPASSWORD") as caught:
        parse_postgres_url("postgresql://planner:s3cret-word@db.example:5432/sales")

    assert "s3cret-word" not in str(caught.value)


def test_the_cli_refuses_a_password_in_the_db_url() -> None:
    result = run_cli(
        "snapshots", "list", "--db", "postgresql://planner:s3cret-word@h/sales"
    )

    assert result.exit_code == 2
    assert "PGPASSWORD" in result.output
    assert "s3cret-word" not in result.output


def test_a_postgres_url_names_the_schema_and_passes_only_known_options() -> None:
    spec = parse_postgres_url("postgres://planner@db:6543/sales?schema=team_a")

    assert (spec.schema, spec.options["port"], spec.options["dbname"]) == (
        "team_a",
        "6543",
        "sales",
    )
    with pytest.raises(StoreError, match="does not pass on"):
        parse_postgres_url("postgresql://planner@db/sales?password=x")
    with pytest.raises(StoreError, match="cannot be the store's schema"):
        parse_postgres_url("postgresql://planner@db/sales?schema=a;drop")


def test_a_postgres_schema_with_foreign_tables_is_refused_and_left_alone(
    tmp_path: Path,
) -> None:
    url = engine_setting("postgres")
    assert url is not None
    with fresh_store("postgres", tmp_path) as db:
        schema = parse_postgres_url(db).schema
        con: Any = postgres_connection(url)
        con.execute(f'create schema "{schema}"')
        con.execute(f'create table "{schema}".invoices (id integer)')

        with pytest.raises(StoreError, match="holds other tables"):
            open_store(db)

        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = %s",
            [schema],
        ).fetchall()
        con.close()
    assert tables == [("invoices",)]


def test_a_postgres_store_keeps_to_its_own_schema(tmp_path: Path) -> None:
    url = engine_setting("postgres")
    assert url is not None
    with fresh_store("postgres", tmp_path) as db:
        schema = parse_postgres_url(db).schema
        import_history(db, tmp_path / "inputs", weeks=2)
        con: Any = postgres_connection(url)
        found = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (%s, 'public') and table_name in ("
            "'line_versions', 'snapshots', 'actions', 'schema_migrations') "
            "order by table_name",
            [schema],
        ).fetchall()
        con.close()

    assert found == [
        (schema, "actions"),
        (schema, "line_versions"),
        (schema, "schema_migrations"),
        (schema, "snapshots"),
    ]


def test_a_missing_postgres_store_is_not_created_by_a_report(tmp_path: Path) -> None:
    url = engine_setting("postgres")
    assert url is not None
    with fresh_store("postgres", tmp_path) as db:
        with pytest.raises(StoreError, match="no Backlog Desk store in schema"):
            open_store(db, read_only=True)
        con: Any = postgres_connection(url)
        found = con.execute(
            "select 1 from pg_namespace where nspname = %s",
            [parse_postgres_url(db).schema],
        ).fetchall()
        con.close()

    assert found == []


def test_postgres_import_refusals_match_duckdb(tmp_path: Path) -> None:
    engine_setting("postgres")
    messages = []
    for engine in ("duckdb", "postgres"):
        with fresh_store(engine, tmp_path / engine) as db:
            import_history(db, tmp_path / "inputs", weeks=3)
            again = cli_ok(
                "import", tmp_path / "inputs" / "exports" / "lines-2026-01-19.csv",
                "--mapping", tmp_path / "inputs" / "weekly.toml",
                "--as-of", "2026-01-19", "--db", db,
                "--rejected", tmp_path / "rejected.csv",
            )  # fmt: skip
            older = run_cli(
                "import", tmp_path / "inputs" / "exports" / "lines-2026-01-05.csv",
                "--mapping", tmp_path / "inputs" / "weekly.toml",
                "--as-of", "2026-01-12", "--db", db,
            )  # fmt: skip
            messages.append((again.splitlines()[-1], older.exit_code, older.output))

    assert messages[0] == messages[1]
    assert "nothing changed" in messages[0][0]
    assert messages[0][1] == 2 and "already imported" in messages[0][2]


def test_ci_compares_every_engine() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only under CI: every engine variable must be set there")
    for engine in ENGINES:
        engine_setting(engine)
