"""The store database: a DuckDB file (the embedded default) opened through Ibis.

Other engines (PostgreSQL in ``store/postgres.py``) subclass ``Store`` and
replace the few engine-specific steps: connecting, running one statement,
staging an Arrow table, transactions and listing tables. Everything else,
migrations included, is written once in SQL both engines accept.

It keeps one row per line version: a version is valid from the snapshot that
brought it until the snapshot that changed or closed it (``valid_to``, exclusive;
empty while current). A new version starts only when a planning-relevant field
changes, so a year of weekly imports grows with the changes, not with
imports x lines. Schema changes are named migrations recorded in the store.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from backlogdesk.errors import StoreError
from backlogdesk.store.schema import LINE_COLUMNS, PLANNING_FIELDS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """One imported export, by its as-of date."""

    as_of: date
    lines: int
    source: str
    inputs: list[dict[str, Any]] = field(default_factory=list)
    rejected_file: str | None = None
    currency: str | None = None

    def __repr__(self) -> str:
        return f"<Snapshot {self.as_of} lines={self.lines}>"


class Store:
    """An open store; use as a context manager or call ``close``.

    ``Store(path)`` opens a DuckDB file; ``engines.open_store`` picks the
    engine from a path or URL.
    """

    engine = "duckdb"
    # The type of text columns; PostgreSQL pins a byte-order collation.
    text_type = "varchar"

    def __init__(self, path: Path | str, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only and self.path != ":memory:"
        self.con: Any = self._connect()
        self._prepare()

    def _connect(self) -> Any:
        """The Ibis backend of this store's database."""
        import ibis

        try:
            return ibis.duckdb.connect(self.path, read_only=self.read_only)
        except Exception as exc:
            hint = (
                " Another Backlog Desk process is writing to it; wait for it to end."
                if "lock" in str(exc).lower()
                else ""
            )
            raise StoreError(
                f"{self.path}: cannot open the store ({exc}).{hint}"
            ) from exc

    def _prepare(self) -> None:
        """Refuse a foreign database, then bring the schema up to date."""
        _refuse_foreign(self)
        migrate(self)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.path}>"

    def close(self) -> None:
        """Close the database connection."""
        self.con.disconnect()

    def sql(self, sql: str, params: list[Any] | None = None) -> list[Any]:
        """Run one statement (``?`` marks each parameter) and fetch all its rows."""
        rows: list[Any] = self.con.con.execute(sql, params or []).fetchall()
        return rows

    def table_names(self) -> set[str]:
        """The names of the tables in the store's database."""
        return {row[0] for row in self.sql("select table_name from duckdb_tables()")}

    def snapshots(self) -> list[Snapshot]:
        """Imported snapshots, oldest first."""
        rows = self.sql(
            "select as_of, lines, source, inputs, rejected_file, currency "
            "from snapshots order by as_of"
        )
        return [
            Snapshot(row[0], row[1], row[2], json.loads(row[3] or "[]"), row[4], row[5])
            for row in rows
        ]

    def snapshot_dates(self) -> list[date]:
        """As-of dates of the imported snapshots, oldest first."""
        return [snapshot.as_of for snapshot in self.snapshots()]

    def previous_snapshot(self, as_of: date) -> date | None:
        """The latest snapshot date before ``as_of``, if any."""
        earlier = [day for day in self.snapshot_dates() if day < as_of]
        return earlier[-1] if earlier else None

    def in_transaction(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` atomically: all of it is kept, or none of it."""
        self.sql("begin transaction")
        try:
            outcome = work()
        except BaseException:
            self.sql("rollback")
            raise
        self.sql("commit")
        return outcome

    def stage(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table visible to SQL as ``name`` for this connection."""
        self.con.con.register(name, table)

    def unstage(self, name: str) -> None:
        """Forget a staged Arrow table."""
        self.con.con.unregister(name)

    def lines_as_of(self, as_of: date) -> Any:
        """An Ibis table of the line versions valid on ``as_of``."""
        versions = self.con.table("line_versions")
        valid = (versions.valid_from <= as_of) & (
            versions.valid_to.isnull() | (versions.valid_to > as_of)
        )
        return versions.filter(valid)

    def versions(self) -> Any:
        """An Ibis table of every line version."""
        return self.con.table("line_versions")

    def replace_with_single_snapshot(
        self, as_of: date, lines: pa.Table, source: str
    ) -> None:
        """Make the store hold exactly one snapshot: these lines as of ``as_of``."""
        from backlogdesk.store.snapshots import import_snapshot

        def clear() -> None:
            self.sql("delete from line_versions")
            self.sql("delete from snapshots")

        self.in_transaction(clear)
        import_snapshot(self, as_of, lines, source)


def duck_type(kind: pa.DataType) -> str:
    """The SQL column type (DuckDB and PostgreSQL alike) for an Arrow type."""
    if pa.types.is_decimal(kind):
        return f"decimal({kind.precision}, {kind.scale})"
    if pa.types.is_date32(kind):
        return "date"
    if pa.types.is_int64(kind):
        return "bigint"
    return "varchar"


def column_type(store: Store, kind: pa.DataType) -> str:
    """The store's column type for an Arrow type: text takes its collation."""
    found = duck_type(kind)
    return store.text_type if found == "varchar" else found


# Columns that later migrations add; the first migration must not create them.
ADDED_LATER = ("delay_reason", "delivered_qty", "returned_qty", "invoiced_qty")


def _create_tables(store: Store) -> None:
    columns = ", ".join(
        f"{name} {column_type(store, kind)}"
        for name, kind in LINE_COLUMNS
        if name not in ADDED_LATER
    )
    store.sql(
        "create table snapshots (as_of date primary key, lines bigint, "
        f"source {store.text_type}, imported_at timestamp)"
    )
    store.sql(
        f"create table line_versions ({columns}, valid_from date not null, "
        "valid_to date)"
    )


def _add_fingerprints(store: Store) -> None:
    """Version 2: a hash of the planning fields per version, and of each export."""
    store.sql(f"alter table line_versions add column plan_hash {store.text_type}")
    store.sql(f"alter table snapshots add column fingerprint {store.text_type}")
    store.sql(f"update line_versions set plan_hash = {plan_hash_sql()}")
    store.sql(
        "create index if not exists line_versions_key on line_versions (line_key)"
    )


def _add_delay_reason(store: Store) -> None:
    """Version 3: the ERP's reason for a date change, for slip reason counts."""
    store.sql(f"alter table line_versions add column delay_reason {store.text_type}")


def _add_input_counts(store: Store) -> None:
    """Version 4: each snapshot remembers its rows read and rejected."""
    store.sql(f"alter table snapshots add column inputs {store.text_type}")
    store.sql(f"alter table snapshots add column rejected_file {store.text_type}")


def _add_movement_totals(store: Store) -> None:
    """Version 5: delivered, returned and invoiced quantities from movement files."""
    for name in ("delivered_qty", "returned_qty", "invoiced_qty"):
        store.sql(f"alter table line_versions add column {name} decimal(38, 4)")


def _create_actions(store: Store) -> None:
    from backlogdesk.store.actions import create_actions_table

    create_actions_table(store)


def _add_currency(store: Store) -> None:
    store.sql(f"alter table snapshots add column currency {store.text_type}")


def plan_hash_sql(prefix: str = "") -> str:
    """SQL for the hash of a line's planning-relevant fields."""
    parts = ", ".join(
        f"coalesce(cast({prefix}{name} as varchar), '~')" for name in PLANNING_FIELDS
    )
    return f"md5(concat_ws('|', {parts}))"


MIGRATIONS: tuple[tuple[int, str, Callable[[Store], None]], ...] = (
    (1, "create snapshots and line versions", _create_tables),
    (2, "add planning and export fingerprints", _add_fingerprints),
    (3, "add delay reason", _add_delay_reason),
    (4, "add input counts to snapshots", _add_input_counts),
    (5, "add movement totals", _add_movement_totals),
    (6, "create the action log", _create_actions),
    (7, "record the reporting currency of each snapshot", _add_currency),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _refuse_foreign(store: Store) -> None:
    """A DuckDB file with other tables and no Backlog Desk history is not ours."""
    tables = store.table_names()
    if tables and "schema_migrations" not in tables:
        store.close()
        shown = ", ".join(sorted(tables)[:5])
        raise StoreError(
            f"{store.path} is a DuckDB file but not a Backlog Desk store (it holds "
            f"{shown}). Give another --db path; the file was left unchanged."
        )


def migrate(store: Store, up_to: int = SCHEMA_VERSION) -> None:
    """Apply the named migrations the store has not had yet, in order."""
    if getattr(store, "read_only", False):
        tables = store.table_names()
        done = (
            {row[0] for row in store.sql("select version from schema_migrations")}
            if "schema_migrations" in tables
            else set()
        )
        if done != {version for version, _, _ in MIGRATIONS if version <= up_to}:
            raise StoreError(
                f"{store.path} was written by an older Backlog Desk and needs an "
                f"upgrade: run 'backlogdesk snapshots list --db {store.path}' once."
            )
        return
    store.sql(
        "create table if not exists schema_migrations ("
        f"version integer primary key, name {store.text_type}, applied_at timestamp)"
    )
    done = {row[0] for row in store.sql("select version from schema_migrations")}
    if done and max(done) > SCHEMA_VERSION:
        raise StoreError(
            f"{store.path}: the store has schema version {max(done)}, newer than "
            f"this Backlog Desk knows ({SCHEMA_VERSION}). Upgrade Backlog Desk."
        )
    for version, name, apply in MIGRATIONS:
        if version in done or version > up_to:
            continue

        def step(
            apply: Callable[[Store], None] = apply,
            version: int = version,
            name: str = name,
        ) -> None:
            apply(store)
            store.sql(
                "insert into schema_migrations values (?, ?, current_timestamp)",
                [version, name],
            )

        store.in_transaction(step)
        log.info("store %s: applied migration %d (%s)", store.path, version, name)
