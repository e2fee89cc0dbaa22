"""A clinician's morning digest."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from clinic.clock import local_day_bounds, week_start
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import ProgressNote, SessionStatus, TherapySession
from sessions.selectors.hours import weekly_hours


@dataclass
class Digest:
    sessions: list[dict]
    under_minimum: list[dict]
    unsigned_notes: int


def digest_for(staff, day: datetime.date) -> Digest:
    """A clinician's morning digest: the day's sessions they hold, their caseload's patients who fell short of
    their weekly minimum last week, and their unsigned notes. A fixed number of queries."""
    start, end = local_day_bounds(day, day)
    sessions = [
        {
            "starts_at": s.starts_at,
            "location": s.location or s.video_link,
            "title": s.title_with_patient,
        }
        for s in TherapySession.objects.filter(facilitator=staff, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("group", "patient")
    ]
    caseload = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).filter(
        Q(counselor=staff) | Q(patient__primary_counselor=staff)
    )
    last_week = week_start(day) - datetime.timedelta(days=7)
    weeks = weekly_hours(enrollments=caseload, first_week=last_week, last_week=last_week)
    short = {pk: rows[0] for pk, rows in weeks.items() if rows and rows[0].under_minimum}
    under = [
        {
            "name": f"{e.patient.display_first_name} {e.patient.legal_last_name}",
            "mrn": e.patient.mrn,
            "hours": short[e.pk].hours,
            "minimum": short[e.pk].minimum,
        }
        for e in caseload.filter(pk__in=short).select_related("patient").order_by("patient__legal_last_name")
    ]
    unsigned = ProgressNote.objects.filter(author=staff, signed_at__isnull=True).count()
    return Digest(sessions=sessions, under_minimum=under, unsigned_notes=unsigned)
