"""Demo treatment plans: most patients in care have a signed plan, reviewed on their program's schedule; a few
reviews are overdue, a few first plans still drafts. Rows go in through the Loader a chunk at a time.

The database refuses a part added to a signed plan, so a chunk's plans get their keys first, their parts are
written, and the plans, signed, last (the foreign keys are checked once the load ends).
"""

import datetime
import itertools
import random
from collections import Counter

from clinic.clock import local_start
from demo.load import Loader
from plans.models import (
    DIMENSION_FIELDS,
    MUST_ADDRESS_FROM,
    AgreementMethod,
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
from programs.models import EnrollmentStatus
from sessions.models import ProgressNote

PROBLEMS = {
    1: "Withdrawal symptoms (sleep, anxiety) in the first weeks of abstinence.",
    2: "Untreated hypertension and poor sleep; no primary care provider.",
    3: "Depressed mood and anxiety that the patient links to use; PHQ-9 in the moderate range at intake.",
    4: "Ambivalent about stopping use entirely; attends because of a court mandate.",
    5: "Repeated return to use within weeks of earlier treatment; few coping skills for cravings.",
    6: "Lives with a partner who uses; unemployed; few sober supports.",
}
GOALS = [
    "I want to stay clean so I can get my kids back.",
    "I want to feel like myself again.",
    "I don't want to end up in the hospital again.",
    "I want to keep my job.",
    "I want to live somewhere safe and sober.",
    "I want to handle stress without using.",
]
OBJECTIVES = [
    "Attend at least 3 group sessions a week for the next 4 weeks.",
    "Name 3 personal triggers and a coping skill for each by the target date.",
    "Call a sober support at least twice a week, logged in a diary.",
    "Attend one mutual-help meeting a week and report on it in individual session.",
    "Complete a primary care appointment and bring the summary to the counselor.",
    "Practise one relaxation skill daily and rate cravings before and after, for 3 weeks.",
    "Write a relapse-prevention plan with 3 warning signs and share it in group.",
    "Keep a sleep diary for 2 weeks and bring it to individual session.",
    "Name 2 sober people to call and call one of them before any high-risk situation.",
    "Take prescribed medication as directed, with no missed doses in the pill log, for 30 days.",
]
INTERVENTIONS = [
    ("Process group", "3 times a week", "counselor"),
    ("Individual counseling (CBT for relapse prevention)", "weekly", "counselor"),
    ("Medication management review", "every 2 weeks", "psychiatric nurse practitioner"),
    ("Family session", "monthly", "counselor"),
]
DEFER_REASONS = [
    "Psychiatric evaluation scheduled; addressed at the first review.",
    "Patient asked to focus on withdrawal and housing first; revisited at the review.",
]
OVERDUE_SHARE = 0.12  # reviews left undone, for the dashboards to show
DRAFT_SHARE = 0.4  # of enrollments still within their first-plan deadline, plans left as drafts
LINKED_SHARE = 0.5  # of the notes written under a signed plan, those that say which objectives they worked on


class PlanSeeder:
    def __init__(self, *, rng: random.Random, today: datetime.date, loader: Loader, fallback_signer, cosigner):
        self.rng, self.today, self.loader, self.fallback = rng, today, loader, fallback_signer
        self.cosigner = cosigner  # where the program asks for a co-signature: the next day, or still pending today

    def _versions(self, enrollment) -> list[tuple[datetime.date, bool]]:
        """(created on, signed) for each version: the first plan within the deadline, then one per review interval
        while the reviews were done on time."""
        program = enrollment.program
        due, interval = program.plan_due_days_in_force, program.plan_review_days_in_force
        first = enrollment.admitted_on + datetime.timedelta(days=self.rng.randint(0, max(due - 1, 0)))
        if first > self.today or (
            self.today < enrollment.admitted_on + datetime.timedelta(days=due) and self.rng.random() < DRAFT_SHARE
        ):
            return [(min(first, self.today), False)]
        versions = [(first, True)]
        while versions[-1][0] + datetime.timedelta(days=interval) <= self.today:
            if self.rng.random() < OVERDUE_SHARE:
                break  # this review was not done: overdue
            versions.append((versions[-1][0] + datetime.timedelta(days=interval - self.rng.randint(0, 3)), True))
        return versions

    def add(self, enrollments) -> dict[str, int]:
        plans, parts = [], []
        for enrollment in enrollments:
            if enrollment.status != EnrollmentStatus.ACTIVE:
                continue
            signer_id = enrollment.counselor_id or self.fallback.pk
            for version, (created_on, signed) in enumerate(self._versions(enrollment), 1):
                plan = TreatmentPlan(
                    enrollment_id=enrollment.pk,
                    version=version,
                    status=PlanStatus.DRAFT,
                    created_on=created_on,
                    created_by_id=signer_id,
                )
                if signed:
                    plan.status = PlanStatus.SIGNED
                    plan.signed_by_id = plan.agreement_recorded_by_id = signer_id
                    plan.signed_at = local_start(created_on, datetime.time(15, self.rng.randint(0, 59)))
                    plan.patient_agreed_on = created_on
                    plan.agreement_method = self.rng.choice(AgreementMethod.values)
                    cosigned_on = created_on + datetime.timedelta(days=1)
                    if enrollment.program.plan_needs_cosign and cosigned_on <= self.today:
                        plan.cosigned_by_id = self.cosigner.pk
                        plan.cosigned_at = local_start(cosigned_on, datetime.time(9, self.rng.randint(0, 59)))
                plans.append(plan)
                parts.append((plan, enrollment, version))
        self.loader.reserve(TreatmentPlan, plans)
        for earlier, later in itertools.pairwise(plans):
            if later.version > 1:
                later.previous_id = earlier.pk
        counts = self._parts(parts)
        self.loader.write(TreatmentPlan, plans)
        signed = sum(plan.status == PlanStatus.SIGNED for plan in plans)
        links = self._note_links([plan for plan in plans if plan.status == PlanStatus.SIGNED])
        return {"plans": len(plans), "signed_plans": signed, "note_objective_links": links, **counts}

    def _note_links(self, signed: list[TreatmentPlan]) -> int:
        """Link a share of each chunk's notes to one or two open objectives of the plan in force when the session
        was held (the latest version signed before it), as counselors do on the attendance sheet."""
        by_enrollment: dict[int, list[TreatmentPlan]] = {}
        for plan in sorted(signed, key=lambda p: p.version):
            by_enrollment.setdefault(plan.enrollment_id, []).append(plan)
        notes = ProgressNote.objects.filter(attendance__enrollment__in=list(by_enrollment)).values_list(
            "pk", "author_id", "attendance__enrollment_id", "attendance__session__starts_at"
        )
        links = []
        for note_id, author_id, enrollment_id, starts_at in notes.order_by("pk"):
            in_force = [p for p in by_enrollment[enrollment_id] if p.signed_at <= starts_at]
            if not in_force or self.rng.random() >= LINKED_SHARE:
                continue
            open_ones = [o for o in self.objectives_of.get(in_force[-1].pk, []) if o.status == ObjectiveStatus.OPEN]
            for objective in self.rng.sample(open_ones, min(len(open_ones), self.rng.randint(1, 2))):
                links.append(
                    NoteObjective(
                        note_id=note_id,
                        objective_id=objective.pk,
                        linked_by_id=author_id,
                        linked_at=starts_at + datetime.timedelta(hours=2),
                    )
                )
        self.loader.write(NoteObjective, links)
        return len(links)

    def _parts(self, parts) -> dict[str, int]:
        problems, deferred, interventions, goals_for = [], [], [], []
        for plan, enrollment, version in parts:
            patient = enrollment.patient
            ratings = {dim: getattr(patient, field) or 0 for dim, field in DIMENSION_FIELDS.items()}
            must = [dim for dim, rating in ratings.items() if rating >= MUST_ADDRESS_FROM]
            chosen = must or [max(ratings, key=lambda dim: (ratings[dim], dim == 5))]
            for n, dim in enumerate(chosen):
                if n and self.rng.random() < 0.15:
                    deferred.append(
                        DeferredDimension(plan_id=plan.pk, dimension=dim, reason=self.rng.choice(DEFER_REASONS))
                    )
                    continue
                problem = Problem(plan_id=plan.pk, dimension=dim, severity=ratings[dim], description=PROBLEMS[dim])
                problems.append(problem)
                goals_for.append((problem, plan, version))
            for what, how_often, who in self.rng.sample(INTERVENTIONS, 2):
                interventions.append(Intervention(plan_id=plan.pk, what=what, frequency=how_often, who_role=who))
        self.loader.write(Problem, problems)
        goals = [Goal(problem_id=problem.pk, text=self.rng.choice(GOALS)) for problem, _, _ in goals_for]
        self.loader.write(Goal, goals)
        objectives = []
        self.objectives_of: dict[int, list[Objective]] = {}
        written: dict[int, set[str]] = {}  # a plan's objectives, so that no two of its goals share one
        goals_of = Counter(plan.pk for _, plan, _ in goals_for)
        for goal, (_, plan, version) in zip(goals, goals_for, strict=True):
            unused = [text for text in OBJECTIVES if text not in written.setdefault(plan.pk, set())]
            each = 2 if 2 * goals_of[plan.pk] <= len(OBJECTIVES) else 1  # six goals still get one each
            for text in self.rng.sample(unused, each):
                written[plan.pk].add(text)
                status = ObjectiveStatus.OPEN
                if version > 1 and self.rng.random() < 0.3:
                    status = self.rng.choice([ObjectiveStatus.MET, ObjectiveStatus.REVISED])
                target = plan.created_on + datetime.timedelta(days=self.rng.randint(14, 60))
                objective = Objective(goal_id=goal.pk, text=text, target_date=target, status=status)
                objectives.append(objective)
                self.objectives_of.setdefault(plan.pk, []).append(objective)
        self.loader.write(Objective, objectives)
        self.loader.write(Intervention, interventions)
        self.loader.write(DeferredDimension, deferred)
        return {"plan_problems": len(problems), "plan_objectives": len(objectives)}
