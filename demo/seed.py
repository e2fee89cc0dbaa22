"""Demo data for `make run` and for benchmarks: a small clinic that looks real.

Staff in each role, programs at each level of care, and patients whose histories follow the usual
journeys (residential -> IOP -> aftercare, step-ups, discharges with each TEDS reason). Patients are made a
chunk at a time with their whole history (stays, groups, sessions, attendance, notes) and written through
demo.load (COPY on PostgreSQL, bulk inserts on SQLite), so that 100,000 patients load in minutes in bounded
memory; the data respects every constraint the services enforce (one active enrollment, capacity, no gaps or
overlaps between enrollments).
"""

import datetime
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import transaction
from django.utils import timezone

from clinic.audit import AuditAction, audit_record
from clinic.levels import LevelOfCare as L
from clinic.models import Role, User
from demo.data import (
    APPROACHES,
    DEMO_PASSWORD,
    EXTRA_COUNSELOR_NAMES,
    FIRST_NAMES,
    JOURNEYS,
    LAST_NAMES,
    PATIENTS_PER_COUNSELOR,
    PREFERRED,
    PROGRAMS,
    STAFF,
    TRANSITION_REASONS,
    ProgramSpec,
)
from demo.load import Loader
from demo.sessions import SessionSeeder
from patients.models import Patient, luhn_check_digit
from programs.models import (
    Approach,
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    Program,
    Transition,
    TransitionKind,
)
from sessions.models import (
    AbsenceReview,
    Attendance,
    GroupMembership,
    GroupNarrative,
    ProgressNote,
    TherapySession,
)

CHUNK = 2000  # patients planned and written at a time: memory follows this, not the number of patients


def already_loaded() -> bool:
    return Program.objects.exists()


@dataclass
class Stay:
    program: str
    admitted_on: datetime.date
    discharged_on: datetime.date | None = None
    status: str = EnrollmentStatus.ACTIVE
    reason: int | None = None


@dataclass
class PlannedPatient:
    patient: Patient
    stays: list[Stay] = field(default_factory=list)
    override: bool = False


def _plan_stays(
    rng: random.Random, path: list[str], ending: int | None, specs: dict[str, ProgramSpec], today: datetime.date
) -> list[Stay]:
    """Lay the stays out back to back, so that the last one is current (or ended recently)."""
    lengths = []
    for i, key in enumerate(path):
        low, high = specs[key].stay
        last_and_open = i == len(path) - 1 and ending is None
        # The current stay is somewhere inside its expected length; closed ones ran their course
        # (a dropout leaves early).
        if last_and_open:
            lengths.append(rng.randint(1, high))
        elif ending in (DischargeReason.DROPPED_OUT, DischargeReason.TERMINATED) and i == len(path) - 1:
            lengths.append(rng.randint(3, max(4, low // 2)))
        else:
            lengths.append(rng.randint(low, high))
    ended_days_ago = 0 if ending is None else rng.randint(1, 300)
    start = today - datetime.timedelta(days=sum(lengths) + ended_days_ago)
    stays = []
    for i, (key, length) in enumerate(zip(path, lengths, strict=True)):
        stay = Stay(key, start)
        start = start + datetime.timedelta(days=length)
        if i < len(path) - 1:
            stay.discharged_on, stay.status, stay.reason = (
                start,
                EnrollmentStatus.TRANSFERRED,
                DischargeReason.TRANSFERRED,
            )
        elif ending is not None:
            stay.discharged_on, stay.reason = start, ending
            stay.status = (
                EnrollmentStatus.COMPLETED if ending == DischargeReason.COMPLETED else EnrollmentStatus.DISCHARGED
            )
        stays.append(stay)
    return stays


def _journey_for(rng: random.Random, index: int, total: int):
    # Small demos cycle through every journey so each one shows; large ones draw by weight.
    if total <= 60:
        return JOURNEYS[index % len(JOURNEYS)]
    return rng.choices(JOURNEYS, weights=[w for w, _, _ in JOURNEYS])[0]


def _mrns(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    result = []
    while len(result) < count:
        body = str(rng.randrange(10**6, 10**7))
        mrn = body + luhn_check_digit(body)
        if mrn not in taken:
            taken.add(mrn)
            result.append(mrn)
    return result


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
            ),
        )
        if created:
            program.approaches.set([approaches[a] for a in spec.approaches])
        programs[spec.key] = program
    return programs


def _patient(
    rng: random.Random,
    mrn: str,
    counselor: User,
    first_level: str,
    admitted_on: datetime.date,
    serial: int,
) -> Patient:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age_days = rng.randint(19 * 365, 68 * 365)
    consent = rng.random() < 0.8
    wm = first_level in (L.WITHDRAWAL_MANAGEMENT, L.CLINICALLY_MANAGED_HIGH_INTENSITY) and rng.random() < 0.4
    severity = {
        L.WITHDRAWAL_MANAGEMENT: 3,
        L.CLINICALLY_MANAGED_HIGH_INTENSITY: 3,
        L.PARTIAL_HOSPITALIZATION: 2,
        L.INTENSIVE_OUTPATIENT: 2,
    }.get(first_level, 1)

    def rating():
        return max(0, min(4, severity + rng.choice([-1, 0, 0, 1])))

    consent_at = timezone.make_aware(datetime.datetime.combine(admitted_on, datetime.time(10, 0)))
    return Patient(
        mrn=mrn,
        legal_first_name=first,
        legal_last_name=last,
        preferred_name=PREFERRED.get(first, "") if rng.random() < 0.5 else "",
        date_of_birth=admitted_on - datetime.timedelta(days=age_days),
        email=f"{first.lower()}.{last.lower().replace(chr(39), '')}{serial}@example.com" if rng.random() < 0.9 else "",
        phone=f"(555) 01{rng.randint(0, 9)}-{rng.randint(1000, 9999)}",
        primary_counselor=counselor,
        intake_date=admitted_on,
        needs_withdrawal_management=wm or first_level == L.WITHDRAWAL_MANAGEMENT,
        asam_d1_withdrawal=4 if first_level == L.WITHDRAWAL_MANAGEMENT else rating(),
        asam_d2_biomedical=rating(),
        asam_d3_emotional=rating(),
        asam_d4_readiness=rating(),
        asam_d5_relapse=rating(),
        asam_d6_environment=rating(),
        recommended_level=first_level,
        reminder_consent_given_at=consent_at if consent else None,
    )


# The tables the seed fills in bulk (on PostgreSQL, locked against other sessions until it commits).
LOADED = [
    Patient,
    Enrollment,
    Transition,
    TherapySession,
    GroupNarrative,
    GroupMembership,
    Attendance,
    ProgressNote,
    AbsenceReview,
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
        clinic = _Intake(rng, users, counselors, programs, today)
        sessions = SessionSeeder(
            rng=rng,
            programs=programs,
            today=today,
            loader=loader,
            clinicians=[users["counselor"], users["supervisor"], *counselors[1:]],
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
            say(
                f"Patients: {first + len(planned)}/{patients} (chunk {n} of {chunks}; {loader.rows} rows, "
                f"{loader.rate():,.0f} rows/s)"
            )
        counts.update(sessions.finish())
        say(f"Enrollments: {counts['enrollments']}; transitions: {counts['transitions']}")
        say(f"Groups: {counts['groups']}; roster entries: {counts['memberships']}")
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


class _Intake:
    """Plans patients and their stays a chunk at a time, keeping what spans chunks: MRNs taken, active
    patients per program (for capacity), whether the override example has been shown."""

    def __init__(self, rng, users, counselors, programs, today):
        self.rng, self.users, self.counselors, self.programs, self.today = rng, users, counselors, programs, today
        self.specs = {spec.key: spec for spec in PROGRAMS}
        self.taken = set(Patient.objects.values_list("mrn", flat=True))
        self.active = {
            key: Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE).count()
            for key, program in programs.items()
        }
        self.override_shown = False

    def plan(self, first: int, size: int, total: int) -> list[PlannedPatient]:
        rng, specs, programs = self.rng, self.specs, self.programs
        planned = []
        for i, mrn in enumerate(_mrns(rng, size, self.taken), first):
            _, path, ending = _journey_for(rng, i, total)
            stays = _plan_stays(rng, path, ending, specs, self.today)
            counselor = self.counselors[i % len(self.counselors)]
            patient = _patient(rng, mrn, counselor, programs[path[0]].level_of_care, stays[0].admitted_on, i)
            plan = PlannedPatient(patient, stays)
            # One flagged patient in IOP shows the supervisor's withdrawal-management override.
            if path == ["iop"] and ending is None and not self.override_shown:
                patient.needs_withdrawal_management = True
                plan.override = self.override_shown = True
            elif patient.needs_withdrawal_management and any(
                specs[s.program].level in (L.INTENSIVE_OUTPATIENT, L.OUTPATIENT, L.CONTINUING_CARE) for s in stays
            ):
                # Stepped down after withdrawal was managed: the flag was cleared at reassessment.
                patient.needs_withdrawal_management = False
            planned.append(plan)
        return planned

    def make_room(self, planned: list[PlannedPatient]) -> None:
        """A program holds at least its active patients, with a few places to spare: raised before the chunk's
        enrollments go in, as an administrator would before admitting them."""
        for plan in planned:
            if plan.stays[-1].discharged_on is None:
                self.active[plan.stays[-1].program] += 1
        for key, program in self.programs.items():
            needed = math.ceil(self.active[key] * 1.15) + 1
            if needed > program.capacity:
                program.capacity = needed
                program.save(update_fields=["capacity"])

    def enrollments(self, planned: list[PlannedPatient]) -> list[Enrollment]:
        supervisor = self.users["supervisor"]
        enrollments = []
        for plan in planned:
            for stay in plan.stays:
                override = plan.override and stay.discharged_on is None
                enrollments.append(
                    Enrollment(
                        patient=plan.patient,
                        program=self.programs[stay.program],
                        status=stay.status,
                        admitted_on=stay.admitted_on,
                        discharged_on=stay.discharged_on,
                        discharge_reason=stay.reason,
                        counselor=plan.patient.primary_counselor,
                        override_reason="Withdrawal symptoms mild and stable on day 5; supported by family at home. "
                        "Daily check-ins for the first week."
                        if override
                        else "",
                        override_by=supervisor if override else None,
                    )
                )
        return enrollments

    def transitions(self, planned: list[PlannedPatient], enrollments: list[Enrollment]) -> list[Transition]:
        supervisor = self.users["supervisor"]
        transitions = []
        position = 0
        for plan in planned:
            mine = enrollments[position : position + len(plan.stays)]
            position += len(plan.stays)
            for old, new in pairwise(mine):
                kind = TransitionKind.between(old.program.level_of_care, new.program.level_of_care)
                transitions.append(
                    Transition(
                        from_enrollment=old,
                        to_enrollment=new,
                        kind=kind,
                        effective_on=new.admitted_on,
                        reason=self.rng.choice(TRANSITION_REASONS[kind]),
                        decided_by=old.counselor or supervisor,
                    )
                )
        return transitions
