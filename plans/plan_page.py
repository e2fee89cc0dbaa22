"""A treatment plan as the staff pages show it: every version of an enrollment's plan, and one version whole (its
problems, goals, objectives with the notes that worked on them, interventions and deferred dimensions), in a fixed
number of queries whatever the plan's size."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber

from plans.models import (
    MUST_ADDRESS_FROM,
    DeferredDimension,
    Goal,
    Intervention,
    NoteObjective,
    Objective,
    ObjectiveStatus,
    PlanStatus,
    Problem,
    TreatmentPlan,
)
from plans.selectors import PlanDeadline, first_plan_due_on, review_due_on
from plans.services import intake_ratings
from plans.versions import PlanDiff, plan_diff, snapshot
from programs.models import Enrollment
from sessions.models import TherapyGroup

NOTES_PER_OBJECTIVE = 5  # the latest, with a count of them all


@dataclass
class PlanPage:
    """An enrollment's plan for a page: its versions (newest first), the version shown (whole), the draft being
    written if any, and the deadline."""

    enrollment: Enrollment
    versions: list[TreatmentPlan]
    shown: TreatmentPlan | None
    deadline: PlanDeadline | None
    unaddressed: list[int] = field(default_factory=list)

    @property
    def draft(self) -> TreatmentPlan | None:
        latest = self.versions[0] if self.versions else None
        return latest if latest is not None and not latest.is_signed else None

    @property
    def current(self) -> TreatmentPlan | None:
        """The plan in force: the latest signed version."""
        return next((plan for plan in self.versions if plan.is_signed), None)

    @property
    def needs_cosign(self) -> bool:
        shown = self.shown
        return bool(
            shown and shown.is_signed and self.enrollment.program.plan_needs_cosign and shown.cosigned_at is None
        )


# An objective carried over by a review is a new row with the same words under the same goal of the same dimension:
# its notes are those of every version of it so far, found by these (a review never rewrites an objective).
LINEAGE = ("objective__goal__problem__dimension", "objective__goal__text", "objective__text")


def _lineage(objective, goal, problem) -> tuple:
    return (problem.dimension, goal.text, objective.text)


def _links_so_far(plan: TreatmentPlan):
    """The note links of the objectives of `plan`'s enrollment, in this version and the ones before it."""
    return NoteObjective.objects.filter(
        objective__goal__problem__plan__enrollment_id=plan.enrollment_id,
        objective__goal__problem__plan__version__lte=plan.version,
    )


def _latest_notes(plan: TreatmentPlan):
    """Each objective's latest linked notes (a window over its versions: one query whatever the plan's size)."""
    ranked = _links_so_far(plan).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F(name) for name in LINEAGE],
            order_by=[F("note__attendance__session__starts_at").desc(), F("pk").desc()],
        ),
        dimension=F(LINEAGE[0]),
        goal_text=F(LINEAGE[1]),
        objective_text=F(LINEAGE[2]),
    )
    return (
        ranked.filter(rank__lte=NOTES_PER_OBJECTIVE)
        .select_related("note__attendance__session__group")
        .only(
            "objective_id",
            "note__id",
            "note__signed_at",
            "note__attendance__id",
            "note__attendance__session__id",
            "note__attendance__session__kind",
            "note__attendance__session__starts_at",
            "note__attendance__session__group__title",
        )
        .order_by("rank")
    )


def load_plan(plan: TreatmentPlan) -> TreatmentPlan:
    """`plan` with all its parts loaded (`problem_list`, `goal_list`, `objective_list`, `intervention_list`,
    `deferred_list`), and on each objective `recent_notes` (the latest few notes that worked on it, in this version
    or the ones it was carried over from) and `note_count`. Seven queries."""
    objectives = Objective.objects.order_by("target_date", "pk")
    problems = list(
        Problem.objects.filter(plan=plan).prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.order_by("pk").prefetch_related(
                    Prefetch("objectives", queryset=objectives, to_attr="objective_list")
                ),
                to_attr="goal_list",
            )
        )
    )
    plan.problem_list = problems
    recent: dict[tuple, list] = {}
    counts: dict[tuple, int] = {}
    if any(g.objective_list for p in problems for g in p.goal_list):
        counted = _links_so_far(plan).values_list(*LINEAGE).annotate(n=Count("pk")).order_by()
        counts = {tuple(row[:3]): row[3] for row in counted}
        for link in _latest_notes(plan):
            recent.setdefault((link.dimension, link.goal_text, link.objective_text), []).append(link.note)
    for problem in problems:
        for goal in problem.goal_list:
            for objective in goal.objective_list:
                key = _lineage(objective, goal, problem)
                objective.recent_notes, objective.note_count = recent.get(key, []), counts.get(key, 0)
    plan.intervention_list = list(
        Intervention.objects.filter(plan=plan).select_related("who_user", "group").order_by("pk")
    )
    plan.deferred_list = list(DeferredDimension.objects.filter(plan=plan))
    return plan


def _versions(enrollment: Enrollment) -> list[TreatmentPlan]:
    return list(
        TreatmentPlan.objects.filter(enrollment=enrollment)
        .select_related("created_by", "signed_by", "agreement_recorded_by", "cosigned_by")
        .order_by("-version")
    )


def unaddressed_in(plan: TreatmentPlan, patient) -> list[int]:
    """The loaded plan's dimensions rated 3 or 4 at intake that no problem addresses and none defers."""
    must = {dim for dim, rating in intake_ratings(patient).items() if rating >= MUST_ADDRESS_FROM}
    done = {p.dimension for p in plan.problem_list} | {d.dimension for d in plan.deferred_list}
    return sorted(must - done)


def plan_deadline(enrollment: Enrollment, versions: list[TreatmentPlan], today: datetime.date) -> PlanDeadline:
    signed = next((plan for plan in versions if plan.is_signed), None)
    if signed is None:
        return PlanDeadline(enrollment.pk, "first plan", first_plan_due_on(enrollment), today)
    signed.enrollment = enrollment
    return PlanDeadline(enrollment.pk, "review", review_due_on(signed), today)


def plan_page(
    *, enrollment: Enrollment | None, today: datetime.date, version: int | None = None, draft: bool = False
) -> PlanPage | None:
    """The plan of `enrollment` (with its program and patient loaded): version `version`, else the draft when
    `draft`, else the plan in force (the latest signed version, or the draft while none is signed). None without an
    enrollment. Nine queries at most, whatever the plan's size."""
    if enrollment is None:
        return None
    versions = _versions(enrollment)
    if version is not None:
        shown = next((plan for plan in versions if plan.version == version), None)
    elif draft:
        shown = versions[0] if versions and not versions[0].is_signed else None
    else:
        shown = next((plan for plan in versions if plan.is_signed), versions[0] if versions else None)
    unaddressed = []
    if shown is not None:
        shown.enrollment = enrollment
        load_plan(shown)
        unaddressed = unaddressed_in(shown, enrollment.patient)
    deadline = plan_deadline(enrollment, versions, today) if enrollment.is_active else None
    return PlanPage(enrollment, versions, shown, deadline, unaddressed)


def open_objectives_for(patient_ids) -> dict[int, list[Objective]]:
    """The open objectives of each patient's plan in force (the latest signed version of their active
    enrollment's plans), by patient id. One query whatever the number of patients."""
    in_force = (
        TreatmentPlan.objects.filter(enrollment=OuterRef("goal__problem__plan__enrollment"), status=PlanStatus.SIGNED)
        .order_by("-version")
        .values("pk")[:1]
    )
    objectives = (
        Objective.objects.filter(
            goal__problem__plan__enrollment__patient__in=list(patient_ids),
            goal__problem__plan__enrollment__status="active",
            goal__problem__plan=Subquery(in_force),
            status=ObjectiveStatus.OPEN,
        )
        .annotate(patient_id=F("goal__problem__plan__enrollment__patient_id"))
        .order_by("goal__problem__dimension", "target_date", "pk")
    )
    found: dict[int, list[Objective]] = {}
    for objective in objectives:
        found.setdefault(objective.patient_id, []).append(objective)
    return found


def linked_objectives(note_ids) -> dict[int, set[int]]:
    """The objectives each note already worked on, by note id. One query."""
    found: dict[int, set[int]] = {}
    for note_id, objective_id in NoteObjective.objects.filter(note__in=list(note_ids)).values_list(
        "note_id", "objective_id"
    ):
        found.setdefault(note_id, set()).add(objective_id)
    return found


def version_changes(page: PlanPage) -> PlanDiff | None:
    """What the version `page` shows changed from the version before it (None for a first version). Seven queries
    more, whatever the plans' size."""
    shown = page.shown
    previous = next((plan for plan in page.versions if shown and plan.version == shown.version - 1), None)
    if previous is None:
        return None
    load_plan(previous)
    return plan_diff(snapshot(previous), snapshot(shown))


def plan_enrollment(patient) -> Enrollment | None:
    """The patient's latest enrollment (the current one while in care), with its program, for the plan pages. One
    query."""
    enrollment = Enrollment.objects.filter(patient=patient).select_related("program").order_by("-admitted_on", "-pk")
    found = enrollment.first()
    if found is not None:
        found.patient = patient
    return found


PARTS = {
    "problem": (Problem, "plan__enrollment", ("plan",)),
    "goal": (Goal, "problem__plan__enrollment", ("problem__plan",)),
    "objective": (Objective, "goal__problem__plan__enrollment", ("goal__problem__plan",)),
}


def plan_part(enrollment: Enrollment, kind: str, pk: int):
    """A problem, goal or objective of one of `enrollment`'s plan versions, with its plan; None for anyone else's.
    One query."""
    model, path, related = PARTS[kind]
    part = model.objects.select_related(*related).filter(pk=pk, **{path: enrollment}).first()
    if part is not None:
        part.the_plan().enrollment = enrollment
    return part


def patient_groups(patient) -> list:
    """The groups the patient is on now (an intervention may name one). One query."""
    return list(
        TherapyGroup.objects.filter(memberships__patient=patient, memberships__left_on__isnull=True)
        .distinct()
        .order_by("title", "pk")
    )


def latest_version(enrollment: Enrollment) -> TreatmentPlan | None:
    """The enrollment's latest plan version (a draft being written, or the plan in force). One query."""
    return enrollment.plans.order_by("-version").first()
