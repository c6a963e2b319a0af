"""Write the weekly backlog report as one self-contained HTML file.

The page carries its own CSS and an inline SVG chart: it opens from a shared drive
or an e-mail attachment with no network, and prints as it shows.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from backlogdesk.reports.chart import BUCKET_COLORS, ship_month_chart
from backlogdesk.reports.formatting import (
    format_cell,
    format_date,
    format_int,
    format_money,
    format_pct,
    format_qty,
    is_numeric,
)
from backlogdesk.reports.model import Report
from backlogdesk.settings import REGISTRY, Settings

log = logging.getLogger(__name__)

TEMPLATE_NAME = "report.html.j2"
BUCKET_TITLES = {
    "A": "Confirmed in period",
    "B": "Estimated in period",
    "C": "Ships after period",
    "D": "Blocked",
}


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
        row_cap=_row_cap(report),
        chart=ship_month_chart(report.ship_month_by_bucket, report.currency),
        bucket_colors=BUCKET_COLORS,
        bucket_titles=BUCKET_TITLES,
        accepted_rows=sum(count.accepted for count in report.inputs),
        settings_rows=_settings_rows(report.settings),
    )


@functools.cache
def _environment() -> Environment:
    # Autoescape on: customer names, comments and file names come from ERP
    # exports and must never be read as markup.
    environment = Environment(
        loader=PackageLoader("backlogdesk.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        money=format_money,
        qty=format_qty,
        integer=format_int,
        pct=format_pct,
        iso=format_date,
        cell=format_cell,
    )
    environment.tests["numeric"] = is_numeric
    return environment


def _row_cap(report: Report) -> int:
    """Rows shown per triage or quality table; the Excel report lists them all."""
    default = Settings.defaults()["triage_rows"]
    return int(report.settings.get("triage_rows", default))


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
