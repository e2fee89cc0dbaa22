from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from clinic.clock import time_label
from clinic.discretion import discretion_problem
from clinic.models import CLINICAL_ROLES, CLINICIAN_CHOICES
from patients.models import Patient
from programs.models import Enrollment, Program
from sessions.models.billing import GROUP_CODES, BillingCode


class Weekday(models.IntegerChoices):
    # ISO numbering, as datetime.date.isoweekday() gives it.
    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"


class TherapyGroup(models.Model):
    """A recurring group in a program: it meets on the same weekdays at the same local wall-clock time."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="groups")
    title = models.CharField(max_length=120)
    topic = models.CharField(max_length=200, blank=True, help_text="E.g. relapse prevention, 12-step study.")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_groups",
        limit_choices_to=CLINICIAN_CHOICES,
    )
    weekdays = models.JSONField(help_text="ISO weekdays the group meets on (1 Monday ... 7 Sunday).")
    start_time = models.TimeField(help_text="Local wall-clock time in the clinic's time zone.")
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(15), MaxValueValidator(600)])
    location = models.CharField("room", max_length=120, blank=True)
    video_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(default=12, validators=[MinValueValidator(1)])
    billing_code = models.CharField(max_length=5, choices=GROUP_CODES, default=BillingCode.GROUP_PSYCHOTHERAPY)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program__name", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="group_capacity_at_least_1"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=15), name="group_duration_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="group_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def schedule_display(self) -> str:
        days = ", ".join(Weekday(d).label[:3] for d in sorted(self.weekdays or []))
        return f"{days} {time_label(self.start_time)}, {self.duration_minutes} min"

    def clean(self):
        errors = {}
        days = self.weekdays
        if not isinstance(days, list) or not days or not all(d in Weekday.values for d in days):
            errors["weekdays"] = "Choose at least one weekday."
        elif len(set(days)) != len(days):
            errors["weekdays"] = "Each weekday may appear only once."
        if self.facilitator_id and self.facilitator.role not in CLINICAL_ROLES:
            errors["facilitator"] = "Groups are facilitated by a counselor or a clinical supervisor."
        if not self.location and not self.video_link:
            errors["location"] = "Give a room or a video link, so patients know where to go."
        for field in ("location", "video_link"):
            if problem := discretion_problem(getattr(self, field)):
                errors.setdefault(field, problem)
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The group cannot end before it starts."
        if errors:
            raise ValidationError(errors)


class GroupMembership(models.Model):
    """A patient on a group's roster, from joined_on to left_on. Rows are never overwritten: re-joining adds a
    row. A membership counts only while the enrollment it was made under is active."""

    group = models.ForeignKey(TherapyGroup, on_delete=models.PROTECT, related_name="memberships")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="group_memberships")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="group_memberships")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-joined_on", "-id"]
        indexes = [models.Index(fields=["joined_on", "id"], name="membership_joined")]  # the admin's list
        constraints = [
            models.UniqueConstraint(
                fields=["group", "patient"],
                condition=Q(left_on__isnull=True),
                name="one_open_membership_per_group",
                violation_error_message="This patient is already on the group's roster.",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="membership_left_after_joined"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} from {self.joined_on:%Y-%m-%d}"
