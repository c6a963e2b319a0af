"""What each page shows, as plain data: the HTML page and its JSON twin draw
from the same view, so they can never disagree.

A view only selects and arranges what the report holds (the agenda's
sections, the filtered lines); it computes no totals of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from backlogdesk.metrics.triage import FULL_COLUMNS
from backlogdesk.reports.json_report import money_text, qty_text
from backlogdesk.reports.model import Box, Report, RuleResult
from backlogdesk.rules.catalog import RULE_BY_CODE
from backlogdesk.rules.ownership import FUNCTIONS
from backlogdesk.settings import REGISTRY
from backlogdesk.store.actions import DECISIONS, Action

# The meeting's third item, in the order the agenda takes it.
AGENDA_TRIAGE = ("blocked", "aging", "repeat_slips", "pending", "undated")
LINE_FIELDS = (
    "line_key",
    "customer_name",
    "customer_id",
    "item",
    "open_value",
    "open_units",
    "ship_date",
    "confidence",
    "status_class",
    "bucket",
    "past_due",
    "block_reason",
    "owner",
    "last_movement_date",
    "days_since_movement",
    "slips",
    "owning_function",
    "proposed_owner",
    "action_owner",
    "next_update",
    "decision",
    "action_note",
    "action_version",
)
MONEY_KEYS = frozenset(
    {c.key for c in FULL_COLUMNS if c.kind == "money"} | {"value", "margin"}
)
FILTER_MAX_CHARS = 100
_SETTING_UNITS = {setting.name: setting.unit for setting in REGISTRY}


@dataclass(frozen=True)
class Filters:
    """The page's filters: by owner, customer and owning function."""

    owner: str = ""
    customer: str = ""
    function: str = ""

    @classmethod
    def from_query(cls, query: dict[str, str]) -> Filters:
        """Filters from query parameters; unknown functions are ignored."""
        cleaned = {
            name: query.get(name, "").strip()[:FILTER_MAX_CHARS]
            for name in ("owner", "customer", "function")
        }
        if cleaned["function"] not in FUNCTIONS:
            cleaned["function"] = ""
        return cls(**cleaned)

    def active(self) -> bool:
        """True when any filter is set."""
        return bool(self.owner or self.customer or self.function)

    def keeps(self, row: dict[str, Any]) -> bool:
        """True when the line passes every filter that is set."""
        owner = row.get("action_owner") or row.get("proposed_owner") or ""
        customer = self.customer.lower()
        return (
            (not self.owner or owner.lower() == self.owner.lower())
            and (
                not customer
                or customer in (row.get("customer_name") or "").lower()
                or customer == (row.get("customer_id") or "").lower()
            )
            and (not self.function or row.get("owning_function") == self.function)
        )

    def as_dict(self) -> dict[str, str]:
        """The filters as query parameters."""
        return {
            "owner": self.owner,
            "customer": self.customer,
            "function": self.function,
        }


def line_view(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    """One open line as the page shows it, with its unassigned and overdue marks."""
    shown = {key: row.get(key) for key in LINE_FIELDS}
    next_update = shown["next_update"]
    shown["unassigned"] = not shown["action_owner"]
    shown["overdue"] = next_update is not None and next_update < as_of
    return shown


def with_action(row: dict[str, Any], action: Action, as_of: date) -> dict[str, Any]:
    """A line's view after ``action`` was recorded on it."""
    changed = {
        **row,
        "action_owner": action.owner,
        "next_update": action.next_update,
        "decision": action.decision,
        "action_note": action.note,
        "action_version": action.version,
    }
    return line_view(changed, as_of)


def review_view(
    report: Report, filters: Filters, known_people: list[str]
) -> dict[str, Any]:
    """The weekly review page: scoreboard, shipping this period, triage, rules."""
    rows = [line_view(row, report.as_of) for row in report.lines.rows]
    return {
        "as_of": report.as_of,
        "period": vars(report.period),
        "currency": report.currency,
        "generated_by": report.generated_by,
        "filters": filters.as_dict(),
        "numbers": {name: box_view(box) for name, box in report.numbers.items()},
        "not_provided": {
            name: {"title": item.title, "reason": _why_missing(item.reason)}
            for name, item in report.not_provided.items()
        },
        "scoreboard": _scoreboard(report),
        "shipping": [_bucket(report, rows, name, filters) for name in ("A", "B")],
        "triage": _triage(report, filters),
        "rules": [_rule(rule, filters) for rule in report.rules],
        "people": _people(rows, known_people),
        "functions": list(FUNCTIONS),
        "decisions": list(DECISIONS),
        "row_cap": int(report.settings.get("triage_rows", 200)),
    }


def box_view(box: Box) -> dict[str, Any]:
    """A headline box: lines, units, value and margin."""
    return {
        "lines": box.lines,
        "units": box.units,
        "value": box.value,
        "margin": box.margin,
        "margin_pct": box.margin_pct,
    }


def _scoreboard(report: Report) -> dict[str, Any]:
    budget = report.not_provided.get("budget")
    a, b = report.buckets["A"], report.buckets["B"]
    board = report.scoreboard
    lines = {} if board is None else {line.measure: line for line in board.lines}
    measures = []
    for measure, kind, a_amount, b_amount in (
        ("revenue", "money", a.value, b.value),
        ("units", "qty", a.units, b.units),
        ("margin", "money", a.margin, b.margin),
    ):
        row: dict[str, Any] = {"measure": measure, "kind": kind, "A": a_amount}
        row["B"] = b_amount
        line = lines.get(measure)
        if line is not None:
            row |= {
                "budget": line.budget,
                "actual": line.actual,
                "committed": line.committed,
                "likely": line.likely,
                "variance": line.variance,
                "status": line.status,
            }
        measures.append(row)
    return {
        "budget_provided": board is not None,
        "budget_reason": _why_missing(budget.reason)
        if budget and board is None
        else "",
        "basis": None if board is None else board.basis,
        "measures": measures,
    }


def _why_missing(reason: str) -> str:
    # The page already says "not provided" beside the reason.
    return reason.removeprefix("not provided: ")


def _bucket(
    report: Report, rows: list[dict[str, Any]], name: str, filters: Filters
) -> dict[str, Any]:
    lines = [row for row in rows if row["bucket"] == name]
    return {
        "bucket": name,
        "box": box_view(report.buckets[name]),
        "past_due": box_view(report.past_due[name]),
        "total": len(lines),
        "rows": [row for row in lines if filters.keeps(row)],
    }


def _triage(report: Report, filters: Filters) -> list[dict[str, Any]]:
    tables = {table.name: table for table in report.triage}
    sections = []
    for name in AGENDA_TRIAGE:
        table = tables.get(name)
        if table is None:
            continue
        rows = [line_view(row, report.as_of) for row in table.rows]
        shown = [row for row in rows if filters.keeps(row)]
        sections.append(
            {
                "name": name,
                "title": table.title,
                "note": table.note,
                "total": len(rows),
                "unassigned": sum(1 for row in shown if row["unassigned"]),
                "rows": shown,
            }
        )
    return sections


def _rule(rule: RuleResult, filters: Filters) -> dict[str, Any]:
    catalog = RULE_BY_CODE.get(rule.code)
    setting = catalog.threshold_setting if catalog else None
    lines = rule.lines.rows if rule.lines is not None else []
    return {
        "code": rule.code,
        "title": rule.title,
        "scope": rule.scope,
        "measure": rule.measure,
        "measured": rule.measured,
        "unit": rule.unit,
        "threshold": rule.threshold,
        # A line rule counts lines against a per-line threshold in the
        # setting's unit (days); a period rule compares like with like.
        "threshold_unit": (
            _SETTING_UNITS.get(setting or "", "") if rule.scope == "line" else rule.unit
        ),
        "evaluated": not rule.note.startswith("not evaluated"),
        "fired": rule.fired,
        "function": rule.function,
        "action": rule.action,
        "note": rule.note,
        "line_keys": [row["line_key"] for row in lines if filters.keeps(row)],
    }


def _people(rows: list[dict[str, Any]], known_people: list[str]) -> list[str]:
    names = set(known_people)
    for row in rows:
        names.update(
            row[key] for key in ("action_owner", "proposed_owner") if row.get(key)
        )
    return sorted(names, key=str.lower)


def plain(value: Any, key: str = "") -> Any:
    """``value`` as JSON data: money as exact text with cents, quantities as
    exact text, dates and times as ISO strings."""
    if isinstance(value, dict):
        kind = value.get("kind")
        return {
            name: plain(item, _cell_key(name, kind)) for name, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [plain(item, key) for item in value]
    if isinstance(value, Decimal):
        return money_text(value) if key in MONEY_KEYS else qty_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _cell_key(name: str, kind: Any) -> str:
    # A dict that says its kind (a scoreboard measure, a line field) holds
    # money in its cells only when that kind is money.
    if not isinstance(kind, str) or name not in ("value", "A", "B"):
        return name
    return "value" if kind == "money" else ""
