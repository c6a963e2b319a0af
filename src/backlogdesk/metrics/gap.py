"""The month-end gap to budget and where it sits.

gap = budget - (actual to date + bucket A), never below 0. It is explained by
sources taken in a fixed order: blocked lines dated in the month (or undated),
lines that slipped out of the month since its first import, estimated dates
in the month (bucket B), agreement coverage valid in the month and not yet
called off; what no source explains is "not covered at all". Each source
explains at most the gap still unexplained, so the parts add back to the gap
to the cent whatever the sources hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from backlogdesk.reports.model import GapPart, MeasureGap

PARTS = (
    ("blocked", "Blocked, dated in the month or undated"),
    ("slipped", "Slipped out of the month since its first import"),
    ("unconfirmed", "Estimated dates in the month (bucket B)"),
    ("covered", "Covered by agreements, not yet called off"),
)
NOT_COVERED = ("not_covered", "Not covered at all")


@dataclass(frozen=True)
class GapSource:
    """What one source holds for one measure: lines and amount."""

    part: str
    lines: int
    amount: Decimal


def measure_gap(
    measure: str,
    budget: Decimal | None,
    actual: Decimal,
    bucket_a: Decimal,
    sources: Sequence[GapSource],
    note: str = "",
) -> MeasureGap:
    """The measure's gap, explained source by source in the order of PARTS."""
    by_part = {source.part: source for source in sources}
    gap = Decimal(0) if budget is None else max(budget - actual - bucket_a, Decimal(0))
    left = gap
    parts = []
    for name, title in PARTS:
        source = by_part.get(name, GapSource(name, 0, Decimal(0)))
        available = max(source.amount, Decimal(0))
        explained = min(available, left)
        left -= explained
        parts.append(GapPart(name, title, source.lines, available, explained))
    parts.append(GapPart(NOT_COVERED[0], NOT_COVERED[1], 0, left, left))
    return MeasureGap(measure, budget, actual, bucket_a, gap, parts, note)
