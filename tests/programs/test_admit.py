import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.levels import LevelOfCare
from clinic.models import AuditEvent
from programs.models import Enrollment, EnrollmentStatus
from programs.services import EnrollmentError, enrollment_admit, enrollment_discharge, enrollment_transition
from tests.factories import EnrollmentFactory, PatientFactory, ProgramFactory, UserFactory
from tests.helpers import race

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_it_admits_a_patient_with_their_primary_counselor(counselor):
    patient = PatientFactory(primary_counselor=counselor)
    program = ProgramFactory()

    enrollment = enrollment_admit(acting_user=counselor, patient=patient, program=program)

    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.admitted_on == TODAY()
    assert enrollment.counselor == counselor
    audit = AuditEvent.objects.get(action="enrollment.admit")
    assert (audit.actor, audit.patient_id, audit.object_id) == (counselor, patient.pk, str(enrollment.pk))


def test_it_refuses_a_second_admission_while_one_is_active(counselor):
    current = EnrollmentFactory(program__name="IOP - Day Track", counselor=counselor)

    with pytest.raises(EnrollmentError, match="already enrolled in IOP - Day Track"):
        enrollment_admit(acting_user=counselor, patient=current.patient, program=ProgramFactory())

    assert Enrollment.objects.filter(patient=current.patient).count() == 1


def test_the_database_refuses_a_second_active_enrollment_written_directly():
    current = EnrollmentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(patient=current.patient, program=ProgramFactory(), admitted_on=TODAY())


def test_it_refuses_an_admission_when_the_program_is_full(counselor):
    program = ProgramFactory(name="Maple House", capacity=2)
    EnrollmentFactory.create_batch(2, program=program)

    with pytest.raises(EnrollmentError, match="Maple House is full: all 2 places are taken"):
        enrollment_admit(acting_user=counselor, patient=PatientFactory(primary_counselor=counselor), program=program)

    assert program.enrollments.count() == 2


def test_discharged_patients_free_their_place(counselor):
    program = ProgramFactory(capacity=1)
    EnrollmentFactory(program=program, status="completed", discharged_on=TODAY(), discharge_reason=1)

    enrollment = enrollment_admit(
        acting_user=counselor, patient=PatientFactory(primary_counselor=counselor), program=program
    )

    assert enrollment.is_active


def test_it_refuses_an_inactive_program(counselor):
    program = ProgramFactory(name="Old Track", is_active=False)

    with pytest.raises(EnrollmentError, match="Old Track is inactive"):
        enrollment_admit(acting_user=counselor, patient=PatientFactory(primary_counselor=counselor), program=program)


@pytest.mark.parametrize(
    "level", [LevelOfCare.INTENSIVE_OUTPATIENT, LevelOfCare.OUTPATIENT, LevelOfCare.CONTINUING_CARE]
)
def test_a_patient_needing_withdrawal_management_is_not_admitted_to_a_lower_level(counselor, level):
    patient = PatientFactory(needs_withdrawal_management=True, primary_counselor=counselor)

    with pytest.raises(EnrollmentError, match="flagged for withdrawal management") as error:
        enrollment_admit(acting_user=counselor, patient=patient, program=ProgramFactory(level_of_care=level))

    assert error.value.code == "withdrawal_management_required"
    assert not Enrollment.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    "level",
    [
        LevelOfCare.WITHDRAWAL_MANAGEMENT,
        LevelOfCare.CLINICALLY_MANAGED_HIGH_INTENSITY,
        LevelOfCare.PARTIAL_HOSPITALIZATION,
    ],
)
def test_a_patient_needing_withdrawal_management_can_go_where_it_is_managed(counselor, level):
    patient = PatientFactory(needs_withdrawal_management=True, primary_counselor=counselor)

    enrollment = enrollment_admit(acting_user=counselor, patient=patient, program=ProgramFactory(level_of_care=level))

    assert enrollment.override_reason == ""


def test_a_counselor_cannot_override_the_withdrawal_rule(counselor):
    patient = PatientFactory(needs_withdrawal_management=True, primary_counselor=counselor)

    with pytest.raises(EnrollmentError, match="Only a clinical supervisor can override"):
        enrollment_admit(
            acting_user=counselor, patient=patient, program=ProgramFactory(), override_reason="Mild symptoms"
        )

    assert not Enrollment.objects.filter(patient=patient).exists()


def test_a_supervisor_override_needs_a_written_reason(supervisor):
    patient = PatientFactory(needs_withdrawal_management=True)

    with pytest.raises(EnrollmentError, match="written reason"):
        enrollment_admit(acting_user=supervisor, patient=patient, program=ProgramFactory(), override_reason="  ")


def test_a_supervisor_override_with_a_reason_admits_and_is_recorded(supervisor):
    patient = PatientFactory(needs_withdrawal_management=True)

    enrollment = enrollment_admit(
        acting_user=supervisor,
        patient=patient,
        program=ProgramFactory(),
        override_reason="Symptoms resolved; daily check-ins this week.",
    )

    assert enrollment.override_reason == "Symptoms resolved; daily check-ins this week."
    assert enrollment.override_by == supervisor
    assert AuditEvent.objects.get(action="enrollment.admit").detail["override"] is True


def test_it_refuses_an_admission_dated_in_the_future(counselor):
    with pytest.raises(EnrollmentError, match="admission date cannot be in the future"):
        enrollment_admit(
            acting_user=counselor,
            patient=PatientFactory(primary_counselor=counselor),
            program=ProgramFactory(),
            admitted_on=TODAY() + datetime.timedelta(days=1),
        )


def test_it_refuses_an_admission_that_would_overlap_the_last_stay(counselor):
    past = EnrollmentFactory(
        patient__primary_counselor=counselor,
        admitted_on=TODAY() - datetime.timedelta(days=60),
        discharged_on=TODAY() - datetime.timedelta(days=10),
        status="discharged",
        discharge_reason=2,
    )

    with pytest.raises(EnrollmentError, match="before the end of this patient's last enrollment"):
        enrollment_admit(
            acting_user=counselor,
            patient=past.patient,
            program=ProgramFactory(),
            admitted_on=TODAY() - datetime.timedelta(days=20),
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admissions_racing_for_the_last_place_let_exactly_one_in():
    program = ProgramFactory(capacity=3)
    EnrollmentFactory.create_batch(2, program=program)
    staff = UserFactory(role="counselor")
    first, second = PatientFactory(primary_counselor=staff), PatientFactory(primary_counselor=staff)

    outcomes = race(
        lambda: enrollment_admit(acting_user=staff, patient=first, program=program),
        lambda: enrollment_admit(acting_user=staff, patient=second, program=program),
    )

    assert outcomes == ["ok", "program_full"]
    assert program.enrollments.filter(status="active").count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admissions_of_one_patient_racing_leave_one_active_enrollment():
    staff = UserFactory(role="counselor")
    patient = PatientFactory(primary_counselor=staff)
    first, second = ProgramFactory(), ProgramFactory()

    outcomes = race(
        lambda: enrollment_admit(acting_user=staff, patient=patient, program=first),
        lambda: enrollment_admit(acting_user=staff, patient=patient, program=second),
    )

    assert outcomes == ["already_enrolled", "ok"]
    assert Enrollment.objects.filter(patient=patient, status="active").count() == 1


ENROLLMENT_CHANGES = {
    "admit patients": lambda user, e: enrollment_admit(acting_user=user, patient=PatientFactory(), program=e.program),
    "move patients between programs": lambda user, e: enrollment_transition(
        acting_user=user, enrollment=e, to_program=ProgramFactory(), reason="Step down"
    ),
    "discharge patients": lambda user, e: enrollment_discharge(acting_user=user, enrollment=e, reason=1),
}


@pytest.mark.parametrize("doing", ENROLLMENT_CHANGES.keys())
@pytest.mark.parametrize("role", ["front_desk", "administrator"])
def test_enrollments_are_clinical_decisions_whatever_page_calls_the_service(role, doing):
    enrollment = EnrollmentFactory()
    before = list(Enrollment.objects.values_list("pk", "status"))

    with pytest.raises(EnrollmentError, match=f"Only counselors and clinical supervisors can {doing}.") as caught:
        ENROLLMENT_CHANGES[doing](UserFactory(role=role), enrollment)

    assert caught.value.code == "not_clinical"
    assert list(Enrollment.objects.values_list("pk", "status")) == before
