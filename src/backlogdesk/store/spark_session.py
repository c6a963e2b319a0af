"""The Spark side of a Spark store: its spec, its session, its table formats.

A spec reads ``spark:<folder>?master=<master>``. The folder holds the history
as Parquet and must be the same path for this process and for Spark (a local
folder with a local master; a shared mount on every node of a cluster). The
master is ``local[N]`` (the default, ``local[2]``), ``spark://host:7077`` for a
standalone cluster, or ``sc://host`` for a Spark Connect server.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyarrow as pa

from backlogdesk.errors import StoreError

DEFAULT_MASTER = "local[2]"
MASTER_PREFIXES = ("local", "spark://", "sc://")

# Exact decimals as DuckDB keeps them: a product of two decimal(38, s) columns
# keeps its full scale instead of being cut to 6 places, so rounding to cents
# gives the same cent (see STACK.md on decimal products).
SESSION_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}
# Settings a Spark Connect client cannot set: they belong to the driver.
DRIVER_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
}
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class SparkSpec:
    """Where a Spark store keeps its Parquet tables and which Spark runs it."""

    folder: Path
    master: str

    @property
    def is_local(self) -> bool:
        """True when Spark runs inside this process's machine (``local[N]``)."""
        return self.master.startswith("local")

    @property
    def is_connect(self) -> bool:
        """True for a Spark Connect server (``sc://host``)."""
        return self.master.startswith("sc://")

    def __str__(self) -> str:
        return f"spark:{self.folder}?master={self.master}"


def parse_spec(spec: str) -> SparkSpec:
    """Read ``spark:<folder>?master=<master>``; the master defaults to local[2]."""
    if not spec.startswith("spark:"):
        raise StoreError(f"{spec}: a Spark store is given as spark:FOLDER?master=URL.")
    folder, _, query = spec.removeprefix("spark:").partition("?")
    if not folder:
        raise StoreError(
            f"{spec}: name the folder for the history, e.g. "
            "spark:/data/backlog?master=local[2]."
        )
    options = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(options) - {"master"})
    if unknown:
        raise StoreError(
            f"{spec}: unknown option(s) {', '.join(unknown)}; only master= is read."
        )
    master = options.get("master", [DEFAULT_MASTER])[-1] or DEFAULT_MASTER
    if not master.startswith(MASTER_PREFIXES):
        raise StoreError(
            f"{spec}: master {master} is not one of local[N], spark://HOST:PORT "
            "or sc://HOST."
        )
    return SparkSpec(Path(folder).expanduser(), master)


def spark_session(spec: SparkSpec) -> Any:
    """A Spark session of its own for one store (its own temporary views)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise StoreError(
            f"{spec}: Spark stores need PySpark. Install it with "
            "pip install 'backlogdesk[spark]' (Java 17 is needed too)."
        ) from exc

    if spec.is_connect:
        return _connect_session(SparkSession, spec)
    if spec.is_local:
        # Spark picks its address from the host name otherwise; keep it on loopback.
        os.environ.setdefault("SPARK_LOCAL_IP", LOOPBACK)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(spec.master).appName("backlogdesk")
    settings = {**DRIVER_SETTINGS, **SESSION_SETTINGS}
    if spec.is_local:
        settings["spark.driver.host"] = LOOPBACK
        settings["spark.driver.bindAddress"] = LOOPBACK
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        shared = builder.getOrCreate()
    except Exception as exc:
        raise StoreError(f"{spec}: cannot start Spark ({exc}).") from exc
    session = shared.newSession()
    _apply(session, SESSION_SETTINGS)
    return session


def _connect_session(session_class: Any, spec: SparkSpec) -> Any:
    try:
        session = session_class.builder.remote(spec.master).getOrCreate()
    except Exception as exc:
        raise StoreError(
            f"{spec}: cannot reach the Spark Connect server ({exc}). Spark Connect "
            "needs pip install 'pyspark[connect]' and a running server."
        ) from exc
    _apply(session, SESSION_SETTINGS)
    return session


def _apply(session: Any, settings: dict[str, str]) -> None:
    for key, value in settings.items():
        session.conf.set(key, value)


def ibis_backend(session: Any) -> Any:
    """An Ibis PySpark connection on ``session`` that reads in-memory tables
    (the agreements, the landing plan) exactly, also inside ``.cache()``."""
    from ibis.backends.pyspark import Backend

    class CachingBackend(Backend):  # type: ignore[misc]
        # Ibis 12 caches a query without first registering the in-memory
        # tables it reads, so Spark reports them missing; register them first.
        def _create_cached_table(self, name: str, expr: Any) -> Any:
            self._run_pre_execute_hooks(expr)
            return super()._create_cached_table(name, expr)

        # Its own registration goes through pandas and fails on an empty
        # decimal cell; Spark 4 takes the Arrow table as it is.
        def _register_in_memory_table(self, op: Any) -> None:
            table = op.data.to_pyarrow(op.schema)
            self._session.createDataFrame(table).createOrReplaceTempView(op.name)

    return CachingBackend().connect(session)


def spark_frame(session: Any, table: pa.Table) -> Any:
    """An Arrow table as a Spark DataFrame with the same column types."""
    return session.createDataFrame(table)


def read_table(session: Any, path: Path) -> Any:
    """A Parquet table written by a Spark store, as a Spark DataFrame."""
    return session.read.parquet(str(path))


def write_table(frame: Any, path: Path) -> None:
    """Write ``frame`` as a new Parquet folder; an existing folder is an error."""
    frame.write.mode("errorifexists").parquet(str(path))
