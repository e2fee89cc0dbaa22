"""The instruments score as their published sources say: the PHQ-9's and GAD-7's bands at every edge, the BAM's
day conversion and subscales."""

import pytest

from measures.instruments import BAM, GAD7, PHQ9, AnswerError, score
from tests.measures.conftest import bam, gad7, phq9


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_every_edge(total, band):
    scored = score("phq9", phq9(total))

    assert scored.scales == {"total": total}
    assert scored.severity == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_at_every_edge(total, band):
    scored = score("gad7", gad7(total))

    assert scored.scales == {"total": total}
    assert scored.severity == band


@pytest.mark.parametrize(
    ("days", "points"), [(0, 0), (1, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)]
)
def test_bam_converts_days_as_its_manual_does(days, points):
    assert score("bam", bam(i4=days)).points["4"] == points


def test_bam_subscales_of_a_worked_example():
    """A patient early in IOP: fair health (3), 10 nights of poor sleep (3), 5 upset days (2), drank on 2 days (1),
    heavily on 1 (1), used drugs on 4 days (2) - cocaine on 4 (item 7c, not scored) -, moderate cravings (2),
    slightly confident (1), 12 meetings (3), 2 risky days (1), spirituality helps considerably (3), worked 20 days
    (4), enough income (4), family trouble slightly (1), 30 days with supportive people (4), moderately satisfied
    (2, not scored)."""
    answers = bam(
        i1=3,
        i2=10,
        i3=5,
        i4=2,
        i5=1,
        i6=4,
        i7c=4,
        i8=2,
        i9=1,
        i10=12,
        i11=2,
        i12=3,
        i13=20,
        i14=4,
        i15=1,
        i16=30,
        i17=2,
    )

    scored = score("bam", answers)

    assert scored.scales == {
        "use": 1 + 1 + 2,  # items 4, 5, 6
        "risk": 3 + 3 + 2 + 2 + 1 + 1,  # items 1, 2, 3, 8, 11, 15
        "protective": 1 + 3 + 3 + 4 + 4 + 4,  # items 9, 10, 12, 13, 14, 16
    }
    assert scored.severity == "elevated"  # the BAM's severity is its risk subscale: 12 or more
    assert scored.points["7c"] == 2 and scored.points["17"] == 2  # kept, but on no subscale


def test_bam_extremes_and_cutoffs():
    worst = score("bam", bam(i1=4, i2=30, i3=30, i4=30, i5=30, i6=30, i8=4, i11=30, i15=4))
    best = score("bam", bam(i9=4, i10=30, i12=4, i13=30, i14=4, i16=30))

    assert worst.scales == {"use": 12, "risk": 24, "protective": 0}
    assert best.scales == {"use": 0, "risk": 0, "protective": 24}
    assert BAM.scale("risk").band(11).code == "lower" and BAM.scale("risk").band(12).code == "elevated"
    assert BAM.scale("protective").band(12).code == "low" and BAM.scale("protective").band(13).code == "adequate"
    assert BAM.scale("use").band(0).code == "none" and BAM.scale("use").band(1).code == "use"


@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("phq9", {**phq9(), "9": 4}, "PHQ-9) item 9: 4 is not one of its answers"),
        ("phq9", {**phq9(), "3": -1}, "item 3: -1 is not one of its answers"),
        ("phq9", {**phq9(), "3": "2"}, "item 3: '2' is not one of its answers"),
        ("phq9", {**phq9(), "3": True}, "item 3: True"),
        ("phq9", {k: v for k, v in phq9().items() if k != "5"}, "item 5 is not answered"),
        ("phq9", {**phq9(), "10": 1}, "has no item 10"),
        ("gad7", {**gad7(), "7": None}, "item 7 is not answered"),
        ("bam", bam(i2=31), "item 2: 31 is not one of its answers"),
        ("bam", bam(i14=2), "item 14: 2 is not one of its answers"),  # income: no (0) or yes (4)
        ("bam", bam(i7a=45), "item 7a: 45"),
    ],
)
def test_a_missing_or_out_of_range_answer_is_refused_naming_the_item(instrument, answers, message):
    with pytest.raises(AnswerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score(instrument, answers)


def test_every_instrument_cites_its_source_and_has_the_published_item_counts():
    assert (len(PHQ9.items), len(GAD7.items)) == (9, 7)
    assert len([item for item in BAM.items if not item.code.startswith("7")]) == 16  # + item 7 (7A-7G): 17
    assert "Kroenke" in PHQ9.source and "Spitzer" in GAD7.source and "Cacciola" in BAM.source
