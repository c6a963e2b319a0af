"""The definitions box printed at the top of every report."""

from __future__ import annotations

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Open orders",
        "Every order line with quantity not yet shipped, not cancelled and not "
        "closed. Open quantity = ordered - shipped, floored at 0 per line.",
    ),
    (
        "Sales backlog",
        "The released, unblocked part of open orders: it can be planned and built.",
    ),
    (
        "Blocked",
        "Open lines held by a block reason (credit hold, dispute, missing drawing, "
        "capacity, material, an ERP delivery or credit block). Blocked wins over "
        "pending, pending over released.",
    ),
    ("Pending", "Open lines not yet released (awaiting release or confirmation)."),
    (
        "Budget",
        "Targets for the period (revenue, units, margin). Never added to orders.",
    ),
    (
        "Agreement coverage",
        "Frame, blanket and supply agreements not yet released as call-offs. A "
        "commitment, not backlog; never added to it.",
    ),
    (
        "Ship date",
        "The confirmed date when there is one, else the estimated date. The "
        "requested date is shown beside it and never used in its place.",
    ),
    (
        "Bucket A",
        "Backlog with a confirmed ship date in the period (past due included).",
    ),
    ("Bucket B", "Backlog with only an estimated ship date in the period."),
    ("Bucket C", "Backlog that ships after the period."),
    ("Bucket D", "Blocked lines, whatever their date."),
    (
        "Not in a bucket",
        "Pending lines and released lines without a ship date: they are in triage.",
    ),
    (
        "Charges",
        "Freight, fee and service lines carry no units and no date of their own; "
        "they follow the earliest open goods line of their order.",
    ),
    (
        "Value",
        "Net of discount and tax-exclusive, in the reporting currency; exact to "
        "the cent (half-up rounding per line).",
    ),
    (
        "Margin",
        "Open value minus open quantity x unit cost, summed over the lines that "
        "have a cost; the box says how many lines that is.",
    ),
    ("Past due", "Ship date before the as-of date. Days late = as-of - ship date."),
    ("Future-dated", "Ship date beyond the planning horizon setting."),
    ("Weeks", "ISO weeks (Monday start); every period key carries its year."),
)
