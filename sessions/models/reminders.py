from django.conf import settings
from django.db import models
from django.db.models import Q

from clinic.clock import when_label
from patients.models import Patient
from programs.models import Enrollment
from sessions.models.therapy_sessions import TherapySession


class ReminderKind(models.TextChoices):
    SESSION_REMINDER = "session_reminder", "Upcoming session reminder (patient)"
    MISSED_FOLLOW_UP = "missed_follow_up", "Missed session follow-up (patient)"
    ABSENCE_ALERT = "absence_alert", "Absence alert (counselor)"
    DAILY_DIGEST = "daily_digest", "Daily digest (counselor)"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Reminder(models.Model):
    """The outbox: one email to send at `due_at`, to a patient (`staff` empty) or to a staff member (`staff`),
    about a session and, for staff alerts, a patient. The sender claims, sends and marks rows; unique
    constraints keep it to one reminder per kind, session and recipient."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    session = models.ForeignKey(
        TherapySession, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders"
    )
    patient = models.ForeignKey(Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reminders",
        help_text="The staff recipient; empty when the patient is the recipient.",
    )
    # For an upcoming-session reminder: how many hours before the session it goes (one row per lead time).
    lead_hours = models.PositiveSmallIntegerField(default=0)
    # For a daily digest: the local day it covers.
    for_date = models.DateField(null=True, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    address = models.EmailField(blank=True, help_text="Where it was sent, filled at send time.")
    message_id = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a sender took it (status sending).")
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(patient__isnull=False) | Q(staff__isnull=False), name="reminder_has_recipient"
            ),
            models.UniqueConstraint(
                fields=["kind", "session", "patient", "lead_hours"],
                condition=Q(staff__isnull=True),
                name="one_patient_reminder_per_kind_session",
            ),
            models.UniqueConstraint(
                fields=["kind", "session", "staff", "patient"],
                condition=Q(staff__isnull=False, session__isnull=False, patient__isnull=False),
                name="one_staff_alert_per_kind_session_patient",
            ),
            models.UniqueConstraint(
                fields=["kind", "staff", "for_date"],
                condition=Q(for_date__isnull=False),
                name="one_digest_per_staff_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {when_label(self.due_at, 'M j, Y')}"

    @property
    def to_patient(self) -> bool:
        return self.staff_id is None


class AbsenceReview(models.Model):
    """A patient who reached the program's limit of unexcused absences in an enrollment, waiting for their
    counselor's review. At most one open review per enrollment."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="absence_reviews")
    unexcused_absences = models.PositiveSmallIntegerField()
    flagged_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-flagged_at"]
        # The admin's list, and the dashboard's open reviews, latest first (most reviews are open).
        indexes = [models.Index(fields=["flagged_at", "id"], name="absence_review_flagged")]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=Q(resolved_at__isnull=True), name="one_open_review_per_enrollment"
            ),
        ]

    def __str__(self) -> str:
        return f"Review after {self.unexcused_absences} unexcused absences"
