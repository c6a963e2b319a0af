"""Which engine keeps the history: read a ``--db`` value and open the store.

A ``--db`` value is one of:

- a file path: the embedded DuckDB store (the default);
- ``postgresql://user@host:port/dbname`` (or ``postgres://``): a shared
  PostgreSQL database; the store lives in its own schema, ``backlogdesk``
  unless ``?schema=NAME`` says otherwise;
- ``spark:/folder?master=local[2]``: Parquet history run by Apache Spark.

Passwords never travel in the value: a URL that carries one is refused, and
PostgreSQL reads it from ``PGPASSWORD``, a password file or a service file.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from backlogdesk.errors import StoreError

if TYPE_CHECKING:
    from backlogdesk.store.database import Store

POSTGRES_PREFIXES = ("postgresql://", "postgres://")
SPARK_PREFIX = "spark:"
DEFAULT_SCHEMA = "backlogdesk"
# libpq connection options a URL may carry besides the schema; the password
# options are absent on purpose.
PASSED_OPTIONS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "service",
        "passfile",
        "connect_timeout",
        "application_name",
        "target_session_attrs",
    }
)
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class PostgresSpec:
    """Where a PostgreSQL store lives: connection options and its schema."""

    url: str
    schema: str = DEFAULT_SCHEMA
    options: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.url


def engine_of(spec: str | Path) -> str:
    """The engine a ``--db`` value names: "duckdb", "postgres" or "spark"."""
    text = str(spec)
    if text.lower().startswith(POSTGRES_PREFIXES):
        return "postgres"
    if text.lower().startswith(SPARK_PREFIX):
        return "spark"
    return "duckdb"


def is_file_store(spec: str | Path) -> bool:
    """Whether ``spec`` names a DuckDB file (rather than a server or cluster)."""
    return engine_of(spec) == "duckdb"


def open_store(spec: str | Path, read_only: bool = False) -> Store:
    """Open the store that ``spec`` names, creating its tables when missing."""
    engine = engine_of(spec)
    if engine == "postgres":
        from backlogdesk.store.postgres import PostgresStore

        return PostgresStore(parse_postgres_url(str(spec)), read_only)
    if engine == "spark":
        # Imported by name: Spark's module (and pyspark) load only when asked.
        spark_store: Any = importlib.import_module("backlogdesk.store.spark_store")
        opened: Store = spark_store.open_spark_store(str(spec), read_only)
        return opened
    from backlogdesk.store.database import Store

    return Store(spec, read_only)


def require_existing(spec: str | Path) -> None:
    """Refuse a DuckDB path with no file; a server store is checked on opening."""
    if is_file_store(spec) and str(spec) != ":memory:" and not Path(spec).exists():
        raise StoreError(
            f"{spec}: no store here. Import an export first (backlogdesk import)."
        )


def parse_postgres_url(url: str) -> PostgresSpec:
    """Read ``postgresql://user@host:port/dbname?schema=NAME`` into a spec."""
    parts = urlsplit(url)
    if parts.password is not None:
        raise StoreError(
            "The --db URL contains a password; remove it and set the PGPASSWORD "
            "environment variable (or use a .pgpass or service file) instead."
        )
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    schema = query.pop("schema", DEFAULT_SCHEMA)
    if not SCHEMA_NAME.fullmatch(schema):
        raise StoreError(
            f"'{schema}' cannot be the store's schema: use lower-case letters, "
            "digits and _ (starting with a letter), e.g. ?schema=backlogdesk."
        )
    try:
        port = parts.port
    except ValueError:
        raise StoreError(f"{url}: the port must be a number.") from None
    unknown = sorted(set(query) - PASSED_OPTIONS)
    if unknown:
        raise StoreError(
            f"The --db URL has option(s) {', '.join(unknown)} that Backlog Desk "
            f"does not pass on. Known: schema, {', '.join(sorted(PASSED_OPTIONS))}."
        )
    options = dict(query)
    options.update(_address(parts.hostname, port, parts.username, parts.path))
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}?schema={schema}"
    return PostgresSpec(shown, schema, options)


def _address(
    host: str | None, port: int | None, user: str | None, path: str
) -> dict[str, str]:
    """The libpq options the URL gives; absent ones fall back to PG* variables."""
    given = {
        "host": host,
        "port": str(port) if port is not None else None,
        "user": unquote(user) if user else None,
        "dbname": unquote(path.lstrip("/")) or None,
    }
    return {name: value for name, value in given.items() if value}
