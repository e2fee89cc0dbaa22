import pytest

from clinic.counselors import counselor_label
from sessions.selectors import patients_list, patients_search
from tests.factories import EnrollmentFactory, MembershipFactory, PatientFactory, TherapyGroupFactory

pytestmark = pytest.mark.django_db


def test_a_counselor_searches_only_their_caseload_and_groups(counselor):
    mine = PatientFactory(primary_counselor=counselor, legal_last_name="Whitfield")
    in_my_group = MembershipFactory(group=TherapyGroupFactory(facilitator=counselor)).patient
    PatientFactory(legal_last_name="Whitfield")  # a colleague's

    assert set(patients_search(user=counselor, params=None).qs) == {mine, in_my_group}
    assert list(patients_search(user=counselor, params={"q": "whitfield"}).qs) == [mine]


def test_each_patient_comes_with_the_program_and_level_in_care_in_name_order(supervisor):
    EnrollmentFactory(patient__legal_last_name="Zed", program__name="IOP", program__level_of_care="2.1")
    PatientFactory(legal_last_name="Abe")

    page = patients_list(user=supervisor, params={}, page=1).page

    assert [(p.legal_last_name, p.program_name, p.level) for p in page] == [("Abe", None, None), ("Zed", "IOP", "2.1")]


def test_a_deep_page_looks_up_the_program_of_its_own_rows_only(supervisor, django_assert_num_queries):
    for n in range(27):
        EnrollmentFactory(patient__legal_last_name=f"Name{n:02}", program__name=f"Program {n:02}")

    with django_assert_num_queries(3):  # the count, the page's rows, their current enrollments
        page = patients_list(user=supervisor, params=None, page=2).page
        rows = [(p.legal_last_name, p.program_name) for p in page]

    assert rows == [("Name25", "Program 25"), ("Name26", "Program 26")]


def test_the_form_shows_the_filters_given(supervisor, counselor):
    form = patients_search(user=supervisor, params={"counselor": str(counselor.pk), "status": "nope"}).form

    assert form["counselor"].value() == counselor_label(counselor) and "status" in form.errors


@pytest.mark.parametrize("params", [None, {"q": "a", "status": "active", "level": "2.1"}])
def test_it_runs_the_same_queries_for_2_and_40_patients(counselor, params, django_assert_num_queries):
    def patients(n):
        for _ in range(n):
            EnrollmentFactory(patient__primary_counselor=counselor, patient__legal_last_name="Garcia")

    patients(2)
    with django_assert_num_queries(2):  # the count, the rows with their counselor
        found = patients_search(user=counselor, params=params).qs
        assert (found.count(), {p.primary_counselor for p in found}) == (2, {counselor})
    patients(38)
    with django_assert_num_queries(2):
        found = patients_search(user=counselor, params=params).qs
        assert (found.count(), {p.primary_counselor for p in found}) == (40, {counselor})
