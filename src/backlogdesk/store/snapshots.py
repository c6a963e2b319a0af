"""Snapshots: import a dated export into the line history, list them, drop one.

An import is one transaction: a process killed half-way leaves the store as it
was. Importing the same export again for the same date changes nothing; an
export dated before the newest snapshot is refused (drop the later snapshots,
then import in date order), so the history is never silently rewritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from backlogdesk.errors import StoreError
from backlogdesk.store.database import Store, plan_hash_sql
from backlogdesk.store.schema import LINE_COLUMNS

log = logging.getLogger(__name__)

STAGED = "staged_lines"
CONTENT_COLUMNS = tuple(
    name for name, _ in LINE_COLUMNS if name not in ("source_file", "source_row")
)
# Inserts name their columns: portable SQL, and safe against column order.
VERSION_COLUMNS = ", ".join([*(name for name, _ in LINE_COLUMNS), "plan_hash"])
INCOMING_COLUMNS = ", ".join(f"i.{name}" for name in VERSION_COLUMNS.split(", "))


@dataclass(frozen=True)
class ImportOutcome:
    """What one import did to the history."""

    as_of: date
    lines: int
    new: int
    changed: int
    closed: int
    unchanged: bool = False

    def __str__(self) -> str:
        if self.unchanged:
            return (
                f"snapshot {self.as_of} was already imported from the same export: "
                "nothing changed"
            )
        text = (
            f"imported snapshot {self.as_of}: {self.lines:,} lines, {self.new:,} new, "
            f"{self.changed:,} changed, {self.closed:,} left the export"
        )
        if self.lines and not (self.new or self.changed or self.closed):
            text += (
                ". Not one line changed since the previous snapshot: if this is an "
                "older export again, undo it with backlogdesk snapshots drop "
                f"{self.as_of}"
            )
        return text


def fingerprint(lines: pa.Table) -> str:
    """A hash of an export's content, independent of row order and file layout."""
    import duckdb

    con = duckdb.connect()
    con.register("t", lines.select(list(CONTENT_COLUMNS)))
    columns = ", ".join(f"coalesce(cast({c} as varchar), '~')" for c in CONTENT_COLUMNS)
    rows = con.execute(
        f"select md5(concat_ws('|', {columns})) as h from t order by h"
    ).fetchall()
    con.close()
    digest = hashlib.sha256()
    for (row_hash,) in rows:
        digest.update(row_hash.encode())
    return digest.hexdigest()


def import_snapshot(
    store: Store,
    as_of: date,
    lines: pa.Table,
    source: str,
    inputs: list[dict[str, Any]] | None = None,
    rejected_file: str | None = None,
    currency: str | None = None,
) -> ImportOutcome:
    """Add ``lines`` as the snapshot of ``as_of`` to the history.

    ``inputs`` (rows read, accepted and rejected per file) and the rejected-rows
    file name are kept with the snapshot, so a later report can show them.
    """
    own_import = getattr(store, "import_snapshot", None)
    if own_import is not None:
        # A store that is not SQL tables (Spark's Parquet history) imports
        # by itself, with the same rules.
        done: ImportOutcome = own_import(
            as_of, lines, source, inputs, rejected_file, currency
        )
        return done

    record = {
        "source": source,
        "fingerprint": fingerprint(lines),
        "inputs": json.dumps(inputs or []),
        "rejected_file": rejected_file,
        "currency": currency,
    }
    store.stage(STAGED, lines)
    try:
        outcome: ImportOutcome = store.in_transaction(
            lambda: _checked_append(store, as_of, lines.num_rows, record)
        )
    finally:
        store.unstage(STAGED)
    log.info("%s", outcome)
    return outcome


def _checked_append(
    store: Store, as_of: date, count: int, record: dict[str, Any]
) -> ImportOutcome:
    """Refuse what would rewrite history, then append; checked inside the
    import's transaction, so a concurrent import cannot slip in between."""
    existing = store.sql("select fingerprint from snapshots where as_of = ?", [as_of])
    if existing:
        if existing[0][0] == record["fingerprint"]:
            return ImportOutcome(as_of, count, 0, 0, 0, unchanged=True)
        raise StoreError(
            f"A different export is already imported for {as_of}. To replace it, "
            f"drop it first: backlogdesk snapshots drop {as_of}"
        )
    _check_currency(store, record["currency"])
    newest = store.sql("select max(as_of) from snapshots")[0][0]
    if newest is not None and as_of < newest:
        raise StoreError(
            f"The store already has a later snapshot ({newest}); importing "
            f"{as_of} now would rewrite history after it. Drop the snapshots after "
            f"{as_of} (backlogdesk snapshots drop DATE) and import in date order."
        )
    return _append(store, as_of, count, record)


def _check_currency(store: Store, currency: str | None) -> None:
    """Values are stored converted into one reporting currency; never mix two."""
    known = {row[0] for row in store.sql("select distinct currency from snapshots")}
    known.discard(None)
    if currency is not None and known and known != {currency}:
        raise StoreError(
            f"The store holds snapshots in {', '.join(sorted(known))}; this import "
            f"is in {currency}. Use the same reporting_currency setting for every "
            "import into one store, or start a new store."
        )


def _append(
    store: Store, as_of: date, count: int, record: dict[str, Any]
) -> ImportOutcome:
    store.sql(
        f"create temp table incoming as select *, {plan_hash_sql()} as plan_hash "
        f"from {STAGED}"
    )
    try:
        closed = _scalar(
            store,
            "select count(*) from line_versions v where v.valid_to is null and "
            "not exists (select 1 from incoming i where i.line_key = v.line_key)",
        )
        changed = _scalar(
            store,
            "select count(*) from line_versions v join incoming i using (line_key) "
            "where v.valid_to is null and v.plan_hash <> i.plan_hash",
        )
        store.sql(
            "update line_versions v set valid_to = ? where v.valid_to is null and "
            "not exists (select 1 from incoming i where i.line_key = v.line_key "
            "and i.plan_hash = v.plan_hash)",
            [as_of],
        )
        inserted = _scalar(
            store,
            "select count(*) from incoming i where not exists (select 1 from "
            "line_versions v where v.valid_to is null and v.line_key = i.line_key)",
        )
        store.sql(
            f"insert into line_versions ({VERSION_COLUMNS}, valid_from, valid_to) "
            f"select {INCOMING_COLUMNS}, ?, cast(null as date) from incoming i "
            "where not exists (select 1 from line_versions v where "
            "v.valid_to is null and v.line_key = i.line_key)",
            [as_of],
        )
        store.sql(
            "insert into snapshots (as_of, lines, source, imported_at, fingerprint, "
            "inputs, rejected_file, currency) "
            "values (?, ?, ?, current_timestamp, ?, ?, ?, ?)",
            [
                as_of,
                count,
                record["source"],
                record["fingerprint"],
                record["inputs"],
                record["rejected_file"],
                record["currency"],
            ],
        )
    finally:
        store.sql("drop table if exists incoming")
    return ImportOutcome(as_of, count, inserted - changed, changed, closed)


def _scalar(store: Store, sql: str) -> int:
    return int(store.sql(sql)[0][0])


def drop_snapshot(store: Store, as_of: date) -> int:
    """Remove one snapshot; the history reads as if it had never been imported.

    Every version boundary at the dropped date moves to the next snapshot (or
    opens, when it was the newest); versions left empty vanish; neighbours
    that became equal merge. Returns the number of versions touched.
    """
    own_drop = getattr(store, "drop_snapshot", None)
    if own_drop is not None:
        dropped: int = own_drop(as_of)
        return dropped
    dates = store.snapshot_dates()
    if as_of not in dates:
        shown = ", ".join(str(day) for day in dates) or "none"
        raise StoreError(f"No snapshot dated {as_of}. Snapshots: {shown}.")
    later = [day for day in dates if day > as_of]
    following = later[0] if later else None
    return int(store.in_transaction(lambda: _drop(store, as_of, following)))


def _drop(store: Store, as_of: date, following: date | None) -> int:
    touched = _count_touching(store, as_of)
    store.sql(
        "update line_versions set valid_to = ? where valid_to = ?", [following, as_of]
    )
    if following is None:
        store.sql("delete from line_versions where valid_from = ?", [as_of])
    else:
        store.sql(
            "update line_versions set valid_from = ? where valid_from = ?",
            [following, as_of],
        )
        store.sql(
            "delete from line_versions where valid_to is not null "
            "and valid_from >= valid_to"
        )
        _merge_equal_neighbours(store, following)
    store.sql("delete from snapshots where as_of = ?", [as_of])
    return touched


def _count_touching(store: Store, as_of: date) -> int:
    rows = store.sql(
        "select count(*) from line_versions where valid_from = ? or valid_to = ?",
        [as_of, as_of],
    )
    return int(rows[0][0])


def _merge_equal_neighbours(store: Store, boundary: date) -> None:
    """Join a version ending at ``boundary`` with an equal one starting there."""
    store.sql(
        "create temp table merged as select a.line_key, b.valid_to as new_to "
        "from line_versions a join line_versions b on a.line_key = b.line_key "
        "and a.valid_to = ? and b.valid_from = ? and a.plan_hash = b.plan_hash",
        [boundary, boundary],
    )
    try:
        store.sql(
            "delete from line_versions v using merged m where v.line_key = m.line_key "
            "and v.valid_from = ?",
            [boundary],
        )
        store.sql(
            "update line_versions v set valid_to = m.new_to from merged m "
            "where v.line_key = m.line_key and v.valid_to = ?",
            [boundary],
        )
    finally:
        store.sql("drop table merged")
