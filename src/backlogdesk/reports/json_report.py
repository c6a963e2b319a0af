"""The report as JSON with a stable, documented schema (docs/json-schema.md).

Money and quantities are exact decimal strings ("304847.13"); counts are
integers; dates are ISO strings. ``schema_version`` changes only when a key is
removed or changes meaning.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from backlogdesk.reports.json_budget import claim_document, scoreboard_document
from backlogdesk.reports.model import (
    Box,
    Bridge,
    Conversion,
    History,
    NotProvided,
    Report,
    RuleResult,
    Table,
)

SCHEMA_VERSION = 1


def report_document(report: Report) -> dict[str, Any]:
    """The JSON document of ``report`` as plain Python data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": report.generated_by,
        "as_of": report.as_of.isoformat(),
        "period": {
            "kind": report.period.kind,
            "key": report.period.key,
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
        },
        "currency": report.currency,
        "source": report.source,
        "inputs": {
            "files": [asdict(count) for count in report.inputs],
            "read": report.read,
            "accepted": report.read - report.rejected,
            "rejected": report.rejected,
            "rejected_file": report.rejected_file,
        },
        "numbers": {
            **{name: _box(box) for name, box in report.numbers.items()},
            **{name: _apart(item) for name, item in report.not_provided.items()},
        },
        "buckets": {name: _box(box) for name, box in report.buckets.items()},
        "past_due": {name: _box(box) for name, box in report.past_due.items()},
        "ship_month_by_bucket": [
            {k: v if k == "month" else money_text(v) for k, v in row.items()}
            for row in report.ship_month_by_bucket
        ],
        "splits": {table.name: _table(table) for table in report.splits},
        "triage": {table.name: _table(table) for table in report.triage},
        "data_quality": {
            issue.code: {
                "title": issue.title,
                "lines": issue.lines,
                "rows": _rows(issue.table),
            }
            for issue in report.quality
        },
        "lines": _rows(report.lines),
        "definitions": dict(report.definitions),
        "settings": report.settings,
        "notes": report.notes,
        "history": None if report.history is None else _history(report.history),
        "rules": [_rule(rule) for rule in report.rules],
        "coverage": _coverage(report.coverage),
        "scoreboard": scoreboard_document(report.scoreboard, _rows),
        "claim": claim_document(report.claim, _rows),
    }


def _apart(item: NotProvided) -> dict[str, Any]:
    if not item.provided:
        return {"provided": False, "reason": item.reason}
    value = None if item.value is None else money_text(item.value)
    return {"provided": True, "text": item.reason, "value": value, "count": item.count}


def _coverage(coverage: Any) -> dict[str, Any] | None:
    if coverage is None:
        return None

    def groups(rows: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "key": g.key,
                "label": g.label,
                "agreements": g.agreements,
                "value": money_text(g.value),
            }
            for g in rows
        ]

    def ids(rows: list[Any]) -> list[str]:
        # An agreement given by item has several rows; name it once.
        return list(dict.fromkeys(row.agreement_id for row in rows))

    return {
        "value": money_text(coverage.total.value),
        "agreements": coverage.total.agreements,
        "by_customer": groups(coverage.by_customer),
        "by_month": groups(coverage.by_month),
        "over_released": ids(coverage.over_released),
        "expiring": ids(coverage.expiring),
        "expired": ids(coverage.expired),
        "unmatched_call_offs": coverage.unmatched_call_offs,
        "agreement_lines": coverage.agreement_lines,
    }


def _rule(rule: RuleResult) -> dict[str, Any]:
    return {
        "code": rule.code,
        "title": rule.title,
        "scope": rule.scope,
        "measure": rule.measure,
        "measured": None if rule.measured is None else qty_text(rule.measured),
        "unit": rule.unit,
        "threshold": None if rule.threshold is None else qty_text(rule.threshold),
        "fired": rule.fired,
        "function": rule.function,
        "action": rule.action,
        "note": rule.note,
        "lines": None if rule.lines is None else _rows(rule.lines),
    }


def _history(history: History) -> dict[str, Any]:
    bridge = history.bridge
    conversion = history.conversion
    return {
        "snapshots": [day.isoformat() for day in history.snapshots],
        "previous": None if history.previous is None else history.previous.isoformat(),
        "changes": {
            row["kind"]: {"title": row["title"], "lines": row["lines"]}
            for row in history.changes_summary
        },
        "changed_lines": {table.name: _rows(table) for table in history.changes},
        "bridge": None if bridge is None else _bridge(bridge),
        "conversion": None if conversion is None else _conversion(conversion),
        "conversion_note": history.conversion_note,
    }


def _bridge(bridge: Bridge) -> dict[str, Any]:
    return {
        "previous": bridge.previous.isoformat(),
        "opening": {"lines": bridge.opening_lines, "value": money_text(bridge.opening)},
        "steps": [
            {
                "step": s.step,
                "title": s.title,
                "lines": s.lines,
                "value": money_text(s.value),
            }
            for s in bridge.steps
        ],
        "closing": {"lines": bridge.closing_lines, "value": money_text(bridge.closing)},
        "lines": _rows(bridge.lines),
    }


def _conversion(conversion: Conversion) -> dict[str, Any]:
    return {
        "period": conversion.period_key,
        "start_import": conversion.start_import.isoformat(),
        "end_import": conversion.end_import.isoformat(),
        "total": {
            "lines": conversion.total_lines,
            "value": money_text(conversion.total_value),
        },
        "outcomes": {
            o["outcome"]: {
                "title": o["title"],
                "lines": o["lines"],
                "value": money_text(o["value"]),
            }
            for o in conversion.outcomes
        },
        "slip_reasons": _rows(conversion.slip_reasons),
        "block_reasons": _rows(conversion.block_reasons),
    }


def _box(box: Box) -> dict[str, Any]:
    document: dict[str, Any] = {
        "lines": box.lines,
        "units": qty_text(box.units),
        "value": money_text(box.value),
    }
    if box.margin is not None:
        pct = box.margin_pct
        document["margin"] = money_text(box.margin)
        document["margin_pct"] = None if pct is None else format(pct, "f")
        document["margin_lines"] = box.margin_lines
    return document


def _table(table: Table) -> dict[str, Any]:
    return {"title": table.title, "rows": _rows(table)}


def _rows(table: Table) -> list[dict[str, Any]]:
    kinds = {column.key: column.kind for column in table.columns}
    return [
        {key: _cell(value, kinds.get(key, "text")) for key, value in row.items()}
        for row in table.rows
    ]


def _cell(value: Any, kind: str) -> Any:
    if isinstance(value, Decimal):
        return money_text(value) if kind == "money" else qty_text(value)
    return value


def money_text(value: Decimal) -> str:
    """Money as exact text with two decimals: '1234.50'."""
    return format(value.quantize(Decimal("0.01")), "f")


def qty_text(value: Decimal) -> str:
    """A quantity as exact text without trailing zeros: '12.5', '3484'."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return qty_text(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render_json(report: Report) -> str:
    """The JSON text of ``report``: compact, keys sorted, so runs compare byte
    for byte (pretty-print it with any JSON viewer)."""
    return json.dumps(
        report_document(report),
        default=_encode,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def write_json(report: Report, path: Path) -> Path:
    """Write the JSON report to ``path``."""
    path.write_text(render_json(report) + "\n", encoding="utf-8")
    return path
