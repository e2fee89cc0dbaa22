"""Reads across sessions and attendance: weekly hours and billing facts. Each runs a fixed number of queries."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractIsoYear, ExtractWeek, TruncDate
from django.utils import timezone

from clinic import levels
from clinic.levels import LevelOfCare
from programs.models import Enrollment, EnrollmentStatus
from sessions.models import Attendance, BillingCode, ProgressNote, SessionStatus, TherapySession
from sessions.models.attendance import ATTENDED
from sessions.scheduling import local_day_bounds, week_start

IOP_DAY_MINUTES = 180  # H0015 bills an IOP day of at least three hours


@dataclass(frozen=True)
class WeekHours:
    enrollment_id: int
    week_start: datetime.date
    minutes: int
    minimum: Decimal | None
    maximum: Decimal | None
    partial: bool  # the enrollment began or ended during the week
    in_progress: bool  # the week is not over yet

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))

    @property
    def under_minimum(self) -> bool:
        """Short of the level's minimum over a whole week of enrollment. A week in progress is short only once
        it can no longer be made up, which the dashboard judges; here it is not flagged."""
        return self.minimum is not None and not self.partial and not self.in_progress and self.hours < self.minimum

    @property
    def short_so_far(self) -> bool:
        return self.minimum is not None and self.hours < self.minimum

    @property
    def over_maximum(self) -> bool:
        return self.maximum is not None and self.hours > self.maximum


def weekly_hours(
    *, enrollments: QuerySet[Enrollment], first_week: datetime.date, last_week: datetime.date
) -> dict[int, list[WeekHours]]:
    """Attended hours per ISO week (clinic time) for each enrollment, against its program's weekly bounds,
    for the weeks from `first_week` to `last_week` (any day in them). Weeks of enrollment without attendance
    count as zero. Two queries, whatever the number of enrollments or weeks."""
    first, last = week_start(first_week), week_start(last_week)
    start, end = local_day_bounds(first, last + datetime.timedelta(days=6))
    rows = enrollments.values(
        "pk",
        "admitted_on",
        "discharged_on",
        "program__level_of_care",
        "program__min_weekly_hours",
        "program__max_weekly_hours",
    )
    minutes = (
        Attendance.objects.filter(
            enrollment__in=enrollments.values("pk"), session__starts_at__gte=start, session__starts_at__lt=end
        )
        .annotate(year=ExtractIsoYear("session__starts_at"), week=ExtractWeek("session__starts_at"))
        .values("enrollment_id", "year", "week")
        .annotate(minutes=Sum("minutes_attended"))
        .order_by()
    )
    attended = {
        (r["enrollment_id"], datetime.date.fromisocalendar(r["year"], r["week"], 1)): r["minutes"] for r in minutes
    }
    today = timezone.localdate()
    result: dict[int, list[WeekHours]] = {}
    for row in rows:
        facts = levels.facts(row["program__level_of_care"])
        low = row["program__min_weekly_hours"]
        high = row["program__max_weekly_hours"]
        low = facts.min_weekly_hours if low is None else low
        high = facts.max_weekly_hours if high is None else high
        admitted, discharged = row["admitted_on"], row["discharged_on"]
        weeks = []
        monday = max(first, week_start(admitted))
        while monday <= last and (discharged is None or monday <= discharged):
            sunday = monday + datetime.timedelta(days=6)
            weeks.append(
                WeekHours(
                    enrollment_id=row["pk"],
                    week_start=monday,
                    minutes=attended.get((row["pk"], monday), 0),
                    minimum=low,
                    maximum=high,
                    partial=admitted > monday or (discharged is not None and discharged < sunday),
                    in_progress=sunday >= today,
                )
            )
            monday += datetime.timedelta(days=7)
        result[row["pk"]] = weeks
    return result


@dataclass
class Service:
    session_id: int
    kind: str
    billing_code: str
    minutes: int
    participants: int


@dataclass
class BillingDay:
    patient_id: int
    day: datetime.date
    level_of_care: str
    services: list[Service] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.services)

    @property
    def iop_day_code(self) -> str | None:
        """H0015 when an IOP patient received at least three hours of services that day."""
        if self.level_of_care == LevelOfCare.INTENSIVE_OUTPATIENT and self.minutes >= IOP_DAY_MINUTES:
            return BillingCode.IOP_DAY
        return None


def billing_days(
    *, first: datetime.date, last: datetime.date, patient_ids: list[int] | None = None
) -> list[BillingDay]:
    """Per patient and local day, the services received (attended sessions with their billing code, minutes and
    participant count), as an IOP day-rate claim needs them. One query."""
    start, end = local_day_bounds(first, last)
    participants = (
        Attendance.objects.filter(session=OuterRef("session"), status__in=ATTENDED)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    attendances = Attendance.objects.filter(
        status__in=ATTENDED, session__starts_at__gte=start, session__starts_at__lt=end
    )
    if patient_ids is not None:
        attendances = attendances.filter(patient_id__in=patient_ids)
    rows = (
        attendances.annotate(
            day=TruncDate("session__starts_at", tzinfo=timezone.get_default_timezone()),
            participants=Subquery(participants),
            level=F("enrollment__program__level_of_care"),
        )
        .values_list(
            "patient_id",
            "day",
            "level",
            "session_id",
            "session__kind",
            "session__billing_code",
            "minutes_attended",
            "participants",
        )
        .order_by("patient_id", "session__starts_at")
    )
    days: dict[tuple[int, datetime.date], BillingDay] = {}
    for patient_id, day, level, session_id, kind, code, minutes, count in rows:
        entry = days.setdefault((patient_id, day), BillingDay(patient_id, day, level))
        entry.services.append(Service(session_id, kind, code, minutes, count))
    return list(days.values())


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
            "starts_at": s.starts_at, "location": s.location or s.video_link,
            "title": s.group.title if s.group_id else f"{s.get_kind_display()}: {s.patient.display_first_name} "
            f"{s.patient.legal_last_name}",
        }
        for s in TherapySession.objects.filter(facilitator=staff, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("group", "patient")
    ]  # fmt: skip
    caseload = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).filter(
        Q(counselor=staff) | Q(patient__primary_counselor=staff)
    )
    last_week = week_start(day) - datetime.timedelta(days=7)
    weeks = weekly_hours(enrollments=caseload, first_week=last_week, last_week=last_week)
    short = {pk: rows[0] for pk, rows in weeks.items() if rows and rows[0].under_minimum}
    under = [
        {"name": f"{e.patient.display_first_name} {e.patient.legal_last_name}", "mrn": e.patient.mrn,
         "hours": short[e.pk].hours, "minimum": short[e.pk].minimum}
        for e in caseload.filter(pk__in=short).select_related("patient").order_by("patient__legal_last_name")
    ]  # fmt: skip
    unsigned = ProgressNote.objects.filter(author=staff, signed_at__isnull=True).count()
    return Digest(sessions=sessions, under_minimum=under, unsigned_notes=unsigned)
