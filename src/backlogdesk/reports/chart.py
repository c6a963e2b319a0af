"""The report's charts, drawn as inline SVG: open value by ship month, stacked by
bucket, and the backlog bridge from the previous import as a waterfall.

A chart is plain SVG markup written into the HTML report, so the file needs no
script, font or image from anywhere else and prints as it shows on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from backlogdesk.reports.formatting import format_money
from backlogdesk.reports.model import BUCKET_NAMES, Bridge

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

# Green adds to the backlog, red takes from it; the totals stay neutral.
BRIDGE_COLORS: dict[str, str] = {
    "total": "#486581",
    "up": "#3d8b5a",
    "down": "#c2473f",
}
BRIDGE_LABELS: dict[str, str] = {
    "total": "Sales backlog",
    "up": "Adds to backlog",
    "down": "Takes from backlog",
}


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
    """The value axis: its bottom and top values and the tick values drawn on it.

    The bottom is zero unless a drawing runs below zero (a bridge whose steps
    take the running total under zero, which credit lines can do).
    """

    low: float
    high: float
    ticks: tuple[float, ...]

    def y_of(self, value: float, frame: _Frame) -> float:
        share = (value - self.low) / (self.high - self.low)
        return frame.baseline - share * frame.plot_height

    def height_of(self, value: float, frame: _Frame) -> float:
        return self.y_of(0.0, frame) - self.y_of(max(value, 0.0), frame)


def ship_month_chart(months: Sequence[dict[str, Any]], currency: str) -> Markup:
    """SVG of open value per ship month, one stacked bar (A-D) per month.

    ``months`` is the report's ``ship_month_by_bucket`` list. An empty list gives
    a short message instead of an empty drawing.
    """
    if not months:
        return Markup('<p class="chart-empty">{}</p>').format(NO_DATED_LINES)

    frame = _Frame()
    scale = _value_scale(0.0, max(_month_total(month) for month in months))
    slot_width = frame.plot_width / len(months)
    legend = [(BUCKET_COLORS[name], BUCKET_LABELS[name]) for name in BUCKET_NAMES]
    parts = [
        _svg_open(frame, currency),
        _legend(frame, legend, spacing=160),
        _axes(frame, scale, f"Open value, {currency}", "Ship month"),
    ]
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


def _value_scale(low: float, high: float, tick_count: int = 4) -> _Scale:
    """An axis over ``low``..``high`` and zero, in tidy steps (1, 2, 2.5, 5 x 10^n)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        return _Scale(0.0, 1.0, (0.0,))

    raw_step = (high - low) / tick_count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    first, last = math.floor(low / step), math.ceil(high / step)
    ticks = tuple(index * step for index in range(first, last + 1))
    return _Scale(first * step, last * step, ticks)


def _svg_open(frame: _Frame, currency: str) -> Markup:
    return Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-label="Open value in {c} by ship month, stacked by bucket A to D" '
        'font-size="11">'
    ).format(w=frame.width, h=frame.height, c=currency)


def _legend(frame: _Frame, items: Sequence[tuple[str, str]], spacing: float) -> Markup:
    """A row of colour swatches with their labels above the plot."""
    swatches = []
    for index, (color, label) in enumerate(items):
        x = frame.left + index * spacing
        swatches.append(
            Markup(
                '<rect x="{x}" y="12" width="12" height="12" rx="2" fill="{fill}"/>'
                '<text x="{tx}" y="22">{label}</text>'
            ).format(x=x, tx=x + 18, fill=color, label=label)
        )
    return Markup('<g class="legend">{}</g>').format(Markup("").join(swatches))


def _axes(frame: _Frame, scale: _Scale, value_title: str, x_title: str) -> Markup:
    """Horizontal grid lines with value labels, and the axis titles."""
    lines = []
    for tick in scale.ticks:
        y = scale.y_of(tick, frame)
        lines.append(
            Markup(
                '<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" class="{cls}"/>'
                '<text x="{tx}" y="{ty:.1f}" text-anchor="end">{label}</text>'
            ).format(
                x1=frame.left,
                x2=frame.width - frame.right,
                y=y,
                cls="grid zero" if tick == 0 else "grid",
                tx=frame.left - 6,
                ty=y + 4,
                label=compact_amount(tick),
            )
        )

    titles = Markup('<text x="4" y="{y}" class="axis-title">{t}</text>').format(
        y=frame.top - 8, t=value_title
    )
    if x_title:
        titles += Markup(
            '<text x="{x:.1f}" y="{y}" text-anchor="middle" class="axis-title">'
            "{t}</text>"
        ).format(x=frame.left + frame.plot_width / 2, y=frame.height - 6, t=x_title)
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


@dataclass(frozen=True)
class _BridgeBar:
    """One bar of the waterfall: where it starts and ends on the value axis."""

    step: str
    label: str
    lines: int
    value: Decimal
    start: Decimal
    end: Decimal

    @property
    def kind(self) -> str:
        if self.step in ("opening", "closing"):
            return "total"
        return "up" if self.value > 0 else "down"


def bridge_chart(bridge: Bridge, as_of: date, currency: str) -> Markup:
    """SVG waterfall of the sales backlog from the previous import to ``as_of``.

    Opening bar, one floating bar per step that moved value (zero steps are
    only listed in the table beside it), closing bar; each with its value.
    """
    bars = _bridge_bars(bridge, as_of)
    levels = [float(level) for bar in bars for level in (bar.start, bar.end)]
    scale = _value_scale(min(levels), max(levels))
    frame = _Frame(height=360, bottom=80)
    slot_width = frame.plot_width / len(bars)
    legend = [(BRIDGE_COLORS[kind], BRIDGE_LABELS[kind]) for kind in BRIDGE_COLORS]

    parts = [
        _bridge_svg_open(frame, bridge.previous, as_of, currency),
        _legend(frame, legend, spacing=150),
        _axes(frame, scale, f"Sales backlog, {currency}", ""),
    ]
    for index, bar in enumerate(bars):
        slot_left = frame.left + index * slot_width
        parts.append(_bridge_group(bar, slot_left, slot_width, frame, scale, currency))
        if index + 1 < len(bars):
            parts.append(_connector(bar, slot_left, slot_width, frame, scale))
    parts.append(Markup("</svg>"))
    return Markup("\n").join(parts)


def _bridge_bars(bridge: Bridge, as_of: date) -> list[_BridgeBar]:
    """Opening, the steps that moved value, closing; each step starts where the
    one before it ended."""
    zero = Decimal(0)
    opening = f"Opening {bridge.previous.isoformat()}"
    bars = [
        _BridgeBar(
            "opening",
            opening,
            bridge.opening_lines,
            bridge.opening,
            zero,
            bridge.opening,
        )
    ]

    level = bridge.opening
    for step in bridge.steps:
        if not step.value:
            continue
        after = level + step.value
        bars.append(
            _BridgeBar(step.step, step.title, step.lines, step.value, level, after)
        )
        level = after

    closing = f"Closing {as_of.isoformat()}"
    bars.append(
        _BridgeBar(
            "closing",
            closing,
            bridge.closing_lines,
            bridge.closing,
            zero,
            bridge.closing,
        )
    )
    return bars


def _bridge_svg_open(
    frame: _Frame, previous: date, as_of: date, currency: str
) -> Markup:
    return Markup(
        '<svg class="chart bridge-chart" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-label="Sales backlog bridge in {c} from {p} to {a}: '
        'opening, the steps that moved it, closing" font-size="11">'
    ).format(w=frame.width, h=frame.height, c=currency, p=previous, a=as_of)


def _bridge_group(
    bar: _BridgeBar,
    slot_left: float,
    slot_width: float,
    frame: _Frame,
    scale: _Scale,
    currency: str,
) -> Markup:
    """One bar with its exact value as hover title, its value above, label below."""
    bar_width = min(slot_width * 0.62, 64.0)
    bar_left = slot_left + (slot_width - bar_width) / 2
    top = scale.y_of(float(max(bar.start, bar.end)), frame)
    # A step too small to see at this scale still gets a visible sliver.
    height = max(scale.y_of(float(min(bar.start, bar.end)), frame) - top, 1.5)

    return Markup(
        '<g class="bridge-bar" data-step="{step}" data-kind="{kind}">'
        '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        'fill="{fill}" data-value="{v}"><title>{label}: {money} {c}, {lines}</title>'
        '</rect><text x="{cx:.1f}" y="{ty:.1f}" text-anchor="middle" '
        'class="total">{short}</text>{caption}</g>'
    ).format(
        step=bar.step,
        kind=bar.kind,
        x=bar_left,
        y=top,
        w=bar_width,
        h=height,
        fill=BRIDGE_COLORS[bar.kind],
        v=bar.value,
        label=bar.label,
        money=_bridge_amount(bar, format_money(bar.value)),
        c=currency,
        lines=f"{bar.lines:,d} line" + ("" if bar.lines == 1 else "s"),
        cx=bar_left + bar_width / 2,
        ty=top - 5,
        short=_bridge_amount(bar, compact_amount(float(bar.value))),
        caption=_caption(bar.label, bar_left + bar_width / 2, slot_width, frame),
    )


def _bridge_amount(bar: _BridgeBar, text: str) -> str:
    # Steps carry their sign so a reader sees the direction without the colour.
    return "+" + text if bar.kind == "up" else text


def _connector(
    bar: _BridgeBar, slot_left: float, slot_width: float, frame: _Frame, scale: _Scale
) -> Markup:
    """Dashed line from where a bar ends to where the next one starts."""
    y = scale.y_of(float(bar.end), frame)
    bar_width = min(slot_width * 0.62, 64.0)
    x1 = slot_left + (slot_width + bar_width) / 2
    return Markup(
        '<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
        'class="connector"/>'
    ).format(x1=x1, x2=x1 + slot_width - bar_width, y=y)


def _caption(label: str, center_x: float, slot_width: float, frame: _Frame) -> Markup:
    """A step's title under its bar, wrapped to the bar's slot."""
    characters = max(int(slot_width / 6.2), 8)
    rows = [
        Markup('<tspan x="{x:.1f}" dy="{dy}">{t}</tspan>').format(
            x=center_x, dy=0 if index == 0 else 12, t=row
        )
        for index, row in enumerate(_wrap(label, characters))
    ]
    return Markup(
        '<text y="{y}" text-anchor="middle" class="step-label">{rows}</text>'
    ).format(y=frame.baseline + 16, rows=Markup("").join(rows))


def _wrap(text: str, characters: int) -> list[str]:
    """Words of ``text`` in rows of about ``characters``; a long word keeps a row."""
    rows: list[str] = []
    for word in text.split():
        if rows and len(rows[-1]) + 1 + len(word) <= characters:
            rows[-1] += " " + word
        else:
            rows.append(word)
    return rows
