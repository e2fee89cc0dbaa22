"""When plans are due: computed from the program's settings, never stored.

Dates, not instants: a first plan is due `plan_due_days` after the admission day, a review `plan_review_days`
after the clinic's day of the last signature (read on the clinic's clock), so a daylight-saving change between
them moves nothing.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, F, Max, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from clinic import policy
from clinic.clock import local_start
from clinic.policy import Action
from plans.models import PlanStatus, TreatmentPlan
from programs.models import Enrollment, EnrollmentStatus, Program

DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class PlanDeadline:
    enrollment_id: int
    kind: str  # "first plan" or "review"
    due_on: datetime.date
    today: datetime.date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def due_soon(self) -> bool:
        """Due today or within the next three days (not yet overdue)."""
        return self.today <= self.due_on <= self.today + datetime.timedelta(days=DUE_SOON_DAYS)


def first_plan_due_on(enrollment: Enrollment) -> datetime.date:
    return enrollment.admitted_on + datetime.timedelta(days=enrollment.program.plan_due_days_in_force)


def review_due_on(plan: TreatmentPlan) -> datetime.date:
    """The day the signed `plan` is due for review: its signature's clinic-local day plus the review interval."""
    signed_on = timezone.localdate(plan.signed_at)
    return signed_on + datetime.timedelta(days=plan.enrollment.program.plan_review_days_in_force)


def deadlines(enrollments, today: datetime.date | None = None) -> dict[int, PlanDeadline]:
    """Each enrollment's next plan deadline: the first plan while none is signed, else the review of the latest
    signed version. Two queries whatever the number of enrollments (pass them with their program)."""
    today = today or timezone.localdate()
    enrollments = list(enrollments)
    latest: dict[int, TreatmentPlan] = {}
    signed = (
        TreatmentPlan.objects.filter(enrollment__in=[e.pk for e in enrollments], status=PlanStatus.SIGNED)
        .order_by("enrollment_id", "version")
        .only("enrollment_id", "version", "signed_at")
    )
    for plan in signed:
        latest[plan.enrollment_id] = plan  # the highest version last
    result = {}
    for enrollment in enrollments:
        plan = latest.get(enrollment.pk)
        if plan is None:
            result[enrollment.pk] = PlanDeadline(enrollment.pk, "first plan", first_plan_due_on(enrollment), today)
        else:
            plan.enrollment = enrollment
            result[enrollment.pk] = PlanDeadline(enrollment.pk, "review", review_due_on(plan), today)
    return result


def plans_due(enrollments, today: datetime.date | None = None) -> list[PlanDeadline]:
    """The deadlines among `enrollments` that are overdue or due within three days, the most pressing first."""
    found = [d for d in deadlines(enrollments, today).values() if d.overdue or d.due_soon]
    return sorted(found, key=lambda d: (d.due_on, d.enrollment_id))


SIGNED_DATES_LIMIT = 52  # a year of fortnightly reviews: bounded whatever the record holds


def signed_dates(patient, *, limit: int = SIGNED_DATES_LIMIT) -> list[tuple[datetime.date, int]]:
    """The clinic-local days the patient's plans were signed (first plans and reviews, every stay), oldest first,
    with each version's number: the chart marks them on the measures' plots. One query."""
    signed = (
        TreatmentPlan.objects.filter(enrollment__patient=patient, signed_at__isnull=False)
        .order_by("-signed_at", "-id")
        .values_list("signed_at", "version")[:limit]
    )
    return [(timezone.localdate(signed_at), version) for signed_at, version in reversed(signed)]


# --- A clinician's plans due, bounded: the dashboard and the digest over a whole clinic ----------------------------

FLAG_LIMIT = 20


@dataclass(frozen=True)
class PlanDue:
    """A plan deadline with what a list prints of it: the enrollment (its patient and program loaded)."""

    enrollment: Enrollment
    deadline: PlanDeadline


def _sees_plans(user) -> bool:
    """SEE_PLAN's requirement (clinicians only); its patient scope is applied as a filter by the caller."""
    return policy.allows(user, Action.CLINICAL_WORK)


def _due_by(programs, horizon: datetime.date) -> Q:
    """The enrollments whose next deadline falls on or before `horizon`, one condition per program (programs are
    few): no signed plan and admitted on or before `horizon - plan_due_days`, or the latest signature on a clinic
    day on or before `horizon - plan_review_days` (before the start of the next local day, so daylight saving
    moves nothing)."""
    due = Q(pk__in=[])
    for program in programs:
        admitted_by = horizon - datetime.timedelta(days=program.plan_due_days_in_force)
        signed_before = local_start(
            horizon - datetime.timedelta(days=program.plan_review_days_in_force - 1), datetime.time.min
        )
        due |= Q(program=program) & (
            Q(last_signed_at__isnull=True, admitted_on__lte=admitted_by) | Q(last_signed_at__lt=signed_before)
        )
    return due


def _due_on(programs) -> Case:
    """The deadline's day in SQL, for the order: per program, admission plus its first-plan days, or the clinic
    day of the latest signature plus its review interval."""
    signed_on = TruncDate("last_signed_at", tzinfo=timezone.get_current_timezone())
    whens = []
    for program in programs:
        first = datetime.timedelta(days=program.plan_due_days_in_force)
        review = datetime.timedelta(days=program.plan_review_days_in_force)
        whens.append(When(program=program, last_signed_at__isnull=True, then=F("admitted_on") + first))
        whens.append(When(program=program, then=signed_on + review))
    return Case(*whens, output_field=DateField())


def plans_due_for(user, *, today: datetime.date | None = None, limit: int = FLAG_LIMIT) -> tuple[list[PlanDue], int]:
    """The plans overdue or due within three days in the active enrollments of the patients `user` may see (none
    for non-clinicians), the most pressing first: at most `limit` of them, and how many there are. Three queries
    whatever the number of patients: the deadlines are filtered and ordered in SQL, and agree with `deadlines`."""
    if not _sees_plans(user):
        return [], 0
    today = today or timezone.localdate()
    programs = list(Program.objects.only("plan_due_days", "plan_review_days", "level_of_care"))
    # The latest signature, the latest version's (versions are signed in turn): an aggregate over a join, which
    # the database computes once per enrollment however often the conditions name it (a correlated subquery
    # would run again for each program's condition and for the order).
    enrollments = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).annotate(
        last_signed_at=Max("plans__signed_at", filter=Q(plans__status=PlanStatus.SIGNED))
    )
    enrollments = policy.in_scope(enrollments, user)
    due = enrollments.filter(_due_by(programs, today + datetime.timedelta(days=DUE_SOON_DAYS)))
    rows = list(
        due.annotate(due_on=_due_on(programs))
        .select_related("patient", "program")
        .only("admitted_on", "program_id", *PATIENT_COLUMNS, *PROGRAM_COLUMNS)
        .order_by("due_on", "pk")[:limit]
    )
    return [PlanDue(e, _deadline(e, today)) for e in rows], due.count()


PATIENT_COLUMNS = [f"patient__{name}" for name in ("legal_first_name", "legal_last_name", "preferred_name", "mrn")]
PROGRAM_COLUMNS = ["program__name", "program__plan_due_days", "program__plan_review_days", "program__level_of_care"]


def _deadline(enrollment: Enrollment, today: datetime.date) -> PlanDeadline:
    """As `deadlines` computes it, from the latest signature annotated on the row."""
    if enrollment.last_signed_at is None:
        return PlanDeadline(enrollment.pk, "first plan", first_plan_due_on(enrollment), today)
    signed_on = timezone.localdate(enrollment.last_signed_at)
    due_on = signed_on + datetime.timedelta(days=enrollment.program.plan_review_days_in_force)
    return PlanDeadline(enrollment.pk, "review", due_on, today)
