"""The meeting pack: the review frozen as presented, with the action list, as
one HTML file and one PDF, both stamped with the moment they were frozen."""

from __future__ import annotations

import logging
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from backlogdesk.periods import PeriodKind
from backlogdesk.reports.model import Report
from backlogdesk.reports.pdf import write_pdf
from backlogdesk.review import AgreementInput, build_report
from backlogdesk.review_budget import PlanInput
from backlogdesk.rules.ownership import Owners
from backlogdesk.settings import Settings
from backlogdesk.store.actions import DECISIONS, latest_actions_table
from backlogdesk.store.database import Store
from backlogdesk.web.app import templates
from backlogdesk.web.views import Filters, review_view

log = logging.getLogger(__name__)


def write_pack(
    store: Store,
    as_of: date,
    period: PeriodKind,
    settings: Settings,
    owners: Owners,
    out_dir: Path,
    frozen_at: datetime,
    agreements: AgreementInput | None = None,
    plan: PlanInput | None = None,
) -> list[Path]:
    """Write review-<as-of>-presented-<UTC time>.html and .pdf into ``out_dir``."""
    report = build_report(
        store, as_of, period, settings, owners=owners, agreements=agreements, plan=plan
    )
    actions = action_list(store, report, frozen_at)
    html = render_pack(report, actions, frozen_at)

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"review-{as_of.isoformat()}-presented-{frozen_at:%Y%m%dT%H%M%SZ}"
    html_path = out_dir / f"{stem}.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = write_pdf(html, out_dir / f"{stem}.pdf")
    log.info("froze the review of %s into %s", as_of, out_dir)
    return [html_path, pdf_path]


def action_list(
    store: Store, report: Report, frozen_at: datetime
) -> list[dict[str, Any]]:
    """Each line's newest action recorded up to ``frozen_at``, by owner and date,
    with the line's customer and open value where it is still open."""
    newest = latest_actions_table(store, frozen_at).to_pyarrow().to_pylist()
    open_lines = {row["line_key"]: row for row in report.lines.rows}
    entries = []
    for action in newest:
        line = open_lines.get(action["line_key"])
        entries.append(
            {
                **action,
                "open": line is not None,
                "customer_name": line.get("customer_name") if line else None,
                "open_value": line.get("open_value") if line else None,
            }
        )
    entries.sort(
        key=lambda entry: (
            (entry["action_owner"] or "").lower(),
            entry["next_update"] or date.max,
            entry["line_key"],
        )
    )
    return entries


def render_pack(
    report: Report, actions: list[dict[str, Any]], frozen_at: datetime
) -> str:
    """The pack's HTML: the review's sections read-only, then the action list."""
    css = resources.files("backlogdesk.web").joinpath("static/review.css")
    view = review_view(report, Filters(), [])
    return (
        templates()
        .get_template("pack.html.j2")
        .render(
            view=view,
            actions=actions,
            frozen_at=frozen_at,
            # Our own stylesheet, inlined so the file stands alone.
            css=Markup(css.read_text(encoding="utf-8")),
            user=None,
            can_record=False,
            editable=False,
            decisions=DECISIONS,
            csrf="",
            here="",
        )
    )
