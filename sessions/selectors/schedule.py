"""The schedule's week and a session's page, in a fixed number of queries whatever the number of sessions."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from clinic import policy
from clinic.clock import local_day_bounds, week_start
from clinic.models import User
from clinic.policy import Action, patients_visible_to
from patients.models import Patient
from programs.models import Program
from sessions.models import TherapySession
from sessions.models.attendance import ATTENDED, Attendance
from sessions.services.attendance import roster_enrollments

DAY_LIMIT = 30  # sessions listed per day: a whole clinic's day is thousands, so the rest are counted


@dataclass
class ScheduleDay:
    day: datetime.date
    sessions: list[TherapySession]
    total: int = 0  # sessions that day, listed or not

    @property
    def more(self) -> int:
        """How many of the day's sessions are counted but not listed."""
        return self.total - len(self.sessions)


@dataclass
class ProgramWeek:
    program_id: int
    name: str
    sessions: int


@dataclass
class ScheduleWeek:
    monday: datetime.date
    days: list[ScheduleDay]
    clinician: bool  # sessions held carry `attended`
    visible_patient_ids: set[int]  # the patients named (the others' sessions show without a name)
    by_program: list[ProgramWeek] = field(default_factory=list)  # the week's sessions per program

    @property
    def total(self) -> int:
        return sum(day.total for day in self.days)

    @property
    def previous(self) -> datetime.date:
        return self.monday - datetime.timedelta(days=7)

    @property
    def next(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=7)


def schedule_week(
    user, *, day: datetime.date, counselor: User | None = None, program: Program | None = None
) -> ScheduleWeek:
    """The sessions of `day`'s week, Monday to Sunday, of `counselor` or `program` (all when None), cancelled ones
    too: each day's first DAY_LIMIT in time order and how many there are, and the week's count per program. Each
    listed session's `patient_visible` says whether `user` may see its patient's name; clinicians also get how many
    attended. Five queries (four for those who do not see attendance), whatever the number of sessions."""
    monday = week_start(day)
    start, end = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    week = TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if counselor is not None:
        week = week.filter(facilitator=counselor)
    if program is not None:
        week = week.filter(program=program)
    local_day = TruncDate("starts_at", tzinfo=timezone.get_current_timezone())
    counts = list(
        week.annotate(local_day=local_day)
        .values("local_day", "program", "program__name")
        .annotate(sessions=Count("pk"))
        .order_by()
    )
    # Number each day's sessions over narrow rows (ids and times), then load only the first of each day: by ids
    # in hand, since the planner cannot tell how few rows the window keeps and would join the whole week.
    firsts = list(
        week.annotate(nth=Window(RowNumber(), partition_by=[local_day], order_by=[F("starts_at"), F("pk")]))
        .filter(nth__lte=DAY_LIMIT)
        .values_list("pk", flat=True)
    )
    listed = list(
        TherapySession.objects.filter(pk__in=firsts)
        .select_related("group", "patient", "facilitator", "program")
        .order_by("starts_at", "pk")
    )
    clinician = policy.allows(user, Action.SEE_CLINICAL)
    if clinician:  # attendance is clinical: others see only whether a session is scheduled, held or cancelled
        attended = dict(
            Attendance.objects.filter(session__in=[s.pk for s in listed], status__in=ATTENDED)
            .values("session")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("session", "n")
        )
    visible = set(
        patients_visible_to(user)
        .filter(pk__in={s.patient_id for s in listed if s.patient_id})
        .values_list("pk", flat=True)
    )
    days = [ScheduleDay(monday + datetime.timedelta(days=n), []) for n in range(7)]
    programs: dict[int, ProgramWeek] = {}
    for row in counts:
        days[row["local_day"].weekday()].total += row["sessions"]
        week_of = programs.setdefault(row["program"], ProgramWeek(row["program"], row["program__name"], 0))
        week_of.sessions += row["sessions"]
    for session in listed:
        session.patient_visible = session.patient_id in visible
        if clinician:
            session.attended = attended.get(session.pk, 0)
        days[session.local_date.weekday()].sessions.append(session)
    return ScheduleWeek(
        monday=monday,
        days=days,
        clinician=clinician,
        visible_patient_ids=visible,
        by_program=sorted(programs.values(), key=lambda p: p.name),
    )


@dataclass
class SessionPage:
    session: TherapySession
    patients: list[Patient]  # those expected whom the user may see
    hidden: int  # how many others are expected
    clinician: bool
    attended: int | None  # for clinicians only


def session_page(user, *, pk: int) -> SessionPage | None:
    """Session `pk` as `user` sees it (None if there is no such session): who is expected (the roster on its day,
    or the booked patient), named only within the user's scope; for clinicians, how many attended. Four queries
    for a group session, whatever the roster's size."""
    session = TherapySession.objects.select_related("group", "patient", "facilitator", "program").filter(pk=pk).first()
    if session is None:
        return None
    roster = roster_enrollments(session)
    patients = list(patients_visible_to(user).filter(pk__in=roster).order_by("legal_last_name"))
    clinician = policy.allows(user, Action.SEE_CLINICAL)
    return SessionPage(
        session=session,
        patients=patients,
        hidden=len(roster) - len(patients),
        clinician=clinician,
        attended=session.attendances.filter(status__in=ATTENDED).count() if clinician else None,
    )
