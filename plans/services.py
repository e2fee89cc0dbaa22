"""Treatment plans: start a draft, write its parts, sign, co-sign, review; link notes to objectives.

Every service is keyword-only with `acting_user`, atomic, checked through the policy (`plan.write`: clinicians,
a counselor only for the patients in their scope) and audited. A signed plan never changes: the next version,
carried over from it, is where a review writes.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from clinic import policy
from clinic.audit import AuditAction, audit_record
from clinic.policy import Action
from plans.models import (
    DIMENSION_FIELDS,
    MUST_ADDRESS_FROM,
    SIGNED_NOTE_LINKS,
    AgreementMethod,
    AsamDimension,
    DeferredDimension,
    Goal,
    Intervention,
    NoteObjective,
    Objective,
    ObjectiveStatus,
    PlanError,
    PlanStatus,
    Problem,
    SignedPlanError,
    TreatmentPlan,
)
from programs.models import Enrollment


def _require(acting_user, patient, action: Action = Action.WRITE_PLAN) -> None:
    policy.require(acting_user, action, patient, error=PlanError)


def _lock_draft(acting_user, plan: TreatmentPlan) -> TreatmentPlan:
    """The plan, locked, after checking the user may write it and that it is still a draft."""
    plan = TreatmentPlan.objects.select_for_update().select_related("enrollment__patient").get(pk=plan.pk)
    _require(acting_user, plan.enrollment.patient)
    if plan.is_signed:
        raise SignedPlanError()
    return plan


def _audit(acting_user, action: AuditAction, plan: TreatmentPlan, **detail) -> None:
    audit_record(actor=acting_user, action=action, patient_id=plan.enrollment.patient_id, target=plan, **detail)


def intake_ratings(patient) -> dict[int, int]:
    """The patient's rated ASAM dimensions: {dimension: severity}."""
    ratings = {dim: getattr(patient, field) for dim, field in DIMENSION_FIELDS.items()}
    return {dim: rating for dim, rating in ratings.items() if rating is not None}


def _text(value: str, *, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PlanError(f"Write the {what}.", code="text_required")
    return value


def _dimension(value) -> int:
    if value not in AsamDimension.values:
        raise PlanError("Choose an ASAM dimension from 1 to 6.", code="bad_dimension")
    return int(value)


# --- Starting, carrying over ------------------------------------------------------------------------------------


def carry_over(*, source: TreatmentPlan, enrollment: Enrollment, version: int, acting_user) -> TreatmentPlan:
    """A new draft for `enrollment` holding a copy of `source`'s parts (the caller checks and audits)."""
    plan = TreatmentPlan.objects.create(
        enrollment=enrollment,
        version=version,
        previous=source,
        created_on=timezone.localdate(),
        created_by=acting_user,
    )
    for problem in source.problems.prefetch_related("goals__objectives"):
        new_problem = Problem.objects.create(
            plan=plan, dimension=problem.dimension, severity=problem.severity, description=problem.description
        )
        for goal in problem.goals.all():
            new_goal = Goal.objects.create(problem=new_problem, text=goal.text)
            Objective.objects.bulk_create(
                Objective(goal=new_goal, text=o.text, target_date=o.target_date, status=o.status)
                for o in goal.objectives.all()
            )
    Intervention.objects.bulk_create(
        Intervention(
            plan=plan,
            what=i.what,
            frequency=i.frequency,
            who_role=i.who_role,
            who_user_id=i.who_user_id,
            group_id=i.group_id,
        )
        for i in source.interventions.all()
    )
    DeferredDimension.objects.bulk_create(
        DeferredDimension(plan=plan, dimension=d.dimension, reason=d.reason) for d in source.deferred.all()
    )
    return plan


@transaction.atomic
def plan_start(*, acting_user, enrollment: Enrollment) -> TreatmentPlan:
    """The first draft plan of an active enrollment, with a problem to write for each ASAM dimension the patient
    was rated 3 or 4 at intake (the ones the plan must address)."""
    enrollment = Enrollment.objects.select_for_update().select_related("patient").get(pk=enrollment.pk)
    _require(acting_user, enrollment.patient)
    if not enrollment.is_active:
        raise PlanError("This enrollment has ended; plans are written for patients in care.", code="not_active")
    if enrollment.plans.exists():
        raise PlanError("This enrollment has a plan already; review it instead.", code="plan_exists")
    plan = TreatmentPlan.objects.create(
        enrollment=enrollment, version=1, created_on=timezone.localdate(), created_by=acting_user
    )
    Problem.objects.bulk_create(
        Problem(plan=plan, dimension=dim, severity=rating)
        for dim, rating in sorted(intake_ratings(enrollment.patient).items())
        if rating >= MUST_ADDRESS_FROM
    )
    _audit(acting_user, AuditAction.PLAN_START, plan)
    return plan


@transaction.atomic
def plan_review(*, acting_user, enrollment: Enrollment) -> TreatmentPlan:
    """The next version of the enrollment's plan, as a draft carried over from the last signed version."""
    enrollment = Enrollment.objects.select_for_update().select_related("patient").get(pk=enrollment.pk)
    _require(acting_user, enrollment.patient)
    if not enrollment.is_active:
        raise PlanError("This enrollment has ended; plans are reviewed for patients in care.", code="not_active")
    latest = enrollment.plans.order_by("-version").first()
    if latest is None:
        raise PlanError("This enrollment has no plan yet; start one.", code="no_plan")
    if not latest.is_signed:
        raise PlanError("The latest version is still a draft: finish and sign it.", code="draft_open")
    plan = carry_over(source=latest, enrollment=enrollment, version=latest.version + 1, acting_user=acting_user)
    _audit(acting_user, AuditAction.PLAN_REVIEW, plan, previous_id=latest.pk)
    return plan


# --- Writing a draft --------------------------------------------------------------------------------------------


@transaction.atomic
def plan_add_problem(*, acting_user, plan: TreatmentPlan, dimension: int, severity: int, description: str) -> Problem:
    plan = _lock_draft(acting_user, plan)
    if severity not in range(5):
        raise PlanError("Rate the severity from 0 to 4.", code="bad_severity")
    problem = Problem.objects.create(
        plan=plan, dimension=_dimension(dimension), severity=severity, description=_text(description, what="problem")
    )
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, added="problem", problem_id=problem.pk)
    return problem


@transaction.atomic
def plan_describe_problem(*, acting_user, problem: Problem, description: str) -> Problem:
    """Write (or rewrite) a draft problem's description, such as one plan_start prefilled."""
    plan = _lock_draft(acting_user, problem.plan)
    problem = Problem.objects.get(pk=problem.pk, plan=plan)
    problem.description = _text(description, what="problem")
    problem.save(update_fields=["description"])
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, changed="problem", problem_id=problem.pk)
    return problem


@transaction.atomic
def plan_add_goal(*, acting_user, problem: Problem, text: str) -> Goal:
    plan = _lock_draft(acting_user, problem.plan)
    goal = Goal.objects.create(problem=Problem.objects.get(pk=problem.pk, plan=plan), text=_text(text, what="goal"))
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, added="goal", goal_id=goal.pk)
    return goal


@transaction.atomic
def plan_add_objective(*, acting_user, goal: Goal, text: str, target_date: datetime.date) -> Objective:
    """A measurable objective under a goal; its target date is not before the plan was started."""
    plan = _lock_draft(acting_user, goal.problem.plan)
    if not isinstance(target_date, datetime.date):
        raise PlanError("Give the objective's target date.", code="bad_date")
    if target_date < plan.created_on:
        raise PlanError("The target date is before the plan was started.", code="target_before_plan")
    objective = Objective.objects.create(
        goal=Goal.objects.get(pk=goal.pk, problem__plan=plan),
        text=_text(text, what="objective"),
        target_date=target_date,
    )
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, added="objective", objective_id=objective.pk)
    return objective


@transaction.atomic
def plan_set_objective_status(*, acting_user, objective: Objective, status: str) -> Objective:
    """At a review, mark a carried-over objective met, revised or discontinued (in the draft version)."""
    plan = _lock_draft(acting_user, objective.goal.problem.plan)
    objective = Objective.objects.get(pk=objective.pk, goal__problem__plan=plan)
    if status not in ObjectiveStatus.values:
        raise PlanError("Choose open, met, revised or discontinued.", code="bad_status")
    objective.status = status
    objective.save(update_fields=["status"])
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, changed="objective", objective_id=objective.pk)
    return objective


@transaction.atomic
def plan_add_intervention(
    *, acting_user, plan: TreatmentPlan, what: str, frequency: str, who_role: str = "", who_user=None, group=None
) -> Intervention:
    """What is done, how often, by whom (a role, a staff member or both); optionally the group that does it, which
    must be one the patient is on now."""
    plan = _lock_draft(acting_user, plan)
    if not (who_role or "").strip() and who_user is None:
        raise PlanError("Say who provides it: a role or a staff member.", code="who_required")
    if (
        group is not None
        and not group.memberships.filter(patient_id=plan.enrollment.patient_id, left_on__isnull=True).exists()
    ):
        raise PlanError("The patient is not on that group.", code="not_member")
    intervention = Intervention.objects.create(
        plan=plan,
        what=_text(what, what="intervention"),
        frequency=_text(frequency, what="frequency"),
        who_role=(who_role or "").strip(),
        who_user=who_user,
        group=group,
    )
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, added="intervention", intervention_id=intervention.pk)
    return intervention


@transaction.atomic
def plan_defer_dimension(*, acting_user, plan: TreatmentPlan, dimension: int, reason: str) -> DeferredDimension:
    """Leave an ASAM dimension out of this plan deliberately, with a written reason."""
    plan = _lock_draft(acting_user, plan)
    dimension = _dimension(dimension)
    deferred, _ = DeferredDimension.objects.update_or_create(
        plan=plan, dimension=dimension, defaults={"reason": _text(reason, what="reason for deferring")}
    )
    _audit(acting_user, AuditAction.PLAN_CHANGE, plan, deferred=dimension)
    return deferred


# --- Signing ----------------------------------------------------------------------------------------------------


def unaddressed_dimensions(plan: TreatmentPlan) -> list[int]:
    """The dimensions rated 3 or 4 at intake that the plan neither addresses with a problem nor defers."""
    must = {dim for dim, rating in intake_ratings(plan.enrollment.patient).items() if rating >= MUST_ADDRESS_FROM}
    addressed = set(plan.problems.values_list("dimension", flat=True))
    deferred = set(plan.deferred.values_list("dimension", flat=True))
    return sorted(must - addressed - deferred)


@transaction.atomic
def plan_sign(
    *,
    acting_user,
    plan: TreatmentPlan,
    patient_agreed_on: datetime.date,
    agreement_method: str,
    agreed_by_representative: str = "",
) -> TreatmentPlan:
    """The counselor signs the draft, recording who agreed to it (the patient, or a guardian or representative
    named with their relation), the day and the way. Refused while a dimension rated 3 or 4 is left unaddressed,
    or a problem is unwritten."""
    plan = _lock_draft(acting_user, plan)
    if agreement_method not in AgreementMethod.values:
        raise PlanError("Say how the patient agreed: on paper, on screen or verbally.", code="bad_agreement")
    representative = " ".join(str(agreed_by_representative or "").split())
    if len(representative) > 150:
        raise PlanError("Name the representative in 150 characters or fewer.", code="bad_representative")
    today = timezone.localdate()
    if not isinstance(patient_agreed_on, datetime.date) or patient_agreed_on > today:
        raise PlanError("The day the patient agreed cannot be in the future.", code="bad_date")
    if patient_agreed_on < plan.created_on:
        raise PlanError("The patient agreed before the plan was started?", code="bad_date")
    missing = unaddressed_dimensions(plan)
    if missing:
        names = ", ".join(str(d) for d in missing)
        raise PlanError(
            f"ASAM dimension {names} was rated 3 or 4 at intake: address it with a problem or defer it with a reason.",
            code="dimension_unaddressed",
        )
    if plan.problems.filter(description="").exists():
        raise PlanError("Describe every problem before signing.", code="problem_unwritten")
    if not plan.problems.exists():
        raise PlanError("A plan needs at least one problem.", code="no_problem")
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.SIGNED,
        signed_by=acting_user,
        signed_at=timezone.now(),
        patient_agreed_on=patient_agreed_on,
        agreement_method=agreement_method,
        agreed_by_representative=representative,
        agreement_recorded_by=acting_user,
    )
    plan.refresh_from_db()
    _audit(acting_user, AuditAction.PLAN_SIGN, plan, agreement=agreement_method, representative=bool(representative))
    return plan


@transaction.atomic
def plan_cosign(*, acting_user, plan: TreatmentPlan) -> TreatmentPlan:
    """A clinical supervisor co-signs a signed plan, where the program requires it."""
    policy.require(acting_user, Action.COSIGN_PLAN, error=PlanError)
    plan = TreatmentPlan.objects.select_for_update().select_related("enrollment__program").get(pk=plan.pk)
    _require(acting_user, plan.enrollment.patient)
    if not plan.is_signed:
        raise PlanError("The counselor signs the plan first.", code="not_signed")
    if not plan.enrollment.program.plan_needs_cosign:
        raise PlanError("This program's plans need no co-signature.", code="no_cosign")
    if plan.cosigned_at is not None:
        raise PlanError("This plan is already co-signed.", code="cosigned")
    if plan.signed_by_id == acting_user.pk:
        raise PlanError("A co-signature is another clinician's: you signed this plan.", code="own_plan")
    plan.cosigned_by, plan.cosigned_at = acting_user, timezone.now()
    plan.save(update_fields=["cosigned_by", "cosigned_at"])
    _audit(acting_user, AuditAction.PLAN_COSIGN, plan)
    return plan


# --- Notes address the plan -------------------------------------------------------------------------------------


def current_plan(patient) -> TreatmentPlan | None:
    """The plan in force for a patient: the latest signed version of their active enrollment's plans."""
    return (
        TreatmentPlan.objects.filter(enrollment__patient=patient, enrollment__status="active", status=PlanStatus.SIGNED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def note_link_objectives(*, acting_user, note, objective_ids) -> list[NoteObjective]:
    """Make the objectives a progress note worked on exactly `objective_ids`: link the new ones, unlink the ones
    left out (an empty list unlinks them all). A new link must be an objective of the plan in force for the note's
    own patient (an id from anyone else's plan is refused, and nothing changes); a link the note already has may be
    kept whatever plan version it came from. Once the note is signed its links are part of the signed record: any
    change is refused. Returns the links added."""
    note = (
        type(note)
        .objects.select_for_update(of=("self",))  # a signature waits for the links, or the links see it
        .select_related("attendance__session", "attendance__patient")
        .get(pk=note.pk)
    )
    policy.require(acting_user, Action.ADD_TO_NOTE, note, error=PlanError)
    patient = note.attendance.patient
    _require(acting_user, patient)
    try:
        wanted = {int(pk) for pk in objective_ids}
    except (TypeError, ValueError):
        raise PlanError("Choose objectives from the patient's plan.", code="bad_objective") from None
    known = set(NoteObjective.objects.filter(note=note).values_list("objective_id", flat=True))
    added, removed = sorted(wanted - known), sorted(known - wanted)
    if not added and not removed:
        return []
    if note.is_signed:
        raise PlanError(SIGNED_NOTE_LINKS, code="signed_note")
    plan = current_plan(patient) if added else None
    allowed = set(Objective.objects.filter(goal__problem__plan=plan).values_list("pk", flat=True)) if plan else set()
    if not set(added) <= allowed:
        raise PlanError("Choose objectives from the patient's current plan.", code="bad_objective")
    if removed:
        NoteObjective.objects.filter(note=note, objective_id__in=removed).delete()
    links = NoteObjective.objects.bulk_create(
        NoteObjective(note=note, objective_id=pk, linked_by=acting_user) for pk in added
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.NOTE_LINK_OBJECTIVES,
        patient_id=patient.pk,
        target=note,
        objective_ids=sorted(wanted),
        added=added,
        removed=removed,
    )
    return links
