"""The dashboard: one page of a caseload, today's sessions, absences to follow up and reviews due."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from clinic import policy
from clinic.clock import local_day_bounds
from clinic.models import Role, User
from clinic.policy import Action
from clinic.subqueries import per_row
from programs.models import Enrollment
from sessions.models import AbsenceReview, Reminder, ReminderKind, SessionStatus, TherapySession
from sessions.models.attendance import ATTENDED, Attendance
from sessions.selectors.caseload import (
    CaseloadRow,
    carried_by,
    caseload_enrollments,
    caseload_rows,
    with_caseload_facts,
)
from sessions.selectors.schedule import LISTED

PAGE_SIZE = 25  # a screen's worth, as the patient list and the admin lists
FOLLOW_UP_LIMIT = 20  # absences and reviews shown at once
TODAY_LIMIT = 12  # today's sessions listed: the schedule lists the rest (a whole clinic's day is thousands)
ALERT_DAYS = 7  # how far back an absence alert is still to follow up


def _name_of(patient: str) -> list[str]:
    """The columns a follow-up prints of the patient at `patient` (a lookup path)."""
    return [f"{patient}__{name}" for name in ("legal_first_name", "legal_last_name", "preferred_name")]


@dataclass
class Dashboard:
    counselor: User | None  # whose caseload; None for everyone's
    show_caseload: bool
    clinician: bool  # attendance counts, alerts and reviews are clinical
    page: Page
    rows: list[CaseloadRow]
    today: list[TherapySession]  # the first TODAY_LIMIT
    today_total: int
    alerts: list[Reminder]
    reviews: list[AbsenceReview]

    @property
    def today_more(self) -> int:
        """Today's sessions not listed (the schedule lists them)."""
        return self.today_total - len(self.today)

    @property
    def patient_ids(self) -> list[int]:
        """Every patient the page names, for its audit row."""
        return [
            *(row.patient.pk for row in self.rows),
            *(s.patient_id for s in self.today if s.patient_id),
            *(a.patient_id for a in self.alerts),
            *(r.enrollment.patient_id for r in self.reviews),
        ]


def _attendances(**where):
    """How many attendances of the outer session (matching `where`) are recorded."""
    return per_row(Attendance.objects.filter(session=OuterRef("pk"), **where), "session")


def caseload_choices(user) -> QuerySet[User] | None:
    """The counselors whose caseload `user` may choose on the dashboard (or everyone's): supervisors and
    administrators choose among active clinicians; a counselor sees their own and the front desk none, so None."""
    if not policy.allows(user, Action.CHOOSE_CASELOAD):
        return None
    return User.objects.clinicians()


def dashboard_for(
    user, *, counselor: User | None = None, page: str | int | None = None, now: datetime.datetime | None = None
) -> Dashboard:
    """What `user`'s dashboard shows. A counselor sees their own caseload whatever `counselor` says; supervisors
    and administrators `counselor`'s, or everyone's when None; the front desk no caseload. Today's sessions are
    `counselor`'s (all when None): the first TODAY_LIMIT and how many there are (over the whole clinic, only how many
    when they do not fit). Clinicians also see how many
    attended, the last week's absences and open reviews. A fixed number of queries whatever the caseload's size."""
    now = now or timezone.now()
    if user.role == Role.COUNSELOR:
        counselor = user
    elif not policy.allows(user, Action.CHOOSE_CASELOAD):
        counselor = None
    clinician = policy.allows(user, Action.SEE_CLINICAL)
    show_caseload = policy.allows(user, Action.SEE_CASELOADS)
    enrollments = caseload_enrollments(counselor) if show_caseload else Enrollment.objects.none()
    one_page = Paginator(with_caseload_facts(enrollments, now=now), PAGE_SIZE).get_page(page)
    rows = caseload_rows(one_page.object_list, now=now)

    day = timezone.localdate(now)
    start, end = local_day_bounds(day, day)
    today = (
        TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("group", "patient", "facilitator")
        .only(*LISTED)
        .order_by("starts_at")
    )
    if clinician:  # attendance is clinical: others see only whether a session was held
        # Correlated subqueries, so only the sessions listed are counted (a join and GROUP BY would count them all).
        today = today.annotate(recorded=_attendances(), attended=_attendances(status__in=ATTENDED))
    alerts = (
        Reminder.objects.filter(
            kind=ReminderKind.ABSENCE_ALERT, created_at__gte=now - datetime.timedelta(days=ALERT_DAYS)
        )
        .select_related("patient", "session__group")
        .only("patient_id", "session__kind", "session__starts_at", "session__group__title", *_name_of("patient"))
        .order_by("-created_at")
    )
    reviews = (
        AbsenceReview.objects.filter(resolved_at__isnull=True)
        .select_related("enrollment__patient", "enrollment__program")
        .only("unexcused_absences", "enrollment__program__name", *_name_of("enrollment__patient"))
    )
    if counselor is not None:
        today = today.filter(facilitator=counselor)
        alerts = alerts.filter(staff=counselor)
        reviews = reviews.filter(enrollment__in=carried_by(counselor))
    # Over the whole clinic, a day with more sessions than the list holds is only counted: its first few by start time
    # would say nothing about it (the schedule narrows it).
    today_total = today.count()
    return Dashboard(
        counselor=counselor,
        show_caseload=show_caseload,
        clinician=clinician,
        page=one_page,
        rows=rows,
        today=[] if counselor is None and today_total > TODAY_LIMIT else list(today[:TODAY_LIMIT]),
        today_total=today_total,
        alerts=list(alerts[:FOLLOW_UP_LIMIT]) if clinician else [],
        reviews=list(reviews[:FOLLOW_UP_LIMIT]) if clinician else [],
    )
