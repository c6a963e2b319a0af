"""The next line history of a Spark store, computed by Spark.

The rules are those of the DuckDB store (store/snapshots.py): a current
version whose planning fields (``plan_hash``) are unchanged in the new export
stays open; every other current version ends on the import date; each line
whose version ended, and each line seen for the first time, starts a new
version on that date. Closed history is carried over untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from backlogdesk.errors import StoreError
from backlogdesk.store.schema import PLANNING_FIELDS
from backlogdesk.store.snapshots import ImportOutcome
from backlogdesk.store.spark_layout import VERSION_SCHEMA


@dataclass(frozen=True)
class VersionCounts:
    """How the open versions fared against the new export."""

    arrived: int
    changed: int
    closed: int


def plan_hash(frame: Any) -> Any:
    """The hash of a line's planning fields, written as the DuckDB store writes it."""
    from pyspark.sql import functions as F

    parts = [
        F.coalesce(frame[name].cast("string"), F.lit("~")) for name in PLANNING_FIELDS
    ]
    return F.md5(F.concat_ws("|", *parts))


def incoming_versions(staged: Any) -> Any:
    """The staged export with its plan hash, in the history's column order."""
    with_hash = staged.withColumn("plan_hash", plan_hash(staged))
    columns = [name for name in VERSION_SCHEMA.names if name in with_hash.columns]
    return with_hash.select(*columns)


def count_changes(versions: Any, incoming: Any) -> VersionCounts:
    """New, changed and vanished lines against the open versions, in one query."""
    from pyspark.sql import functions as F

    current = versions.filter(versions.valid_to.isNull()).select(
        "line_key", F.col("plan_hash").alias("current_hash")
    )
    arriving = incoming.select("line_key", F.col("plan_hash").alias("new_hash"))
    pairs = current.join(arriving, "line_key", "full_outer")

    def count(condition: Any) -> Any:
        return F.sum(F.when(condition, 1).otherwise(0))

    row = pairs.agg(
        count(pairs.current_hash.isNull()).alias("arrived"),
        count(
            pairs.current_hash.isNotNull()
            & pairs.new_hash.isNotNull()
            & (pairs.current_hash != pairs.new_hash)
        ).alias("changed"),
        count(pairs.new_hash.isNull()).alias("closed"),
    ).collect()[0]
    return VersionCounts(
        int(row["arrived"] or 0), int(row["changed"] or 0), int(row["closed"] or 0)
    )


def next_versions(versions: Any, incoming: Any, as_of: date) -> Any:
    """Every line version after importing ``incoming`` as of ``as_of``."""
    from pyspark.sql import functions as F

    current = versions.filter(versions.valid_to.isNull())
    kept = (
        current.join(incoming, ["line_key", "plan_hash"], "left_semi")
        .select("line_key")
        .withColumn("kept", F.lit(True))
    )

    marked = versions.join(kept, "line_key", "left")
    ends_now = marked.valid_to.isNull() & marked.kept.isNull()
    carried = marked.withColumn(
        "valid_to", F.when(ends_now, F.lit(as_of)).otherwise(marked.valid_to)
    ).drop("kept")

    started = (
        incoming.join(kept, "line_key", "left_anti")
        .withColumn("valid_from", F.lit(as_of))
        .withColumn("valid_to", F.lit(None).cast("date"))
    )
    names = VERSION_SCHEMA.names
    return carried.select(*names).unionByName(started.select(*names))


def refusal(
    snapshots: list[dict[str, Any]],
    as_of: date,
    print_: str,
    currency: str | None,
    count: int,
) -> ImportOutcome | None:
    """The DuckDB store's checks on the imported ``snapshots``: the same export
    again is an unchanged outcome; another export for an imported date, another
    currency or an older date raise; None lets the import in."""
    same_day = [row for row in snapshots if row["as_of"] == as_of]
    if same_day:
        if same_day[0]["fingerprint"] == print_:
            return ImportOutcome(as_of, count, 0, 0, 0, unchanged=True)
        raise StoreError(
            f"A different export is already imported for {as_of}. A Spark store "
            "cannot drop it: import the exports into a new store folder."
        )

    known = {row["currency"] for row in snapshots} - {None}
    if currency is not None and known and known != {currency}:
        raise StoreError(
            f"The store holds snapshots in {', '.join(sorted(known))}; this "
            f"import is in {currency}. Use the same reporting_currency setting "
            "for every import into one store, or start a new store."
        )

    newest = max((row["as_of"] for row in snapshots), default=None)
    if newest is not None and as_of < newest:
        raise StoreError(
            f"The store already has a later snapshot ({newest}); importing "
            f"{as_of} now would rewrite history after it. Import in date order "
            "into a new store folder."
        )
    return None
