"""The line page's view: a line as of the review, and every promise made on it
with whether the line moved since."""

from __future__ import annotations

from datetime import date
from typing import Any

from backlogdesk.metrics.triage import FULL_COLUMNS
from backlogdesk.reports.model import Report
from backlogdesk.store.actions import DECISIONS, Action
from backlogdesk.web.views import line_view


def line_detail_view(
    report: Report, line_key: str, history: list[Action]
) -> dict[str, Any]:
    """One line: its fields as of the report, and every action recorded on it."""
    found = next((r for r in report.lines.rows if r["line_key"] == line_key), None)
    moved_on = found.get("last_movement_date") if found else None
    return {
        "as_of": report.as_of,
        "line_key": line_key,
        "open": found is not None,
        "line": None if found is None else line_view(found, report.as_of),
        "fields": [] if found is None else _fields(found),
        "history": [_promise(action, moved_on) for action in reversed(history)],
        "decisions": list(DECISIONS),
    }


def _fields(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"key": c.key, "label": c.label, "kind": c.kind, "value": row.get(c.key)}
        for c in FULL_COLUMNS
    ]


def _promise(action: Action, moved_on: date | None) -> dict[str, Any]:
    promised_on = action.recorded_at.date()
    return {
        "version": action.version,
        "owner": action.owner,
        "next_update": action.next_update,
        "decision": action.decision,
        "note": action.note,
        "recorded_by": action.recorded_by,
        "recorded_at": action.recorded_at,
        # Movement is known by day: a change imported after the promise's day
        # means the line moved since someone promised something about it.
        "moved_since": None if moved_on is None else moved_on > promised_on,
    }


def action_view(action: Action) -> dict[str, Any]:
    """One recorded action as plain data."""
    return {
        "line_key": action.line_key,
        "version": action.version,
        "owner": action.owner,
        "next_update": action.next_update,
        "decision": action.decision,
        "note": action.note,
        "recorded_by": action.recorded_by,
        "recorded_at": action.recorded_at,
    }
