import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from programs.models import DischargeReason, Enrollment, EnrollmentStatus
from programs.services import EnrollmentError, enrollment_admit, enrollment_discharge
from tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.mark.parametrize(
    ("reason", "status"),
    [(DischargeReason.COMPLETED, EnrollmentStatus.COMPLETED)]
    + [(reason, EnrollmentStatus.DISCHARGED) for reason in DischargeReason if reason != DischargeReason.COMPLETED],
)
def test_it_discharges_with_each_teds_reason(counselor, reason, status):
    enrollment = EnrollmentFactory(patient__primary_counselor=counselor)

    enrollment_discharge(acting_user=counselor, enrollment=enrollment, reason=reason, note="Plan given.")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.discharge_reason, enrollment.discharged_on) == (status, reason, TODAY())
    assert AuditEvent.objects.get(action="enrollment.discharge").detail["reason"] == reason


def test_it_refuses_a_reason_outside_the_teds_codes(counselor):
    enrollment = EnrollmentFactory(patient__primary_counselor=counselor)

    with pytest.raises(EnrollmentError, match="Choose a TEDS discharge reason"):
        enrollment_discharge(acting_user=counselor, enrollment=enrollment, reason=9)

    enrollment.refresh_from_db()
    assert enrollment.is_active


def test_it_refuses_to_discharge_twice(counselor):
    enrollment = EnrollmentFactory(patient__primary_counselor=counselor)
    enrollment_discharge(acting_user=counselor, enrollment=enrollment, reason=2)

    with pytest.raises(EnrollmentError, match="already ended"):
        enrollment_discharge(acting_user=counselor, enrollment=enrollment, reason=1)


def test_it_refuses_a_discharge_before_the_admission(counselor):
    enrollment = EnrollmentFactory(
        patient__primary_counselor=counselor, admitted_on=TODAY() - datetime.timedelta(days=5)
    )

    with pytest.raises(EnrollmentError, match="before the admission"):
        enrollment_discharge(
            acting_user=counselor, enrollment=enrollment, reason=2, discharged_on=TODAY() - datetime.timedelta(days=6)
        )


def test_after_a_discharge_the_patient_can_be_admitted_again(counselor):
    enrollment = EnrollmentFactory(
        patient__primary_counselor=counselor, admitted_on=TODAY() - datetime.timedelta(days=50)
    )
    enrollment_discharge(
        acting_user=counselor, enrollment=enrollment, reason=2, discharged_on=TODAY() - datetime.timedelta(days=10)
    )

    readmission = enrollment_admit(acting_user=counselor, patient=enrollment.patient, program=ProgramFactory())

    assert Enrollment.objects.filter(patient=enrollment.patient).count() == 2
    assert readmission.is_active
