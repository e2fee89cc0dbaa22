"""The standardized instruments, as code: each item's text, its answer choices, how it scores, and the bands.

Sources (the scoring follows them exactly; item texts are the published wording, lightly shortened where noted):

- PHQ-9: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure.
  J Gen Intern Med 2001;16(9):606-613. Nine items scored 0-3, total 0-27; bands 0-4 minimal, 5-9 mild, 10-14
  moderate, 15-19 moderately severe, 20-27 severe. Item 9 asks about thoughts of self-harm. (Pfizer: "No permission
  required to reproduce, translate, display or distribute.")
- GAD-7: Spitzer RL, Kroenke K, Williams JBW, Lowe B. A brief measure for assessing generalized anxiety disorder:
  the GAD-7. Arch Intern Med 2006;166(10):1092-1097. Seven items scored 0-3, total 0-21; bands 0-4 minimal, 5-9
  mild, 10-14 moderate, 15-21 severe.
- BAM: Cacciola JS, Alterman AI, DePhilippis D, et al. Development and initial evaluation of the Brief Addiction
  Monitor (BAM). J Subst Abuse Treat 2013;44(3):256-263; and the VA's "Brief Addiction Monitor (BAM) Manual for
  Use in SUD Group Treatment" (DePhilippis, Goodman, Beamer, Bloedorn; Philadelphia VAMC CESATE, 2014). Seventeen
  items about the past 30 days, each scored 0-4; days are converted 0 -> 0, 1-3 -> 1, 4-8 -> 2, 9-15 -> 3,
  16-30 -> 4. Item 7 (days of each drug, 7A-7G) is not scored and is asked only when item 6 is above 0; item 17
  (satisfaction with progress) is not scored on a subscale. Use = items 4+5+6 (0-12, any use warrants attention);
  Risk = items 1+2+3+8+11+15 (0-24, 12 or more is elevated); Protective = items 9+10+12+13+14+16 (0-24, 12 or
  less is low). BAM item texts here are paraphrased (the VA form's exact wording is not reproduced).
"""

from dataclasses import dataclass, field

from django.db import models


class Instrument(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9 (depression)"
    GAD7 = "gad7", "GAD-7 (anxiety)"
    BAM = "bam", "Brief Addiction Monitor"


@dataclass(frozen=True)
class Choice:
    value: int  # what is stored as the answer
    label: str


@dataclass(frozen=True)
class Item:
    code: str  # "1" .. "17", "7a"
    text: str
    choices: tuple[Choice, ...]
    required: bool = True
    scored: bool = True  # counts towards a total or a subscale

    @property
    def values(self) -> frozenset[int]:
        return frozenset(choice.value for choice in self.choices)

    def points(self, value: int) -> int:
        """The item's score for an answer (BAM day counts convert to 0-4; everything else scores its value)."""
        return _days_points(value) if self.choices is DAYS else value


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    code: str
    label: str


@dataclass(frozen=True)
class Scale:
    """A total or a subscale: the items it sums, its range and its bands."""

    code: str  # "total", "use", "risk", "protective"
    label: str
    items: tuple[str, ...]
    bands: tuple[Band, ...]

    @property
    def maximum(self) -> int:
        return self.bands[-1].high

    def band(self, score: int) -> Band:
        return next(band for band in self.bands if band.low <= score <= band.high)


@dataclass(frozen=True)
class Definition:
    code: Instrument
    name: str
    period: str
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    source: str
    # The scale whose band is the response's severity (the one the chart shades); BAM: the risk subscale.
    severity_scale: str = "total"
    by_code: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_code", {item.code: item for item in self.items})

    def scale(self, code: str) -> Scale:
        return next(scale for scale in self.scales if scale.code == code)


# PHQ-9 and GAD-7: "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
FREQUENCY = (
    Choice(0, "Not at all"),
    Choice(1, "Several days"),
    Choice(2, "More than half the days"),
    Choice(3, "Nearly every day"),
)

PHQ9 = Definition(
    code=Instrument.PHQ9,
    name="Patient Health Questionnaire (PHQ-9)",
    period="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=tuple(
        Item(str(number), text, FREQUENCY)
        for number, text in enumerate(
            [
                "Little interest or pleasure in doing things",
                "Feeling down, depressed, or hopeless",
                "Trouble falling or staying asleep, or sleeping too much",
                "Feeling tired or having little energy",
                "Poor appetite or overeating",
                "Feeling bad about yourself, or that you are a failure or have let yourself or your family down",
                "Trouble concentrating on things, such as reading the newspaper or watching television",
                "Moving or speaking so slowly that other people could have noticed; or the opposite, being so "
                "fidgety or restless that you have been moving around a lot more than usual",
                "Thoughts that you would be better off dead, or of hurting yourself in some way",
            ],
            start=1,
        )
    ),
    scales=(
        Scale(
            "total",
            "Total",
            tuple(str(n) for n in range(1, 10)),
            (
                Band(0, 4, "minimal", "Minimal"),
                Band(5, 9, "mild", "Mild"),
                Band(10, 14, "moderate", "Moderate"),
                Band(15, 19, "moderately_severe", "Moderately severe"),
                Band(20, 27, "severe", "Severe"),
            ),
        ),
    ),
    source="Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-613",
)
# The self-harm item: any answer above 0 raises an urgent safety alert.
PHQ9_SELF_HARM_ITEM = "9"

GAD7 = Definition(
    code=Instrument.GAD7,
    name="Generalized Anxiety Disorder (GAD-7)",
    period="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=tuple(
        Item(str(number), text, FREQUENCY)
        for number, text in enumerate(
            [
                "Feeling nervous, anxious, or on edge",
                "Not being able to stop or control worrying",
                "Worrying too much about different things",
                "Trouble relaxing",
                "Being so restless that it is hard to sit still",
                "Becoming easily annoyed or irritable",
                "Feeling afraid, as if something awful might happen",
            ],
            start=1,
        )
    ),
    scales=(
        Scale(
            "total",
            "Total",
            tuple(str(n) for n in range(1, 8)),
            (
                Band(0, 4, "minimal", "Minimal"),
                Band(5, 9, "mild", "Mild"),
                Band(10, 14, "moderate", "Moderate"),
                Band(15, 21, "severe", "Severe"),
            ),
        ),
    ),
    source="Spitzer, Kroenke, Williams & Lowe, Arch Intern Med 2006;166:1092-1097",
)

# BAM answers: a number of days in the past 30 (scored by the manual's conversion), or a 0-4 rating.
DAYS = tuple(Choice(days, f"{days} days" if days != 1 else "1 day") for days in range(31))


def _days_points(days: int) -> int:
    """The BAM manual's conversion of a count of days (0-30) to an item score (0-4)."""
    for points, most in enumerate((0, 3, 8, 15, 30)):
        if days <= most:
            return points
    raise ValueError(days)


HEALTH = tuple(Choice(v, label) for v, label in enumerate(["Excellent", "Very good", "Good", "Fair", "Poor"]))
AMOUNT = tuple(
    Choice(v, label) for v, label in enumerate(["Not at all", "Slightly", "Moderately", "Considerably", "Extremely"])
)
INCOME = (Choice(0, "No"), Choice(4, "Yes"))

BAM = Definition(
    code=Instrument.BAM,
    name="Brief Addiction Monitor (BAM)",
    period="In the past 30 days ...",
    items=(
        Item("1", "How would you rate your physical health?", HEALTH),
        Item("2", "On how many nights did you have trouble falling or staying asleep?", DAYS),
        Item("3", "On how many days did you feel depressed, anxious, angry or very upset most of the day?", DAYS),
        Item("4", "On how many days did you drink any alcohol?", DAYS),
        Item("5", "On how many days did you drink heavily (5 or more drinks; 4 or more for women)?", DAYS),
        Item("6", "On how many days did you use illegal or street drugs, or misuse prescription medication?", DAYS),
        *(
            Item(f"7{letter}", f"Days of {drug} use (when item 6 is above 0)", DAYS, required=False, scored=False)
            for letter, drug in [
                ("a", "marijuana"),
                ("b", "sedatives or tranquilizers"),
                ("c", "cocaine or crack"),
                ("d", "other stimulants"),
                ("e", "opioids"),
                ("f", "inhalants"),
                ("g", "other drugs"),
            ]
        ),
        Item("8", "How much were you bothered by cravings or urges to drink or use drugs?", AMOUNT),
        Item("9", "How confident are you that you can stay completely abstinent in the next 30 days?", AMOUNT),
        Item("10", "On how many days did you attend self-help meetings (such as AA or NA) for your recovery?", DAYS),
        Item("11", "On how many days were you in situations or with people that raise your risk of using?", DAYS),
        Item("12", "How much does your religion or spirituality support your recovery?", AMOUNT),
        Item("13", "On how many days did you spend much of the time at work, school or volunteering?", DAYS),
        Item("14", "Do you have enough legal income to pay for housing, food, transport and clothing?", INCOME),
        Item("15", "How much were you bothered by arguments or trouble getting along with family or friends?", AMOUNT),
        Item("16", "On how many days were you in contact with family or friends who support your recovery?", DAYS),
        Item("17", "How satisfied are you with your progress toward your recovery goals?", AMOUNT, scored=False),
    ),
    scales=(
        Scale("use", "Use", ("4", "5", "6"), (Band(0, 0, "none", "No use"), Band(1, 12, "use", "Use reported"))),
        Scale(
            "risk",
            "Risk factors",
            ("1", "2", "3", "8", "11", "15"),
            (Band(0, 11, "lower", "Lower risk"), Band(12, 24, "elevated", "Elevated risk")),
        ),
        Scale(
            "protective",
            "Protective factors",
            ("9", "10", "12", "13", "14", "16"),
            (Band(0, 12, "low", "Low protection"), Band(13, 24, "adequate", "Adequate protection")),
        ),
    ),
    source="Cacciola et al., J Subst Abuse Treat 2013;44:256-263; VA BAM manual (DePhilippis et al., 2014)",
    severity_scale="risk",
)

INSTRUMENTS: dict[str, Definition] = {definition.code: definition for definition in (PHQ9, GAD7, BAM)}
# The instruments whose total can rise: a rise of this many points since the previous score is flagged.
RISE_INSTRUMENTS = (Instrument.PHQ9, Instrument.GAD7)
RISE_POINTS = 5


@dataclass(frozen=True)
class Scored:
    points: dict[str, int]  # item code -> points
    scales: dict[str, int]  # scale code -> score
    severity: str  # the severity scale's band code


class AnswerError(ValueError):
    """An answer is missing or out of range; the message names the item."""


def score(instrument: str, answers: dict[str, int]) -> Scored:
    """Check every answer and score them. Raises AnswerError naming the first bad item (unknown, missing, or not one
    of the item's choices)."""
    definition = INSTRUMENTS[instrument]
    unknown = sorted(set(answers) - set(definition.by_code))
    if unknown:
        raise AnswerError(f"{definition.name} has no item {unknown[0]}.")
    points = {}
    for item in definition.items:
        value = answers.get(item.code)
        if value is None:
            if item.required:
                raise AnswerError(f"{definition.name} item {item.code} is not answered.")
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            raise AnswerError(f"{definition.name} item {item.code}: {value!r} is not one of its answers.")
        points[item.code] = item.points(value)
    scales = {scale.code: sum(points[code] for code in scale.items) for scale in definition.scales}
    severity = definition.scale(definition.severity_scale).band(scales[definition.severity_scale]).code
    return Scored(points, scales, severity)
