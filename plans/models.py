"""Treatment plans: one per enrollment, versioned, drafted then signed; a signed plan and its parts never change.

A plan's parts: problems (one ASAM dimension each, with its severity), goals in the patient's own words under a
problem, measurable objectives under a goal, interventions, and the dimensions deliberately deferred with a reason.
A review creates the next version as a draft carried over from the last signed one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from clinic.errors import DomainError
from programs.models import Enrollment
from sessions.models import ProgressNote, TherapyGroup


class PlanError(DomainError):
    pass


class SignedPlanError(PlanError):
    def __init__(self, message: str = "A signed treatment plan cannot change; start a review instead.", **kwargs):
        kwargs.setdefault("code", "signed")
        super().__init__(message, **kwargs)


class AsamDimension(models.IntegerChoices):
    WITHDRAWAL = 1, "1 Acute intoxication and/or withdrawal potential"
    BIOMEDICAL = 2, "2 Biomedical conditions and complications"
    EMOTIONAL = 3, "3 Emotional, behavioral or cognitive conditions"
    READINESS = 4, "4 Readiness to change"
    RELAPSE = 5, "5 Relapse, continued use or continued problem potential"
    ENVIRONMENT = 6, "6 Recovery/living environment"


# The patient's intake rating of each dimension (patients.models.ASAM_DIMENSIONS, in order).
DIMENSION_FIELDS = {
    1: "asam_d1_withdrawal",
    2: "asam_d2_biomedical",
    3: "asam_d3_emotional",
    4: "asam_d4_readiness",
    5: "asam_d5_relapse",
    6: "asam_d6_environment",
}
# A dimension rated this or higher must be addressed by a problem or deferred with a reason before signing.
MUST_ADDRESS_FROM = 3


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class AgreementMethod(models.TextChoices):
    PAPER = "paper", "Signed on paper"
    SCREEN = "screen", "Signed on screen"
    VERBAL = "verbal", "Agreed verbally"


class TreatmentPlanQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if self.filter(status=PlanStatus.SIGNED).exists():
            raise SignedPlanError()
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=PlanStatus.SIGNED).exists():
            raise SignedPlanError("A signed treatment plan cannot be deleted.")
        return super().delete()


class TreatmentPlan(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField()
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions")
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_on = models.DateField(help_text="The clinic's date the draft was started: no target date before it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    patient_agreed_on = models.DateField(null=True, blank=True)
    agreement_method = models.CharField(max_length=8, choices=AgreementMethod.choices, blank=True)
    agreed_by_representative = models.CharField(
        max_length=150,
        blank=True,
        help_text="Who agreed when not the patient: a guardian or representative's name and relation.",
    )
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)

    objects = TreatmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["enrollment", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "version"], name="plan_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.CheckConstraint(
                condition=Q(
                    status=PlanStatus.DRAFT,
                    signed_by__isnull=True,
                    signed_at__isnull=True,
                    patient_agreed_on__isnull=True,
                    agreement_method="",
                    agreed_by_representative="",
                    agreement_recorded_by__isnull=True,
                )
                | Q(
                    status=PlanStatus.SIGNED,
                    signed_by__isnull=False,
                    signed_at__isnull=False,
                    patient_agreed_on__isnull=False,
                    agreement_method__in=AgreementMethod.values,
                    agreement_recorded_by__isnull=False,
                ),
                name="plan_signature_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(cosigned_by__isnull=True, cosigned_at__isnull=True)
                | Q(status=PlanStatus.SIGNED, cosigned_by__isnull=False, cosigned_at__isnull=False),
                name="plan_cosigned_after_signed",
            ),
            models.CheckConstraint(condition=~Q(previous=models.F("pk")), name="plan_previous_not_itself"),
        ]

    def __str__(self) -> str:
        return f"Treatment plan v{self.version} ({self.get_status_display().lower()})"

    def save(self, *args, **kwargs):
        # The one change a signed plan takes is its co-signature (plan_cosign saves only those two fields).
        cosigning = set(kwargs.get("update_fields") or ()) == {"cosigned_by", "cosigned_at"}
        if self._stored_signed() and not (
            cosigning and TreatmentPlan.objects.filter(pk=self.pk, cosigned_at__isnull=True).exists()
        ):
            raise SignedPlanError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_signed():
            raise SignedPlanError("A signed treatment plan cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def agreed_by(self) -> str:
        """Who agreed to the plan, as the chart and the print view say it."""
        return self.agreed_by_representative or "the patient"

    @property
    def is_signed(self) -> bool:
        return self.status == PlanStatus.SIGNED

    def _stored_signed(self) -> bool:
        return self.pk is not None and TreatmentPlan.objects.filter(pk=self.pk, status=PlanStatus.SIGNED).exists()


class PlanPartQuerySet(models.QuerySet):
    def _touches_signed(self) -> bool:
        return self.filter(**{f"{self.model.plan_lookup}__status": PlanStatus.SIGNED}).exists()

    def update(self, **kwargs):
        if self._touches_signed():
            raise SignedPlanError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise SignedPlanError()
        return super().delete()


class PlanPart(models.Model):
    """A part of a plan: written while the plan is a draft, then never changed (the database refuses too)."""

    plan_lookup = "plan"  # the path from the part to its plan

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._plan_signed() or (self.pk is not None and type(self).objects.filter(pk=self.pk)._touches_signed()):
            raise SignedPlanError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._plan_signed():
            raise SignedPlanError()
        return super().delete(*args, **kwargs)

    def the_plan(self) -> TreatmentPlan:
        obj = self
        for name in self.plan_lookup.split("__"):
            obj = getattr(obj, name)
        return obj

    def _plan_signed(self) -> bool:
        plan_id = self.the_plan().pk
        return TreatmentPlan.objects.filter(pk=plan_id, status=PlanStatus.SIGNED).exists()


class Problem(PlanPart):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="problems")
    dimension = models.PositiveSmallIntegerField("ASAM dimension", choices=AsamDimension.choices)
    severity = models.PositiveSmallIntegerField(help_text="0 to 4, from intake or the latest reassessment.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "dimension", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(dimension__gte=1, dimension__lte=6), name="problem_dimension_1_to_6"),
            models.CheckConstraint(condition=Q(severity__lte=4), name="problem_severity_0_to_4"),
        ]

    def __str__(self) -> str:
        return f"Dimension {self.dimension}, severity {self.severity}"


class Goal(PlanPart):
    plan_lookup = "problem__plan"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(help_text="In the patient's own words.")

    class Meta:
        ordering = ["problem", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="goal_has_text")]

    def __str__(self) -> str:
        return self.text[:60]


class ObjectiveStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    REVISED = "revised", "Revised"
    DISCONTINUED = "discontinued", "Discontinued"


class Objective(PlanPart):
    plan_lookup = "goal__problem__plan"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField(help_text="Measurable: what the patient will do, how often, how it is known.")
    target_date = models.DateField()
    status = models.CharField(max_length=12, choices=ObjectiveStatus.choices, default=ObjectiveStatus.OPEN)

    class Meta:
        ordering = ["goal", "target_date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="objective_has_text"),
            models.CheckConstraint(condition=Q(status__in=ObjectiveStatus.values), name="objective_status_valid"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Intervention(PlanPart):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="interventions")
    what = models.CharField(max_length=200)
    frequency = models.CharField("how often", max_length=80)
    who_role = models.CharField("who (role)", max_length=80, blank=True, help_text="E.g. counselor, nurse.")
    who_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(TherapyGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(what="") & ~Q(frequency=""), name="intervention_what_how_often"),
            models.CheckConstraint(
                condition=~Q(who_role="") | Q(who_user__isnull=False), name="intervention_names_who"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.what}, {self.frequency}"


class DeferredDimension(PlanPart):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="deferred")
    dimension = models.PositiveSmallIntegerField("ASAM dimension", choices=AsamDimension.choices)
    reason = models.TextField()

    class Meta:
        ordering = ["plan", "dimension"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "dimension"], name="deferred_dimension_once"),
            models.CheckConstraint(condition=Q(dimension__gte=1, dimension__lte=6), name="deferred_dimension_1_to_6"),
            models.CheckConstraint(condition=~Q(reason=""), name="deferred_dimension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Dimension {self.dimension} deferred"


SIGNED_NOTE_LINKS = "The note is signed: the objectives it worked on are fixed with it (add an addendum instead)."


class NoteObjectiveQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(note__signed_at__isnull=False).exists():
            raise PlanError(SIGNED_NOTE_LINKS, code="signed_note")
        return super().delete()


class NoteObjective(models.Model):
    """A progress note worked on an objective of the patient's plan. While the note is a draft its links follow
    what the author ticks; once the note is signed they are part of the signed record: the model refuses to change
    or delete them, and on PostgreSQL a trigger too (migration 0004)."""

    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="objective_links")
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="note_links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = NoteObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "linked_at"]
        constraints = [models.UniqueConstraint(fields=["note", "objective"], name="note_objective_once")]

    def __str__(self) -> str:
        return f"Note {self.note_id} on objective {self.objective_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self._of_signed_note():
            raise PlanError(SIGNED_NOTE_LINKS, code="signed_note")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and self._of_signed_note():
            raise PlanError(SIGNED_NOTE_LINKS, code="signed_note")
        return super().delete(*args, **kwargs)

    def _of_signed_note(self) -> bool:
        return NoteObjective.objects.filter(pk=self.pk, note__signed_at__isnull=False).exists()
