"""The store database: a DuckDB file (the embedded default) opened through Ibis.

It keeps one row per line version: a version is valid from the snapshot that
brought it until the snapshot that changed or closed it. A single export is a
store with one snapshot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from backlogdesk.errors import StoreError
from backlogdesk.store.schema import LINE_COLUMNS

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, "create snapshots and line versions"),)


@dataclass(frozen=True)
class Snapshot:
    """One imported export, by its as-of date."""

    as_of: date
    lines: int
    source: str

    def __repr__(self) -> str:
        return f"<Snapshot {self.as_of} lines={self.lines}>"


class Store:
    """An open store; use as a context manager or call ``close``."""

    def __init__(self, path: Path | str) -> None:
        import ibis

        self.path = str(path)
        try:
            self.con: Any = ibis.duckdb.connect(self.path)
        except Exception as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc}).") from exc
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.path}>"

    def close(self) -> None:
        """Close the database connection."""
        self.con.disconnect()

    def _sql(self, sql: str, params: list[Any] | None = None) -> Any:
        return self.con.con.execute(sql, params or [])

    def _migrate(self) -> None:
        self._sql(
            "create table if not exists schema_migrations ("
            "version integer primary key, name varchar, applied_at timestamp)"
        )
        done = {row[0] for row in self._sql("select version from schema_migrations").fetchall()}
        for version, name in MIGRATIONS:
            if version not in done:
                _MIGRATION_SQL[version](self)
                self._sql(
                    "insert into schema_migrations values (?, ?, current_timestamp)",
                    [version, name],
                )
                log.info("store %s: applied migration %d (%s)", self.path, version, name)

    def snapshots(self) -> list[Snapshot]:
        """Imported snapshots, oldest first."""
        rows = self._sql(
            "select as_of, lines, source from snapshots order by as_of"
        ).fetchall()
        return [Snapshot(row[0], row[1], row[2]) for row in rows]

    def replace_with_single_snapshot(self, as_of: date, lines: pa.Table, source: str) -> None:
        """Make the store hold exactly one snapshot: these lines as of ``as_of``."""
        self._sql("begin transaction")
        try:
            self._sql("delete from line_versions")
            self._sql("delete from snapshots")
            self._insert_versions(lines, as_of)
            self._sql(
                "insert into snapshots values (?, ?, ?, current_timestamp)",
                [as_of, lines.num_rows, source],
            )
            self._sql("commit")
        except Exception:
            self._sql("rollback")
            raise

    def _insert_versions(self, lines: pa.Table, as_of: date) -> None:
        staged = lines.append_column(
            "valid_from", pa.array([as_of] * lines.num_rows, pa.date32())
        ).append_column("valid_to", pa.nulls(lines.num_rows, pa.date32()))
        self.con.con.register("staged_lines", staged)
        try:
            self._sql("insert into line_versions by name select * from staged_lines")
        finally:
            self.con.con.unregister("staged_lines")

    def lines_as_of(self, as_of: date) -> Any:
        """An Ibis table of the line versions valid on ``as_of``."""
        versions = self.con.table("line_versions")
        valid = (versions.valid_from <= as_of) & (
            versions.valid_to.isnull() | (versions.valid_to > as_of)
        )
        return versions.filter(valid)


def _create_v1(store: Store) -> None:
    columns = ", ".join(f"{name} {_duck_type(kind)}" for name, kind in LINE_COLUMNS)
    store._sql(
        "create table snapshots (as_of date primary key, lines bigint, "
        "source varchar, imported_at timestamp)"
    )
    store._sql(
        f"create table line_versions ({columns}, valid_from date not null, "
        "valid_to date)"
    )


def _duck_type(kind: pa.DataType) -> str:
    if pa.types.is_decimal(kind):
        return f"decimal({kind.precision}, {kind.scale})"
    if pa.types.is_date32(kind):
        return "date"
    if pa.types.is_int64(kind):
        return "bigint"
    return "varchar"


_MIGRATION_SQL = {1: _create_v1}
