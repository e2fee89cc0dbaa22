"""Demo groups, rosters and eight weeks of sessions with attendance and notes, bulk-inserted.

Past sessions were held and have attendance (mostly present, some late, some absences) with signed notes, the last
two days' notes still drafts; today's sessions wait for attendance; the weeks ahead are what the generator
(sessions_generate) would make, written with the rest (tests/demo prove the generator then has nothing to add).
"""

import datetime
import heapq
import random
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from clinic.clock import days, local_start
from clinic.models import User
from demo.load import Rows
from demo.session_data import ADDENDA, ADDENDUM_EVERY, ASSESSMENT, DATA, GROUPS, NARRATIVES, PLAN, GroupSpec
from programs.models import Enrollment, EnrollmentStatus, Program
from sessions.models import (
    AbsenceReview,
    Attendance,
    AttendanceStatus,
    GroupMembership,
    GroupNarrative,
    NoteAddendum,
    ProgressNote,
    SessionKind,
    SessionStatus,
    TherapyGroup,
    TherapySession,
)
from sessions.models.attendance import ATTENDED
from sessions.models.billing import psychotherapy_code

# The large tables' rows, made without Model.__init__ (see demo.load.Rows).
NewSession = Rows(TherapySession)
NewNarrative = Rows(GroupNarrative)
NewMembership = Rows(GroupMembership)
NewAttendance = Rows(Attendance)
NewNote = Rows(ProgressNote)

HISTORY_DAYS = 56
GROUP_SIZE = 11  # one place kept free in each group of 12
BREAK_BEFORE = datetime.timedelta(days=28)  # an active member who joined this long ago may have taken a break


def _weighted_status(rng: random.Random, reliability: float) -> str:
    roll = rng.random()
    if roll < reliability:
        return AttendanceStatus.PRESENT
    roll = rng.random()
    if roll < 0.35:
        return AttendanceStatus.LATE
    if roll < 0.5:
        return AttendanceStatus.LEFT_EARLY
    if roll < 0.7:
        return AttendanceStatus.EXCUSED
    return AttendanceStatus.UNEXCUSED


def _minutes(rng: random.Random, status: str, length: int) -> int:
    if status == AttendanceStatus.PRESENT:
        return length
    if status in (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY):
        return max(1, length - rng.randint(10, min(60, length - 1)))
    return 0


@dataclass(frozen=True, slots=True)
class _Held:
    """What attendance and notes need of a past group session, kept for the whole seed (a few per group)."""

    pk: int
    day: datetime.date
    starts_at: datetime.datetime
    minutes: int
    facilitator_id: int
    narrative: str

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)


class SessionSeeder:
    """Groups, rosters, sessions, attendance and notes for the patients of one chunk at a time.

    Group copies are opened as they fill: an active patient joins the copy of each of the program's groups with
    the fewest live members, and a new copy (with its eight weeks of past sessions) opens when all have
    GROUP_SIZE. What spans chunks is small: the copies, their past sessions, each counselor's next slot."""

    def __init__(self, *, rng, programs: dict[str, Program], clinicians: list[User], today: datetime.date, loader):
        self.rng, self.programs, self.clinicians, self.today, self.loader = rng, programs, clinicians, today, loader
        self.first = today - datetime.timedelta(days=HISTORY_DAYS)
        self.window_start = today - datetime.timedelta(days=HISTORY_DAYS + 7)
        self.recent = timezone.now() - datetime.timedelta(days=2)
        self.horizon_end = today + datetime.timedelta(days=settings.SESSION_HORIZON_DAYS)
        self.held: dict[int, list[_Held]] = {}  # group id -> its past sessions
        self.new_sessions: list[TherapySession] = []  # past sessions of copies opened in this chunk
        self.copies: dict[GroupSpec, list[TherapyGroup]] = {}
        self.emptiest: dict[GroupSpec, list[tuple[int, int]]] = {}  # heap of (live members, copy index)
        self.specs_of = defaultdict(list)  # program id -> its group specs
        self.slot_of = defaultdict(int)
        self.counts = defaultdict(int)
        live = defaultdict(int)
        for group_id in GroupMembership.objects.filter(
            left_on__isnull=True, enrollment__status=EnrollmentStatus.ACTIVE
        ).values_list("group_id", flat=True):
            live[group_id] += 1
        for spec in GROUPS:
            program = programs[spec.program]
            self.specs_of[program.pk].append(spec)
            existing = {g.title: g for g in TherapyGroup.objects.filter(program=program, title__startswith=spec.title)}
            self.copies[spec], self.emptiest[spec] = [], []
            self._open(spec)  # the first copy always exists
            while self._title(spec, len(self.copies[spec])) in existing:
                self._open(spec)
            self.emptiest[spec] = [(live[g.pk], i) for i, g in enumerate(self.copies[spec])]
            heapq.heapify(self.emptiest[spec])

    @staticmethod
    def _title(spec: GroupSpec, copy: int) -> str:
        return spec.title if copy == 0 else f"{spec.title} {copy + 1}"

    def _open(self, spec: GroupSpec) -> TherapyGroup:
        copy = len(self.copies[spec])
        group, created = TherapyGroup.objects.get_or_create(
            program=self.programs[spec.program],
            title=self._title(spec, copy),
            defaults=dict(
                topic=spec.topic,
                facilitator=self.clinicians[(spec.lead + 3 * copy) % len(self.clinicians)],
                weekdays=list(spec.weekdays),
                start_time=spec.at,
                duration_minutes=spec.minutes,
                location=spec.room,
                billing_code=spec.code,
                starts_on=self.today - datetime.timedelta(days=HISTORY_DAYS + 28),
            ),
        )
        self.copies[spec].append(group)
        self.counts["groups"] += 1
        if created:
            self._plan_past_sessions(group)
        else:  # from an earlier run: its sessions and narratives are there already
            self.held[group.pk] = [
                _Held(pk, day, starts_at, minutes, facilitator, text or "")
                for pk, day, starts_at, minutes, facilitator, text in group.sessions.filter(
                    occurrence_date__gte=self.first, occurrence_date__lt=self.today
                )
                .order_by("occurrence_date")
                .values_list(
                    "pk", "occurrence_date", "starts_at", "duration_minutes", "facilitator_id", "narrative__text"
                )
            ]
        return group

    def _plan_past_sessions(self, group: TherapyGroup) -> None:
        """Eight weeks held, today's waiting for attendance, and the weeks ahead as the generator
        (sessions_generate) would make them: one per meeting day up to the horizon."""
        for day in days(max(self.first, group.starts_on), self.horizon_end):
            if day.isoweekday() in group.weekdays:
                self.new_sessions.append(
                    NewSession(
                        kind=SessionKind.GROUP,
                        program_id=group.program_id,
                        group_id=group.pk,
                        occurrence_date=day,
                        starts_at=local_start(day, group.start_time),
                        duration_minutes=group.duration_minutes,
                        facilitator_id=group.facilitator_id,
                        location=group.location,
                        status=SessionStatus.HELD if day < self.today else SessionStatus.SCHEDULED,
                        billing_code=group.billing_code,
                    )
                )

    def _write_new_sessions(self) -> None:
        sessions = self.loader.write(TherapySession, self.new_sessions)
        self.new_sessions = []
        held = [s for s in sessions if s.occurrence_date < self.today]
        narratives = self.loader.write(
            GroupNarrative,
            [NewNarrative(session_id=s.pk, text=self.rng.choice(NARRATIVES), author_id=s.facilitator_id) for s in held],
        )
        for session, narrative in zip(held, narratives, strict=True):
            self.held.setdefault(session.group_id, []).append(
                _Held(
                    session.pk,
                    session.occurrence_date,
                    session.starts_at,
                    session.duration_minutes,
                    session.facilitator_id,
                    narrative.text,
                )
            )
        self.counts["sessions"] += len(held)

    def _memberships(self, enrollments: list[Enrollment]) -> list[tuple[GroupMembership, Enrollment]]:
        """Each enrollment that overlaps the groups' eight weeks joins one copy of each of its program's groups;
        active patients go to the copy with the fewest live members. A few active ones left for a week and came
        back: two rows, the history a roster keeps."""
        memberships = []
        for enrollment in enrollments:
            if enrollment.discharged_on is not None and enrollment.discharged_on < self.window_start:
                continue
            for spec in self.specs_of.get(enrollment.program_id, []):
                copies, heap = self.copies[spec], self.emptiest[spec]
                if enrollment.is_active:
                    live, index = heap[0]
                    if live >= GROUP_SIZE:
                        self._open(spec)
                        live, index = 0, len(copies) - 1
                        heapq.heappush(heap, (1, index))
                    else:
                        heapq.heapreplace(heap, (live + 1, index))
                    group = copies[index]
                else:
                    group = self.rng.choice(copies)
                joined_on = max(enrollment.admitted_on, group.starts_on)
                if enrollment.is_active and len(memberships) % 6 == 2 and joined_on <= self.today - BREAK_BEFORE:
                    # A break, so that rosters show history: out for a week, then back on a new row.
                    left_on = joined_on + datetime.timedelta(days=10)
                    first = NewMembership(
                        group_id=group.pk,
                        patient_id=enrollment.patient_id,
                        enrollment_id=enrollment.pk,
                        joined_on=joined_on,
                        left_on=left_on,
                    )
                    memberships.append((first, enrollment))
                    joined_on = left_on + datetime.timedelta(days=7)
                membership = NewMembership(
                    group_id=group.pk,
                    patient_id=enrollment.patient_id,
                    enrollment_id=enrollment.pk,
                    joined_on=joined_on,
                    left_on=enrollment.discharged_on,
                )
                memberships.append((membership, enrollment))
        return memberships

    def _individual_sessions(self, enrollments: list[Enrollment]) -> list[tuple[TherapySession, Enrollment]]:
        """Individual counseling (check-ins in aftercare) every two weeks with the patient's counselor, in the
        afternoon slots, from eight weeks ago to four weeks ahead."""
        today = self.today
        monday = today - datetime.timedelta(days=today.isoweekday() - 1 + HISTORY_DAYS)
        sessions = []
        for enrollment in enrollments:
            if not enrollment.is_active or enrollment.counselor_id is None:
                continue
            k = self.slot_of[enrollment.counselor_id]
            self.slot_of[enrollment.counselor_id] += 1
            weekday, hour, parity = k % 5 + 1, 13 + (k // 5) % 4, (k // 20) % 2
            aftercare = enrollment.program.level_of_care == "aftercare"
            kind, minutes = (SessionKind.CHECK_IN, 30) if aftercare else (SessionKind.INDIVIDUAL, 50)
            code = "H0004" if aftercare else psychotherapy_code(minutes)
            for week in range(parity, (HISTORY_DAYS + 28) // 7 + 1, 2):
                day = monday + datetime.timedelta(weeks=week, days=weekday - 1)
                if day < enrollment.admitted_on:
                    continue
                session = NewSession(
                    kind=kind,
                    program_id=enrollment.program_id,
                    patient_id=enrollment.patient_id,
                    enrollment_id=enrollment.pk,
                    facilitator_id=enrollment.counselor_id,
                    starts_at=local_start(day, datetime.time(hour)),
                    duration_minutes=minutes,
                    location="Counseling office",
                    billing_code=code,
                    status=SessionStatus.HELD if day < today else SessionStatus.SCHEDULED,
                )
                sessions.append((session, enrollment))
        return sessions

    def add(self, enrollments: list[Enrollment]) -> dict[str, int]:
        """Rosters, individual sessions, attendance, notes and absence reviews for one chunk's enrollments."""
        rng, loader = self.rng, self.loader
        memberships = self._memberships(enrollments)
        self._write_new_sessions()
        loader.write(GroupMembership, [m for m, _ in memberships])
        individual = self._individual_sessions(enrollments)
        loader.write(TherapySession, [s for s, _ in individual])

        reliability = {e.patient_id: rng.choice([0.95, 0.9, 0.85, 0.8, 0.6]) for e in enrollments}
        rows: list[tuple[_Held, int, Enrollment]] = []
        for m, enrollment in memberships:
            for held in self.held.get(m.group_id, ()):
                if m.joined_on <= held.day and (m.left_on is None or m.left_on >= held.day):
                    rows.append((held, m.patient_id, enrollment))
        for s, enrollment in individual:
            if s.status == SessionStatus.HELD:
                held = _Held(s.pk, None, s.starts_at, s.duration_minutes, s.facilitator_id, "")
                rows.append((held, s.patient_id, enrollment))
        attendances = []
        for held, patient_id, enrollment in rows:
            status = _weighted_status(rng, reliability[patient_id])
            attendances.append(
                NewAttendance(
                    session_id=held.pk,
                    patient_id=patient_id,
                    enrollment_id=enrollment.pk,
                    status=status,
                    minutes_attended=_minutes(rng, status, held.minutes),
                    recorded_by_id=held.facilitator_id,
                )
            )
        loader.write(Attendance, attendances)

        notes = []
        for (held, _, _), attendance in zip(rows, attendances, strict=True):
            if attendance.status not in ATTENDED:
                continue
            signed = held.starts_at < self.recent
            notes.append(
                NewNote(
                    attendance_id=attendance.pk,
                    author_id=held.facilitator_id,
                    group_narrative=held.narrative if signed else "",
                    data=rng.choice(DATA),
                    assessment=rng.choice(ASSESSMENT),
                    plan=rng.choice(PLAN),
                    signed_at=held.ends_at + datetime.timedelta(hours=rng.randint(1, 20)) if signed else None,
                )
            )
        loader.write(ProgressNote, notes)
        addenda = loader.write(
            NoteAddendum,
            [
                NoteAddendum(note_id=note.pk, author_id=note.author_id, text=ADDENDA[note.pk % len(ADDENDA)])
                for note in notes
                if note.signed_at is not None and note.pk % ADDENDUM_EVERY == 0
            ],
        )

        unexcused = defaultdict(int)
        for (_, _, enrollment), attendance in zip(rows, attendances, strict=True):
            if attendance.status == AttendanceStatus.UNEXCUSED:
                unexcused[enrollment] += 1
        reviews = loader.write(
            AbsenceReview,
            [
                AbsenceReview(enrollment=enrollment, unexcused_absences=count)
                for enrollment, count in unexcused.items()
                if enrollment.is_active and count >= max(1, enrollment.program.max_unexcused_absences)
            ],
        )
        counts = {
            "memberships": len(memberships),
            "sessions": sum(1 for s, _ in individual if s.status == SessionStatus.HELD),
            "attendance": len(attendances),
            "notes": len(notes),
            "addenda": len(addenda),
            "reviews": len(reviews),
        }
        counts["sessions"] += self.counts.pop("sessions", 0)
        return counts

    def finish(self) -> dict[str, int]:
        """Past sessions of copies opened last."""
        self._write_new_sessions()
        return {"groups": self.counts["groups"], "sessions": self.counts.pop("sessions", 0)}
