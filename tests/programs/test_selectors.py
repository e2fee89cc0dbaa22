import datetime

import pytest
from django.utils import timezone

from programs.selectors import enrollment_current
from tests.factories import EnrollmentFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_the_current_enrollment_is_the_active_one_with_its_program_in_one_query(django_assert_num_queries):
    patient = PatientFactory()
    weeks_ago = timezone.localdate() - datetime.timedelta(weeks=3)
    EnrollmentFactory(patient=patient, status="transferred", admitted_on=weeks_ago, discharged_on=weeks_ago)
    active = EnrollmentFactory(patient=patient, program__name="IOP - Day Track")

    with django_assert_num_queries(1):
        current = enrollment_current(patient)
        assert (current, current.program.name) == (active, "IOP - Day Track")


def test_a_patient_not_in_care_has_no_current_enrollment():
    assert enrollment_current(PatientFactory()) is None
