import pytest

from patients.models import Patient
from programs.filters import PatientFilter
from programs.services import enrollment_discharge
from tests.factories import EnrollmentFactory, PatientFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def found(**params):
    return set(PatientFilter(params, queryset=Patient.objects.all()).qs)


def test_it_finds_a_patient_by_part_of_a_name_or_by_the_whole_mrn():
    dana = PatientFactory(legal_first_name="Dana", legal_last_name="Whitfield", preferred_name="Dee")
    other = PatientFactory(legal_first_name="Sam", legal_last_name="Okafor")

    assert found(q="whitf") == found(q=" dan ") == found(q="dee") == {dana}
    assert found(q=other.mrn) == {other}
    assert found(q=other.mrn[:4]) == set()  # an MRN matches whole, not in part


def test_it_filters_by_the_program_and_level_of_the_current_enrollment_only(supervisor):
    iop = ProgramFactory(level_of_care="2.1")
    residential = ProgramFactory(level_of_care="3.5")
    now_in_iop = EnrollmentFactory(program=iop).patient
    left_iop = EnrollmentFactory(program=iop)
    enrollment_discharge(acting_user=supervisor, enrollment=left_iop, reason=1)
    in_residential = EnrollmentFactory(program=residential).patient

    assert found(program=str(iop.pk)) == found(level="2.1") == {now_in_iop}
    assert found(level="3.5") == {in_residential}


def test_it_filters_by_primary_counselor_and_by_whether_in_care(counselor):
    mine = EnrollmentFactory(patient__primary_counselor=counselor).patient
    waiting = PatientFactory(primary_counselor=counselor)

    assert found(counselor=str(counselor.pk)) == {mine, waiting}
    assert found(counselor=str(counselor.pk), status="active") == {mine}
    assert found(status="ended") == {waiting}


@pytest.mark.parametrize("bad", [{"program": "abc"}, {"level": "9.9"}, {"counselor": "²"}, {"status": "maybe"}])
def test_a_bad_value_in_any_filter_shows_everyone_not_a_part(bad):
    program = ProgramFactory()
    chosen = EnrollmentFactory(program=program).patient
    other = PatientFactory()

    params = {"program": str(program.pk), **bad}  # a good program beside the bad value (or the bad program)

    assert found(**params) == {chosen, other}
    assert not PatientFilter(params, queryset=Patient.objects.all()).is_valid()


def test_a_front_desk_user_is_no_counselor_to_filter_by(front_desk):
    filters = PatientFilter({"counselor": str(front_desk.pk)}, queryset=Patient.objects.all())

    assert not filters.is_valid() and "counselor" in filters.errors
