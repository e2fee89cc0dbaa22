"""A counselor's caseload as the dashboard shows it, in a fixed number of queries whatever its size."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from clinic.clock import local_day_bounds, week_start
from clinic.subqueries import per_row
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import (
    AbsenceReview,
    Attendance,
    AttendanceStatus,
    ProgressNote,
    SessionStatus,
    TherapySession,
)
from sessions.selectors.hours import WeekHours, hours_bounds, week_hours


@dataclass
class CaseloadRow:
    enrollment: Enrollment
    week: WeekHours | None
    unexcused_absences: int
    next_session_at: datetime.datetime | None
    unsigned_notes: int
    open_review: bool
    day_of_stay: int  # the day of admission is day 1

    @property
    def patient(self):
        return self.enrollment.patient

    @property
    def past_stay(self) -> bool:
        """Past the program's expected length of stay (withdrawal management's 3 to 7 days: day 8 is past it)."""
        longest = self.enrollment.program.max_length_of_stay_days
        return bool(longest) and self.day_of_stay > longest

    @property
    def at_absence_limit(self) -> bool:
        return self.unexcused_absences >= max(1, self.enrollment.program.max_unexcused_absences)


# What a caseload row shows of the enrollment, its patient and program: the columns loaded, not whole rows.
ROW = (
    "patient_id",
    "program_id",
    "status",
    "admitted_on",
    "discharged_on",
    "counselor_id",
    *(f"patient__{name}" for name in ("mrn", "legal_first_name", "legal_last_name", "preferred_name")),
    *(
        f"program__{name}"
        for name in (
            "name",
            "level_of_care",
            "min_weekly_hours",
            "max_weekly_hours",
            "min_length_of_stay_days",
            "max_length_of_stay_days",
            "max_unexcused_absences",
        )
    ),
)


def caseload_enrollments(counselor=None) -> QuerySet[Enrollment]:
    """Active enrollments carried by `counselor` (as the enrollment's counselor or the patient's primary counselor),
    or all active enrollments when `counselor` is None."""
    enrollments = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE)
    if counselor is not None:
        enrollments = enrollments.filter(pk__in=carried_by(counselor))
    return (
        enrollments.select_related("patient", "program")
        .only(*ROW)
        .order_by("patient__legal_last_name", "patient__legal_first_name", "pk")
    )


def carried_by(counselor) -> QuerySet:
    """The ids of the active enrollments `counselor` carries, as the enrollment's counselor or the patient's primary
    counselor: a UNION of two index lookups. (ORing the two across a join cannot use an index: PostgreSQL hashes
    every patient against every active enrollment.)"""
    active = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).order_by()
    return (
        active.filter(counselor=counselor)
        .values("pk")
        .union(active.filter(patient__primary_counselor=counselor).values("pk"))
    )


def with_caseload_facts(enrollments: QuerySet[Enrollment], *, now: datetime.datetime) -> QuerySet[Enrollment]:
    """`enrollments` with what the dashboard shows of each: this week's attended minutes, unexcused absences in the
    enrollment, the patient's next session (booked, or of a group they belong to), their unsigned notes and whether
    a review is open. Correlated subqueries, so that PostgreSQL computes them only for the rows of the page (after
    its ORDER BY and LIMIT): the page is one query whatever the caseload's size."""
    monday = week_start(timezone.localtime(now).date())
    week_from, week_to = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    upcoming = {"status": SessionStatus.SCHEDULED, "starts_at__gt": now}
    patient = OuterRef("patient_id")
    return enrollments.annotate(
        week_minutes=per_row(
            Attendance.objects.filter(
                enrollment=OuterRef("pk"), session__starts_at__gte=week_from, session__starts_at__lt=week_to
            ),
            "enrollment",
            Sum("minutes_attended"),
        ),
        unexcused_absences=per_row(
            Attendance.objects.filter(enrollment=OuterRef("pk"), status=AttendanceStatus.UNEXCUSED),
            "enrollment",
        ),
        booked_at=per_row(TherapySession.objects.filter(patient=patient, **upcoming), "patient", Min("starts_at")),
        group_session_at=Subquery(
            TherapySession.objects.filter(
                group__memberships__patient=patient, group__memberships__left_on__isnull=True, **upcoming
            )
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
        unsigned_notes=per_row(
            ProgressNote.objects.filter(attendance__patient=patient, signed_at__isnull=True),
            "attendance__patient",
        ),
        open_review=Exists(AbsenceReview.objects.filter(enrollment=OuterRef("pk"), resolved_at__isnull=True)),
    )


def caseload_rows(enrollments, *, now: datetime.datetime | None = None) -> list[CaseloadRow]:
    """The dashboard's rows for `enrollments` annotated by `with_caseload_facts` (one page of them)."""
    today = timezone.localtime(now or timezone.now()).date()
    monday = week_start(today)
    rows = []
    for enrollment in enrollments:
        program = enrollment.program
        week = None
        if week_start(enrollment.admitted_on) <= monday:
            low, high = hours_bounds(program.level_of_care, program.min_weekly_hours, program.max_weekly_hours)
            week = week_hours(
                enrollment.pk,
                monday,
                enrollment.week_minutes,
                low,
                high,
                enrollment.admitted_on,
                enrollment.discharged_on,
                today,
            )
        times = [t for t in (enrollment.booked_at, enrollment.group_session_at) if t]
        rows.append(
            CaseloadRow(
                enrollment=enrollment,
                week=week,
                unexcused_absences=enrollment.unexcused_absences,
                next_session_at=min(times, default=None),
                unsigned_notes=enrollment.unsigned_notes,
                open_review=enrollment.open_review,
                day_of_stay=(today - enrollment.admitted_on).days + 1,
            )
        )
    return rows
