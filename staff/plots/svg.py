"""Plots drawn on the server as SVG: no charting library, no script, nothing inline for the Content-Security-Policy
to refuse (colours are classes in static/css/plots.css, positions are SVG attributes). Each plot scales with its
viewBox, so it fits a phone's width and prints as drawn.

Two shapes of plot, enough for the chart:
- a line plot of numbers over days, with shaded horizontal bands (an instrument's severity bands, a program's weekly
  hours) and vertical markers (the days a plan was signed);
- a timeline of marks in lanes (drug screens: one lane per substance), each mark's kind told by its shape, its colour
  and its text (a <title> and the legend), never by colour alone.

The builders return markup only; the page puts it in a <figure role="img"> captioned, with the numbers as a table.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from clinic.clock import date_label

WIDTH, HEIGHT = 400, 200
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 24  # the margins that hold the axes' labels
MAX_DAY_TICKS = 5
TICK_FORMAT = "M j"


@dataclass(frozen=True)
class Shade:
    """A horizontal band from `low` to `high` on the value axis, a class of plots.css giving its tone."""

    low: float
    high: float
    label: str
    tone: str


@dataclass(frozen=True)
class Marker:
    """A vertical line on a day (a plan's signature)."""

    day: datetime.date
    label: str


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: float
    label: str  # the point's text for a pointer's hover (<title>)


@dataclass(frozen=True)
class Mark:
    """A mark in a timeline's lane: `kind` names its shape and tone (see SHAPES)."""

    day: datetime.date
    lane: int
    kind: str
    label: str


class Axis:
    """Days across, values up, onto the plot's area inside the margins."""

    def __init__(self, days: list[datetime.date], top_value: float, *, height: int = HEIGHT, left: int = LEFT):
        first, last = min(days), max(days)
        if first == last:  # one day: in the middle of a week's width
            first, last = first - datetime.timedelta(days=3), last + datetime.timedelta(days=3)
        self.first, self.last = first, last
        self.span = (last - first).days
        self.top_value = top_value or 1
        self.height, self.left = height, left

    def x(self, day: datetime.date) -> float:
        return round(self.left + (day - self.first).days / self.span * (WIDTH - self.left - RIGHT), 1)

    def y(self, value: float) -> float:
        inner = self.height - TOP - BOTTOM
        return round(TOP + inner - min(max(value, 0), self.top_value) / self.top_value * inner, 1)

    def day_ticks(self) -> list[datetime.date]:
        """Up to five evenly spaced days, the first and the last included."""
        count = min(MAX_DAY_TICKS, self.span + 1)
        step = self.span / (count - 1)
        return sorted({self.first + datetime.timedelta(days=round(i * step)) for i in range(count)})


def _svg(body: SafeString, height: int, label: str) -> SafeString:
    # The figure around it is the image (role="img", named by its caption): the drawing itself is hidden from
    # screen readers, who get the table of numbers instead.
    return format_html(
        '<svg class="plot" viewBox="0 0 {} {}" preserveAspectRatio="xMidYMid meet" aria-hidden="true" '
        'focusable="false" data-plot="{}">{}</svg>',
        WIDTH,
        height,
        label,
        body,
    )


def _day_axis(axis: Axis) -> SafeString:
    """Gridlines and labels on up to five days; the first label starts at its day and the last ends at it, so that
    neither is cut at the plot's edges."""
    bottom = axis.height - BOTTOM
    ticks = axis.day_ticks()
    anchors = {ticks[0]: "start", ticks[-1]: "end"} if len(ticks) > 1 else {}
    return format_html_join(
        "",
        '<line class="plot-grid" x1="{0}" x2="{0}" y1="{1}" y2="{2}"></line>'
        '<text class="plot-tick" x="{0}" y="{3}" text-anchor="{5}">{4}</text>',
        (
            (axis.x(day), TOP, bottom, bottom + 15, date_label(day, TICK_FORMAT), anchors.get(day, "middle"))
            for day in ticks
        ),
    )


def _spaced(values: list[float], axis: Axis, gap: float = 12) -> list[float]:
    """The value ticks whose labels do not overlap (a tick closer than `gap` to the one kept below it is left out;
    the top one is kept)."""
    kept: list[float] = []
    for value in sorted(values):
        if kept and axis.y(kept[-1]) - axis.y(value) < gap:
            if value != max(values):
                continue
            kept.pop()
        kept.append(value)
    return kept


def line_plot(
    *,
    points: list[Point],
    top_value: float,
    value_ticks: list[float],
    shades: list[Shade] = (),
    markers: list[Marker] = (),
    label: str = "",
) -> SafeString | None:
    """A line through `points` (oldest first) over days, on a value axis from 0 to `top_value`, with `shades` behind
    and `markers` across. None when there is nothing to plot: the page says so in words instead."""
    if not points:
        return None
    days = [point.day for point in points] + [marker.day for marker in markers]
    axis = Axis(days, top_value)
    right = WIDTH - RIGHT
    shading = format_html_join(
        "",
        '<rect class="plot-band {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        (
            (
                shade.tone,
                LEFT,
                axis.y(shade.high),
                right - LEFT,
                round(axis.y(shade.low) - axis.y(shade.high), 1),
                shade.label,
            )
            for shade in shades
        ),
    )
    ticks = format_html_join(
        "",
        '<line class="plot-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"></line>'
        '<text class="plot-tick" x="{3}" y="{4}" text-anchor="end">{5}</text>',
        ((LEFT, right, axis.y(v), LEFT - 4, axis.y(v) + 4, f"{v:g}") for v in _spaced(value_ticks, axis)),
    )
    marking = format_html_join(
        "",
        '<line class="plot-marker" x1="{0}" x2="{0}" y1="{1}" y2="{2}"><title>{3}</title></line>',
        ((axis.x(marker.day), TOP, HEIGHT - BOTTOM, marker.label) for marker in markers),
    )
    line = ""
    if len(points) > 1:
        line = format_html(
            '<polyline class="plot-line" points="{}"></polyline>',
            " ".join(f"{axis.x(p.day)},{axis.y(p.value)}" for p in points),
        )
    dots = format_html_join(
        "",
        '<circle class="plot-point" cx="{}" cy="{}" r="4"><title>{}</title></circle>',
        ((axis.x(p.day), axis.y(p.value), p.label) for p in points),
    )
    body = mark_safe(shading + ticks + _day_axis(axis) + marking + line + dots)  # noqa: S308 (escaped parts)
    return _svg(body, HEIGHT, label)


LANE_HEIGHT = 26
LANE_LEFT = 110  # room for a substance's name
# A mark's shape per kind: the kinds differ in shape as well as tone (plots.css), and each says its kind in words.
SHAPES = {
    "negative": '<circle class="plot-mark mark-negative" cx="{x}" cy="{y}" r="5"><title>{label}</title></circle>',
    "expected": (
        '<rect class="plot-mark mark-expected" x="{x0}" y="{y0}" width="10" height="10"><title>{label}</title></rect>'
    ),
    "positive": (
        '<polygon class="plot-mark mark-positive" points="{x},{top} {x1},{bottom} {x0},{bottom}">'
        "<title>{label}</title></polygon>"
    ),
}


def timeline(*, lanes: list[str], marks: list[Mark], label: str = "") -> SafeString | None:
    """Marks in lanes over days (a lane a row, its name on the left). None when there are no marks."""
    if not marks:
        return None
    height = TOP + BOTTOM + LANE_HEIGHT * len(lanes)
    axis = Axis([mark.day for mark in marks], 1, height=height, left=LANE_LEFT)

    def lane_y(lane: int) -> int:
        return TOP + LANE_HEIGHT * lane + LANE_HEIGHT // 2

    names = format_html_join(
        "",
        '<line class="plot-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"></line>'
        '<text class="plot-tick" x="{3}" y="{4}" text-anchor="end">{5}</text>',
        ((LANE_LEFT, WIDTH - RIGHT, lane_y(i), LANE_LEFT - 6, lane_y(i) + 4, name) for i, name in enumerate(lanes)),
    )
    drawn = []
    for mark in marks:
        x, y = axis.x(mark.day), lane_y(mark.lane)
        drawn.append(
            format_html(
                SHAPES[mark.kind],
                **{
                    "x": x,
                    "y": y,
                    "x0": round(x - 5, 1),
                    "x1": round(x + 5, 1),
                    "y0": y - 5,
                    "top": y - 6,
                    "bottom": y + 5,
                    "label": mark.label,
                },
            )
        )
    body = mark_safe(names + _day_axis(axis) + "".join(drawn))  # noqa: S308 (escaped parts)
    return _svg(body, height, label)
