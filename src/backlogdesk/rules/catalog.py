"""Every trigger Backlog Desk knows: what it measures, against which setting,
who owns it and what it asks for. The report shows each with its measured value
against its threshold, so a reader sees why it fired."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One trigger: a measured condition, its threshold setting and the action."""

    code: str
    title: str
    measure: str
    threshold_setting: str | None
    function: str
    action: str
    scope: str = "line"


RULES: tuple[Rule, ...] = (
    Rule(
        "revenue_green_units_margin_red",
        "Revenue on track but units or margin short",
        "scoreboard status per measure",
        None,
        "sales",
        "Cut backlog shipping this period by ship month x margin band and product "
        "group; find the mix that carries revenue but not units or margin.",
        "period",
    ),
    Rule(
        "coverage_not_schedulable",
        "Coverage high, planning cannot schedule it",
        "agreement coverage / released backlog",
        "coverage_to_backlog_max",
        "sales",
        "Report coverage against released backlog; push call-offs with dates and "
        "quantities.",
        "period",
    ),
    Rule(
        "open_orders_not_moving",
        "Open orders high but nothing moves",
        "share of open value without movement for stale_after_days",
        "stale_value_share_max",
        "operations",
        "Split deliverable / blocked / future; put an owner and next date on every "
        "blocked line.",
        "period",
    ),
    Rule(
        "backlog_unconfirmed",
        "Much of the backlog is unconfirmed",
        "share of sales backlog value without a confirmed date",
        "unconfirmed_share_max",
        "operations",
        "Separate released from not released and add date confidence; confirm dates.",
        "period",
    ),
    Rule(
        "too_many_estimates",
        "Too many estimated dates",
        "bucket B value / bucket A value",
        "estimated_to_confirmed_max",
        "operations",
        "Convert estimates into confirmed dates, or escalate.",
        "period",
    ),
    Rule(
        "no_movement",
        "Line without movement",
        "days since last movement",
        "stale_after_days",
        "operations",
        "Force a decision: confirm, unblock, reschedule or reclassify.",
    ),
    Rule(
        "repeat_slip",
        "Repeat slip",
        "ship-date slips",
        None,
        "operations",
        "Ship date moved later twice: explain the cause and re-confirm.",
    ),
    Rule(
        "third_strike",
        "Third strike",
        "ship-date slips",
        None,
        "operations",
        "Moved three times or more: expedite, renegotiate, swap, or de-scope / cancel.",
    ),
    Rule(
        "blocked_without_owner",
        "Blocked line without owner or next update date",
        "blocked lines missing an owner or a next update date",
        None,
        "operations",
        "Name a person and a next update date for every blocked line.",
    ),
    Rule(
        "next_update_passed",
        "Next update date passed",
        "days past the promised next update",
        None,
        "operations",
        "The owner reports what happened and sets a new date.",
    ),
    Rule(
        "undated_released",
        "Released line without a ship date",
        "released open lines without confirmed or estimated date",
        None,
        "operations",
        "Give a realistic ship date, or take the line out of the backlog.",
    ),
    Rule(
        "pending_too_long",
        "Pending line older than allowed",
        "days since order date of pending lines",
        "pending_max_days",
        "sales",
        "Push the release or call-off with the customer, or cancel.",
    ),
)

RULE_BY_CODE = {rule.code: rule for rule in RULES}
