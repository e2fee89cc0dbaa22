"""A counselor's caseload as the dashboard shows it, in a fixed number of queries whatever its size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from clinic.clock import week_start
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import (
    AbsenceReview,
    Attendance,
    AttendanceStatus,
    GroupMembership,
    ProgressNote,
    SessionStatus,
    TherapySession,
)
from sessions.selectors.hours import WeekHours, weekly_hours


@dataclass
class CaseloadRow:
    enrollment: Enrollment
    week: WeekHours | None
    unexcused_absences: int
    next_session_at: datetime.datetime | None
    unsigned_notes: int
    open_review: bool

    @property
    def patient(self):
        return self.enrollment.patient

    @property
    def day_of_stay(self) -> int:
        return (timezone.localdate() - self.enrollment.admitted_on).days + 1

    @property
    def at_absence_limit(self) -> bool:
        return self.unexcused_absences >= max(1, self.enrollment.program.max_unexcused_absences)


def caseload_enrollments(counselor=None) -> QuerySet[Enrollment]:
    """Active enrollments carried by `counselor` (as the enrollment's counselor or the patient's primary counselor),
    or all active enrollments when `counselor` is None."""
    enrollments = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE)
    if counselor is not None:
        enrollments = enrollments.filter(Q(counselor=counselor) | Q(patient__primary_counselor=counselor))
    return enrollments.select_related("patient", "program", "counselor").order_by(
        "patient__legal_last_name", "patient__legal_first_name", "pk"
    )


def caseload_for(
    *, counselor=None, enrollments: list[Enrollment] | None = None, now: datetime.datetime | None = None
) -> list[CaseloadRow]:
    """Each active enrollment of the caseload (or of `enrollments`, one page of it) with this week's hours,
    unexcused absences in the enrollment, the patient's next session, their unsigned notes and whether a review is
    open. Eight queries."""
    now = now or timezone.now()
    if enrollments is None:
        enrollments = list(caseload_enrollments(counselor))
    ids = [e.pk for e in enrollments]
    patient_ids = [e.patient_id for e in enrollments]
    this_week = week_start(timezone.localtime(now).date())
    weeks = weekly_hours(enrollments=Enrollment.objects.filter(pk__in=ids), first_week=this_week, last_week=this_week)
    absences = dict(
        Attendance.objects.filter(enrollment_id__in=ids, status=AttendanceStatus.UNEXCUSED)
        .values("enrollment_id")
        .annotate(n=Count("pk"))
        .values_list("enrollment_id", "n")
        .order_by()
    )
    upcoming = Q(status=SessionStatus.SCHEDULED, starts_at__gt=now)
    booked = dict(
        TherapySession.objects.filter(upcoming, patient_id__in=patient_ids)
        .values("patient_id")
        .annotate(at=Min("starts_at"))
        .values_list("patient_id", "at")
        .order_by()
    )
    in_groups = dict(
        GroupMembership.objects.filter(patient_id__in=patient_ids, left_on__isnull=True)
        .values("patient_id")
        .annotate(
            at=Min(
                "group__sessions__starts_at",
                filter=Q(group__sessions__status=SessionStatus.SCHEDULED, group__sessions__starts_at__gt=now),
            )
        )
        .values_list("patient_id", "at")
        .order_by()
    )
    unsigned = dict(
        ProgressNote.objects.filter(attendance__patient_id__in=patient_ids, signed_at__isnull=True)
        .values("attendance__patient_id")
        .annotate(n=Count("pk"))
        .values_list("attendance__patient_id", "n")
        .order_by()
    )
    reviews = set(
        AbsenceReview.objects.filter(enrollment_id__in=ids, resolved_at__isnull=True).values_list(
            "enrollment_id", flat=True
        )
    )
    rows = []
    for enrollment in enrollments:
        times = [t for t in (booked.get(enrollment.patient_id), in_groups.get(enrollment.patient_id)) if t]
        rows.append(
            CaseloadRow(
                enrollment=enrollment,
                week=(weeks.get(enrollment.pk) or [None])[-1],
                unexcused_absences=absences.get(enrollment.pk, 0),
                next_session_at=min(times, default=None),
                unsigned_notes=unsigned.get(enrollment.patient_id, 0),
                open_review=enrollment.pk in reviews,
            )
        )
    return rows
