"""When plans are due: computed from the program's settings, never stored.

Dates, not instants: a first plan is due `plan_due_days` after the admission day, a review `plan_review_days`
after the clinic's day of the last signature (read on the clinic's clock), so a daylight-saving change between
them moves nothing.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from plans.models import PlanStatus, TreatmentPlan
from programs.models import Enrollment

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
