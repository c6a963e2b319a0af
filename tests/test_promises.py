"""Last meeting's promises in next week's report: moved since, overdue, kept
when the line leaves the export."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from backlogdesk.store.actions import record_action
from backlogdesk.store.database import Store
from conftest import report_json, run_cli
from history_kit import import_week, line


def _promise(store: Store, key: str, next_update: date, decision: str) -> None:
    entry = {"owner": "Ana", "next_update": next_update, "decision": decision}
    record_action(store, key, 0, entry, "ana", datetime(2026, 11, 23, 15, 0))


def _report(folder: Path, day: str) -> dict[str, Any]:
    out = folder / f"report-{day}"
    result = run_cli(
        "report", "--db", folder / "store.duckdb", "--as-of", day,
        "--out", out, "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return report_json(out)


def test_promises_show_what_moved_and_what_is_overdue(tmp_path: Path) -> None:
    week_one = [
        line("SO-1", confirmed="2026-12-01", status="hold", block="CR"),
        line("SO-2", confirmed="2026-12-02", status="hold", block="CR"),
        line("SO-3", confirmed="2026-12-03"),
    ]
    import_week(tmp_path, "2026-11-23", week_one)
    with Store(tmp_path / "store.duckdb") as store:
        _promise(store, "SO-1/10", date(2026, 11, 26), "unblock")
        _promise(store, "SO-2/10", date(2026, 12, 4), "unblock")
        _promise(store, "SO-3/10", date(2026, 11, 27), "confirm")
    # A week later SO-1 is still blocked, SO-2 was released, SO-3 left the export.
    import_week(
        tmp_path,
        "2026-11-30",
        [
            line("SO-1", confirmed="2026-12-01", status="hold", block="CR"),
            line("SO-2", confirmed="2026-12-02"),
        ],
    )
    rows = {
        row["line_key"]: row
        for row in _report(tmp_path, "2026-11-30")["triage"]["promises"]["rows"]
    }
    assert rows["SO-1/10"]["moved_since"] is False
    assert rows["SO-1/10"]["next_update_overdue"] is True  # 26 Nov < 30 Nov
    assert rows["SO-1/10"]["state_now"] == "blocked"
    assert rows["SO-2/10"]["moved_since"] is True
    assert rows["SO-2/10"]["next_update_overdue"] is False  # 4 Dec is ahead
    assert rows["SO-2/10"]["state_now"] == "released"
    assert rows["SO-3/10"]["state_now"] == "left the export"
    assert rows["SO-3/10"]["moved_since"] is True
    # Overdue promises come first.
    first = _report(tmp_path, "2026-11-30")["triage"]["promises"]["rows"][0]
    assert first["line_key"] == "SO-1/10"


def test_a_report_before_the_meeting_shows_no_promise(tmp_path: Path) -> None:
    import_week(tmp_path, "2026-11-16", [line("SO-1", confirmed="2026-12-01")])
    import_week(tmp_path, "2026-11-23", [line("SO-1", confirmed="2026-12-01")])
    with Store(tmp_path / "store.duckdb") as store:
        _promise(store, "SO-1/10", date(2026, 11, 26), "confirm")
    rows = _report(tmp_path, "2026-11-16")["triage"]["promises"]["rows"]
    assert rows == []
