"""The report object every renderer draws from; renderers compute nothing.

Money and quantities are ``Decimal``; JSON writes them as exact decimal strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

ColumnKind = Literal["text", "int", "qty", "money", "date", "pct", "flag"]
BOX_NAMES = ("open_orders", "sales_backlog", "blocked", "pending")
BUCKET_NAMES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Box:
    """A headline number: lines, units and value, with margin where cost is known.

    ``margin`` sums the lines that have a cost; ``margin_lines`` says how many
    of ``lines`` that is, so a reader sees how much of the box it covers.
    """

    lines: int
    units: Decimal
    value: Decimal
    margin: Decimal | None = None
    margin_lines: int = 0
    margin_value: Decimal = Decimal(0)

    @property
    def margin_pct(self) -> Decimal | None:
        """Margin as a share of the value of the lines that have a cost."""
        if self.margin is None or not self.margin_value:
            return None
        return (self.margin / self.margin_value * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Column:
    """A table column: key in the rows, header label, and how to format it."""

    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class Table:
    """A titled table of rows (dicts keyed by column key)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    note: str = ""

    def __repr__(self) -> str:
        return f"<Table {self.name} rows={len(self.rows)}>"


@dataclass(frozen=True)
class NotProvided:
    """A number kept apart from open orders (budget, agreement coverage): its
    text says why it is missing, or, once its input is given, what it holds."""

    title: str
    reason: str
    provided: bool = False
    value: Decimal | None = None
    count: int = 0


@dataclass(frozen=True)
class InputCount:
    """What happened to the rows of one input file."""

    file: str
    read: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class PeriodInfo:
    """The review period the buckets refer to."""

    kind: str
    key: str
    start: date
    end: date


@dataclass(frozen=True)
class QualityIssue:
    """One lane of the data-quality section: what, how many, which lines."""

    code: str
    title: str
    lines: int
    table: Table


@dataclass(frozen=True)
class BridgeStep:
    """One step of the backlog bridge: its name, title, lines and value."""

    step: str
    title: str
    lines: int
    value: Decimal


@dataclass(frozen=True)
class Bridge:
    """Sales backlog from the previous import to this one, reconciling to the cent."""

    previous: date
    opening: Decimal
    opening_lines: int
    steps: list[BridgeStep]
    closing: Decimal
    closing_lines: int
    lines: Table


@dataclass(frozen=True)
class Conversion:
    """What stood in A and B at a finished period's first import, and its fate."""

    period_key: str
    start_import: date
    end_import: date
    total_lines: int
    total_value: Decimal
    outcomes: list[dict[str, Any]]
    slip_reasons: Table
    block_reasons: Table


@dataclass
class History:
    """The sections only the weekly history can give."""

    snapshots: list[date]
    previous: date | None
    changes_summary: list[dict[str, Any]]
    changes: list[Table]
    bridge: Bridge | None
    conversion: Conversion | None
    conversion_note: str = ""


@dataclass(frozen=True)
class RuleResult:
    """One trigger as evaluated: measured value against threshold, and its lines."""

    code: str
    title: str
    scope: str
    measure: str
    measured: Decimal | None
    unit: str
    threshold: Decimal | None
    fired: bool
    function: str
    action: str
    note: str
    lines: Table | None


@dataclass
class Report:
    """The weekly backlog report, built once and rendered many ways."""

    as_of: date
    period: PeriodInfo
    currency: str
    numbers: dict[str, Box]
    buckets: dict[str, Box]
    past_due: dict[str, Box]
    not_provided: dict[str, NotProvided]
    splits: list[Table]
    ship_month_by_bucket: list[dict[str, Any]]
    triage: list[Table]
    quality: list[QualityIssue]
    lines: Table
    inputs: list[InputCount]
    rejected_file: str | None
    definitions: list[tuple[str, str]]
    settings: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    source: str = ""
    generated_by: str = ""
    history: History | None = None
    rules: list[RuleResult] = field(default_factory=list)
    coverage: Any = None
    scoreboard: Scoreboard | None = None
    claim: ClaimView | None = None

    def __repr__(self) -> str:
        box = self.numbers["open_orders"]
        return f"<Report as_of={self.as_of} period={self.period.key} open={box.lines}>"

    @property
    def read(self) -> int:
        """Input rows read across files."""
        return sum(count.read for count in self.inputs)

    @property
    def rejected(self) -> int:
        """Input rows rejected across files."""
        return sum(count.rejected for count in self.inputs)


@dataclass(frozen=True)
class ScoreLine:
    """One measure of the budget scoreboard for the review period.

    committed = actual to date + A; likely = committed + B. ``status`` is
    green when committed reaches the budget, amber when likely does, red
    otherwise (thresholds are settings), "not budgeted" without a target.
    """

    measure: str
    budget: Decimal | None
    budget_to_date: Decimal | None
    actual: Decimal
    bucket_a: Decimal
    bucket_b: Decimal
    committed: Decimal
    likely: Decimal
    variance: Decimal | None
    status: str
    landing_p50: Decimal | None = None
    landing_p90: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class Scoreboard:
    """Budget against actual to date and buckets A and B, per measure."""

    period_key: str
    basis: str
    phasing: str
    lines: list[ScoreLine]
    shipped_not_invoiced: tuple[Decimal, Decimal] | None
    landing_method: str
    members: Table | None = None
    mix: Table | None = None
    notes: list[str] = field(default_factory=list)

    def line(self, measure: str) -> ScoreLine:
        """The scoreboard line of one measure."""
        return next(line for line in self.lines if line.measure == measure)


@dataclass(frozen=True)
class ClaimPart:
    """One part of the difference between the sales claim and the planning number."""

    part: str
    title: str
    lines: int
    value: Decimal


@dataclass(frozen=True)
class ClaimScope:
    """Sales claim beside planning number for one scope (the period or the year)."""

    scope: str
    title: str
    end: date
    invoiced: Decimal
    open_orders: Decimal
    coverage: Decimal
    claim: Decimal
    plannable_backlog: Decimal
    plannable: Decimal
    difference: Decimal
    parts: list[ClaimPart]


@dataclass(frozen=True)
class ClaimView:
    """ "Claimed vs plannable" for the period and the year, each part to its lines."""

    basis: str
    scopes: list[ClaimScope]
    lines: Table


@dataclass(frozen=True)
class GapPart:
    """One part of the gap to budget: what the source holds and what it explains.

    ``explained`` is the part of the gap this source accounts for, taken in
    the order of the parts and never more than the gap still unexplained, so
    the parts add back to the gap exactly; ``available`` is the whole source.
    """

    part: str
    title: str
    lines: int
    available: Decimal
    explained: Decimal


@dataclass(frozen=True)
class MeasureGap:
    """The gap of one measure for the month: budget - (actual + A), and its parts."""

    measure: str
    budget: Decimal | None
    actual: Decimal
    bucket_a: Decimal
    gap: Decimal
    parts: list[GapPart]
    note: str = ""


@dataclass
class MonthEnd:
    """The month-end review: gap to budget, conversion, reasons, landing."""

    report: Report
    month_key: str
    gaps: list[MeasureGap]
    conversion: Conversion | None
    conversion_note: str
    reasons: Any
    generated_at: str = ""
    notes: list[str] = field(default_factory=list)
