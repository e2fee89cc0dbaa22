import datetime

import pytest
from django.utils import timezone

from clinic.models import AuditEvent
from patients.models import Patient, mrn_is_valid
from patients.services import (
    PatientError,
    patient_give_reminder_consent,
    patient_register,
    patient_revoke_reminder_consent,
    patient_update,
)
from tests.clock import ORDINARY, clinic_time
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = clinic_time(ORDINARY).date()  # the conftest's clock, for parameters built before it is pinned


def register(user, **fields):
    defaults = dict(
        legal_first_name="Dana",
        legal_last_name="Whitfield",
        date_of_birth=datetime.date(1988, 4, 2),
        email="dana@example.com",
    )
    return patient_register(acting_user=user, **(defaults | fields))


def test_registration_gives_each_patient_a_unique_check_digited_mrn(front_desk):
    patients = [register(front_desk) for _ in range(25)]

    mrns = {p.mrn for p in patients}
    assert len(mrns) == 25
    assert all(mrn_is_valid(mrn) for mrn in mrns)


def test_a_mistyped_mrn_fails_its_check_digit():
    mrn = PatientFactory.build().mrn
    typo = mrn[:3] + str((int(mrn[3]) + 1) % 10) + mrn[4:]

    assert mrn_is_valid(mrn) and not mrn_is_valid(typo)


def test_registration_records_screening_counselor_and_consent(front_desk, counselor):
    patient = register(
        front_desk,
        primary_counselor=counselor,
        needs_withdrawal_management=True,
        asam_d1_withdrawal=3,
        asam_d6_environment=2,
        recommended_level="3.5",
        reminder_consent=True,
    )

    patient.refresh_from_db()
    assert patient.primary_counselor == counselor
    assert (patient.needs_withdrawal_management, patient.asam_d1_withdrawal, patient.recommended_level) == (
        True,
        3,
        "3.5",
    )
    assert patient.has_reminder_consent
    audit = AuditEvent.objects.get(action="patient.register")
    assert (audit.actor, audit.patient_id) == (front_desk, patient.pk)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date_of_birth": DAY + datetime.timedelta(days=1)}, "Date of birth: The date of birth cannot be in"),
        (
            {"asam_d3_emotional": 5},
            "ASAM dimension 3: Emotional, behavioral or cognitive conditions: Value 5 is not a valid choice",
        ),
        ({"email": "not-an-email"}, "Email: Enter a valid email address."),
        ({"intake_date": DAY + datetime.timedelta(days=3)}, "intake date cannot be in the future"),
        ({"legal_last_name": ""}, "Legal last name: This field cannot be blank."),
    ],
)
def test_bad_registration_data_is_refused_with_a_readable_message(front_desk, fields, message):
    with pytest.raises(PatientError) as error:
        register(front_desk, **fields)

    assert message.lower() in str(error.value).lower()
    assert not Patient.objects.exists()


def test_a_front_desk_user_cannot_be_a_primary_counselor(front_desk):
    with pytest.raises(PatientError, match="must be a counselor or a clinical supervisor"):
        register(front_desk, primary_counselor=UserFactory(role="front_desk"))


def test_consent_needs_an_email_address(front_desk):
    with pytest.raises(PatientError, match="need an email address"):
        register(front_desk, email="", reminder_consent=True)


def test_consent_can_be_revoked_and_given_again(front_desk):
    patient = register(front_desk, reminder_consent=True)

    patient_revoke_reminder_consent(acting_user=front_desk, patient=patient)
    patient.refresh_from_db()
    assert not patient.has_reminder_consent
    assert patient.reminder_consent_revoked_at is not None

    patient_give_reminder_consent(acting_user=front_desk, patient=patient)
    patient.refresh_from_db()
    assert patient.has_reminder_consent
    assert list(AuditEvent.objects.filter(patient_id=patient.pk).values_list("action", flat=True)) == [
        "patient.consent_given",
        "patient.consent_revoked",
        "patient.register",
    ]


def test_revoking_absent_consent_says_so(front_desk):
    with pytest.raises(PatientError, match="nothing to revoke"):
        patient_revoke_reminder_consent(acting_user=front_desk, patient=register(front_desk))


def test_an_update_is_validated_and_audited_with_field_names_only(front_desk):
    patient = register(front_desk)

    patient_update(acting_user=front_desk, patient=patient, phone="(555) 010-1234", preferred_name="Dee")
    with pytest.raises(PatientError):
        patient_update(acting_user=front_desk, patient=patient, date_of_birth=TODAY() + datetime.timedelta(days=9))

    audit = AuditEvent.objects.get(action="patient.update")
    assert audit.detail == {"fields": ["phone", "preferred_name"]}
    assert "010-1234" not in str(audit.detail)


def test_an_update_audits_only_the_fields_whose_value_changed(front_desk, counselor):
    patient = register(front_desk, phone="(555) 010-1234", primary_counselor=counselor)

    patient_update(
        acting_user=front_desk,
        patient=patient,
        phone="(555) 010-1234",
        primary_counselor=counselor,
        preferred_name="Dee",
        date_of_birth=datetime.date(1988, 4, 2),
    )

    assert AuditEvent.objects.get(action="patient.update").detail == {"fields": ["preferred_name"]}


def test_an_admin_edit_audits_the_fields_it_changed(client, front_desk, supervisor):
    patient = register(front_desk, phone="(555) 010-1234")
    client.force_login(supervisor)
    form = client.get(f"/admin/patients/patient/{patient.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(phone="(555) 010-9999", date_of_birth="1988-04-02", intake_date=str(patient.intake_date))

    response = client.post(f"/admin/patients/patient/{patient.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AuditEvent.objects.get(action="patient.update").detail == {"fields": ["phone"]}


def test_registering_needs_the_permission_whatever_page_calls_the_service(counselor):
    with pytest.raises(PatientError, match="Registering patients is for front desk, supervisors and administrators"):
        register(counselor)

    assert not Patient.objects.exists()
