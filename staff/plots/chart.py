"""The chart's plots from its records: each instrument's scores with its severity bands and the plan's signatures,
the weekly hours against the program's band, the drug screens as a timeline. Pure: the records come loaded."""

import datetime
import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString

from clinic.clock import date_label
from measures.instruments import Definition, Scale
from measures.models import DrugScreen, MeasureResponse, ScreenResult, Substance
from staff.plots.svg import Mark, Marker, Point, Shade, line_plot, timeline

SCALE_FIELDS = {"total": "total", "use": "use_score", "risk": "risk_score", "protective": "protective_score"}
# Scales on which a higher score is better: their bands' tones run the other way.
HIGHER_IS_BETTER = {"protective"}


def short_name(definition: Definition) -> str:
    """ "PHQ-9", "GAD-7", "BAM": the name in messages and headings."""
    return {"phq9": "PHQ-9", "gad7": "GAD-7", "bam": "BAM"}[definition.code]


@dataclass
class ScalePlot:
    key: str  # an id for the page: "phq9-total"
    title: str
    svg: SafeString | None
    caption: str  # the plot in words: what it shows, how many points, the latest


@dataclass
class ScoreRow:
    day: datetime.date
    scores: list[tuple[str, int, str]]  # per scale: its label, the score and its band's label


@dataclass
class InstrumentHistory:
    definition: Definition
    name: str
    scales: list[Scale]
    plots: list[ScalePlot] = field(default_factory=list)
    rows: list[ScoreRow] = field(default_factory=list)  # newest first, as the table reads

    @property
    def latest(self) -> ScoreRow | None:
        return self.rows[0] if self.rows else None


def _shades(scale: Scale) -> list[Shade]:
    count = len(scale.bands)
    shades = []
    for i, band in enumerate(scale.bands):
        tone = round(i * 4 / (count - 1)) if count > 1 else 0
        if scale.code in HIGHER_IS_BETTER:
            tone = 4 - tone
        high = scale.bands[i + 1].low if i + 1 < count else scale.maximum
        shades.append(Shade(band.low, high, f"{band.label}: {band.low} to {band.high}", f"band-{tone}"))
    return shades


def instrument_history(
    definition: Definition, responses: list[MeasureResponse], signed: list[tuple[datetime.date, int]]
) -> InstrumentHistory:
    """One instrument's plots (a plot per scale: the PHQ-9's and GAD-7's total, the BAM's three subscales) and its
    table. `responses` oldest first; `signed`: the plan's signature days and versions, marked from the first score."""
    scales = [definition.scale(code) for code in ("total", "use", "risk", "protective") if _has(definition, code)]
    name = short_name(definition)
    history = InstrumentHistory(definition, name, scales)
    first = responses[0].administered_on if responses else None
    markers = [Marker(day, f"Plan version {version} signed {date_label(day)}") for day, version in signed]
    markers = [marker for marker in markers if first is not None and marker.day >= first]
    for scale in scales:
        column = SCALE_FIELDS[scale.code]
        points = [
            Point(
                r.administered_on,
                getattr(r, column),
                f"{date_label(r.administered_on)}: {getattr(r, column)}, {scale.band(getattr(r, column)).label}",
            )
            for r in responses
        ]
        title = f"{name} {scale.label.lower()}" if len(scales) > 1 else f"{name} total"
        svg = line_plot(
            points=points,
            top_value=scale.maximum,
            value_ticks=sorted({band.low for band in scale.bands} | {scale.maximum}),
            shades=_shades(scale),
            markers=markers,
            label=f"{definition.code}-{scale.code}",
        )
        history.plots.append(ScalePlot(f"{definition.code}-{scale.code}", title, svg, _caption(title, points, markers)))
    for r in reversed(responses):
        scores = [
            (s.label, getattr(r, SCALE_FIELDS[s.code]), s.band(getattr(r, SCALE_FIELDS[s.code])).label) for s in scales
        ]
        history.rows.append(ScoreRow(r.administered_on, scores))
    return history


def _caption(title: str, points: list[Point], markers: list[Marker]) -> str:
    if not points:
        return f"{title}: no scores yet."
    span = (
        f"on {date_label(points[0].day)}"
        if len(points) == 1
        else f"from {date_label(points[0].day)} to {date_label(points[-1].day)}"
    )
    count = "1 score" if len(points) == 1 else f"{len(points)} scores"
    signed = f"; dashed lines: {len(markers)} plan signature{'s' if len(markers) != 1 else ''}" if markers else ""
    return f"{title} over time, {count} {span}, latest {points[-1].label.split(': ', 1)[1]}. Shaded: the bands{signed}."


def _has(definition: Definition, code: str) -> bool:
    return any(scale.code == code for scale in definition.scales)


def hours_plot(weeks) -> SafeString | None:
    """The weekly hours (oldest week first) against the program's minimum and maximum, shaded."""
    if not weeks:
        return None
    minimum = next((w.minimum for w in weeks if w.minimum is not None), None)
    maximum = next((w.maximum for w in weeks if w.maximum is not None), None)
    most = max([float(w.hours) for w in weeks] + [float(minimum or 0), float(maximum or 0), 1])
    top = math.ceil(most * 1.15 / 5) * 5
    shades = []
    if minimum is not None or maximum is not None:
        low, high = float(minimum or 0), float(maximum or top)
        shades.append(Shade(low, high, f"The program's band: {low:g} to {high:g} hours a week", "band-0"))
    ticks = sorted({0, top} | {float(b) for b in (minimum, maximum) if b is not None})
    points = [
        Point(w.week_start, float(w.hours), f"Week of {date_label(w.week_start)}: {w.hours} hours") for w in weeks
    ]
    return line_plot(points=points, top_value=top, value_ticks=ticks, shades=shades, label="hours")


# A screen's results, worst first: what the "any substance" lane shows for the whole screen.
SEVERITY = {ScreenResult.POSITIVE: 2, ScreenResult.EXPECTED: 1, ScreenResult.NEGATIVE: 0}
KIND_WORDS = {
    ScreenResult.NEGATIVE: "negative",
    ScreenResult.POSITIVE: "unexpected positive",
    ScreenResult.EXPECTED: "positive as expected",
}


@dataclass
class ScreenRow:
    screen: DrugScreen
    day: datetime.date
    positives: list[tuple[str, str]]  # (substance label, result) of the non-negative results
    unexpected: bool
    tested: int


@dataclass
class ScreenHistory:
    rows: list[ScreenRow]  # newest first
    svg: SafeString | None
    lanes: list[str]


def screen_history_plot(screens: list[DrugScreen]) -> ScreenHistory:
    """The screens (newest first, results prefetched) as a timeline: a lane for the whole screen, then one per
    substance that was ever positive (as expected or not), and the table's rows."""
    rows = []
    ever = set()
    for screen in screens:
        results = list(screen.results.all())
        positives = [(r.substance, r.result) for r in results if r.result != ScreenResult.NEGATIVE]
        ever.update(substance for substance, _ in positives)
        rows.append(
            ScreenRow(
                screen=screen,
                day=timezone.localdate(screen.collected_at),
                positives=[(Substance(s).label, result) for s, result in positives],
                unexpected=any(result == ScreenResult.POSITIVE for _, result in positives),
                tested=len(results),
            )
        )
    substances = [s for s in Substance.values if s in ever]
    lanes = ["Whole screen"] + [Substance(s).label for s in substances]
    marks = []
    for row, screen in zip(rows, screens, strict=True):
        results = {r.substance: r.result for r in screen.results.all()}
        worst = max(results.values(), key=SEVERITY.get, default=ScreenResult.NEGATIVE)
        when = date_label(row.day)
        marks.append(Mark(row.day, 0, worst, f"{when}: {KIND_WORDS[worst]}"))
        for lane, substance in enumerate(substances, start=1):
            if substance in results:
                result = results[substance]
                label = f"{when}, {Substance(substance).label}: {KIND_WORDS[result]}"
                marks.append(Mark(row.day, lane, result, label))
    return ScreenHistory(rows, timeline(lanes=lanes, marks=marks, label="screens"), lanes)
