from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from clinic.clock import when_label


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    SUPERVISOR = "supervisor", "Clinical supervisor"
    COUNSELOR = "counselor", "Counselor"
    FRONT_DESK = "front_desk", "Front desk / intake"


# Roles that see and write clinical content: notes, attendance detail, clinical decisions.
CLINICAL_ROLES = (Role.COUNSELOR, Role.SUPERVISOR)
# Who may be chosen as a counselor or a facilitator: a dict, as foreign keys' `limit_choices_to` (and their
# migrations) hold it.
CLINICIAN_CHOICES = {"role__in": [role.value for role in CLINICAL_ROLES], "is_active": True}


class UserQuerySet(models.QuerySet):
    def clinicians(self):
        """The active counselors and supervisors, by name: whom a patient, an enrollment or a session can have."""
        return self.filter(**CLINICIAN_CHOICES).order_by("last_name", "first_name", "username")


class ClinicUserManager(UserManager.from_queryset(UserQuerySet)):
    # A subclass of UserManager with no arguments: equal to it for the migrations, which need no change.
    pass


class User(AbstractUser):
    """A staff member. Patients never have accounts."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.COUNSELOR)
    credentials = models.CharField(
        max_length=40, blank=True, help_text="Licence or credential shown after the name, e.g. LCADC."
    )

    objects = ClinicUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
        ]

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only and cannot be updated.")

    def delete(self):
        raise PermissionError("Audit events are append-only and cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A row of the audit trail: written once, never updated or deleted (the database refuses too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("Audit events are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only and cannot be deleted.")


class AuditAction(models.TextChoices):
    """What an audit row records. The values are stored, searched and exported: never change one, add another."""

    # Pages that show patients' records
    PATIENT_VIEW = "patient.view", "Viewed a patient's record"
    PATIENT_LIST = "patient.list", "Listed patients"
    DASHBOARD_VIEW = "dashboard.view", "Viewed the dashboard"
    SCHEDULE_VIEW = "schedule.view", "Viewed the schedule"
    SESSION_VIEW = "session.view", "Viewed a session"
    ATTENDANCE_VIEW = "attendance.view", "Viewed an attendance sheet"
    GROUP_VIEW = "group.view", "Viewed a group's roster"
    PATIENT_DUPLICATE_WARNING = "patient.duplicate_warning", "Was shown likely duplicates while registering"
    # The admin site
    ADMIN_LIST = "admin.list", "Admin: listed records"
    ADMIN_VIEW = "admin.view", "Admin: viewed a record"
    ADMIN_HISTORY = "admin.history", "Admin: viewed a record's history"
    ADMIN_AUTOCOMPLETE = "admin.autocomplete", "Admin: searched a chooser"
    AUDIT_EXPORT = "audit.export", "Exported the audit trail"
    # Changes
    PATIENT_REGISTER = "patient.register", "Registered a patient"
    PATIENT_UPDATE = "patient.update", "Updated a patient"
    PATIENT_CONSENT_GIVEN = "patient.consent_given", "Recorded consent to reminders"
    PATIENT_CONSENT_REVOKED = "patient.consent_revoked", "Revoked consent to reminders"
    ENROLLMENT_ADMIT = "enrollment.admit", "Admitted to a program"
    ENROLLMENT_TRANSITION = "enrollment.transition", "Moved to another program"
    ENROLLMENT_DISCHARGE = "enrollment.discharge", "Discharged"
    GROUP_CREATE = "group.create", "Created a group"
    GROUP_UPDATE = "group.update", "Changed a group"
    MEMBERSHIP_ADD = "membership.add", "Added to a group"
    MEMBERSHIP_END = "membership.end", "Left a group"
    SESSION_BOOK = "session.book", "Booked a session"
    SESSION_CANCEL = "session.cancel", "Cancelled a session"
    ATTENDANCE_RECORD = "attendance.record", "Recorded attendance"
    ABSENCE_REVIEW_RESOLVE = "absence_review.resolve", "Resolved an absence review"
    NARRATIVE_SAVE = "narrative.save", "Saved a group narrative"
    NOTE_SAVE = "note.save", "Saved a progress note"
    NOTE_SIGN = "note.sign", "Signed a progress note"
    NOTE_ADDENDUM = "note.addendum", "Added to a signed note"
    MEASURE_RECORD = "measure.record", "Recorded a measure"
    SAFETY_ALERT_RAISE = "safety_alert.raise", "Raised a safety alert"
    SAFETY_ALERT_FOLLOW_UP = "safety_alert.follow_up", "Recorded a safety alert's follow-up"
    DRUG_SCREEN_RECORD = "drug_screen.record", "Recorded a drug screen"
    PLAN_START = "plan.start", "Started a treatment plan"
    PLAN_CHANGE = "plan.change", "Changed a draft treatment plan"
    PLAN_SIGN = "plan.sign", "Signed a treatment plan"
    PLAN_COSIGN = "plan.cosign", "Co-signed a treatment plan"
    PLAN_REVIEW = "plan.review", "Started a treatment plan review"
    PLAN_CARRY_OVER = "plan.carry_over", "Carried a treatment plan over to a new program"
    NOTE_LINK_OBJECTIVES = "note.link_objectives", "Linked a note to plan objectives"
    DEMO_SEED = "demo.seed", "Loaded the demo data"


class AuditEventQuerySet(AppendOnlyQuerySet):
    def about_patient(self, patient_id: int):
        """Every event that names the patient: as its one patient, or among the patients a list page showed."""
        shown = AuditEventPatient.objects.filter(patient_id=patient_id).values("event_id")
        return self.filter(models.Q(patient_id=patient_id) | models.Q(pk__in=shown))


class AuditEvent(AppendOnlyModel):
    """One row per view or change of a patient's record (HIPAA audit controls). Never edited or deleted.

    Patient and object are kept as plain ids, not foreign keys: the trail must outlive anything it
    mentions, and clinic's shared modules import no app.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60, choices=AuditAction.choices)
    patient_id = models.BigIntegerField(null=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(null=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient_id", "-at"], name="audit_patient_recent")]

    def __str__(self) -> str:
        return f"{when_label(self.at, 'M j, Y')} {self.action}"


class AuditEventPatient(AppendOnlyModel):
    """A patient a list page showed (dashboard, search results, schedule, a session's roster): one row per patient
    of one `AuditEvent`, so "who saw patient X" finds list views as well as charts. Append-only like the event."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="patients")
    patient_id = models.BigIntegerField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        # Leads with the patient: "who saw patient X" reads the event ids from the index alone.
        constraints = [models.UniqueConstraint(fields=["patient_id", "event"], name="audit_patient_once_per_event")]

    def __str__(self) -> str:
        return str(self.patient_id)
