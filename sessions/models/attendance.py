from django.conf import settings
from django.db import models
from django.db.models import Q

from patients.models import Patient
from programs.models import Enrollment
from sessions.models.therapy_sessions import TherapySession


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    EXCUSED = "excused", "Excused absence"
    UNEXCUSED = "unexcused", "Unexcused absence"
    CANCELLED = "cancelled", "Cancelled"


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
PARTIAL = (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


class Attendance(models.Model):
    """Whether one patient attended one session, and for how many minutes."""

    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="attendances")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="attendances")
    # The episode of care the session counted toward (weekly hours and the absence policy are per enrollment).
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices)
    minutes_attended = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        indexes = [models.Index(fields=["enrollment", "status"], name="attendance_enrollment_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "patient"],
                name="one_attendance_per_session_and_patient",
                violation_error_message="Attendance for this patient in this session is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=list(ATTENDED), minutes_attended__gt=0)
                | (~Q(status__in=list(ATTENDED)) & Q(minutes_attended=0)),
                name="attendance_minutes_match_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.minutes_attended} min)"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class GroupNarrative(models.Model):
    """What happened in a group session, written once by the facilitator for every attendee's note."""

    session = models.OneToOneField(TherapySession, on_delete=models.PROTECT, related_name="narrative")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Narrative of {self.session}"


class SignedNoteError(Exception):
    """Raised by the model layer when code tries to change or delete a signed progress note."""


class ProgressNoteQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedNoteError("A signed progress note cannot be changed; add an addendum instead.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedNoteError("A signed progress note cannot be deleted.")
        return super().delete()


class ProgressNote(models.Model):
    """A DAP note for one attendance. For a group session it carries the shared group narrative too (copied in
    when signed), so each patient's chart holds a complete note of its own. Signed notes never change."""

    attendance = models.OneToOneField(Attendance, on_delete=models.PROTECT, related_name="note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes")
    group_narrative = models.TextField(blank=True)
    data = models.TextField(help_text="Data: what the patient said and did; observations.")
    assessment = models.TextField(help_text="Assessment: the clinician's interpretation; progress on goals.")
    plan = models.TextField(help_text="Plan: next steps, homework, next session.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = ProgressNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The admin's list sorts by created_at, id (newest first): read backwards from this index, not sorted.
        indexes = [
            models.Index(fields=["created_at", "id"], name="note_created"),
            # The few unsigned notes (3% of them in the demo): a patient's count on the dashboard probes this small
            # index without reading the notes.
            models.Index(fields=["attendance"], condition=Q(signed_at__isnull=True), name="note_unsigned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (~Q(data="") & ~Q(assessment="") & ~Q(plan="")),
                name="signed_note_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Note on {self.attendance.session}"

    def save(self, *args, **kwargs):
        if self.pk is not None and ProgressNote.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise SignedNoteError("A signed progress note cannot be changed; add an addendum instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and ProgressNote.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise SignedNoteError("A signed progress note cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class NoteAddendum(models.Model):
    """A later addition to a signed note: dated and signed by its author, never edited."""

    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "note addenda"

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SignedNoteError("An addendum cannot be changed; add another.")
        super().save(*args, **kwargs)
