from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from clinic import levels
from clinic.levels import LevelOfCare
from patients.models import Patient

HOURS_IN_A_WEEK = Decimal(168)


NO_PATIENT_EMAILS = "The program sends patients no emails (it has no reminder lead times)."


def default_reminder_lead_hours() -> list[int]:
    return [24, 2]


def default_plan_days(level: str) -> tuple[int, int]:
    """(days after admission by which the first treatment plan is signed, days between plan reviews) for a level
    of care, where the program leaves them blank: residential and inpatient care plan fast and review often, IOP
    and partial hospitalization weekly and monthly, outpatient and aftercare slower."""
    rank = levels.rank(level)
    if rank >= levels.rank(LevelOfCare.CLINICALLY_MANAGED_LOW_INTENSITY):
        return 3, 14
    if rank >= levels.rank(LevelOfCare.INTENSIVE_OUTPATIENT):
        return 7, 30
    return 14, 90


class Approach(models.Model):
    """A treatment approach a program follows: 12-step facilitation, faith-based, CBT, ..."""

    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "approaches"

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """A program at one level of care, at one site, configured by administrators."""

    name = models.CharField(max_length=120, unique=True)
    level_of_care = models.CharField(max_length=10, choices=LevelOfCare.choices)
    site = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    capacity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], help_text="Most patients actively enrolled at once."
    )
    min_weekly_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(HOURS_IN_A_WEEK)],
        help_text="Leave blank for the level of care's default (IOP 9, partial hospitalization 20).",
    )
    max_weekly_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(HOURS_IN_A_WEEK)],
        help_text="Leave blank for the level of care's default (outpatient under 9, IOP 19).",
    )
    min_length_of_stay_days = models.PositiveIntegerField("minimum length of stay (days)", null=True, blank=True)
    max_length_of_stay_days = models.PositiveIntegerField("maximum length of stay (days)", null=True, blank=True)
    approaches = models.ManyToManyField(Approach, blank=True, related_name="programs")
    max_unexcused_absences = models.PositiveSmallIntegerField(
        default=3, help_text="Unexcused absences in one enrollment before the patient is flagged for review."
    )
    reminder_lead_hours = models.JSONField(
        default=default_reminder_lead_hours,
        blank=True,
        help_text="How many hours before each session patients get a reminder email (none for residential care).",
    )
    plan_due_days = models.PositiveSmallIntegerField(
        "first plan due (days after admission)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave blank for the level of care's default (residential 3, IOP and PHP 7, outpatient 14).",
    )
    plan_review_days = models.PositiveSmallIntegerField(
        "plan review interval (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave blank for the level of care's default (residential 14, IOP and PHP 30, outpatient 90).",
    )
    plan_needs_cosign = models.BooleanField(
        "plans need a supervisor's co-signature",
        default=False,
        help_text="Counselors' signed treatment plans are co-signed by a clinical supervisor.",
    )
    is_active = models.BooleanField("active", default=True, help_text="Inactive programs take no new admissions.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="program_capacity_at_least_1"),
            models.CheckConstraint(
                condition=Q(plan_due_days__isnull=True) | Q(plan_due_days__gte=1), name="program_plan_due_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(plan_review_days__isnull=True) | Q(plan_review_days__gte=1),
                name="program_plan_review_days_positive",
            ),
            models.CheckConstraint(condition=Q(level_of_care__in=LevelOfCare.values), name="program_level_valid"),
            models.CheckConstraint(
                condition=Q(min_weekly_hours__isnull=True)
                | Q(max_weekly_hours__isnull=True)
                | Q(min_weekly_hours__lte=F("max_weekly_hours")),
                name="program_weekly_hours_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(min_length_of_stay_days__isnull=True)
                | Q(max_length_of_stay_days__isnull=True)
                | Q(min_length_of_stay_days__lte=F("max_length_of_stay_days")),
                name="program_length_of_stay_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        return levels.rank(self.level_of_care)

    def patient_email_blocker(self) -> str:
        """Why this program's patients get no email from the clinic, or "". A program without reminder lead times
        (residential care: its patients live on site) sends none: no reminder, and no follow-up after an absence."""
        return "" if self.reminder_lead_hours else NO_PATIENT_EMAILS

    @property
    def weekly_hours_min(self) -> Decimal | None:
        """The minimum weekly hours in force: the program's own, else its level's default."""
        if self.min_weekly_hours is not None:
            return self.min_weekly_hours
        return levels.facts(self.level_of_care).min_weekly_hours

    @property
    def plan_due_days_in_force(self) -> int:
        """Days after admission by which the first plan is signed: the program's own, else its level's default."""
        return self.plan_due_days or default_plan_days(self.level_of_care)[0]

    @property
    def plan_review_days_in_force(self) -> int:
        return self.plan_review_days or default_plan_days(self.level_of_care)[1]

    @property
    def weekly_hours_max(self) -> Decimal | None:
        if self.max_weekly_hours is not None:
            return self.max_weekly_hours
        return levels.facts(self.level_of_care).max_weekly_hours

    def clean(self):
        errors = {}
        if self.level_of_care in LevelOfCare.values:
            low, high = self.weekly_hours_min, self.weekly_hours_max
            if low is not None and high is not None and low > high:
                errors["min_weekly_hours"] = (
                    f"The minimum of {low} hours a week is above the maximum of {high}"
                    + ("" if self.max_weekly_hours is not None else " (this level's default)")
                    + ". Lower the minimum or raise the maximum."
                )
        if (
            self.min_length_of_stay_days is not None
            and self.max_length_of_stay_days is not None
            and self.min_length_of_stay_days > self.max_length_of_stay_days
        ):
            errors["min_length_of_stay_days"] = "The minimum length of stay is longer than the maximum."
        lead = self.reminder_lead_hours
        if not isinstance(lead, list) or not all(isinstance(h, int) and 1 <= h <= 336 for h in lead):
            errors["reminder_lead_hours"] = "Give whole hours between 1 and 336, for example 24, 2."
        elif len(set(lead)) != len(lead):
            errors["reminder_lead_hours"] = "Each lead time may appear only once."
        if self.pk and self.capacity is not None:
            active = self.enrollments.filter(status=EnrollmentStatus.ACTIVE).count()
            if active > self.capacity:
                errors["capacity"] = f"{active} patients are enrolled now; the capacity cannot be lower than that."
        if errors:
            raise ValidationError(errors)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TRANSFERRED = "transferred", "Transferred to another level"
    COMPLETED = "completed", "Completed"
    DISCHARGED = "discharged", "Discharged"


class DischargeReason(models.IntegerChoices):
    """TEDS reason for discharge, transfer or discontinuance of treatment."""

    COMPLETED = 1, "1 Treatment completed"
    DROPPED_OUT = 2, "2 Dropped out of treatment"
    TERMINATED = 3, "3 Terminated by facility"
    TRANSFERRED = 4, "4 Transferred to another treatment program or facility"
    INCARCERATED = 5, "5 Incarcerated"
    DEATH = 6, "6 Death"
    OTHER = 7, "7 Other"


class Enrollment(models.Model):
    """One episode of care: a patient's stay in one program, from admission to discharge or transfer."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    admitted_on = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)
    discharge_reason = models.PositiveSmallIntegerField(choices=DischargeReason.choices, null=True, blank=True)
    discharge_note = models.TextField(blank=True)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    # Set when a supervisor placed a patient flagged for withdrawal management at a level that does not
    # manage withdrawal.
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-admitted_on", "-id"]
        indexes = [
            models.Index(fields=["program", "status"], name="enrollment_program_status"),
            # The admin's list (newest first, a page at a time) and its date drill-down read this index.
            models.Index(fields=["admitted_on", "id"], name="enrollment_admitted"),
            # The census's discharges and transfers out of a week (most enrollments have not ended).
            models.Index(
                fields=["discharged_on"], condition=Q(discharged_on__isnull=False), name="enrollment_discharged"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="active"),
                name="one_active_enrollment_per_patient",
                violation_error_message="This patient already has an active enrollment.",
            ),
            models.CheckConstraint(
                condition=Q(status="active", discharged_on__isnull=True, discharge_reason__isnull=True)
                | Q(status="completed", discharged_on__isnull=False, discharge_reason=DischargeReason.COMPLETED)
                | Q(status="transferred", discharged_on__isnull=False, discharge_reason=DischargeReason.TRANSFERRED)
                | Q(status="discharged", discharged_on__isnull=False, discharge_reason__in=list(range(2, 8))),
                name="enrollment_status_matches_discharge",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("admitted_on")),
                name="enrollment_discharged_after_admitted",
            ),
            models.CheckConstraint(
                condition=Q(override_reason="") | Q(override_by__isnull=False),
                name="enrollment_override_has_supervisor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} from {self.admitted_on:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.status == EnrollmentStatus.ACTIVE


class TransitionKind(models.TextChoices):
    STEP_DOWN = "step_down", "Step down"
    STEP_UP = "step_up", "Step up"
    LATERAL = "lateral", "Lateral"

    @classmethod
    def between(cls, from_level: str, to_level: str) -> "TransitionKind":
        """A move to a level of higher rank is a step up, to a lower rank a step down, to the same rank lateral."""
        old, new = levels.rank(from_level), levels.rank(to_level)
        return cls.STEP_UP if new > old else cls.STEP_DOWN if new < old else cls.LATERAL


class Transition(models.Model):
    """A move between levels of care: closes one enrollment and opens the next on the same day."""

    from_enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="transition_out")
    to_enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="transition_in")
    kind = models.CharField(max_length=10, choices=TransitionKind.choices)
    effective_on = models.DateField()
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["effective_on", "id"], name="transition_effective")]  # the admin's list
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_enrollment=F("to_enrollment")), name="transition_between_two_enrollments"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.effective_on:%Y-%m-%d}"

    @property
    def override_reason(self) -> str:
        """The supervisor's written reason, when the move needed a withdrawal-management override."""
        return self.to_enrollment.override_reason
