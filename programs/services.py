"""Admissions, transitions between levels of care, and discharges.

Each service is atomic: it checks that the patient is in the acting user's scope, locks the patient's row (then
the program's), checks the rules, writes, and leaves one audit row. Rule violations raise EnrollmentError before
anything is kept.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic import levels, policy
from clinic.audit import AuditAction, audit_record
from clinic.clock import date_label
from clinic.errors import DomainError
from clinic.policy import Action
from patients.models import Patient
from programs.models import (
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    Program,
    Transition,
    TransitionKind,
)
from programs.selectors import enrollment_current
from programs.signals import enrollment_ended


class EnrollmentError(DomainError):
    pass


def _lock_patient(patient: Patient, acting_user, *, doing: str) -> Patient:
    """Lock the patient's row, once the acting user is known to have the patient in scope and to be a clinician
    (enrollments are clinical decisions)."""
    policy.require(acting_user, Action.SEE_PATIENT, patient)
    policy.require(acting_user, Action.CHANGE_ENROLLMENT, error=EnrollmentError, doing=doing)
    return Patient.objects.select_for_update().get(pk=patient.pk)


def _check_date(day: datetime.date, *, what: str, not_before: datetime.date | None, not_before_what: str) -> None:
    if day > timezone.localdate():
        raise EnrollmentError(f"The {what} date cannot be in the future.", code="date_in_future")
    if not_before is not None and day < not_before:
        raise EnrollmentError(
            f"The {what} date ({date_label(day)}) is before {not_before_what} ({date_label(not_before)}).",
            code="date_out_of_order",
        )


def _check_open_place(program: Program) -> None:
    """Capacity, checked under a lock on the program's row so that two admissions cannot both take the
    last place."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.is_active:
        raise EnrollmentError(f"{program.name} is inactive and takes no admissions.", code="program_inactive")
    active = Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE).count()
    if active >= program.capacity:
        raise EnrollmentError(f"{program.name} is full: all {program.capacity} places are taken.", code="program_full")


def _check_withdrawal_rule(*, patient: Patient, program: Program, acting_user, override_reason: str) -> str:
    """A patient flagged for withdrawal management goes to IOP, outpatient or aftercare only with a
    supervisor's override and a written reason. Returns the override reason to record ("" if none needed)."""
    if not (patient.needs_withdrawal_management and levels.facts(program.level_of_care).excludes_withdrawal_risk):
        return ""
    level = program.get_level_of_care_display()
    if not override_reason.strip():
        raise EnrollmentError(
            f"This patient is flagged for withdrawal management, which {level} does not provide. "
            "A clinical supervisor must override with a written reason.",
            code="withdrawal_management_required",
        )
    policy.require(acting_user, Action.OVERRIDE_WITHDRAWAL_RULE, error=EnrollmentError)
    return override_reason.strip()


def _last_discharge(patient: Patient) -> datetime.date | None:
    return (
        Enrollment.objects.filter(patient=patient, discharged_on__isnull=False)
        .order_by("-discharged_on")
        .values_list("discharged_on", flat=True)
        .first()
    )


def _open_enrollment(**fields) -> Enrollment:
    try:
        with transaction.atomic():
            return Enrollment.objects.create(**fields)
    except IntegrityError as error:  # only if a write bypassed the patient lock
        raise EnrollmentError("This patient already has an active enrollment.", code="already_enrolled") from error


@transaction.atomic
def enrollment_admit(
    *,
    acting_user,
    patient: Patient,
    program: Program,
    admitted_on: datetime.date | None = None,
    counselor=None,
    override_reason: str = "",
) -> Enrollment:
    """Admit a patient to a program: the patient has no active enrollment, the program is active and has a
    free place, and the withdrawal-management rule holds."""
    admitted_on = admitted_on or timezone.localdate()
    patient = _lock_patient(patient, acting_user, doing="admit patients")
    if current := enrollment_current(patient):
        raise EnrollmentError(
            f"This patient is already enrolled in {current.program.name} since {date_label(current.admitted_on)}. "
            "Transition or discharge that enrollment first.",
            code="already_enrolled",
        )
    _check_date(
        admitted_on,
        what="admission",
        not_before=_last_discharge(patient),
        not_before_what="the end of this patient's last enrollment",
    )
    override = _check_withdrawal_rule(
        patient=patient, program=program, acting_user=acting_user, override_reason=override_reason
    )
    _check_open_place(program)
    enrollment = _open_enrollment(
        patient=patient,
        program=program,
        admitted_on=admitted_on,
        counselor=counselor or patient.primary_counselor,
        override_reason=override,
        override_by=acting_user if override else None,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.ENROLLMENT_ADMIT,
        patient_id=patient.pk,
        target=enrollment,
        program_id=program.pk,
        override=bool(override),
    )
    return enrollment


@transaction.atomic
def enrollment_transition(
    *,
    acting_user,
    enrollment: Enrollment,
    to_program: Program,
    reason: str,
    effective_on: datetime.date | None = None,
    counselor=None,
    override_reason: str = "",
) -> Transition:
    """Move a patient to another program: the current enrollment closes as transferred and the new one
    opens on the same day, in one transaction. The kind (step down, step up, lateral) follows from the
    levels' ranks."""
    effective_on = effective_on or timezone.localdate()
    if not reason.strip():
        raise EnrollmentError("Give the clinical reason for the transition.", code="reason_required")
    patient = _lock_patient(enrollment.patient, acting_user, doing="move patients between programs")
    enrollment = Enrollment.objects.select_for_update().select_related("program").get(pk=enrollment.pk)
    if not enrollment.is_active:
        raise EnrollmentError(
            "This enrollment has already ended; only an active enrollment can transition.", code="not_active"
        )
    if to_program.pk == enrollment.program_id:
        raise EnrollmentError(f"The patient is already in {to_program.name}.", code="same_program")
    _check_date(
        effective_on,
        what="transition",
        not_before=enrollment.admitted_on,
        not_before_what="the admission to the current program",
    )
    override = _check_withdrawal_rule(
        patient=patient, program=to_program, acting_user=acting_user, override_reason=override_reason
    )
    _check_open_place(to_program)

    enrollment.status = EnrollmentStatus.TRANSFERRED
    enrollment.discharged_on = effective_on
    enrollment.discharge_reason = DischargeReason.TRANSFERRED
    enrollment.save(update_fields=["status", "discharged_on", "discharge_reason"])
    new = _open_enrollment(
        patient=patient,
        program=to_program,
        admitted_on=effective_on,
        counselor=counselor or enrollment.counselor or patient.primary_counselor,
        override_reason=override,
        override_by=acting_user if override else None,
    )
    kind = TransitionKind.between(enrollment.program.level_of_care, to_program.level_of_care)
    transition = Transition.objects.create(
        from_enrollment=enrollment,
        to_enrollment=new,
        kind=kind,
        effective_on=effective_on,
        reason=reason.strip(),
        decided_by=acting_user,
    )
    enrollment_ended.send(sender=Enrollment, enrollment=enrollment, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.ENROLLMENT_TRANSITION,
        patient_id=patient.pk,
        target=transition,
        kind=kind,
        from_program_id=enrollment.program_id,
        to_program_id=to_program.pk,
        override=bool(override),
    )
    return transition


@transaction.atomic
def enrollment_discharge(
    *,
    acting_user,
    enrollment: Enrollment,
    reason: int,
    discharged_on: datetime.date | None = None,
    note: str = "",
) -> Enrollment:
    """Discharge a patient from the program with a TEDS reason code (1 completed ... 7 other).
    Reason 1 closes the enrollment as completed, any other as discharged."""
    if reason not in DischargeReason.values:
        raise EnrollmentError(
            "Choose a TEDS discharge reason: 1 completed, 2 dropped out, 3 terminated by facility, "
            "4 transferred, 5 incarcerated, 6 death or 7 other.",
            code="reason_invalid",
        )
    discharged_on = discharged_on or timezone.localdate()
    _lock_patient(enrollment.patient, acting_user, doing="discharge patients")
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not enrollment.is_active:
        raise EnrollmentError("This enrollment has already ended.", code="not_active")
    _check_date(discharged_on, what="discharge", not_before=enrollment.admitted_on, not_before_what="the admission")
    enrollment.status = (
        EnrollmentStatus.COMPLETED if reason == DischargeReason.COMPLETED else EnrollmentStatus.DISCHARGED
    )
    enrollment.discharged_on = discharged_on
    enrollment.discharge_reason = reason
    enrollment.discharge_note = note.strip()
    enrollment.save(update_fields=["status", "discharged_on", "discharge_reason", "discharge_note"])
    enrollment_ended.send(sender=Enrollment, enrollment=enrollment, acting_user=acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.ENROLLMENT_DISCHARGE,
        patient_id=enrollment.patient_id,
        target=enrollment,
        reason=reason,
    )
    return enrollment
