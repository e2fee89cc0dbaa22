"""The rules sessions/ registers with the kernel's policy: the patient scope (caseload and groups), and who runs,
cancels and fills what."""

import datetime

import pytest
from django.utils import timezone

from clinic import policy
from clinic.policy import Action
from sessions.models import TherapySession
from tests.factories import (
    EnrollmentFactory,
    GroupSessionFactory,
    MembershipFactory,
    PatientFactory,
    TherapyGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def visible(user) -> set[int]:
    return set(policy.patients_visible_to(user).values_list("pk", flat=True))


def test_a_counselor_sees_their_caseload_and_their_groups_members_only(counselor):
    primary = PatientFactory(primary_counselor=counselor)
    carried = EnrollmentFactory(counselor=counselor).patient
    in_my_group = MembershipFactory(group__facilitator=counselor).patient
    left_my_group = MembershipFactory(group__facilitator=counselor, left_on=timezone.localdate()).patient
    carried_before = EnrollmentFactory(counselor=counselor, status="completed", discharged_on=timezone.localdate())
    stranger = EnrollmentFactory().patient

    assert visible(counselor) == {primary.pk, carried.pk, in_my_group.pk}
    assert not {left_my_group.pk, carried_before.patient_id, stranger.pk} & visible(counselor)
    assert policy.patient_visible_to(counselor, primary) and not policy.patient_visible_to(counselor, stranger)


def test_a_patient_loaded_through_a_scope_is_visible_without_asking_again_but_only_to_that_user(
    counselor, other_counselor, django_assert_num_queries
):
    mine = PatientFactory(primary_counselor=counselor)
    loaded = policy.patients_visible_to(counselor).get(pk=mine.pk)

    with django_assert_num_queries(0):
        assert policy.patient_visible_to(counselor, loaded)
    with django_assert_num_queries(1):
        assert not policy.patient_visible_to(other_counselor, loaded)
    theirs = policy.patients_visible_to(other_counselor)
    assert not theirs.filter(pk=mine.pk).exists() and not policy.patient_visible_to(other_counselor, mine)


@pytest.mark.parametrize("role", ["administrator", "supervisor", "front_desk"])
def test_other_roles_and_a_superuser_counselor_see_every_patient(role):
    patients = {PatientFactory().pk, EnrollmentFactory().patient_id}

    assert visible(UserFactory(role=role)) == patients
    assert visible(UserFactory(role="counselor", is_superuser=True)) == patients


def test_asking_about_one_patient_takes_no_query_for_a_role_that_sees_everyone(supervisor, django_assert_num_queries):
    patient = PatientFactory()

    with django_assert_num_queries(0):
        assert policy.allows(supervisor, Action.SEE_PATIENT, patient)


def booked_session(patient, facilitator) -> TherapySession:
    enrollment = EnrollmentFactory(patient=patient)
    return TherapySession.objects.create(
        kind="individual",
        program=enrollment.program,
        patient=patient,
        enrollment=enrollment,
        facilitator=facilitator,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=50,
        location="Office 4",
        billing_code="90834",
    )


@pytest.fixture
def people(counselor, other_counselor, supervisor, front_desk, administrator):
    return {
        "facilitator": counselor,
        "colleague": other_counselor,
        "supervisor": supervisor,
        "front desk": front_desk,
        "administrator": administrator,
        "superuser": UserFactory(role="supervisor", is_superuser=True),
    }


def allowed(people, action, obj) -> set[str]:
    return {name for name, user in people.items() if policy.allows(user, action, obj)}


def test_a_session_is_run_by_its_facilitator_or_a_supervisor(people):
    session = GroupSessionFactory(group__facilitator=people["facilitator"], facilitator=people["facilitator"])

    assert allowed(people, Action.RUN_SESSION, session) == {"facilitator", "supervisor"}


def test_a_booked_session_is_run_also_by_the_counselor_whose_caseload_holds_the_patient(people):
    session = booked_session(PatientFactory(primary_counselor=people["colleague"]), people["facilitator"])

    assert allowed(people, Action.RUN_SESSION, session) == {"facilitator", "colleague", "supervisor"}


def test_a_counselor_cancels_only_their_own_sessions_others_any(people):
    session = GroupSessionFactory(group__facilitator=people["facilitator"], facilitator=people["facilitator"])

    everyone_but_the_colleague = set(people) - {"colleague"}
    assert allowed(people, Action.CANCEL_SESSION, session) == everyone_but_the_colleague


def test_a_roster_is_kept_by_its_facilitator_or_a_supervisor(people):
    group = TherapyGroupFactory(facilitator=people["facilitator"])

    assert allowed(people, Action.KEEP_ROSTER, group) == {"facilitator", "supervisor"}


def test_booking_and_changing_a_patient_follow_the_scope(people):
    mine = PatientFactory(primary_counselor=people["facilitator"])

    for action in (Action.BOOK_SESSION, Action.CHANGE_PATIENT, Action.SEE_PATIENT):
        assert allowed(people, action, mine) == set(people) - {"colleague"}
