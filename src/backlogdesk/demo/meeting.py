"""Last week's review meeting in the demo: an owners file and recorded actions.

The demo store should look like one a team has used for a while: people named
per customer, product group and function, and actions recorded at the previous
week's meeting, some of whose next-update dates have passed by now.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path

from backlogdesk.demo.company import build_company
from backlogdesk.store.actions import record_action
from backlogdesk.store.database import Store

CREDIT_CONTROLLER = "Greta Lindqvist"
PLANNERS = ("Tomasz Wieczorek", "Amara Okafor", "Luis Ferreira")
SALES_DESK = "Ines Moreau"


def write_owners(folder: Path, seed: int = 7) -> Path:
    """Owners CSV: account owners per customer, planners per product group."""
    company = build_company(seed)
    rows = [("function", "finance", CREDIT_CONTROLLER)]
    rows.append(("function", "sales", SALES_DESK))
    rows.append(("function", "operations", PLANNERS[0]))
    for index, group in enumerate(company.groups):
        rows.append(("product_group", group.name, PLANNERS[index % len(PLANNERS)]))
    rows += [
        ("customer", customer.name, customer.owner) for customer in company.customers
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "owners.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("kind", "key", "person"))
        writer.writerows(rows)
    return path


def record_last_meeting(store: Store, meeting_day: date) -> int:
    """Record what the meeting after ``meeting_day``'s import decided."""
    blocked = store.sql(
        "select line_key, block_reason from line_versions where valid_from <= ? "
        "and (valid_to is null or valid_to > ?) and status = 'blocked' "
        "and shipped_qty < ordered_qty order by line_amount desc, line_key limit 10",
        [meeting_day, meeting_day],
    )
    held_at = datetime.combine(meeting_day + timedelta(days=1), time(10, 0))
    for position, (line_key, reason) in enumerate(blocked):
        owner = (
            CREDIT_CONTROLLER if reason in ("credit_hold", "payment") else PLANNERS[1]
        )
        days = 3 if position % 2 == 0 else 10
        entry = {
            "owner": owner,
            "next_update": meeting_day + timedelta(days=days),
            "decision": "unblock",
            "note": f"Agreed in the review of {meeting_day}: clear the block.",
        }
        record_action(store, line_key, 0, entry, "sales-ops", held_at)
    return len(blocked)
