"""A store kept as Parquet tables and read by Apache Spark, for very large books.

It offers the reading side of ``Store`` to the report code (the same Ibis
expressions run on Spark) and the same import rules: the same export for the
same date changes nothing, an older date or a different export for an
imported date is refused, one reporting currency per store, and a line gets a
new version only when a planning field changes. Ingest stays in the Backlog
Desk process; Spark writes the history and runs every report query.

Actions are not recorded in a Spark store and snapshots cannot be dropped:
record actions on DuckDB or PostgreSQL (docs/scale-spark.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from backlogdesk.errors import StoreError
from backlogdesk.store.database import MIGRATIONS, SCHEMA_VERSION, Snapshot
from backlogdesk.store.snapshots import ImportOutcome, fingerprint
from backlogdesk.store.spark_history import (
    count_changes,
    incoming_versions,
    next_versions,
    refusal,
)
from backlogdesk.store.spark_layout import (
    ACTION_SCHEMA,
    MIGRATION_SCHEMA,
    SNAPSHOT_SCHEMA,
    TABLES,
    VERSION_SCHEMA,
    Layout,
    generation_name,
    import_lock,
    read_layout,
    refuse_foreign,
    remove_unused,
    switch_to,
)
from backlogdesk.store.spark_session import (
    SparkSpec,
    ibis_backend,
    parse_spec,
    read_table,
    spark_frame,
    spark_session,
    write_table,
)

log = logging.getLogger(__name__)

NOT_ON_SPARK = "record actions on DuckDB or PostgreSQL"
READING = ("select", "with", "show", "describe", "explain")


def open_spark_store(spec: str, read_only: bool = False) -> SparkStore:
    """Open (or, unless ``read_only``, create) the Spark store named by ``spec``."""
    return SparkStore(parse_spec(spec), read_only)


class SparkStore:
    """An open Spark store; use as a context manager or call ``close``."""

    engine = "spark"

    def __init__(self, spec: SparkSpec, read_only: bool = False) -> None:
        self.spec = spec
        self.path = str(spec)
        self.read_only = read_only
        layout = read_layout(spec.folder)
        if layout is None and read_only:
            raise StoreError(
                f"{spec.folder}: no Spark store here. Import an export first "
                f"(backlogdesk import --db '{spec}')."
            )
        refuse_foreign(spec.folder)
        self.session = spark_session(spec)
        self.con: Any = ibis_backend(self.session)
        self._snapshot_rows: list[dict[str, Any]] | None = None
        self._layout = layout or self._create()
        self._register(self._layout)
        self._check_schema()

    def __enter__(self) -> SparkStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SparkStore {self.path}>"

    def close(self) -> None:
        """Forget this store's views and cached results; Spark keeps running
        for the other stores of the process and stops when the process ends."""
        for name in TABLES:
            self.session.catalog.dropTempView(name)
        self.session.catalog.clearCache()

    def sql(self, sql: str, params: list[Any] | None = None) -> list[Any]:
        """Run one reading statement on Spark and fetch all its rows."""
        if not sql.lstrip().lower().startswith(READING):
            raise StoreError(
                f"{self.path}: a Spark store is written by imports only; "
                f"{NOT_ON_SPARK}."
            )
        frame = self.session.sql(sql, args=params) if params else self.session.sql(sql)
        return [tuple(row) for row in frame.collect()]

    def in_transaction(self, work: Callable[[], Any]) -> Any:
        """Writes other than imports are not kept in a Spark store."""
        raise StoreError(
            f"{self.path}: a Spark store keeps no actions; {NOT_ON_SPARK}."
        )

    def snapshots(self) -> list[Snapshot]:
        """Imported snapshots, oldest first."""
        return [
            Snapshot(
                row["as_of"],
                row["lines"],
                row["source"],
                json.loads(row["inputs"] or "[]"),
                row["rejected_file"],
                row["currency"],
            )
            for row in self._snapshot_table()
        ]

    def snapshot_dates(self) -> list[date]:
        """As-of dates of the imported snapshots, oldest first."""
        return [snapshot.as_of for snapshot in self.snapshots()]

    def previous_snapshot(self, as_of: date) -> date | None:
        """The latest snapshot date before ``as_of``, if any."""
        earlier = [day for day in self.snapshot_dates() if day < as_of]
        return earlier[-1] if earlier else None

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

    @property
    def actions(self) -> Any:
        """The action log as an Ibis table (always empty in a Spark store)."""
        return self.con.table("actions")

    def record_action(self, *_: Any, **__: Any) -> None:
        """Refused: the weekly meeting's actions live in a DuckDB or PostgreSQL
        store."""
        self.in_transaction(lambda: None)

    def drop_snapshot(self, as_of: date) -> int:
        """Refused: a Spark store's history is only ever added to."""
        raise StoreError(
            f"{self.path}: dropping a snapshot ({as_of}) is not supported on Spark. "
            "Re-import the exports into a new store folder, leaving that one out."
        )

    def import_snapshot(
        self,
        as_of: date,
        lines: pa.Table,
        source: str,
        inputs: list[dict[str, Any]] | None = None,
        rejected_file: str | None = None,
        currency: str | None = None,
    ) -> ImportOutcome:
        """Add ``lines`` as the snapshot of ``as_of`` (rules as on DuckDB)."""
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only; nothing imported.")
        print_ = fingerprint(lines)
        with import_lock(self.spec.folder):
            self._reload()
            rows = self._snapshot_table()
            known = refusal(rows, as_of, print_, currency, lines.num_rows)
            if known is not None:
                return known
            record = {
                "as_of": as_of,
                "lines": lines.num_rows,
                "source": source,
                "imported_at": datetime.now(UTC),
                "fingerprint": print_,
                "inputs": json.dumps(inputs or []),
                "rejected_file": rejected_file,
                "currency": currency,
            }
            outcome = self._append(as_of, lines, record)
        log.info("%s", outcome)
        return outcome

    def _append(
        self, as_of: date, lines: pa.Table, record: dict[str, Any]
    ) -> ImportOutcome:
        """Write the next generation's history and snapshots, then switch to it."""
        versions = self.session.table("line_versions")
        incoming = incoming_versions(spark_frame(self.session, lines))
        counts = count_changes(versions, incoming)

        layout = self._layout
        folder = layout.next_folder()
        remove_unused(layout)
        write_table(next_versions(versions, incoming, as_of), folder / "line_versions")
        snapshots = pa.Table.from_pylist(
            [*self._snapshot_table(), record], schema=SNAPSHOT_SCHEMA
        )
        write_table(spark_frame(self.session, snapshots), folder / "snapshots")

        changed = {
            name: f"{folder.name}/{name}" for name in ("line_versions", "snapshots")
        }
        switch_to(Layout(layout.folder, layout.generation + 1, layout.tables | changed))
        self._reload()
        return ImportOutcome(
            as_of, lines.num_rows, counts.arrived, counts.changed, counts.closed
        )

    def _create(self) -> Layout:
        """Write an empty store: generation 0 with every table and migration."""
        with import_lock(self.spec.folder):
            existing = read_layout(self.spec.folder)
            if existing is not None:
                return existing
            folder = self.spec.folder / generation_name(0)
            now = datetime.now(UTC)
            migrations = [
                {"version": version, "name": name, "applied_at": now}
                for version, name, _ in MIGRATIONS
            ]
            empty = {
                "line_versions": VERSION_SCHEMA.empty_table(),
                "snapshots": SNAPSHOT_SCHEMA.empty_table(),
                "actions": ACTION_SCHEMA.empty_table(),
                "schema_migrations": pa.Table.from_pylist(
                    migrations, schema=MIGRATION_SCHEMA
                ),
            }
            for name, table in empty.items():
                write_table(spark_frame(self.session, table), folder / name)
            layout = Layout(
                self.spec.folder, 0, {name: f"{folder.name}/{name}" for name in TABLES}
            )
            switch_to(layout)
        log.info("created Spark store %s", self.path)
        return layout

    def _register(self, layout: Layout) -> None:
        """Point the session's table names at one generation's Parquet folders."""
        for name in TABLES:
            read_table(self.session, layout.path(name)).createOrReplaceTempView(name)
        self._layout = layout
        self._snapshot_rows = None

    def _reload(self) -> None:
        """Follow the pointer, in case another process imported meanwhile."""
        layout = read_layout(self.spec.folder)
        if layout is not None and layout != self._layout:
            self._register(layout)

    def _snapshot_table(self) -> list[dict[str, Any]]:
        if self._snapshot_rows is None:
            rows = self.session.table("snapshots").toArrow().to_pylist()
            self._snapshot_rows = sorted(rows, key=lambda row: row["as_of"])
        return self._snapshot_rows

    def _check_schema(self) -> None:
        """A store written by a newer Backlog Desk is refused, not misread."""
        done = {row[0] for row in self.sql("select version from schema_migrations")}
        if done and max(done) > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the store has schema version {max(done)}, newer than "
                f"this Backlog Desk knows ({SCHEMA_VERSION}). Upgrade Backlog Desk."
            )
