"""Open value by ship month, stacked by bucket, drawn as inline SVG.

The chart is plain SVG markup written into the HTML report, so the file needs no
script, font or image from anywhere else and prints as it shows on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from backlogdesk.reports.formatting import format_money
from backlogdesk.reports.model import BUCKET_NAMES

# The report's boxes use the same colours, so a bucket reads the same everywhere.
BUCKET_COLORS: dict[str, str] = {
    "A": "#3d8b5a",
    "B": "#d29a2a",
    "C": "#6b8199",
    "D": "#c2473f",
}
BUCKET_LABELS: dict[str, str] = {
    "A": "A: confirmed in period",
    "B": "B: estimated in period",
    "C": "C: after period",
    "D": "D: blocked",
}
NO_DATED_LINES = "No dated lines: no open value to chart by ship month."


@dataclass(frozen=True)
class _Frame:
    """Canvas size and the plot area inside it, in SVG user units."""

    width: float = 760
    height: float = 332
    left: float = 64
    right: float = 16
    top: float = 48
    bottom: float = 72

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> float:
        return self.height - self.bottom


@dataclass(frozen=True)
class _Scale:
    """The value axis: its top value and the tick values drawn on it."""

    top_value: float
    ticks: tuple[float, ...]

    def height_of(self, value: float, frame: _Frame) -> float:
        return max(value, 0.0) / self.top_value * frame.plot_height


def ship_month_chart(months: Sequence[dict[str, Any]], currency: str) -> Markup:
    """SVG of open value per ship month, one stacked bar (A-D) per month.

    ``months`` is the report's ``ship_month_by_bucket`` list. An empty list gives
    a short message instead of an empty drawing.
    """
    if not months:
        return Markup('<p class="chart-empty">{}</p>').format(NO_DATED_LINES)

    frame = _Frame()
    scale = _value_scale(max(_month_total(month) for month in months))
    slot_width = frame.plot_width / len(months)
    parts = [_svg_open(frame, currency), _legend(frame), _axes(frame, scale, currency)]
    for index, month in enumerate(months):
        slot_left = frame.left + index * slot_width
        parts.append(_month_group(month, slot_left, slot_width, frame, scale, currency))
    parts.append(Markup("</svg>"))
    return Markup("\n").join(parts)


def compact_amount(value: float) -> str:
    """Short axis and bar label: ``135271.52`` → ``135k``, ``2500000`` → ``2.5M``."""
    for divisor, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= divisor:
            return _three_digits(value / divisor) + suffix
    return _three_digits(value)


def _three_digits(value: float) -> str:
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _month_total(month: dict[str, Any]) -> float:
    # A negative bucket (credit lines) cannot be stacked: it is left out of the
    # bar, and the values table under the chart shows it as it is.
    return sum(max(float(month.get(name) or 0), 0.0) for name in BUCKET_NAMES)


def _value_scale(largest: float, tick_count: int = 4) -> _Scale:
    """Round the axis up to a tidy step (1, 2, 2.5 or 5 times a power of ten)."""
    if largest <= 0:
        return _Scale(1.0, (0.0,))

    raw_step = largest / tick_count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    steps = math.ceil(largest / step)
    return _Scale(steps * step, tuple(i * step for i in range(steps + 1)))


def _svg_open(frame: _Frame, currency: str) -> Markup:
    return Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-label="Open value in {c} by ship month, stacked by bucket A to D" '
        'font-size="11">'
    ).format(w=frame.width, h=frame.height, c=currency)


def _legend(frame: _Frame) -> Markup:
    items = []
    for index, name in enumerate(BUCKET_NAMES):
        x = frame.left + index * 160
        items.append(
            Markup(
                '<rect x="{x}" y="12" width="12" height="12" rx="2" fill="{fill}"/>'
                '<text x="{tx}" y="22">{label}</text>'
            ).format(
                x=x, tx=x + 18, fill=BUCKET_COLORS[name], label=BUCKET_LABELS[name]
            )
        )
    return Markup('<g class="legend">{}</g>').format(Markup("").join(items))


def _axes(frame: _Frame, scale: _Scale, currency: str) -> Markup:
    """Horizontal grid lines with value labels, the baseline and axis titles."""
    lines = []
    for tick in scale.ticks:
        y = frame.baseline - scale.height_of(tick, frame)
        lines.append(
            Markup(
                '<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                '<text x="{tx}" y="{ty:.1f}" text-anchor="end">{label}</text>'
            ).format(
                x1=frame.left,
                x2=frame.width - frame.right,
                y=y,
                tx=frame.left - 6,
                ty=y + 4,
                label=compact_amount(tick),
            )
        )

    titles = Markup(
        '<text x="{lx}" y="{ly}" class="axis-title">Open value, {c}</text>'
        '<text x="{mx:.1f}" y="{my}" text-anchor="middle" class="axis-title">'
        "Ship month</text>"
    ).format(
        lx=4,
        ly=frame.top - 8,
        c=currency,
        mx=frame.left + frame.plot_width / 2,
        my=frame.height - 6,
    )
    return Markup('<g class="axes">{}{}</g>').format(Markup("").join(lines), titles)


def _month_group(
    month: dict[str, Any],
    slot_left: float,
    slot_width: float,
    frame: _Frame,
    scale: _Scale,
    currency: str,
) -> Markup:
    """One month: its stacked segments, its total above and its label below."""
    bar_width = min(slot_width * 0.62, 64.0)
    bar_left = slot_left + (slot_width - bar_width) / 2
    label = str(month["month"])

    segments = []
    y = frame.baseline
    for name in BUCKET_NAMES:
        value = Decimal(month.get(name) or 0)
        height = scale.height_of(float(value), frame)
        y -= height
        segments.append(
            _segment(name, label, value, (bar_left, y, bar_width, height), currency)
        )

    total = compact_amount(_month_total(month)) if slot_width >= 30 else ""
    return Markup(
        '<g class="month" data-month="{m}">{segments}'
        '<text x="{cx:.1f}" y="{ty:.1f}" text-anchor="middle" class="total">'
        "{total}</text>{month_label}</g>"
    ).format(
        m=label,
        segments=Markup("").join(segments),
        cx=bar_left + bar_width / 2,
        ty=y - 5,
        total=total,
        month_label=_month_label(label, bar_left + bar_width / 2, slot_width, frame),
    )


def _segment(
    bucket: str,
    month_label: str,
    value: Decimal,
    box: tuple[float, float, float, float],
    currency: str,
) -> Markup:
    """A bucket's slice of a bar, with the exact value as its hover title."""
    x, y, width, height = box
    inner_label = ""
    if height >= 15 and width >= 34:
        inner_label = Markup(
            '<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" class="inside">'
            "{text}</text>"
        ).format(
            cx=x + width / 2, cy=y + height / 2 + 4, text=compact_amount(float(value))
        )

    return Markup(
        '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        'fill="{fill}" data-bucket="{b}" data-value="{v}">'
        "<title>{m} bucket {b}: {money} {c}</title></rect>{inner}"
    ).format(
        x=x,
        y=y,
        w=width,
        h=height,
        fill=BUCKET_COLORS[bucket],
        b=bucket,
        v=value,
        m=month_label,
        money=format_money(value),
        c=currency,
        inner=inner_label,
    )


def _month_label(
    label: str, center_x: float, slot_width: float, frame: _Frame
) -> Markup:
    # Narrow slots (many months) would make labels collide: tilt them instead.
    y = frame.baseline + 16
    if slot_width >= 52:
        return Markup(
            '<text x="{x:.1f}" y="{y}" text-anchor="middle">{t}</text>'
        ).format(x=center_x, y=y, t=label)
    return Markup(
        '<text x="{x:.1f}" y="{y}" text-anchor="end" '
        'transform="rotate(-40 {x:.1f} {y})">{t}</text>'
    ).format(x=center_x, y=y, t=label)
