"""The application's own database role cannot change, empty or unprotect the audit trail."""

import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from clinic.audit import audit_record
from clinic.models import AuditEvent
from patients.services import patient_update
from tests.factories import PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def app_role():
    """A role of this test's own: roles are shared by every database on the server."""
    role = f"clinic_app_test_{secrets.token_hex(4)}"
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def refused(statement: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_the_app_role_appends_to_the_audit_trail_but_cannot_change_empty_or_unprotect_it(app_role, counselor):
    patient = PatientFactory(primary_counselor=counselor)
    earlier = audit_record(actor=counselor, action="patient.view", patient_id=patient.pk)
    call_command("db_app_role", app_role)
    call_command("db_app_role", app_role)  # idempotent: run again after each migrate

    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role

    # Ordinary work: register, update, read, audit a list page.
    patient_update(acting_user=counselor, patient=patient, preferred_name="Dee")
    PatientFactory()
    event = audit_record(actor=counselor, action="patient.list", patient_ids=[patient.pk])
    assert set(AuditEvent.objects.about_patient(patient.pk)) >= {earlier, event}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session")

    for statement in (
        "UPDATE clinic_auditevent SET action = 'x'",
        "UPDATE clinic_auditeventpatient SET patient_id = 1",
        "DELETE FROM clinic_auditevent",
        "DELETE FROM clinic_auditeventpatient",
        "TRUNCATE clinic_auditevent CASCADE",
        "TRUNCATE clinic_auditeventpatient",
    ):
        refused(statement, "permission denied")
    for table in ("clinic_auditevent", "clinic_auditeventpatient"):
        refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
    refused("DELETE FROM django_migrations", "permission denied")
    assert AuditEvent.objects.filter(pk=earlier.pk).exists()


def test_the_command_refuses_the_owner_a_superuser_and_a_member_of_the_owner(app_role):
    owner = connection.settings_dict["USER"]
    with pytest.raises(CommandError, match="owns the tables"):
        call_command("db_app_role", owner)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{app_role}" SUPERUSER')
    with pytest.raises(CommandError, match="superuser"):
        call_command("db_app_role", app_role)
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER ROLE "{app_role}" NOSUPERUSER')
        cursor.execute(f'GRANT "{owner}" TO "{app_role}"')
    with pytest.raises(CommandError, match="member of"):
        call_command("db_app_role", app_role)
