import pytest

from clinic.models import AuditEvent
from patients.models import Patient, mrn_is_valid
from tests.clock import ORDINARY, clinic_time
from tests.factories import EnrollmentFactory, PatientFactory, UserFactory
from tests.helpers import queries_for_page, registration_form

pytestmark = pytest.mark.django_db


def test_front_desk_registers_a_patient_in_the_admin(client, front_desk, counselor, time_machine):
    time_machine.move_to(clinic_time(ORDINARY), tick=False)  # after the intake date below
    client.force_login(front_desk)

    response = client.post("/admin/patients/patient/add/", registration_form(counselor, intake_date="2026-11-02"))

    assert response.status_code == 302
    patient = Patient.objects.get()
    assert mrn_is_valid(patient.mrn)
    assert AuditEvent.objects.get(action="patient.register").actor == front_desk


def test_a_future_birth_date_is_a_field_error(client, front_desk):
    client.force_login(front_desk)

    response = client.post(
        "/admin/patients/patient/add/",
        {
            "legal_first_name": "Dana",
            "legal_last_name": "Whitfield",
            "date_of_birth": "2999-01-01",
            "intake_date": "2026-11-02",
        },
    )

    assert "date_of_birth" in response.context["adminform"].form.errors
    assert not Patient.objects.exists()


def test_opening_a_patient_record_is_audited(client, supervisor):
    patient = PatientFactory()
    client.force_login(supervisor)

    assert client.get(f"/admin/patients/patient/{patient.pk}/change/").status_code == 200

    audit = AuditEvent.objects.get(action="admin.view")
    assert (audit.actor, audit.patient_id, audit.ip_address) == (supervisor, patient.pk, "127.0.0.1")
    assert (audit.object_type, audit.object_id) == ("patients.patient", str(patient.pk))


def test_a_counselor_sees_only_their_caseload(client, counselor):
    mine = PatientFactory(primary_counselor=counselor)
    enrolled_with_me = EnrollmentFactory(counselor=counselor).patient
    other = PatientFactory()
    client.force_login(counselor)

    listing = client.get("/admin/patients/patient/").content.decode()

    assert mine.mrn in listing and enrolled_with_me.mrn in listing
    assert other.mrn not in listing
    assert client.get(f"/admin/patients/patient/{other.pk}/change/").status_code == 404
    assert not AuditEvent.objects.filter(patient_id=other.pk).exists()


def test_nobody_deletes_a_patient_not_even_a_superuser(client):
    patient = PatientFactory()
    client.force_login(UserFactory(role="administrator", is_superuser=True))

    client.post(f"/admin/patients/patient/{patient.pk}/delete/", {"post": "yes"})

    assert Patient.objects.filter(pk=patient.pk).exists()


def test_the_patient_list_runs_a_constant_number_of_queries(client, supervisor, counselor):
    client.force_login(supervisor)
    PatientFactory.create_batch(2, primary_counselor=counselor)
    with_two = queries_for_page(client, "/admin/patients/patient/")
    PatientFactory.create_batch(38, primary_counselor=counselor)

    assert queries_for_page(client, "/admin/patients/patient/") == with_two


def test_staff_record_and_revoke_reminder_consent_from_the_patient_list(client, front_desk):
    with_email, without_email = PatientFactory(), PatientFactory(email="")
    client.force_login(front_desk)
    url = "/admin/patients/patient/"

    response = client.post(
        url, {"action": "record_reminder_consent", "_selected_action": [with_email.pk, without_email.pk]}, follow=True
    )

    page = response.content.decode()
    assert "Reminder consent recorded for 1 patient." in page
    assert f"MRN {without_email.mrn}: Add an email address" in page
    with_email.refresh_from_db()
    assert with_email.has_reminder_consent

    client.post(url, {"action": "revoke_reminder_consent", "_selected_action": [with_email.pk]})
    with_email.refresh_from_db()
    assert not with_email.has_reminder_consent
    assert AuditEvent.objects.filter(action="patient.consent_revoked", actor=front_desk).count() == 1
