import pytest

from programs.models import Enrollment, Transition
from sessions.models import TherapySession
from tests.clock import ORDINARY, clinic_time
from tests.factories import EnrollmentFactory, PatientFactory, ProgramFactory
from tests.helpers import queries_for_page, registration_form

pytestmark = pytest.mark.django_db
TODAY = clinic_time(ORDINARY).date().isoformat()  # the conftest's clock


def test_a_counselor_steps_a_patient_down_from_the_chart(client, counselor, residential):
    iop = ProgramFactory(name="IOP - Day Track", level_of_care="2.1")
    client.force_login(counselor)

    response = client.post(
        f"/patients/{residential.patient_id}/transition/",
        {
            "to_program": iop.pk,
            "effective_on": TODAY,
            "reason": "Met residential goals.",
            "counselor": "",
            "override_reason": "",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Transition recorded." in page and "IOP - Day Track" in page
    journey = client.get(f"/patients/{residential.patient_id}/?section=journey").content.decode()
    assert "Step down on" in journey
    assert Transition.objects.get().kind == "step_down"


def test_a_broken_rule_shows_on_the_form_and_changes_nothing(client, counselor, residential):
    full = ProgramFactory(name="IOP - Evening", capacity=1)
    EnrollmentFactory(program=full)
    client.force_login(counselor)

    response = client.post(
        f"/patients/{residential.patient_id}/transition/",
        {
            "to_program": full.pk,
            "effective_on": TODAY,
            "reason": "Step down",
            "counselor": "",
            "override_reason": "",
        },
    )

    assert response.status_code == 200
    assert "IOP - Evening is full" in response.content.decode()
    residential.refresh_from_db()
    assert residential.is_active and not Transition.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"effective_on": "2099-01-01"}, "cannot be in the future"),
        ({"effective_on": "not a date"}, "Enter a valid date"),
        ({"reason": ""}, "This field is required"),
        ({"to_program": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_message_not_a_500(client, counselor, residential, data, message):
    iop = ProgramFactory()
    client.force_login(counselor)

    response = client.post(
        f"/patients/{residential.patient_id}/transition/",
        {
            "to_program": iop.pk,
            "effective_on": TODAY,
            "reason": "Step down",
            **data,
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()


def test_discharge_with_a_teds_reason(client, counselor, residential):
    client.force_login(counselor)

    client.post(f"/patients/{residential.patient_id}/discharge/", {"reason": "2", "discharged_on": TODAY, "note": ""})

    residential.refresh_from_db()
    assert (residential.status, residential.discharge_reason) == ("discharged", 2)


def test_admit_from_the_chart_and_refuse_over_capacity(client, counselor):
    patient = PatientFactory(primary_counselor=counselor)
    full = ProgramFactory(name="Full House", capacity=1)
    EnrollmentFactory(program=full)
    client.force_login(counselor)

    refused = client.post(f"/patients/{patient.pk}/admit/", {"program": full.pk, "admitted_on": TODAY})
    client.post(f"/patients/{patient.pk}/admit/", {"program": ProgramFactory().pk, "admitted_on": TODAY})

    assert "Full House is full" in refused.content.decode()
    assert Enrollment.objects.filter(patient=patient, status="active").count() == 1


def test_front_desk_cannot_discharge_but_can_book(client, front_desk, counselor, residential):
    client.force_login(front_desk)

    assert client.get(f"/patients/{residential.patient_id}/discharge/").status_code == 403
    response = client.post(
        f"/patients/{residential.patient_id}/book/",
        {
            "kind": "individual",
            "counselor": counselor.pk,
            "day": TODAY,
            "at": "23:30",
            "duration_minutes": "30",
            "location": "Office 4",
            "repeat_every_weeks": "0",
            "occurrences": "1",
        },
    )
    assert response.status_code == 302
    assert TherapySession.objects.filter(patient=residential.patient, kind="individual").exists()


def test_consent_is_recorded_and_revoked_from_the_chart(client, front_desk, residential):
    client.force_login(front_desk)
    url = f"/patients/{residential.patient_id}/consent/"

    client.post(url, {"action": "give"})
    residential.patient.refresh_from_db()
    assert residential.patient.has_reminder_consent
    client.post(url, {"action": "revoke"})
    residential.patient.refresh_from_db()
    assert not residential.patient.has_reminder_consent


@pytest.mark.parametrize("action", ["", "revokee", "GIVE"])
def test_a_garbled_consent_post_changes_nothing(client, front_desk, residential, action):
    client.force_login(front_desk)
    client.post(f"/patients/{residential.patient_id}/consent/", {"action": "give"})

    response = client.post(f"/patients/{residential.patient_id}/consent/", {"action": action}, follow=True)

    residential.patient.refresh_from_db()
    assert residential.patient.has_reminder_consent
    assert "nothing was changed" in response.content.decode()


def test_a_counselor_cannot_act_on_a_patient_outside_their_caseload(client, counselor):
    other = EnrollmentFactory()
    client.force_login(counselor)

    assert client.post(f"/patients/{other.patient_id}/discharge/", {"reason": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active


@pytest.mark.parametrize("action", ["admit", "transition", "discharge", "book"])
def test_the_action_pages_run_the_same_queries_for_2_and_40_programs_and_staff(client, supervisor, action):
    from tests.factories import UserFactory

    enrollment = EnrollmentFactory()
    patient = PatientFactory() if action == "admit" else enrollment.patient
    client.force_login(supervisor)
    ProgramFactory.create_batch(2)
    url = f"/patients/{patient.pk}/{action}/"
    with_two = queries_for_page(client, url)
    ProgramFactory.create_batch(38)
    UserFactory.create_batch(38, role="counselor")

    assert queries_for_page(client, url) == with_two


def registration(counselor, **overrides):
    return registration_form(counselor, reminder_consent="on") | overrides


def test_front_desk_registers_a_patient_in_the_staff_app(client, front_desk, counselor):
    from clinic.models import AuditEvent
    from patients.models import Patient, mrn_is_valid

    client.force_login(front_desk)

    response = client.post("/patients/new/", registration(counselor), follow=True)

    patient = Patient.objects.get()
    assert f"Registered with MRN {patient.mrn}." in response.content.decode()
    assert mrn_is_valid(patient.mrn) and patient.has_reminder_consent
    assert AuditEvent.objects.filter(action="patient.register", actor=front_desk).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_of_birth": "2999-01-01"}, "date of birth cannot be in the future"),
        ({"email": "", "reminder_consent": "on"}, "Reminder emails need an email address"),
        ({"legal_last_name": ""}, "This field is required"),
    ],
)
def test_bad_registrations_get_a_message_and_save_nothing(client, front_desk, counselor, overrides, message):
    from patients.models import Patient

    client.force_login(front_desk)

    response = client.post("/patients/new/", registration(counselor, **overrides))

    assert response.status_code == 200 and message in response.content.decode()
    assert not Patient.objects.exists()


def test_a_counselor_does_not_register_patients(client, counselor):
    client.force_login(counselor)

    assert client.get("/patients/new/").status_code == 403


def test_a_counselor_resolves_an_absence_review_from_the_chart(client, counselor, residential):
    from sessions.models import AbsenceReview

    review = AbsenceReview.objects.create(enrollment=residential, unexcused_absences=3)
    client.force_login(counselor)
    url = f"/patients/{residential.patient_id}/reviews/{review.pk}/resolve/"

    empty = client.post(url, {"outcome": " "}, follow=True)
    client.post(url, {"outcome": "Called; transport problem solved; stays in IOP."})

    assert "Write the outcome" in empty.content.decode()
    review.refresh_from_db()
    assert (review.resolved_by, review.outcome) == (counselor, "Called; transport problem solved; stays in IOP.")
    assert "Resolve review" not in client.get(f"/patients/{residential.patient_id}/").content.decode()
