"""How a Spark store lays out its folder: generations of Parquet tables.

Every import writes the tables it changes into a new generation folder
(``gen-000004/line_versions``), then switches ``CURRENT.json`` to name it. The
switch is one rename, so a reader sees the old history or the new one, never
half of it; a writer killed before the switch leaves a folder nobody points
at, which the next import removes. One import runs at a time (``import.lock``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from backlogdesk.errors import StoreError
from backlogdesk.store.schema import LINE_COLUMNS

POINTER = "CURRENT.json"
LOCK = "import.lock"
TABLES = ("line_versions", "snapshots", "actions", "schema_migrations")
FORMAT = 1

VERSION_SCHEMA = pa.schema(
    [
        *(pa.field(name, kind) for name, kind in LINE_COLUMNS),
        pa.field("plan_hash", pa.string()),
        pa.field("valid_from", pa.date32()),
        pa.field("valid_to", pa.date32()),
    ]
)
SNAPSHOT_SCHEMA = pa.schema(
    [
        pa.field("as_of", pa.date32()),
        pa.field("lines", pa.int64()),
        pa.field("source", pa.string()),
        pa.field("imported_at", pa.timestamp("us", tz="UTC")),
        pa.field("fingerprint", pa.string()),
        pa.field("inputs", pa.string()),
        pa.field("rejected_file", pa.string()),
        pa.field("currency", pa.string()),
    ]
)
ACTION_SCHEMA = pa.schema(
    [
        pa.field("line_key", pa.string()),
        pa.field("version", pa.int32()),
        pa.field("owner", pa.string()),
        pa.field("next_update", pa.date32()),
        pa.field("decision", pa.string()),
        pa.field("note", pa.string()),
        pa.field("recorded_by", pa.string()),
        pa.field("recorded_at", pa.timestamp("us", tz="UTC")),
    ]
)
MIGRATION_SCHEMA = pa.schema(
    [
        pa.field("version", pa.int32()),
        pa.field("name", pa.string()),
        pa.field("applied_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class Layout:
    """One generation of the store: where each table's Parquet folder lies."""

    folder: Path
    generation: int
    tables: dict[str, str]

    def path(self, table: str) -> Path:
        """The Parquet folder of ``table`` in this generation."""
        return self.folder / self.tables[table]

    def next_folder(self) -> Path:
        """The folder the next generation writes into."""
        return self.folder / generation_name(self.generation + 1)

    def __repr__(self) -> str:
        return f"<Layout {self.folder} generation={self.generation}>"


def generation_name(generation: int) -> str:
    """The folder name of a generation, sortable by name."""
    return f"gen-{generation:06d}"


def read_layout(folder: Path) -> Layout | None:
    """The current generation, or None when the folder holds no store yet."""
    pointer = folder / POINTER
    if not pointer.exists():
        return None
    try:
        data = json.loads(pointer.read_text(encoding="utf-8"))
        tables = {name: str(data["tables"][name]) for name in TABLES}
        return Layout(folder, int(data["generation"]), tables)
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"{pointer} is damaged ({exc}); the history folders beside it are "
            "intact. Restore the file from a backup of the store folder."
        ) from exc


def switch_to(layout: Layout) -> None:
    """Make ``layout`` the current generation in one atomic rename."""
    data = {"format": FORMAT, "generation": layout.generation, "tables": layout.tables}
    pending = layout.folder / f".{POINTER}.{os.getpid()}"
    with pending.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pending, layout.folder / POINTER)


def refuse_foreign(folder: Path) -> None:
    """A non-empty folder without a store pointer is not a Spark store."""
    if not folder.exists() or (folder / POINTER).exists():
        return
    entries = sorted(entry.name for entry in folder.iterdir())
    if entries:
        shown = ", ".join(entries[:5])
        raise StoreError(
            f"{folder} is not empty and holds no Backlog Desk history (it has "
            f"{shown}). Give an empty or new folder; nothing was changed."
        )


def remove_unused(layout: Layout, keep_previous: bool = True) -> None:
    """Delete generation folders the pointer no longer needs.

    The generation before the current one is kept, so a report that opened
    the store just before an import can finish reading it.
    """
    used = {Path(path).parts[0] for path in layout.tables.values()}
    if keep_previous:
        used.add(generation_name(layout.generation - 1))
    for entry in layout.folder.glob("gen-*"):
        if entry.is_dir() and entry.name not in used:
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def import_lock(folder: Path) -> Iterator[None]:
    """Hold the store's import lock; a second importer is refused, not queued."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK
    try:
        handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError as exc:
        raise StoreError(
            f"{folder}: another import is running ({lock} exists). Wait for it to "
            "end; if no import runs, delete that file."
        ) from exc
    try:
        os.write(handle, str(os.getpid()).encode())
        os.close(handle)
        yield
    finally:
        lock.unlink(missing_ok=True)
