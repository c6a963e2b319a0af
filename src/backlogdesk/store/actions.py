"""The action log: what the weekly meeting decided for a line, append-only.

Every entry is a new version of the line's action (1, 2, 3, ...): owner, next
update date, decision and note, with who recorded it and when. Nothing is ever
updated or deleted, so last week's promise can always be compared with this
week. A writer names the version it saw; if someone else recorded a newer one
meanwhile, the write is refused with a conflict instead of overwriting it.
Actions hang on the line key, which is stable across weekly imports, so they
survive re-imports and lines that leave the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backlogdesk.errors import StoreError
from backlogdesk.store.database import Store

DECISIONS = (
    "confirm",
    "unblock",
    "reschedule",
    "reclassify",
    "expedite",
    "renegotiate",
    "swap",
    "cancel",
)
ACTION_COLUMNS = (
    "line_key",
    "version",
    "owner",
    "next_update",
    "decision",
    "note",
    "recorded_by",
    "recorded_at",
)


@dataclass(frozen=True)
class Action:
    """One recorded decision for a line."""

    line_key: str
    version: int
    owner: str | None
    next_update: date | None
    decision: str | None
    note: str | None
    recorded_by: str
    recorded_at: datetime

    def __repr__(self) -> str:
        return f"<Action {self.line_key} v{self.version} owner={self.owner}>"


class VersionConflict(StoreError):
    """Someone recorded a newer action for the line since it was read."""

    def __init__(self, line_key: str, expected: int, latest: Action) -> None:
        self.line_key = line_key
        self.expected = expected
        self.latest = latest
        super().__init__(
            f"{latest.recorded_by} changed {line_key} at "
            f"{latest.recorded_at:%Y-%m-%d %H:%M} (now version {latest.version}, "
            f"you had version {expected}). Reload the line to see their entry, "
            "then record yours again."
        )


def create_actions_table(store: Store) -> None:
    """Migration: the append-only action log."""
    text = store.text_type
    store.sql(
        f"create table actions (line_key {text} not null, version integer not null, "
        f"owner {text}, next_update date, decision {text}, note {text}, "
        f"recorded_by {text} not null, recorded_at timestamp not null, "
        "primary key (line_key, version))"
    )


def record_action(
    store: Store,
    line_key: str,
    expected_version: int,
    entry: dict[str, Any],
    recorded_by: str,
    now: datetime,
) -> Action:
    """Append an action for ``line_key`` if its latest version is still
    ``expected_version`` (0 when the line had none); else raise VersionConflict.

    ``entry`` holds owner, next_update, decision and note (each may be None).
    """
    decision = entry.get("decision")
    if decision is not None and decision not in DECISIONS:
        raise StoreError(
            f"Unknown decision '{decision}'. Choose one of {', '.join(DECISIONS)}."
        )

    def append() -> Action:
        latest = latest_action(store, line_key)
        current = latest.version if latest else 0
        if current != expected_version:
            assert latest is not None
            raise VersionConflict(line_key, expected_version, latest)
        action = Action(
            line_key,
            current + 1,
            _text(entry.get("owner")),
            entry.get("next_update"),
            decision,
            _text(entry.get("note")),
            recorded_by,
            now,
        )
        store.sql(
            f"insert into actions ({', '.join(ACTION_COLUMNS)}) values "
            "(?, ?, ?, ?, ?, ?, ?, ?)",
            [getattr(action, name) for name in ACTION_COLUMNS],
        )
        return action

    try:
        result: Action = store.in_transaction(append)
    except VersionConflict:
        raise
    except Exception as exc:
        if "constraint" in str(exc).lower() or "conflict" in str(exc).lower():
            latest = latest_action(store, line_key)
            assert latest is not None
            raise VersionConflict(line_key, expected_version, latest) from exc
        raise
    return result


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def latest_action(store: Store, line_key: str) -> Action | None:
    """The newest action of a line, or None."""
    rows = store.sql(
        f"select {', '.join(ACTION_COLUMNS)} from actions where line_key = ? "
        "order by version desc limit 1",
        [line_key],
    )
    return Action(*rows[0]) if rows else None


def action_history(store: Store, line_key: str) -> list[Action]:
    """Every action of a line, oldest first."""
    rows = store.sql(
        f"select {', '.join(ACTION_COLUMNS)} from actions where line_key = ? "
        "order by version",
        [line_key],
    )
    return [Action(*row) for row in rows]


def latest_actions_table(store: Store, as_of: datetime | None = None) -> Any:
    """An Ibis table of each line's newest action recorded up to ``as_of``."""
    actions = store.con.table("actions")
    if as_of is not None:
        actions = actions.filter(actions.recorded_at <= as_of)
    newest = actions.group_by("line_key").aggregate(newest=actions.version.max())
    joined = actions.join(
        newest,
        [actions.line_key == newest.line_key, actions.version == newest.newest],
    )
    return joined.select(
        line_key=actions.line_key,
        action_version=actions.version,
        action_owner=actions.owner,
        next_update=actions.next_update,
        decision=actions.decision,
        action_note=actions.note,
        recorded_by=actions.recorded_by,
        recorded_at=actions.recorded_at,
    )
