import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.clock import when_label
from patients.models import Patient
from programs.models import Enrollment, Program
from sessions.models.billing import BillingCode
from sessions.models.groups import TherapyGroup


class SessionKind(models.TextChoices):
    GROUP = "group", "Group therapy"
    INDIVIDUAL = "individual", "Individual counseling"
    FAMILY = "family", "Family session"
    CHECK_IN = "check_in", "Check-in"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class TherapySession(models.Model):
    """One occurrence: a meeting of a group, or an individual, family or check-in session with one patient."""

    kind = models.CharField(max_length=12, choices=SessionKind.choices)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="therapy_sessions")
    group = models.ForeignKey(TherapyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    # The local date of the group's slot: one occurrence per group and day, so generation is idempotent.
    occurrence_date = models.DateField(null=True, blank=True)
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="therapy_sessions"
    )
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.PROTECT, related_name="therapy_sessions"
    )
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(5), MaxValueValidator(600)])
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancel_reason = models.CharField(max_length=200, blank=True)
    location = models.CharField("room", max_length=120, blank=True)
    video_link = models.URLField(blank=True)
    billing_code = models.CharField(max_length=5, choices=BillingCode.choices)
    # Booked together (a recurring check-in series) share a series id, so they can be cancelled together.
    series = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["facilitator", "starts_at"], name="session_facilitator_start"),
            # Covering: a week's or a day's sessions are counted by program and status from the index alone.
            models.Index(fields=["starts_at"], include=["program", "status"], name="session_start_covering"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group", "occurrence_date"], name="one_session_per_group_and_day"),
            models.CheckConstraint(
                condition=Q(kind="group", group__isnull=False, patient__isnull=True, occurrence_date__isnull=False)
                | (~Q(kind="group") & Q(group__isnull=True, patient__isnull=False, enrollment__isnull=False)),
                name="session_group_or_one_patient",
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="session_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {when_label(self.starts_at)}"

    # The titles read `group` (and `patient`): a list of sessions select_related()s them.
    @property
    def title(self) -> str:
        """What staff see a session called: its group's title, else its kind ("Individual counseling")."""
        return self.group.title if self.group_id else self.get_kind_display()

    @property
    def title_with_patient(self) -> str:
        """The title naming the patient of a one-patient session ("Check-in: Ana Diaz"), for staff who may see the
        patient. Patient emails print neither title."""
        if self.group_id:
            return self.group.title
        return f"{self.get_kind_display()}: {self.patient.display_first_name} {self.patient.legal_last_name}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def local_date(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()
