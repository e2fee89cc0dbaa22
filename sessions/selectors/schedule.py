"""The schedule's week and a session's page, in a fixed number of queries whatever the number of sessions."""

import datetime
import functools
import operator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q

from clinic import policy
from clinic.clock import local_day_bounds, week_start
from clinic.models import User
from clinic.policy import Action, patients_visible_to
from patients.models import Patient
from programs.models import Program
from sessions.models import TherapySession
from sessions.models.attendance import ATTENDED, Attendance
from sessions.services.attendance import roster_enrollments

DAY_LIMIT = 12  # sessions listed per day: more than a counselor runs; a whole clinic's day is thousands, so counted


# What a listed session shows (its time, title, status, place and facilitator): the columns loaded, so that a week
# of lists does not build every patient's and facilitator's whole row.
LISTED = (
    "kind",
    "status",
    "starts_at",
    "duration_minutes",
    "location",
    "video_link",
    "program_id",
    "group__title",
    "patient__legal_first_name",
    "patient__legal_last_name",
    "patient__preferred_name",
    *(f"facilitator__{name}" for name in ("username", "first_name", "last_name", "credentials")),
)


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
    too: each day's first DAY_LIMIT in time order and how many there are, and the week's count per program; over the
    whole clinic, a day with more than DAY_LIMIT only its count. Each listed session's `patient_visible` says whether
    `user` may see its patient's name; clinicians also get how many attended. At most six queries (five for those
    who do not see attendance), whatever the number of sessions; fewer when no day is listed."""
    monday = week_start(day)
    start, end = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    week = TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if counselor is not None:
        week = week.filter(facilitator=counselor)
    if program is not None:
        week = week.filter(program=program)
    # Each day's sessions per program, counted from the covering index (starts_at, program, status).
    day_bounds = [
        local_day_bounds(monday + datetime.timedelta(days=n), monday + datetime.timedelta(days=n)) for n in range(7)
    ]
    counts = list(
        week.values("program")  # no join: the names are looked up after
        .annotate(
            **{
                f"day{n}": Count("starts_at", filter=Q(starts_at__gte=day_start, starts_at__lt=day_end))
                for n, (day_start, day_end) in enumerate(day_bounds)
            }
        )
        .order_by()
    )
    days = [ScheduleDay(monday + datetime.timedelta(days=n), []) for n in range(7)]
    names = dict(Program.objects.filter(pk__in=[row["program"] for row in counts]).values_list("pk", "name"))
    by_program = []
    for row in counts:
        for n, day in enumerate(days):
            day.total += row[f"day{n}"]
        by_program.append(ProgramWeek(row["program"], names[row["program"]], sum(row[f"day{n}"] for n in range(7))))
    # Each day's first DAY_LIMIT, one index scan per day that stops at the limit (a window over the week would sort
    # every session of it). Over the whole clinic, a day with more than that shows its count and asks to narrow the
    # view: its first few by start time would say nothing about it.
    whole_clinic = counselor is None and program is None
    listing = [n for n, day in enumerate(days) if not (whole_clinic and day.total > DAY_LIMIT)]
    fits = all(days[n].total <= DAY_LIMIT for n in listing)
    listed = _first_of_days(week, [day_bounds[n] for n in listing], all_fit=fits)
    clinician, visible = with_visibility(user, listed)
    for session in listed:
        days[session.local_date.weekday()].sessions.append(session)
    return ScheduleWeek(
        monday=monday,
        days=days,
        clinician=clinician,
        visible_patient_ids=visible,
        by_program=sorted(by_program, key=lambda p: p.name),
    )


def with_visibility(user, listed: list[TherapySession]) -> tuple[bool, set[int]]:
    """Set on each of `listed` whether `user` may see its patient's name (`patient_visible`) and, for clinicians, how
    many attended (`attended`): two queries (one for those who do not see attendance). Returns whether `user` is a
    clinician and the ids of the patients named."""
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
    for session in listed:
        session.patient_visible = session.patient_id in visible
        if clinician:
            session.attended = attended.get(session.pk, 0)
    return clinician, visible


def _first_of_days(week, bounds: list[tuple[datetime.datetime, datetime.datetime]], *, all_fit: bool):
    """The first DAY_LIMIT sessions of `week` within each of `bounds` (days), with what the schedule shows. When the
    counts say every one of those days fits (one counselor's week, a quiet clinic's), they are simply all of them."""
    if not bounds:
        return []
    if all_fit:
        chosen = functools.reduce(operator.or_, (Q(starts_at__gte=start, starts_at__lt=end) for start, end in bounds))
        sessions = week.filter(chosen)
    else:
        firsts = [
            week.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk").values("pk")[:DAY_LIMIT]
            for start, end in bounds
        ]
        if connection.features.supports_slicing_ordering_in_compound:
            chosen = Q(pk__in=firsts[0].union(*firsts[1:], all=True))
        else:  # SQLite takes no LIMIT inside a UNION, but one per IN
            chosen = functools.reduce(operator.or_, (Q(pk__in=first) for first in firsts))
        sessions = TherapySession.objects.filter(chosen)
    return list(sessions.select_related("group", "patient", "facilitator").only(*LISTED).order_by("starts_at", "pk"))


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
