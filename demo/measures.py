"""Demo measures and drug screens: each program's schedule, eight weeks of PHQ-9, GAD-7 and BAM scores with
realistic trajectories (most patients improve, some worsen, a few hold), weekly urine drug screens in IOP, and one
open safety alert (a PHQ-9 item 9 above 0) for the demo counselor. Rows are made cheaply and written through the
seed's Loader, a chunk at a time."""

import datetime
import random

from django.utils import timezone

from clinic.clock import local_start
from clinic.levels import LevelOfCare
from demo.load import Rows
from measures.instruments import BAM, GAD7, PHQ9, PHQ9_SELF_HARM_ITEM, score
from measures.models import (
    DrugScreen,
    DrugScreenResult,
    MeasureAnswer,
    MeasureResponse,
    MeasureSchedule,
    SafetyAlert,
    ScreenResult,
    Substance,
)
from programs.models import Enrollment, EnrollmentStatus, Program

WEEKS = 8
LOADED = [MeasureResponse, MeasureAnswer, SafetyAlert, DrugScreen, DrugScreenResult]
NewResponse = Rows(MeasureResponse)
NewAnswer = Rows(MeasureAnswer)
NewScreen = Rows(DrugScreen)
NewResult = Rows(DrugScreenResult)
PANEL = [Substance.AMPHETAMINES, Substance.BENZODIAZEPINES, Substance.BUPRENORPHINE, Substance.COCAINE]
PANEL += [Substance.FENTANYL, Substance.METHAMPHETAMINE, Substance.OPIATES, Substance.THC, Substance.ALCOHOL]


def schedules(programs: dict[str, Program]) -> None:
    """PHQ-9 and GAD-7 at admission and every 14 days (PHQ-9 at discharge too); the BAM weekly in IOP, monthly
    elsewhere."""
    for program in programs.values():
        iop = program.level_of_care == LevelOfCare.INTENSIVE_OUTPATIENT
        for instrument, every, discharge in (("phq9", 14, True), ("gad7", 14, False), ("bam", 7 if iop else 30, False)):
            MeasureSchedule.objects.get_or_create(
                program=program,
                instrument=instrument,
                defaults={"at_admission": True, "every_days": every, "at_discharge": discharge},
            )


def _spread(rng: random.Random, total: int, codes: list[str], most: int) -> dict[str, int]:
    """Answers of `most` points at most each, adding up to `total`."""
    answers = dict.fromkeys(codes, 0)
    for _ in range(total):
        open_items = [code for code in codes if answers[code] < most]
        answers[rng.choice(open_items)] += 1
    return answers


class MeasureSeeder:
    def __init__(self, *, rng: random.Random, programs: dict[str, Program], today: datetime.date, loader):
        self.rng, self.today, self.loader = rng, today, loader
        self.iop = {p.pk for p in programs.values() if p.level_of_care == LevelOfCare.INTENSIVE_OUTPATIENT}
        self.alert_for: int | None = None  # the demo counselor, set by the seed; one open alert for them
        self.counts = {"measures": 0, "screens": 0, "alerts": 0}

    def _responses(self, enrollment: Enrollment, first: datetime.date):
        rng = self.rng
        trend = rng.choices([-1, 1, 0], weights=[70, 20, 10])[0]  # most improve, some worsen, a few hold
        for definition, every in ((PHQ9, 14), (GAD7, 14), (BAM, 7 if enrollment.program_id in self.iop else 30)):
            level = rng.randint(8, 19) if trend <= 0 else rng.randint(3, 10)
            day = first
            while day <= self.today:
                if definition is BAM:
                    better = max(0, min(4, 2 - trend * (day - first).days // 21))
                    answers = {item.code: 0 for item in BAM.items if item.required}
                    answers.update({c: rng.randint(0, better) for c in ("1", "8", "15")})
                    answers.update({c: rng.choice([0, 1, 2, 5, 10][: better + 1]) for c in ("2", "3", "4", "6", "11")})
                    answers.update({c: rng.randint(4 - better, 4) for c in ("9", "12", "17")})
                    answers.update({c: rng.randint(10 - better, 30) for c in ("10", "13", "16")})
                    answers["14"] = rng.choice([0, 4, 4])
                else:
                    # PHQ-9 item 9 stays 0 here: the one alert of the demo is set apart (see add).
                    codes = [
                        i.code for i in definition.items if definition is not PHQ9 or i.code != PHQ9_SELF_HARM_ITEM
                    ]
                    total = max(0, min(3 * len(codes), level + rng.randint(-1, 1)))
                    answers = _spread(rng, total, codes, 3)
                    if definition is PHQ9:
                        answers[PHQ9_SELF_HARM_ITEM] = 0
                    level += trend * rng.randint(2, 4)
                yield definition, day, answers
                day += datetime.timedelta(days=every)

    def add(self, enrollments: list[Enrollment]) -> dict[str, int]:
        rng, loader = self.rng, self.loader
        start = self.today - datetime.timedelta(weeks=WEEKS)
        now = timezone.now()
        responses, answers_of, screens, results = [], [], [], []
        last_phq9 = None
        for enrollment in enrollments:
            if enrollment.status != EnrollmentStatus.ACTIVE or enrollment.counselor_id is None:
                continue
            first = max(start, enrollment.admitted_on)
            for definition, day, answers in self._responses(enrollment, first):
                if (
                    definition is PHQ9
                    and self.alert_for == enrollment.counselor_id
                    and day + datetime.timedelta(days=14) > self.today
                ):
                    last_phq9 = len(responses)  # this counselor's patient's latest PHQ-9: the alert's
                scored = score(definition.code, answers)
                responses.append(
                    NewResponse(
                        patient_id=enrollment.patient_id,
                        enrollment_id=enrollment.pk,
                        instrument=definition.code,
                        administered_on=day,
                        entered_by_id=enrollment.counselor_id,
                        total=scored.scales.get("total"),
                        use_score=scored.scales.get("use"),
                        risk_score=scored.scales.get("risk"),
                        protective_score=scored.scales.get("protective"),
                        severity=scored.severity,
                    )
                )
                answers_of.append((answers, scored.points))
            if enrollment.program_id in self.iop:
                prescribed = rng.random() < 0.3  # on buprenorphine
                day = first
                while day <= self.today:
                    collected_at = local_start(day, datetime.time(9, rng.choice([0, 15, 30, 45])))
                    if collected_at > now:
                        break  # today's screen is collected later this morning, not yet
                    screen = NewScreen(
                        patient_id=enrollment.patient_id,
                        enrollment_id=enrollment.pk,
                        collected_at=collected_at,
                        observed=rng.random() < 0.7,
                        entered_by_id=enrollment.counselor_id,
                    )
                    slip = rng.random() < 0.06
                    screens.append((screen, prescribed, slip))
                    day += datetime.timedelta(days=7)
        if last_phq9 is not None:
            answers, points = answers_of[last_phq9]
            answers[PHQ9_SELF_HARM_ITEM] = points[PHQ9_SELF_HARM_ITEM] = 1
            response = responses[last_phq9]
            response.total = min(27, response.total + 1)
            response.severity = PHQ9.scale("total").band(response.total).code
        _keep_changes(responses)
        loader.write(MeasureResponse, responses)
        loader.write(
            MeasureAnswer,
            [
                NewAnswer(response_id=response.pk, item=code, value=value, points=points[code])
                for response, (answers, points) in zip(responses, answers_of, strict=True)
                for code, value in answers.items()
            ],
        )
        if last_phq9 is not None:
            response = responses[last_phq9]
            alert = SafetyAlert(
                patient_id=response.patient_id,
                response_id=response.pk,
                raised_at=min(local_start(response.administered_on, datetime.time(11)), now),  # never ahead of now
            )
            loader.write(SafetyAlert, [alert])
            self.alert_for = None  # one open alert in the demo
            self.counts["alerts"] += 1
        loader.write(DrugScreen, [screen for screen, _, _ in screens])
        for screen, prescribed, slip in screens:
            for substance in PANEL:
                result = ScreenResult.NEGATIVE
                if substance == Substance.BUPRENORPHINE and prescribed:
                    result = ScreenResult.EXPECTED
                elif slip and substance == rng.choice([Substance.FENTANYL, Substance.COCAINE, Substance.THC]):
                    result = ScreenResult.POSITIVE
                results.append(NewResult(screen_id=screen.pk, substance=substance, result=result))
        loader.write(DrugScreenResult, results)
        self.counts["measures"] += len(responses)
        self.counts["screens"] += len(screens)
        return {"measures": len(responses), "screens": len(screens)}


def _keep_changes(responses) -> None:
    """Each total's change since the patient's previous total on the instrument, as measure_record keeps it (by day
    given, then by id: the loader numbers rows in list order)."""
    last = {}
    order = sorted(
        range(len(responses)),
        key=lambda i: (responses[i].patient_id, responses[i].instrument, responses[i].administered_on, i),
    )
    for i in order:
        response = responses[i]
        if response.total is None:
            continue
        key = (response.patient_id, response.instrument)
        response.change = response.total - last[key] if key in last else None
        last[key] = response.total
