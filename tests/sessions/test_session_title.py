import datetime

import pytest
from django.utils import timezone

from patients.models import Patient
from sessions.models import TherapyGroup, TherapySession
from tests.factories import EnrollmentFactory, GroupSessionFactory, TherapyGroupFactory, book_counseling


def test_a_group_session_is_called_by_its_groups_title():
    session = TherapySession(kind="group", group=TherapyGroup(pk=3, title="Relapse Prevention AM"))

    assert session.title == "Relapse Prevention AM"
    assert session.title_with_patient == "Relapse Prevention AM"


@pytest.mark.parametrize(
    ("kind", "title"),
    [("individual", "Individual counseling"), ("family", "Family session"), ("check_in", "Check-in")],
)
def test_a_one_patient_session_is_called_by_its_kind_and_may_name_the_patient(kind, title):
    patient = Patient(legal_first_name="Anabel", preferred_name="Ana", legal_last_name="Diaz")
    session = TherapySession(kind=kind, patient=patient, starts_at=timezone.now())

    assert session.title == title
    assert session.title_with_patient == f"{title}: Ana Diaz"
    assert str(session).startswith(f"{title}, ")


@pytest.mark.django_db
def test_the_titles_cost_no_query_once_group_and_patient_are_selected(django_assert_num_queries):
    GroupSessionFactory(group__title="Relapse Prevention AM")
    sessions = TherapySession.objects.select_related("group", "patient")

    with django_assert_num_queries(1):
        assert [(s.title, s.title_with_patient) for s in sessions] == [("Relapse Prevention AM",) * 2]


@pytest.mark.django_db
def test_staff_pages_call_a_session_by_its_title(client, supervisor):
    group_session = GroupSessionFactory(group=TherapyGroupFactory(title="Relapse Prevention AM"))
    enrollment = EnrollmentFactory(patient__legal_first_name="Ana", patient__legal_last_name="Diaz")
    [check_in] = book_counseling(
        acting_user=supervisor,
        patient=enrollment.patient,
        kind="check_in",
        day=timezone.localdate() + datetime.timedelta(days=1),
        duration_minutes=15,
    )
    client.force_login(supervisor)

    assert '<h1 class="h3">Relapse Prevention AM</h1>' in client.get(f"/sessions/{group_session.pk}/").content.decode()
    assert '<h1 class="h3">Check-in</h1>' in client.get(f"/sessions/{check_in.pk}/").content.decode()
    sheet = client.get(f"/sessions/{check_in.pk}/attendance/").content.decode()
    assert '<h1 class="h3">Check-in: Ana Diaz</h1>' in sheet
