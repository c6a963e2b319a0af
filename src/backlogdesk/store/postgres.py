"""The store in a shared PostgreSQL database, in a schema of its own.

Ingest runs in the Backlog Desk process; the history is stored, and every
report query runs, in PostgreSQL. Imports load lines with COPY (row inserts
through Ibis are some 40 times slower). Every writing transaction first takes
an advisory lock on the store's schema, so two people importing or migrating
at the same moment take turns instead of interleaving.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

from backlogdesk.errors import StoreError
from backlogdesk.store.database import Store, duck_type, migrate
from backlogdesk.store.engines import PostgresSpec

log = logging.getLogger(__name__)

COPY_ROWS = 50_000
CONNECT_TIMEOUT_SECONDS = "10"


class PostgresStore(Store):
    """A store kept in one schema of a PostgreSQL database."""

    engine = "postgres"
    # Text sorts by bytes, as in DuckDB, whatever the database's collation:
    # reports list ties in the same order on both engines.
    text_type = 'varchar collate "C"'

    def __init__(self, spec: PostgresSpec, read_only: bool = False) -> None:
        self.spec = spec
        self.schema = spec.schema
        super().__init__(spec.url, read_only)

    def _connect(self) -> Any:
        """Connect with psycopg (libpq reads PGPASSWORD) and wrap it for Ibis."""
        try:
            import psycopg
        except ModuleNotFoundError as exc:
            raise StoreError(
                f"A PostgreSQL store needs the Python package {exc.name}: "
                "pip install 'backlogdesk[postgres]'."
            ) from exc
        options = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **self.spec.options}
        conninfo = psycopg.conninfo.make_conninfo(client_encoding="utf8", **options)
        try:
            raw = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(
                f"{self.path}: cannot connect to PostgreSQL ({scrub(exc)}). Check "
                "host, port, database and user; the password comes from PGPASSWORD "
                "or a password file."
            ) from None
        return collating_backend().from_connection(raw)

    def _prepare(self) -> None:
        """Use the store's schema (created on first write), refuse a foreign
        one, and migrate it while holding the store's lock."""
        try:
            self._use_schema()
            self._refuse_foreign_schema()
            with self.con.con.transaction():
                self._lock()
                migrate(self)
        except StoreError:
            self.close()
            raise

    def _use_schema(self) -> None:
        found = self.sql("select 1 from pg_namespace where nspname = ?", [self.schema])
        if not found and self.read_only:
            raise StoreError(
                f"{self.path}: no Backlog Desk store in schema {self.schema}. "
                "Import an export first (backlogdesk import ... --db URL)."
            )
        if not found:
            self.sql(f'create schema if not exists "{self.schema}"')
        self.sql("select set_config('search_path', ?, false)", [self.schema])

    def _refuse_foreign_schema(self) -> None:
        tables = self.table_names()
        if tables and "schema_migrations" not in tables:
            shown = ", ".join(sorted(tables)[:5])
            raise StoreError(
                f"{self.path}: schema {self.schema} holds other tables ({shown}) "
                "and no Backlog Desk history. Give another schema (?schema=NAME "
                "in the --db URL); nothing was changed."
            )

    def _lock(self) -> None:
        """Serialise writers of this schema until the transaction ends."""
        self.sql(
            "select pg_advisory_xact_lock(hashtext(?))", [f"backlogdesk:{self.schema}"]
        )

    def sql(self, sql: str, params: list[Any] | None = None) -> list[Any]:
        """Run one statement (``?`` marks each parameter) and fetch its rows."""
        text = sql.replace("?", "%s") if params else sql
        with self.con.con.cursor() as cursor:
            cursor.execute(text, params or None)
            rows: list[Any] = cursor.fetchall() if cursor.description else []
        return rows

    def table_names(self) -> set[str]:
        """The tables, views and foreign tables in the store's schema."""
        rows = self.sql(
            "select c.relname from pg_class c join pg_namespace n "
            "on n.oid = c.relnamespace where n.nspname = ? "
            "and c.relkind in ('r', 'p', 'v', 'm', 'f')",
            [self.schema],
        )
        return {row[0] for row in rows}

    def in_transaction(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` atomically, holding the store's lock."""
        with self.con.con.transaction():
            self._lock()
            return work()

    def stage(self, name: str, table: pa.Table) -> None:
        """Copy an Arrow table into the temporary table ``name`` with COPY."""
        columns = ", ".join(
            f"{column.name} {duck_type(column.type)}" for column in table.schema
        )
        self.sql(f"create temp table {name} ({columns})")
        names = ", ".join(table.column_names)
        statement = f"copy {name} ({names}) from stdin with (format csv)"
        with self.con.con.cursor() as cursor, cursor.copy(statement) as copy:
            for chunk in csv_chunks(table):
                copy.write(chunk)
        log.debug("staged %d rows into %s with COPY", table.num_rows, name)

    def unstage(self, name: str) -> None:
        """Drop a staged table."""
        self.sql(f"drop table if exists {name}")

    def close(self) -> None:
        """Close the connection (once)."""
        if not self.con.con.closed:
            self.con.disconnect()


def collating_backend() -> Any:
    """Ibis's PostgreSQL backend, with cached tables that keep byte-order text.

    Ibis caches a table by creating it from the schema's types, which gives its
    text columns the database's default collation; a database created with a
    language collation would then sort ties (line keys, reasons) differently
    from DuckDB. The cached table is created typed as before, its text columns
    switched to the "C" collation while still empty, then filled.
    """
    from ibis.backends.postgres import Backend

    class CollatingBackend(Backend):  # type: ignore[misc]
        def _create_cached_table(self, name: str, expr: Any) -> Any:
            schema = expr.schema()
            cached = self.create_table(name, schema=schema, temp=True)
            texts = [column for column, kind in schema.items() if kind.is_string()]
            self._run_pre_execute_hooks(expr)
            query = self.compile(expr)
            with self.con.cursor() as cursor, self.con.transaction():
                if texts:
                    cursor.execute(_collate_statement(name, texts))
                cursor.execute(f'insert into "{name}" {query}')
            return cached

    return CollatingBackend


def _collate_statement(table: str, columns: list[str]) -> str:
    changes = ", ".join(
        f'alter column "{column}" type varchar collate "C"' for column in columns
    )
    return f'alter table "{table}" {changes}'


def csv_chunks(table: pa.Table) -> Iterator[bytes]:
    """The table as CSV for COPY, a slice at a time.

    Every value is quoted and a missing value is not, which is how PostgreSQL's
    CSV format tells an empty text from NULL.
    """
    import pyarrow.csv as pa_csv

    options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
    for batch in table.to_batches(max_chunksize=COPY_ROWS):
        sink = io.BytesIO()
        pa_csv.write_csv(batch, sink, options)
        yield sink.getvalue()


def scrub(error: object) -> str:
    """An error's text with the PGPASSWORD value blanked out, if it appears."""
    text = str(error).strip()
    secret = os.environ.get("PGPASSWORD")
    return text.replace(secret, "***") if secret else text
