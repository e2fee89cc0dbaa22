"""Measures (an instrument's answers and scores), the programs' schedules of them, safety alerts, drug screens.

Answers are stored one row per item and never change after entry: a correction is a new response.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from measures.instruments import BAM, GAD7, PHQ9, RISE_POINTS, Instrument
from patients.models import Patient
from programs.models import Enrollment, Program


class MeasureResponse(models.Model):
    """One administration of an instrument: who answered (the patient, in an enrollment), when, who entered it, and
    the scores the system computed from the answers."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measure_responses")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="measure_responses")
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    administered_on = models.DateField(help_text="The clinic-local day the patient answered.")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    # PHQ-9 and GAD-7 have a total; the BAM has three subscales and no total.
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    use_score = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    protective_score = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=20, help_text="The band of the instrument's severity scale.")
    change = models.SmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Points up (negative: down) since the patient's previous total on this instrument; empty for the "
        "first and for the BAM. Kept by measure_record, so the dashboard finds rises by an index, not by comparing.",
    )

    class Meta:
        ordering = ["-administered_on", "-entered_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "instrument", "-administered_on"], name="measure_patient_history"),
            models.Index(fields=["enrollment", "instrument", "-administered_on"], name="measure_enrollment_last"),
            models.Index(fields=["-administered_on", "-entered_at", "-id"], name="measure_newest"),  # the admin's list
            models.Index(
                fields=["-administered_on", "-id"], condition=Q(change__gte=RISE_POINTS), name="measure_rises"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(instrument__in=Instrument.values), name="measure_instrument_known"),
            models.CheckConstraint(
                condition=(
                    Q(
                        instrument=Instrument.PHQ9,
                        total__lte=PHQ9.scale("total").maximum,
                        use_score__isnull=True,
                        risk_score__isnull=True,
                        protective_score__isnull=True,
                    )
                    | Q(
                        instrument=Instrument.GAD7,
                        total__lte=GAD7.scale("total").maximum,
                        use_score__isnull=True,
                        risk_score__isnull=True,
                        protective_score__isnull=True,
                    )
                    | Q(
                        instrument=Instrument.BAM,
                        total__isnull=True,
                        use_score__lte=BAM.scale("use").maximum,
                        risk_score__lte=BAM.scale("risk").maximum,
                        protective_score__lte=BAM.scale("protective").maximum,
                    )
                ),
                name="measure_scores_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} on {self.administered_on:%b %-d, %Y}"

    @property
    def score(self) -> int:
        """The number plotted and compared: the total, or the BAM's risk subscale."""
        return self.total if self.total is not None else self.risk_score


class MeasureAnswer(models.Model):
    """One item's answer as entered (a choice's value: 0-3, 0-4, or a count of days 0-30) and its points."""

    response = models.ForeignKey(MeasureResponse, on_delete=models.PROTECT, related_name="answers")
    item = models.CharField(max_length=4)
    value = models.PositiveSmallIntegerField()
    points = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["response", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="measure_answer_once_per_item"),
            models.CheckConstraint(condition=Q(value__lte=30), name="measure_answer_value_range"),
            models.CheckConstraint(condition=Q(points__lte=4), name="measure_answer_points_range"),
        ]

    def __str__(self) -> str:
        return f"Item {self.item}: {self.value}"


class MeasureSchedule(models.Model):
    """Which instrument a program gives and when: at admission, every N days, near discharge. An administrator
    configures it in the admin; what is due is computed from it (measures.selectors.measures_due), never stored."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="measure_schedules")
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    at_admission = models.BooleanField(default=True)
    every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Give it again this many days after the last time (blank: not repeated)."
    )
    at_discharge = models.BooleanField(
        default=False,
        help_text="Due from the program's minimum length of stay, unless given since (programs without one: never).",
    )

    class Meta:
        ordering = ["program", "instrument"]
        constraints = [
            models.UniqueConstraint(fields=["program", "instrument"], name="measure_schedule_once_per_program"),
            models.CheckConstraint(condition=Q(instrument__in=Instrument.values), name="measure_schedule_known"),
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_days__gte=1, every_days__lte=365),
                name="measure_schedule_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} in {self.program}"


class SafetyAlert(models.Model):
    """An urgent staff alert: a PHQ-9 whose item 9 (thoughts of self-harm) is above 0. For the patient's primary
    counselor and the clinical supervisors (never the patient), open until a clinician records the follow-up."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_alerts")
    response = models.OneToOneField(MeasureResponse, on_delete=models.PROTECT, related_name="safety_alert")
    raised_at = models.DateTimeField()
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)
    follow_up_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["raised_at"], condition=Q(followed_up_at__isnull=True), name="safety_alert_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(followed_up_at__isnull=True, followed_up_by__isnull=True, follow_up_note="")
                | (Q(followed_up_at__isnull=False, followed_up_by__isnull=False) & ~Q(follow_up_note="")),
                name="safety_alert_follow_up_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety alert of {self.raised_at:%b %-d, %Y}"

    @property
    def is_open(self) -> bool:
        return self.followed_up_at is None


class Substance(models.TextChoices):
    """The panel: what a urine drug screen (or an EtG alcohol test) reports."""

    AMPHETAMINES = "amp", "Amphetamines"
    BARBITURATES = "bar", "Barbiturates"
    BENZODIAZEPINES = "bzo", "Benzodiazepines"
    BUPRENORPHINE = "bup", "Buprenorphine"
    COCAINE = "coc", "Cocaine"
    FENTANYL = "fty", "Fentanyl"
    METHADONE = "mtd", "Methadone"
    METHAMPHETAMINE = "met", "Methamphetamine"
    OPIATES = "opi", "Opiates"
    OXYCODONE = "oxy", "Oxycodone"
    THC = "thc", "THC (cannabis)"
    ALCOHOL = "etg", "Alcohol (EtG)"
    XYLAZINE = "xyl", "Xylazine"


class ScreenResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    EXPECTED = "expected", "Positive as expected (prescribed)"


class DrugScreen(models.Model):
    """A urine drug screen: when it was collected, whether collection was observed, who entered it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="drug_screens")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="drug_screens")
    collected_at = models.DateTimeField()
    observed = models.BooleanField(help_text="Collection was observed by staff.")
    note = models.TextField(blank=True, help_text="E.g. the lab, a sample refused or diluted, what the patient said.")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-collected_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-collected_at"], name="drug_screen_patient_history"),
            models.Index(fields=["-collected_at", "-id"], name="drug_screen_newest"),  # the admin's list, a page
        ]

    def __str__(self) -> str:
        return f"Drug screen of {self.collected_at:%b %-d, %Y}"


class DrugScreenResult(models.Model):
    screen = models.ForeignKey(DrugScreen, on_delete=models.PROTECT, related_name="results")
    substance = models.CharField(max_length=4, choices=Substance.choices)
    result = models.CharField(max_length=10, choices=ScreenResult.choices)

    class Meta:
        ordering = ["screen", "substance"]
        indexes = [
            models.Index(fields=["screen"], condition=Q(result="positive"), name="drug_screen_unexpected"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["screen", "substance"], name="drug_screen_result_once"),
            models.CheckConstraint(condition=Q(substance__in=Substance.values), name="drug_screen_substance_known"),
            models.CheckConstraint(condition=Q(result__in=ScreenResult.values), name="drug_screen_result_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_substance_display()}: {self.get_result_display()}"
