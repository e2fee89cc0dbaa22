"""The demo's patients planned a chunk at a time: names, MRNs and a journey through the levels of care each,
with the stays, transitions and discharges that journey makes, within every program's capacity."""

import datetime
import math
import random
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils import timezone

from clinic.levels import LevelOfCare as L
from clinic.models import User
from demo.data import (
    FIRST_NAMES,
    FIRST_PATIENT_NAME,
    JOURNEYS,
    LAST_NAMES,
    PREFERRED,
    PROGRAMS,
    TRANSITION_REASONS,
    ProgramSpec,
)
from patients.models import Patient, fold, luhn_check_digit
from programs.models import (
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    Transition,
    TransitionKind,
)


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


def _patient(
    rng: random.Random,
    mrn: str,
    counselor: User,
    first_level: str,
    admitted_on: datetime.date,
    serial: int,
) -> Patient:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if serial == 0:
        first, last = FIRST_PATIENT_NAME
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
    patient = Patient(
        mrn=mrn,
        legal_first_name=first,
        legal_last_name=last,
        preferred_name=PREFERRED.get(first, "") if rng.random() < 0.5 else "",
        date_of_birth=admitted_on - datetime.timedelta(days=age_days),
        email=f"{fold(first)}.{fold(last).replace(chr(39), '')}{serial}@example.com" if rng.random() < 0.9 else "",
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
    patient.refresh_search_name()  # inserted in bulk: save() does not run
    return patient


# The tables the seed fills in bulk (on PostgreSQL, locked against other sessions until it commits).
class Intake:
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
