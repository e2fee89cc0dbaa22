import pytest
from django.db import DatabaseError, connection, transaction

from clinic.audit import audit_record
from clinic.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_audit_row_cannot_be_changed_or_deleted_through_the_models(counselor):
    event = audit_record(actor=counselor, action="patient.view", patient_id=7)

    event.action = "patient.edited"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "patient.view"


@pytest.mark.postgres
def test_postgresql_refuses_to_change_audit_rows_even_in_raw_sql(counselor):
    event = audit_record(actor=counselor, action="patient.view", patient_id=7)

    for sql in ("UPDATE clinic_auditevent SET action = 'x'", "DELETE FROM clinic_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "patient.view"


def test_the_admin_shows_the_trail_read_only(client, administrator):
    event = audit_record(actor=administrator, action="patient.view", patient_id=7)
    client.force_login(administrator)

    assert client.get("/admin/clinic/auditevent/").status_code == 200
    assert client.get("/admin/clinic/auditevent/add/").status_code == 403
    client.post(f"/admin/clinic/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
