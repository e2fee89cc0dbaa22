"""Demo data for `make run` and for benchmarks: a small clinic that looks real.

Staff in each role, programs at each level of care, and patients whose histories follow the usual
journeys (residential -> IOP -> aftercare, step-ups, discharges with each TEDS reason). Patients are made a
chunk at a time with their whole history (stays, groups, sessions, attendance, notes) and written through
demo.load (COPY on PostgreSQL, bulk inserts on SQLite), so that 100,000 patients load in minutes in bounded
memory; the data respects every constraint the services enforce (one active enrollment, capacity, no gaps or
overlaps between enrollments).
"""

import math
import random
import time
from collections import Counter

from django.db import transaction
from django.utils import timezone

from clinic.audit import AuditAction, audit_record
from clinic.levels import RESIDENTIAL_LEVELS
from clinic.models import Role, User
from demo.data import (
    APPROACHES,
    DEMO_PASSWORD,
    EXTRA_COUNSELOR_NAMES,
    PATIENTS_PER_COUNSELOR,
    PROGRAMS,
    STAFF,
)
from demo.intake import Intake
from demo.load import Loader
from demo.measures import LOADED as MEASURES_LOADED
from demo.measures import MeasureSeeder, schedules
from demo.plans import PlanSeeder
from demo.sessions import SessionSeeder
from patients.models import Patient
from plans.models import DeferredDimension, Goal, Intervention, NoteObjective, Objective, Problem, TreatmentPlan
from programs.models import (
    Approach,
    Enrollment,
    Program,
    Transition,
)
from sessions.models import (
    AbsenceReview,
    Attendance,
    GroupMembership,
    GroupNarrative,
    NoteAddendum,
    ProgressNote,
    TherapySession,
)

CHUNK = 2000  # patients planned and written at a time: memory follows this, not the number of patients


def already_loaded() -> bool:
    return Program.objects.exists()


def _staff(count_patients: int) -> tuple[dict[str, User], list[User]]:
    users = {}
    for username, first, last, role, credentials in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults=dict(
                first_name=first,
                last_name=last,
                role=role,
                credentials=credentials,
                is_staff=True,
                email=f"{username}@staff.clinic.example",
            ),
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    wanted = max(2, math.ceil(count_patients / PATIENTS_PER_COUNSELOR))
    extra = [f"counselor{i + 1}" for i in range(2, wanted)]
    # (by prefix, not `IN` with thousands of names: SQLite caps a statement's parameters)
    existing = set(User.objects.filter(username__startswith="counselor").values_list("username", flat=True))
    missing = []
    for i, username in enumerate(extra, 2):
        if username in existing:
            continue
        first, last = EXTRA_COUNSELOR_NAMES[i % len(EXTRA_COUNSELOR_NAMES)]
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=Role.COUNSELOR,
            credentials="CADC",
            is_staff=True,
            email=f"{username}@staff.clinic.example",
        )
        user.set_unusable_password()  # extra caseloads for scale; sign in as the named demo users
        missing.append(user)
    User.objects.bulk_create(missing, batch_size=1000)  # 4,000 of them at 100,000 patients
    by_name = {u.username: u for u in User.objects.filter(username__startswith="counselor")}
    counselors = [users["counselor"], users["counselor2"], *(by_name[name] for name in extra)]
    return users, counselors


def _programs() -> dict[str, Program]:
    approaches = {name: Approach.objects.get_or_create(name=name)[0] for name in APPROACHES}
    programs = {}
    for spec in PROGRAMS:
        program, created = Program.objects.get_or_create(
            name=spec.name,
            defaults=dict(
                level_of_care=spec.level,
                site=spec.site,
                capacity=spec.capacity,
                min_length_of_stay_days=spec.stay[0],
                max_length_of_stay_days=spec.stay[1],
                max_unexcused_absences=spec.max_absences,
                reminder_lead_hours=spec.reminder_lead_hours,
                description=spec.description,
                plan_needs_cosign=spec.level in RESIDENTIAL_LEVELS,  # residential plans: a supervisor co-signs
            ),
        )
        if created:
            program.approaches.set([approaches[a] for a in spec.approaches])
        programs[spec.key] = program
    return programs


LOADED = [
    Patient,
    Enrollment,
    Transition,
    TherapySession,
    GroupNarrative,
    GroupMembership,
    Attendance,
    ProgressNote,
    NoteAddendum,
    AbsenceReview,
    *MEASURES_LOADED,
    TreatmentPlan,
    Problem,
    Goal,
    Objective,
    Intervention,
    DeferredDimension,
    NoteObjective,
]


def seed_clinic(*, patients: int, seed: int = 2026, out=None, chunk: int = CHUNK) -> dict[str, int]:
    """Add `patients` demo patients (and the staff and programs, when missing). Returns counts.

    Patients are planned, written and given their sessions `chunk` at a time, so memory stays the same whatever
    the number of patients; rows go in through `Loader` (COPY on PostgreSQL)."""
    started = time.monotonic()
    rng = random.Random(seed + Patient.objects.count())
    today = timezone.localdate()

    def say(message):
        if out is not None:
            out.write(message)

    with transaction.atomic():
        loader = Loader(LOADED)
        users, counselors = _staff(patients + Patient.objects.count())
        programs = _programs()
        say(f"Staff: {len(users)} demo users and {len(counselors)} counselors; programs: {len(programs)}.")
        clinic = Intake(rng, users, counselors, programs, today)
        sessions = SessionSeeder(
            rng=rng,
            programs=programs,
            today=today,
            loader=loader,
            clinicians=[users["counselor"], users["supervisor"], *counselors[1:]],
        )
        schedules(programs)
        measures = MeasureSeeder(rng=random.Random(seed), programs=programs, today=today, loader=loader)
        measures.alert_for = users["counselor"].pk
        plans = PlanSeeder(
            rng=rng, today=today, loader=loader, fallback_signer=users["counselor"], cosigner=users["supervisor"]
        )
        counts = Counter()
        chunks = math.ceil(patients / chunk) if patients else 0
        for n, first in enumerate(range(0, patients, chunk), 1):
            planned = clinic.plan(first, min(chunk, patients - first), patients)
            clinic.make_room(planned)
            loader.write(Patient, [p.patient for p in planned])
            enrollments = loader.write(Enrollment, clinic.enrollments(planned))
            transitions = loader.write(Transition, clinic.transitions(planned, enrollments))
            counts.update(patients=len(planned), enrollments=len(enrollments), transitions=len(transitions))
            counts.update(sessions.add(enrollments))
            counts.update(measures.add(enrollments))
            counts.update(plans.add(enrollments))
            say(
                f"Patients: {first + len(planned)}/{patients} (chunk {n} of {chunks}; {loader.rows} rows, "
                f"{loader.rate():,.0f} rows/s)"
            )
        counts.update(sessions.finish())
        say(f"Enrollments: {counts['enrollments']}; transitions: {counts['transitions']}")
        say(f"Groups: {counts['groups']}; roster entries: {counts['memberships']}")
        say(f"Measures: {counts['measures']}; drug screens: {counts['screens']}")
        say(f"Treatment plans: {counts['plans']} versions, {counts['signed_plans']} signed")
        audit_record(
            actor=None,
            action=AuditAction.DEMO_SEED,
            patients=counts["patients"],
            enrollments=counts["enrollments"],
            transitions=counts["transitions"],
        )
        loader.finish()
    loader.settle()

    counts = {
        "patients": 0,
        "enrollments": 0,
        "transitions": 0,
        "sessions": 0,
        "attendance": 0,
        "notes": 0,
        "reviews": 0,
        **counts,
        "largest_write": loader.largest_write,
    }
    say(
        f"Demo data loaded in {time.monotonic() - started:.1f} s: {counts['patients']} patients, "
        f"{counts['enrollments']} enrollments, {counts['transitions']} transitions, {counts['sessions']} past "
        f"sessions, {counts['attendance']} attendance records, {counts['notes']} notes."
    )
    return counts
