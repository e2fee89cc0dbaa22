"""Demo groups, rosters and eight weeks of sessions with attendance and notes, bulk-inserted.

Past sessions were held and have attendance (mostly present, some late, some absences) with signed notes, the last
two days' notes still drafts; today's sessions wait for attendance; the weeks ahead come from the real generator.
"""

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from clinic.clock import days, local_start
from clinic.models import User
from programs.models import Enrollment, EnrollmentStatus, Program
from sessions.models import (
    AbsenceReview,
    Attendance,
    AttendanceStatus,
    GroupMembership,
    GroupNarrative,
    ProgressNote,
    SessionKind,
    SessionStatus,
    TherapyGroup,
    TherapySession,
)
from sessions.models.attendance import ATTENDED
from sessions.models.billing import psychotherapy_code
from sessions.services.groups import sessions_generate

HISTORY_DAYS = 56
GROUP_SIZE = 11  # one place kept free in each group of 12
BATCH = 1000


@dataclass(frozen=True)
class GroupSpec:
    program: str
    title: str
    topic: str
    weekdays: tuple[int, ...]
    at: datetime.time
    minutes: int
    room: str
    code: str
    lead: int  # who facilitates: 0 the counselor, 1 the supervisor, 2 the second counselor (no overlaps)


GROUPS = [
    GroupSpec(
        "res",
        "Residential Process Group",
        "Process group and relapse prevention",
        (1, 2, 3, 4, 5, 6, 7),
        datetime.time(10, 0),
        90,
        "Maple House, group room",
        "H0005",
        0,
    ),
    GroupSpec(
        "res",
        "Evening 12-Step Study",
        "Big Book and step work",
        (1, 2, 3, 4, 5),
        datetime.time(19, 0),
        60,
        "Maple House, library",
        "H0005",
        2,
    ),
    GroupSpec(
        "php",
        "PHP Day Program",
        "Skills groups, CBT and relapse prevention",
        (1, 2, 3, 4, 5),
        datetime.time(8, 30),
        240,
        "Main campus, room 3",
        "90853",
        1,
    ),
    GroupSpec(
        "iop",
        "IOP Morning Group",
        "Relapse prevention and coping skills",
        (1, 3, 4),
        datetime.time(9, 0),
        180,
        "Riverside, room 2",
        "H0005",
        2,
    ),
    GroupSpec(
        "iop_faith",
        "Faith-Based IOP Evening",
        "Faith-based recovery and 12-step study",
        (1, 2, 4),
        datetime.time(18, 0),
        180,
        "Riverside, chapel room",
        "H0005",
        0,
    ),
    GroupSpec(
        "op",
        "Relapse Prevention Group",
        "Relapse prevention",
        (2,),
        datetime.time(17, 30),
        90,
        "Riverside, room 1",
        "90853",
        1,
    ),
    GroupSpec(
        "after",
        "Alumni Continuing Care Group",
        "Continuing care and peer support",
        (3,),
        datetime.time(18, 0),
        90,
        "Riverside, room 1",
        "90853",
        1,
    ),
]

NARRATIVES = [
    "Group reviewed high-risk situations for the holidays and practised refusal skills in pairs.",
    "Psychoeducation on the cycle of craving; members mapped their own triggers and early warning signs.",
    "Check-in round, then a discussion of Step 3; members shared what letting go of control means to them.",
    "Role-play of difficult conversations with family; feedback on assertive communication.",
    "Mindfulness exercise (urge surfing) followed by a review of the week's coping plans.",
    "Guest speaker from the alumni group shared their first year; questions about sober supports.",
]
DATA = [
    "Arrived on time, engaged in check-in; reported two cravings this week, both managed with calls to sponsor.",
    "Quiet at first, then shared about conflict at home; accepted feedback from peers.",
    "Reported a stressful week at work; used breathing exercise when urges came; no use reported.",
    "Actively participated in role-play; described plan for upcoming family gathering.",
]
ASSESSMENT = [
    "Making steady progress on coping-skills goal; insight improving.",
    "Ambivalence about abstinence persists; motivation fluctuating but engaged.",
    "Stable; applying skills outside group. Risk of relapse moderate around family stressors.",
]
PLAN = [
    "Continue current level of care; practise urge surfing daily; review at next individual session.",
    "Attend two outside mutual-support meetings this week; counselor to follow up on housing.",
    "Continue group; add relapse-prevention worksheet; reassess weekly hours next week.",
]


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


def _groups(programs: dict[str, Program], clinicians: list[User], today: datetime.date) -> dict[str, list]:
    """Enough copies of each group for its program's active patients, created when missing."""
    active = {
        key: Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE).count()
        for key, program in programs.items()
    }
    groups: dict[GroupSpec, list[TherapyGroup]] = {}
    for spec in GROUPS:
        copies = max(1, math.ceil(active[spec.program] / GROUP_SIZE))
        groups[spec] = []
        for copy in range(copies):
            group, _ = TherapyGroup.objects.get_or_create(
                program=programs[spec.program],
                title=spec.title if copy == 0 else f"{spec.title} {copy + 1}",
                defaults=dict(
                    topic=spec.topic,
                    facilitator=clinicians[(spec.lead + 3 * copy) % len(clinicians)],
                    weekdays=list(spec.weekdays),
                    start_time=spec.at,
                    duration_minutes=spec.minutes,
                    location=spec.room,
                    billing_code=spec.code,
                    starts_on=today - datetime.timedelta(days=HISTORY_DAYS + 28),
                ),
            )
            groups[spec].append(group)
    return groups


def _memberships(rng, groups, plans_enrollments, today) -> list[GroupMembership]:
    """Each enrollment that overlaps the group's life joins one copy of each of its program's groups; active
    patients go to the copy with the fewest live members."""
    window_start = today - datetime.timedelta(days=HISTORY_DAYS + 7)
    live = defaultdict(int)
    for group_id in GroupMembership.objects.filter(
        left_on__isnull=True, enrollment__status=EnrollmentStatus.ACTIVE
    ).values_list("group_id", flat=True):
        live[group_id] += 1
    memberships = []
    by_program = defaultdict(list)
    for copies in groups.values():
        by_program[copies[0].program_id].append(copies)
    for enrollment in plans_enrollments:
        if enrollment.discharged_on is not None and enrollment.discharged_on < window_start:
            continue
        for copies in by_program.get(enrollment.program_id, []):
            if enrollment.is_active:
                group = min(copies, key=lambda g: live[g.pk])
                live[group.pk] += 1
            else:
                group = rng.choice(copies)
            memberships.append(
                GroupMembership(
                    group=group,
                    patient_id=enrollment.patient_id,
                    enrollment=enrollment,
                    joined_on=max(enrollment.admitted_on, group.starts_on),
                    left_on=enrollment.discharged_on,
                )
            )
    GroupMembership.objects.bulk_create(memberships, batch_size=BATCH)
    return memberships


def _past_group_sessions(groups, today) -> list[TherapySession]:
    first = today - datetime.timedelta(days=HISTORY_DAYS)
    new = []
    for copies in groups.values():
        for group in copies:
            for day in days(max(first, group.starts_on), today):
                if day.isoweekday() in group.weekdays:
                    new.append(
                        TherapySession(
                            kind=SessionKind.GROUP,
                            program_id=group.program_id,
                            group=group,
                            occurrence_date=day,
                            starts_at=local_start(day, group.start_time),
                            duration_minutes=group.duration_minutes,
                            facilitator_id=group.facilitator_id,
                            location=group.location,
                            status=SessionStatus.HELD if day < today else SessionStatus.SCHEDULED,
                            billing_code=group.billing_code,
                        )
                    )
    TherapySession.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    group_ids = [g.pk for copies in groups.values() for g in copies]
    return list(
        TherapySession.objects.filter(group_id__in=group_ids, occurrence_date__gte=first, occurrence_date__lt=today)
    )


def _individual_sessions(rng, enrollments, today) -> list[TherapySession]:
    """Individual counseling (check-ins in aftercare) every two weeks with the patient's counselor, in the
    afternoon slots, from eight weeks ago to four weeks ahead."""
    sessions = []
    slot_of = defaultdict(int)
    for enrollment in enrollments:
        if not enrollment.is_active or enrollment.counselor_id is None:
            continue
        k = slot_of[enrollment.counselor_id]
        slot_of[enrollment.counselor_id] += 1
        weekday, hour, parity = k % 5 + 1, 13 + (k // 5) % 4, (k // 20) % 2
        aftercare = enrollment.program.level_of_care == "aftercare"
        kind, minutes = (SessionKind.CHECK_IN, 30) if aftercare else (SessionKind.INDIVIDUAL, 50)
        code = "H0004" if aftercare else psychotherapy_code(minutes)
        monday = today - datetime.timedelta(days=today.isoweekday() - 1 + HISTORY_DAYS)
        for week in range(parity, (HISTORY_DAYS + 28) // 7 + 1, 2):
            day = monday + datetime.timedelta(weeks=week, days=weekday - 1)
            if day < enrollment.admitted_on:
                continue
            sessions.append(
                TherapySession(
                    kind=kind,
                    program_id=enrollment.program_id,
                    patient_id=enrollment.patient_id,
                    enrollment=enrollment,
                    facilitator_id=enrollment.counselor_id,
                    starts_at=local_start(day, datetime.time(hour)),
                    duration_minutes=minutes,
                    location="Counseling office",
                    billing_code=code,
                    status=SessionStatus.HELD if day < today else SessionStatus.SCHEDULED,
                )
            )
    TherapySession.objects.bulk_create(sessions, batch_size=BATCH)
    return [s for s in sessions if s.status == SessionStatus.HELD]


def seed_sessions(
    *,
    rng: random.Random,
    programs: dict[str, Program],
    enrollments: list[Enrollment],
    clinicians: list[User],
    today: datetime.date,
    say,
) -> dict[str, int]:
    groups = _groups(programs, clinicians, today)
    memberships = _memberships(rng, groups, enrollments, today)
    say(f"Groups: {sum(len(c) for c in groups.values())}; roster entries: {len(memberships)}")
    group_sessions = _past_group_sessions(groups, today)
    individual = _individual_sessions(rng, enrollments, today)
    sessions_generate(today=today)

    reliability = {e.patient_id: rng.choice([0.95, 0.9, 0.85, 0.8, 0.6]) for e in enrollments}
    by_group = defaultdict(list)
    for membership in memberships:
        by_group[membership.group_id].append(membership)
    rows: list[tuple[TherapySession, int, Enrollment]] = []
    for session in group_sessions:
        day = session.occurrence_date
        for m in by_group[session.group_id]:
            if m.joined_on <= day and (m.left_on is None or m.left_on >= day):
                rows.append((session, m.patient_id, m.enrollment))
    rows += [(s, s.patient_id, s.enrollment) for s in individual]

    attendances = []
    for session, patient_id, enrollment in rows:
        status = _weighted_status(rng, reliability[patient_id])
        attendances.append(
            Attendance(
                session=session,
                patient_id=patient_id,
                enrollment=enrollment,
                status=status,
                minutes_attended=_minutes(rng, status, session.duration_minutes),
                recorded_by_id=session.facilitator_id,
            )
        )
    for start in range(0, len(attendances), BATCH * 5):
        Attendance.objects.bulk_create(attendances[start : start + BATCH * 5], batch_size=BATCH)
        say(f"Attendance: {min(start + BATCH * 5, len(attendances))}/{len(attendances)}")

    narratives = dict(
        GroupNarrative.objects.filter(session__in=group_sessions).values_list("session_id", "text")
    )  # a second run keeps the narratives it finds
    new = [
        GroupNarrative(session=s, text=rng.choice(NARRATIVES), author_id=s.facilitator_id)
        for s in group_sessions
        if s.pk not in narratives
    ]
    GroupNarrative.objects.bulk_create(new, batch_size=BATCH)
    narratives.update((n.session.pk, n.text) for n in new)
    recent = timezone.now() - datetime.timedelta(days=2)
    notes = []
    for attendance in attendances:
        session = attendance.session
        if attendance.status not in ATTENDED:
            continue
        signed = session.starts_at < recent
        notes.append(
            ProgressNote(
                attendance=attendance,
                author_id=session.facilitator_id,
                group_narrative=narratives.get(session.pk, "") if signed else "",
                data=rng.choice(DATA),
                assessment=rng.choice(ASSESSMENT),
                plan=rng.choice(PLAN),
                signed_at=session.ends_at + datetime.timedelta(hours=rng.randint(1, 20)) if signed else None,
            )
        )
    ProgressNote.objects.bulk_create(notes, batch_size=BATCH)
    say(f"Progress notes: {len(notes)} ({sum(1 for n in notes if n.signed_at is None)} unsigned)")

    unexcused = defaultdict(int)
    for attendance in attendances:
        if attendance.status == AttendanceStatus.UNEXCUSED:
            unexcused[attendance.enrollment] += 1
    reviews = [
        AbsenceReview(enrollment=enrollment, unexcused_absences=count)
        for enrollment, count in unexcused.items()
        if enrollment.is_active and count >= max(1, enrollment.program.max_unexcused_absences)
    ]
    AbsenceReview.objects.bulk_create(reviews, batch_size=BATCH)
    return {
        "sessions": len(group_sessions) + len(individual),
        "attendance": len(attendances),
        "notes": len(notes),
        "reviews": len(reviews),
    }
