"""The SVG plot builder: points where their day and value put them, bands and markers drawn, shapes that tell a
drug screen's result without colour, and nothing drawn when there is nothing to plot."""

import datetime
import xml.etree.ElementTree as ET

from staff.plots.svg import (
    BOTTOM,
    HEIGHT,
    LANE_LEFT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    Mark,
    Marker,
    Point,
    Shade,
    line_plot,
    timeline,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
DAY = datetime.date(2026, 3, 1)


def parse(markup) -> ET.Element:
    # our own markup, not untrusted input
    return ET.fromstring(str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314


def every(root, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.findall(f".//svg:{tag}", NS)
    return [e for e in found if cls is None or cls in e.get("class", "").split()]


def test_points_are_placed_by_day_across_and_value_up():
    points = [
        Point(DAY, 0, "a"),
        Point(DAY + datetime.timedelta(days=10), 27, "b"),
        Point(DAY + datetime.timedelta(days=5), 13.5, "c"),
    ]
    root = parse(line_plot(points=sorted(points, key=lambda p: p.day), top_value=27, value_ticks=[0, 27]))

    dots = [(float(c.get("cx")), float(c.get("cy"))) for c in every(root, "circle", "plot-point")]
    bottom, top = HEIGHT - BOTTOM, TOP
    assert dots == [(LEFT, bottom), ((LEFT + WIDTH - RIGHT) / 2, (bottom + top) / 2), (WIDTH - RIGHT, top)]
    assert len(every(root, "polyline", "plot-line")) == 1
    assert [t.text for t in every(root, "title") if t.text in "abc"] == ["a", "c", "b"]


def test_a_single_point_sits_in_the_middle_of_a_weeks_width():
    root = parse(line_plot(points=[Point(DAY, 5, "one")], top_value=10, value_ticks=[0, 10]))

    (dot,) = every(root, "circle", "plot-point")
    assert float(dot.get("cx")) == (LEFT + WIDTH - RIGHT) / 2
    assert not every(root, "polyline")  # a line needs two points


def test_bands_are_shaded_between_their_values_with_their_tone_and_words():
    shades = [Shade(0, 5, "Minimal: 0 to 4", "band-0"), Shade(5, 10, "Mild: 5 to 9", "band-4")]
    root = parse(line_plot(points=[Point(DAY, 3, "x")], top_value=10, value_ticks=[0, 5, 10], shades=shades))

    bands = every(root, "rect", "plot-band")
    inner = HEIGHT - TOP - BOTTOM
    assert [b.get("class") for b in bands] == ["plot-band band-0", "plot-band band-4"]
    assert [float(b.get("y")) for b in bands] == [TOP + inner / 2, TOP]
    assert [float(b.get("height")) for b in bands] == [inner / 2, inner / 2]
    assert [b.find("svg:title", NS).text for b in bands] == ["Minimal: 0 to 4", "Mild: 5 to 9"]


def test_value_ticks_and_day_ticks_are_labelled():
    points = [Point(DAY, 1, "a"), Point(DAY + datetime.timedelta(days=40), 2, "b")]
    root = parse(line_plot(points=points, top_value=27, value_ticks=[0, 5, 10, 15, 20, 27]))

    labels = [t.text for t in every(root, "text", "plot-tick")]
    assert labels[:6] == ["0", "5", "10", "15", "20", "27"]
    assert labels[6:] == ["Mar 1", "Mar 11", "Mar 21", "Mar 31", "Apr 10"]


def test_markers_are_vertical_lines_on_their_day_and_widen_the_days_shown():
    points = [Point(DAY, 1, "a"), Point(DAY + datetime.timedelta(days=10), 2, "b")]
    marker = Marker(DAY + datetime.timedelta(days=20), "Plan version 2 signed")
    root = parse(line_plot(points=points, top_value=10, value_ticks=[0, 10], markers=[marker]))

    (line,) = every(root, "line", "plot-marker")
    assert float(line.get("x1")) == float(line.get("x2")) == WIDTH - RIGHT
    assert line.find("svg:title", NS).text == "Plan version 2 signed"
    assert float(every(root, "circle", "plot-point")[1].get("cx")) == (LEFT + WIDTH - RIGHT) / 2


def test_value_labels_too_close_to_read_are_left_out_but_the_top_one():
    root = parse(line_plot(points=[Point(DAY, 1, "x")], top_value=12, value_ticks=[0, 0.5, 11.5, 12]))

    assert [t.text for t in every(root, "text", "plot-tick")][:2] == ["0", "12"]


def test_the_first_and_last_days_labels_stay_inside_the_plot():
    points = [Point(DAY, 1, "a"), Point(DAY + datetime.timedelta(days=4), 2, "b")]
    root = parse(line_plot(points=points, top_value=2, value_ticks=[]))

    anchors = [t.get("text-anchor") for t in every(root, "text", "plot-tick")]
    assert anchors == ["start", "middle", "middle", "middle", "end"]


def test_values_beyond_the_axis_stay_inside_the_plot():
    root = parse(line_plot(points=[Point(DAY, 40, "x")], top_value=27, value_ticks=[0, 27]))

    assert float(every(root, "circle", "plot-point")[0].get("cy")) == TOP


def test_nothing_is_drawn_without_points():
    assert line_plot(points=[], top_value=27, value_ticks=[0, 27]) is None
    assert timeline(lanes=["Whole screen"], marks=[]) is None


def test_text_in_a_plot_is_escaped():
    root = parse(line_plot(points=[Point(DAY, 1, "<b>&")], top_value=2, value_ticks=[0]))

    assert every(root, "title")[0].text == "<b>&"


def test_a_timelines_marks_differ_in_shape_not_only_colour_and_say_their_kind():
    marks = [
        Mark(DAY, 0, "negative", "Mar 1: negative"),
        Mark(DAY + datetime.timedelta(days=7), 0, "expected", "Mar 8: positive as expected"),
        Mark(DAY + datetime.timedelta(days=14), 1, "positive", "Mar 15, Cocaine: unexpected positive"),
    ]
    root = parse(timeline(lanes=["Whole screen", "Cocaine"], marks=marks))

    assert [e.get("class") for e in every(root, "circle")] == ["plot-mark mark-negative"]
    assert [e.get("class") for e in every(root, "rect")] == ["plot-mark mark-expected"]
    assert [e.get("class") for e in every(root, "polygon")] == ["plot-mark mark-positive"]
    assert [t.text for t in every(root, "title")] == [m.label for m in marks]
    labels = [t.text for t in every(root, "text")]
    assert labels[:2] == ["Whole screen", "Cocaine"] and labels[2:] == ["Mar 1", "Mar 5", "Mar 8", "Mar 11", "Mar 15"]
    negative, positive = every(root, "circle")[0], every(root, "polygon")[0]
    assert float(negative.get("cx")) == LANE_LEFT
    assert float(negative.get("cy")) == TOP + 13  # the first lane's middle
    assert float(positive.get("points").split()[0].split(",")[1]) == TOP + 26 + 13 - 6  # the apex, a lane below
    assert root.get("viewBox") == f"0 0 {WIDTH} {TOP + BOTTOM + 2 * 26}"


def test_the_drawing_is_hidden_from_screen_readers_and_scales_with_its_viewbox():
    root = parse(line_plot(points=[Point(DAY, 1, "x")], top_value=2, value_ticks=[0]))

    assert root.get("aria-hidden") == "true" and root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    assert "width" not in root.attrib and "style" not in str(ET.tostring(root))
