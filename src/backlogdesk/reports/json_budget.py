"""The JSON of the budget sections: the scoreboard and claimed vs plannable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backlogdesk.reports.model import ClaimView, Scoreboard, ScoreLine


def amount_text(value: Decimal | None, measure: str) -> str | None:
    """Money with two decimals; units without trailing zeros; None stays None."""
    from backlogdesk.reports.json_report import money_text, qty_text

    if value is None:
        return None
    return qty_text(value) if measure == "units" else money_text(value)


def _score_line(line: ScoreLine) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return amount_text(value, line.measure)

    return {
        "budget": text(line.budget),
        "budget_to_date": text(line.budget_to_date),
        "actual": text(line.actual),
        "bucket_a": text(line.bucket_a),
        "bucket_b": text(line.bucket_b),
        "committed": text(line.committed),
        "likely": text(line.likely),
        "variance": text(line.variance),
        "status": line.status,
        "landing_p50": text(line.landing_p50),
        "landing_p90": text(line.landing_p90),
        "note": line.note,
    }


def scoreboard_document(
    scoreboard: Scoreboard | None, rows: Any
) -> dict[str, Any] | None:
    """The scoreboard per measure, with its basis, phasing and landing method."""
    if scoreboard is None:
        return None
    unbilled = scoreboard.shipped_not_invoiced
    return {
        "period": scoreboard.period_key,
        "basis": scoreboard.basis,
        "phasing": scoreboard.phasing,
        "measures": {line.measure: _score_line(line) for line in scoreboard.lines},
        "shipped_not_invoiced": None
        if unbilled is None
        else {
            "value": amount_text(unbilled[0], "revenue"),
            "units": amount_text(unbilled[1], "units"),
        },
        "landing_method": scoreboard.landing_method,
        "mix": None if scoreboard.mix is None else rows(scoreboard.mix),
        "members": None if scoreboard.members is None else rows(scoreboard.members),
        "notes": scoreboard.notes,
    }


def claim_document(claim: ClaimView | None, rows: Any) -> dict[str, Any] | None:
    """Claimed vs plannable per scope, its parts, and the lines behind them."""
    if claim is None:
        return None

    def money(value: Decimal) -> str | None:
        return amount_text(value, "revenue")

    scopes = {
        scope.scope: {
            "title": scope.title,
            "end": scope.end.isoformat(),
            "invoiced": money(scope.invoiced),
            "open_orders": money(scope.open_orders),
            "coverage": money(scope.coverage),
            "claim": money(scope.claim),
            "plannable_backlog": money(scope.plannable_backlog),
            "plannable": money(scope.plannable),
            "difference": money(scope.difference),
            "parts": {
                part.part: {
                    "title": part.title,
                    "lines": part.lines,
                    "value": money(part.value),
                }
                for part in scope.parts
            },
        }
        for scope in claim.scopes
    }
    return {"basis": claim.basis, "scopes": scopes, "lines": rows(claim.lines)}
