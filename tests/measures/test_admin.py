"""The admin: schedules configured by administrators; responses, alerts and screens read-only, for clinicians
within their scope, audited."""

import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditAction, AuditEvent
from measures.models import MeasureSchedule
from measures.services import drug_screen_record, measure_record
from tests.factories import EnrollmentFactory, ProgramFactory
from tests.helpers import queries_for_page
from tests.measures.conftest import phq9

pytestmark = pytest.mark.django_db

LISTS = ["/admin/measures/measureresponse/", "/admin/measures/safetyalert/", "/admin/measures/drugscreen/"]


def recorded(user, enrollment):
    response = measure_record(acting_user=user, patient=enrollment.patient, instrument="phq9", answers=phq9(3, item9=1))
    screen = drug_screen_record(
        acting_user=user,
        patient=enrollment.patient,
        collected_at=timezone.now() - datetime.timedelta(hours=1),
        observed=False,
        results={"coc": "positive"},
    )
    return response, screen


def test_an_administrator_configures_a_programs_schedule(administrator_client):
    program = ProgramFactory()

    response = administrator_client.post(
        "/admin/measures/measureschedule/add/",
        {"program": program.pk, "instrument": "phq9", "at_admission": "on", "every_days": "14"},
    )

    assert response.status_code == 302
    assert MeasureSchedule.objects.get().every_days == 14


def test_a_schedule_every_zero_days_is_refused(administrator_client):
    administrator_client.post(
        "/admin/measures/measureschedule/add/",
        {"program": ProgramFactory().pk, "instrument": "phq9", "every_days": "0"},
    )
    assert not MeasureSchedule.objects.exists()


@pytest.mark.parametrize("url", LISTS)
def test_front_desk_and_administrators_see_no_measures(client, front_desk, administrator, counselor, in_care, url):
    recorded(counselor, in_care)
    for user in (front_desk, administrator):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_answers_cannot_be_changed_or_added_in_the_admin(supervisor_client, counselor, in_care):
    response, _ = recorded(counselor, in_care)

    page = supervisor_client.get(f"/admin/measures/measureresponse/{response.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert supervisor_client.get("/admin/measures/measureresponse/add/").status_code == 403
    assert supervisor_client.post(f"/admin/measures/measureresponse/{response.pk}/delete/").status_code == 403
    viewed = AuditEvent.objects.filter(action=AuditAction.ADMIN_VIEW, patient_id=in_care.patient_id)
    assert viewed.exists()


def test_a_counselor_sees_only_their_patients_and_gets_not_found_for_another(
    client, counselor, other_counselor, in_care
):
    recorded(counselor, in_care)
    theirs_enrollment = EnrollmentFactory(counselor=other_counselor, patient__primary_counselor=other_counselor)
    theirs, their_screen = recorded(other_counselor, theirs_enrollment)
    client.force_login(counselor)

    for url in LISTS:
        page = client.get(url).content.decode()
        assert in_care.patient.mrn in page and theirs_enrollment.patient.mrn not in page
    assert client.get(f"/admin/measures/measureresponse/{theirs.pk}/change/").status_code == 404
    assert client.get(f"/admin/measures/drugscreen/{their_screen.pk}/change/").status_code == 404
    listed = AuditEvent.objects.filter(action=AuditAction.ADMIN_LIST, actor=counselor).first()
    assert listed is not None and listed.patients.filter(patient_id=in_care.patient_id).exists()


@pytest.mark.parametrize("url", LISTS)
def test_lists_run_a_constant_number_of_queries(supervisor_client, counselor, url):
    def make():
        recorded(counselor, EnrollmentFactory(counselor=counselor, patient__primary_counselor=counselor))

    for _ in range(2):
        make()
    with_two = queries_for_page(supervisor_client, url)
    for _ in range(10):
        make()
    assert queries_for_page(supervisor_client, url) == with_two
