"""Write the weekly backlog report as one self-contained HTML file.

The page carries its own CSS and inline SVG charts: it opens from a shared drive
or an e-mail attachment with no network, and prints as it shows.
"""

from __future__ import annotations

import functools
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup

from backlogdesk.reports.chart import BUCKET_COLORS, bridge_chart, ship_month_chart
from backlogdesk.reports.formatting import (
    format_cell,
    format_signed_money,
    page_environment,
    plural,
)
from backlogdesk.reports.model import ClaimView, Column, Conversion, Report, Table
from backlogdesk.settings import REGISTRY, Settings

log = logging.getLogger(__name__)

TEMPLATE_NAME = "report.html.j2"
BUCKET_TITLES = {
    "A": "Confirmed in period",
    "B": "Estimated in period",
    "C": "Ships after period",
    "D": "Blocked",
}
# Reasons are codes or short texts from the ERP: the top few carry the story.
REASON_ROWS = 10


def write_html(report: Report, path: Path) -> Path:
    """Render ``report`` to ``path`` as one HTML file and return the path."""
    path.write_text(render_html(report), encoding="utf-8")
    log.info("wrote HTML report as of %s to %s", report.as_of, path)
    return path


def render_html(report: Report) -> str:
    """The report as an HTML document (text), ready to be written or served."""
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        report=report,
        row_cap=row_cap(report),
        chart=ship_month_chart(report.ship_month_by_bucket, report.currency),
        bucket_colors=BUCKET_COLORS,
        bucket_titles=BUCKET_TITLES,
        accepted_rows=sum(count.accepted for count in report.inputs),
        settings_rows=_settings_rows(report.settings),
        bridge_chart=_bridge_chart(report),
        outcome_rows=_outcome_rows(report),
        reason_cap=REASON_ROWS,
        claim_tables=claim_tables(report.claim),
    )


def template(name: str) -> Template:
    """One of the report templates, with the report's filters."""
    return _environment().get_template(name)


@functools.cache
def _environment() -> Environment:
    environment = page_environment(
        "backlogdesk.reports", signed=format_signed_money, plural=plural
    )
    environment.tests["filled_in"] = _filled_in
    return environment


def _filled_in(column: Column, rows: list[dict[str, Any]]) -> bool:
    """True when some row shows text in ``column``: an all-blank column can go."""
    return any(format_cell(row.get(column.key), column.kind) for row in rows)


def row_cap(report: Report) -> int:
    """Rows shown per triage or quality table; the Excel report lists them all."""
    default = Settings.defaults()["triage_rows"]
    return int(report.settings.get("triage_rows", default))


def claim_tables(claim: ClaimView | None) -> dict[str, dict[str, Table]]:
    """The lines behind each part of claimed vs plannable, by scope then part.

    Only parts with lines get a table. Scope and part are left out of its
    columns: the table's title names them.
    """
    if claim is None:
        return {}
    columns = tuple(c for c in claim.lines.columns if c.key not in ("scope", "part"))
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in claim.lines.rows:
        grouped.setdefault((row["scope"], row["part"]), []).append(row)

    return {
        scope.scope: {
            part.part: Table(
                f"claim_{scope.scope}_{part.part}",
                f"{scope.title}: {part.title}",
                columns,
                grouped[scope.scope, part.part],
            )
            for part in scope.parts
            if (scope.scope, part.part) in grouped
        }
        for scope in claim.scopes
    }


def _bridge_chart(report: Report) -> Markup:
    """The waterfall of the backlog bridge, or nothing without a bridge."""
    history = report.history
    if history is None or history.bridge is None:
        return Markup("")
    return bridge_chart(history.bridge, report.as_of, report.currency)


def _outcome_rows(report: Report) -> list[dict[str, Any]]:
    """Conversion outcomes, each with its share of the starting A and B value."""
    history = report.history
    if history is None or history.conversion is None:
        return []
    conversion = history.conversion
    return [
        {**outcome, "share": _share(outcome["value"], conversion)}
        for outcome in conversion.outcomes
    ]


def _share(value: Decimal, conversion: Conversion) -> Decimal | None:
    # A share of nothing is no share: blank rather than a division by zero.
    if not conversion.total_value:
        return None
    return Decimal(value) / conversion.total_value * 100


def _settings_rows(values: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Name, value as read, unit and meaning of each setting the report used."""
    registry = {setting.name: setting for setting in REGISTRY}
    rows = []
    for name, value in values.items():
        setting = registry.get(name)
        unit = setting.unit if setting else ""
        meaning = setting.help if setting else ""
        rows.append((name, _setting_text(value), unit, meaning))
    return rows


def _setting_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
