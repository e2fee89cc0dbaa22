"""The schedule's week and a session's page, in a fixed number of queries whatever the number of sessions."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from clinic import policy
from clinic.clock import local_day_bounds, week_start
from clinic.models import User
from clinic.policy import Action, patients_visible_to
from patients.models import Patient
from programs.models import Program
from sessions.models import TherapySession
from sessions.models.attendance import ATTENDED
from sessions.services.attendance import roster_enrollments


@dataclass
class ScheduleDay:
    day: datetime.date
    sessions: list[TherapySession]


@dataclass
class ScheduleWeek:
    monday: datetime.date
    days: list[ScheduleDay]
    clinician: bool  # sessions held carry `attended`
    visible_patient_ids: set[int]  # the patients named (the others' sessions show without a name)

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
    too. Each session's `patient_visible` says whether `user` may see its patient's name; clinicians also get how
    many attended. Two queries."""
    monday = week_start(day)
    start, end = local_day_bounds(monday, monday + datetime.timedelta(days=6))
    sessions = (
        TherapySession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("group", "patient", "facilitator", "program")
        .order_by("starts_at")
    )
    clinician = policy.allows(user, Action.SEE_CLINICAL)
    if clinician:  # attendance is clinical: others see only whether a session is scheduled, held or cancelled
        sessions = sessions.annotate(attended=Count("attendances", filter=Q(attendances__status__in=ATTENDED)))
    if counselor is not None:
        sessions = sessions.filter(facilitator=counselor)
    if program is not None:
        sessions = sessions.filter(program=program)
    sessions = list(sessions)
    visible = set(
        patients_visible_to(user)
        .filter(pk__in={s.patient_id for s in sessions if s.patient_id})
        .values_list("pk", flat=True)
    )
    days = [ScheduleDay(monday + datetime.timedelta(days=n), []) for n in range(7)]
    for session in sessions:
        session.patient_visible = session.patient_id in visible
        days[session.local_date.weekday()].sessions.append(session)
    return ScheduleWeek(monday=monday, days=days, clinician=clinician, visible_patient_ids=visible)


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
